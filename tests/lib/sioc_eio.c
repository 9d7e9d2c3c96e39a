/* sioc_eio.c -- Engine.IO v4 packet types and the open packet (see
 * sioc_eio.h). */
#include <string.h>

#include "cmn/cmn_err.h"
#include "cmn/cmn_json.h"
#include "sioc_eio.h"
#include "sioc_json.h"

int
sioc_eio_type(const char *p, size_t n)
{
    if (n == 0 || p[0] < '0' || p[0] > '6')
        return -1;
    return p[0] - '0';
}

static int
sioc_eio_get_long(struct cmn_json_span obj, const char *key, long *out,
                  int required, char *err)
{
    struct cmn_json_span v;
    int rc = cmn_json_get(obj, key, &v);

    if (rc == 0 && !required) {
        *out = 0;
        return 0;
    }
    if (rc != 1 || sioc_json_long(v.p, v.len, out) != 0) {
        cmn_errf(err, "open packet: %s %s", key,
                 rc == 1 ? "is not a non-negative integer" : "missing");
        return -1;
    }
    return 0;
}

int
sioc_eio_parse_open(const char *p, size_t n, struct sioc_eio_open *o,
                    char *err)
{
    struct cmn_json_span obj = sioc_json_trim(p, n);

    memset(o, 0, sizeof *o);
    if (cmn_json_validate(p, n) != 0 ||
        cmn_json_kind(obj) != CMN_JSON_OBJECT) {
        cmn_errf(err, "open packet: data is not a JSON object");
        return -1;
    }
    if (cmn_json_get_string(obj, "sid", o->sid, sizeof o->sid) <= 0) {
        cmn_errf(err, "open packet: sid missing, empty or too long");
        return -1;
    }
    if (sioc_eio_get_long(obj, "pingInterval", &o->ping_interval, 1,
                          err) != 0 ||
        sioc_eio_get_long(obj, "pingTimeout", &o->ping_timeout, 1,
                          err) != 0 ||
        sioc_eio_get_long(obj, "maxPayload", &o->max_payload, 0, err) != 0)
        return -1;
    return 0;
}
