"""tests/interop/py_peer.py -- a chat user on python-socketio (Debian's
python3-socketio) with default options, as the original desktop client
uses it: it starts with HTTP long-polling and upgrades to websocket.

Used in-process by test_interop.py (class Peer)."""
import threading
import time

import requests
import socketio


class Peer:
    def __init__(self, base, user, password, transports=None):
        self.base, self.user = base, user
        r = requests.post(base + "/log_in",
                          json={"username": user, "password": password},
                          timeout=10)
        body = r.json()
        if body.get("result") != "success":
            raise RuntimeError("login %s: %s" % (user, body))
        self.jwt = body["token"]
        self.events = []
        self.cond = threading.Condition()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("*", self._on_any)
        kw = {"transports": transports} if transports else {}
        self.sio.connect(base, wait_timeout=5, **kw)

    def _on_any(self, event, data=None):
        with self.cond:
            self.events.append((event, data))
            self.cond.notify_all()

    def wait(self, pred, timeout=10.0):
        """First event (name, data) with pred(name, data), or None."""
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                for ev in self.events:
                    if pred(*ev):
                        return ev
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def room(self, peer):
        return "&".join(sorted([self.user, peer]))

    def join(self, peer):
        return self.sio.call("join", {"room": self.room(peer),
                                      "client": self.user, "jwt": self.jwt},
                             timeout=5)

    def send(self, peer, content):
        return self.sio.call("client_sends_message",
                             {"sender": self.user, "content": content,
                              "conversation_room": self.room(peer),
                              "jwt": self.jwt}, timeout=5)

    def close(self):
        try:
            self.sio.emit("client_disconnection",
                          {"client": self.user, "jwt": self.jwt})
            time.sleep(0.1)
        finally:
            self.sio.disconnect()
