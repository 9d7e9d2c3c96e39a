#!/usr/bin/python3
"""tests/integration/replicas_poll.py -- helper of test_replicas.c: several
python-socketio clients (Debian's python3-socketio, run with /usr/bin/python3)
forced to HTTP long-polling chat in a ring through nginx.

  replicas_poll.py ACCESS_LOG BASE USER PASSWORD [USER PASSWORD ...]

Each user logs in, connects with transports=['polling'], joins the room of
the next user, then for ROUNDS rounds sends to the next user and waits for
the previous user's message. Every call must be acknowledged, every message
received, no session may drop and none may leave polling. Prints one
"SID <engine.io sid>" line per session and, before the clients leave,
"LOGMARK <size of nginx's ACCESS_LOG>" (test_replicas.c checks the log up
to there: what comes after is the sessions closing), then exits 0, or
prints what went wrong and exits 1."""
import os
import sys
import threading
import time

import requests
import socketio

ROUNDS = 4


class User:
    def __init__(self, base, name, password):
        self.name = name
        r = requests.post(base + "/log_in",
                          json={"username": name, "password": password},
                          timeout=10)
        body = r.json()
        if body.get("result") != "success":
            raise RuntimeError("login %s: %s" % (name, body))
        self.jwt = body["token"]
        self.got = []
        self.drops = 0
        self.cond = threading.Condition()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("received_message", self.on_message)
        self.sio.on("disconnect", self.on_disconnect)
        self.sio.connect(base, transports=["polling"], wait_timeout=5)

    def on_message(self, data):
        with self.cond:
            self.got.append(data)
            self.cond.notify_all()

    def on_disconnect(self):
        self.drops += 1

    def room(self, peer):
        return "&".join(sorted([self.name, peer]))

    def call(self, event, data):
        ack = self.sio.call(event, data, timeout=10)
        if not isinstance(ack, dict):
            raise RuntimeError("%s %s: ack %r" % (self.name, event, ack))
        return ack

    def wait_for(self, sender, content, timeout=10):
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                for m in self.got:
                    if m.get("sender") == sender and m.get("content") == content:
                        return True
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(left)


def main(argv):
    log, base, pairs = argv[0], argv[1], argv[2:]
    users = [User(base, pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)]
    n = len(users)
    ok = True
    try:
        for i, u in enumerate(users):
            peer = users[(i + 1) % n].name
            ack = u.call("join", {"room": u.room(peer), "client": u.name,
                                  "jwt": u.jwt})
            if ack != {"result": "success"}:
                print("join %s: %r" % (u.name, ack))
                ok = False
        for r in range(ROUNDS):
            for i, u in enumerate(users):
                peer = users[(i + 1) % n].name
                ack = u.call("client_sends_message",
                             {"sender": u.name, "content": "poll %d from %s" % (r, u.name),
                              "conversation_room": u.room(peer), "jwt": u.jwt})
                if ack.get("result") not in ("delivered", "cached"):
                    print("send %s round %d: %r" % (u.name, r, ack))
                    ok = False
            for i, u in enumerate(users):
                prev = users[(i - 1) % n].name
                if not u.wait_for(prev, "poll %d from %s" % (r, prev)):
                    print("%s never got round %d from %s" % (u.name, r, prev))
                    ok = False
        for u in users:
            if u.sio.transport() != "polling":
                print("%s left polling: %s" % (u.name, u.sio.transport()))
                ok = False
            if u.drops:
                print("%s was disconnected" % u.name)
                ok = False
            print("SID %s" % u.sio.eio.sid)
        # every request so far has been answered and logged: each call
        # waited for its ack, each message arrived
        print("LOGMARK %d" % os.path.getsize(log))
    finally:
        for u in users:
            u.sio.disconnect()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
