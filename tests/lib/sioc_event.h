/* sioc_event.h -- an incoming Socket.IO event or ack, as the caller sees
 * it: the decoded event name and spans of the JSON exactly as the server
 * sent it (cmn_json spans; the bytes are never re-encoded).
 *
 * In a callback the spans point into the connection's buffers and are
 * valid until the callback returns; sioc_event_copy() makes an owned copy
 * (the blocking API hands out such copies), freed by sioc_event_cleanup(). */
#ifndef SIOC_EVENT_H
#define SIOC_EVENT_H

#include <stddef.h>
#include <sys/types.h>

#include "cmn/cmn_json.h"

/* Event names longer than this (bytes, decoded) are dropped. */
#define SIOC_NAME_MAX 128

enum sioc_event_kind {
    SIOC_EVENT,      /* 42 (or 45, binary): ["name", args...] */
    SIOC_ACK         /* 43<id> (or 46): [args...] */
};

struct sioc_event {
    enum sioc_event_kind kind;
    char name[SIOC_NAME_MAX];  /* decoded name; "" for acks */
    long id;                   /* EVENT: ack id the server asks for, or -1;
                                * ACK: the id of our emit it answers */
    int argc;                  /* arguments, the name not counted */
    struct cmn_json_span data; /* the packet's array as received */
    struct cmn_json_span args; /* the arguments as a JSON array: "[a1,a2]"
                                * (the elements' bytes as received) */
    struct cmn_json_span arg0; /* first argument; {NULL, 0} when argc = 0 */
    long attachments;          /* binary attachments announced (45/46);
                                * their frames are dropped, the JSON keeps
                                * its {"_placeholder":true} objects */
    char *mem;                 /* owned storage of a copy, else NULL */
};

/* Make dst an owned copy of src (one allocation). 0, or -1 on OOM. */
int sioc_event_copy(struct sioc_event *dst, const struct sioc_event *src);

/* Free an owned copy and zero *ev. NULL-safe; harmless on views. */
void sioc_event_cleanup(struct sioc_event *ev);

/* The i-th argument (0-based). 1 = found, 0 = fewer arguments. */
int sioc_event_arg(const struct sioc_event *ev, int i,
                   struct cmn_json_span *out);

/* Convenience for tests: the string member `key` of the first argument,
 * decoded into out[cap]. Length, or -1 (no such string member). */
ssize_t sioc_event_str(const struct sioc_event *ev, const char *key,
                       char *out, size_t cap);

#endif
