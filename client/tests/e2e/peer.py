#!/usr/bin/env python3
"""peer.py -- the other user in the GTK client's end-to-end test.

A stock python-socketio client driven the way the original desktop client
works: POST /log_in, connect (polling, then websocket upgrade), GET
/get_contacts_list/<user> with headers username + jwt, one 'join' per room,
'connection_alive' every few seconds. Optionally it first sends a message at
once (while the app's user is still offline: the server keeps it), then it
waits until the app's user is online, sends one message, and waits for
the answer. Exit 0 only if the
answer arrived. Everything it sees is printed, one line per event.
"""
import argparse
import sys
import threading
import time

import requests
import socketio


def log(*parts):
    print("peer:", *parts, flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--peer", required=True)
    ap.add_argument("--say-first", default=None,
                    help="send this at once, while the peer may be offline")
    ap.add_argument("--say", required=True)
    ap.add_argument("--expect", required=True)
    ap.add_argument("--timeout", type=float, default=60)
    a = ap.parse_args()
    deadline = time.monotonic() + a.timeout

    r = requests.post(a.server + "/log_in",
                      json={"username": a.user, "password": a.password},
                      timeout=10)
    token = r.json().get("token")
    if not token:
        log("login failed:", r.status_code, r.text)
        return 1
    log("logged in as", a.user)

    answered = threading.Event()
    stop = threading.Event()
    sio = socketio.Client()

    @sio.on("received_message")
    def on_message(m):
        log("received_message", m)
        if m.get("sender") == a.peer and a.expect in m.get("content", ""):
            answered.set()

    @sio.on("new_user_online")
    def on_online(m):
        log("new_user_online", m)

    @sio.on("user_has_gone_offline")
    def on_offline(m):
        log("user_has_gone_offline", m)

    sio.connect(a.server)
    headers = {"username": a.user, "jwt": token}

    def contacts():
        return requests.get(a.server + "/get_contacts_list/" + a.user,
                            headers=headers, timeout=10).json()

    book = contacts()
    for room in book["contacts"].values():
        sio.emit("join", {"room": room, "client": a.user, "jwt": token})

    def heartbeat():
        while not stop.wait(3):
            try:
                sio.emit("connection_alive", {"client": a.user})
            except Exception as e:  # the server may be gone at the end
                log("heartbeat:", e)

    threading.Thread(target=heartbeat, daemon=True).start()

    if a.say_first is not None:
        sio.emit("client_sends_message",
                 {"sender": a.user, "content": a.say_first,
                  "conversation_room": book["contacts"][a.peer], "jwt": token},
                 callback=lambda *ack: log("ack", ack))
        log("first message sent; %s online: %s" %
            (a.peer, a.peer in book.get("currently_online", [])))

    while a.peer not in contacts().get("currently_online", []):
        if time.monotonic() > deadline:
            log(a.peer, "never came online")
            return 1
        time.sleep(0.3)
    log(a.peer, "is online; sending")
    sio.emit("client_sends_message",
             {"sender": a.user, "content": a.say,
              "conversation_room": book["contacts"][a.peer], "jwt": token})

    ok = answered.wait(max(deadline - time.monotonic(), 1))
    log("answer received" if ok else "no answer")
    stop.set()
    sio.emit("client_disconnection", {"client": a.user, "jwt": token})
    time.sleep(0.3)
    sio.disconnect()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
