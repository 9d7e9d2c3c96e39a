"""tests/interop/test_interop.py -- stock Socket.IO clients against our
stack: two gateway replicas behind nginx, default client options.

  python-socketio (Debian), default options: polling, then websocket
  socket.io-client (npm, Node), default options: polling, then websocket
  socket.io-client forced to transports ['polling'] (no upgrade)

Each scenario: log in over HTTP, connect, join, see the peer's presence,
exchange messages with acks. Run: tests/interop/run.sh BUILD
"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import requests

sys.path.insert(0, os.path.dirname(__file__))
from py_peer import Peer  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
STACK = {}
COUNTER = [0]


def start_stack():
    d = tempfile.mkdtemp(prefix="iseecubes-interop.")
    env = dict(os.environ, GATEWAYS="2", STACK_FAST="1", BUILD=BUILD,
               STACK_PG_TEMPLATE=os.path.join(BUILD, "pg-template"))
    subprocess.run([os.path.join(ROOT, "deploy/stack.sh"), "start", d],
                   check=True, env=env, cwd=ROOT)
    with open(os.path.join(d, "stack.env")) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            STACK[k] = v.strip('"')
    STACK["dir"] = d
    STACK["base"] = "http://127.0.0.1:%s" % STACK["PUBLIC_PORT"]


def stop_stack():
    if "dir" in STACK:
        subprocess.run([os.path.join(ROOT, "deploy/stack.sh"), "stop",
                        STACK["dir"]], cwd=ROOT)
        if not os.environ.get("ITEST_KEEP"):
            subprocess.run(["rm", "-rf", STACK["dir"]])


def new_user(prefix):
    """A fresh user made with iseecubes-admin; returns (name, password)."""
    COUNTER[0] += 1
    name = "%s%d%d" % (prefix, os.getpid() % 1000, COUNTER[0])
    pw = "pw-%s-1234" % name
    env = dict(os.environ, **{k: v for k, v in STACK.items()
                              if k.isupper()})
    subprocess.run([os.path.join(BUILD, "bin/iseecubes-admin"), "add", name],
                   input=pw + "\n", text=True, check=True, env=env,
                   stdout=subprocess.DEVNULL)
    # routable once it is in the users mirror
    import redis_wait  # noqa: F401  (local helper below)
    redis_wait.until_user(STACK, name)
    return name, pw


class NodePeer:
    """socket.io-client in Node, running node_peer.js."""

    def __init__(self, user, password, peer, polling=False):
        args = ["node", os.path.join(os.path.dirname(__file__),
                                     "node_peer.js"),
                STACK["base"], user, password, peer]
        if polling:
            args.append("--polling")
        self.p = subprocess.Popen(args, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        line = self.p.stderr.readline()       # blocks until joined
        if line.strip() != "ready":
            out, err = self.p.communicate(timeout=5)
            raise RuntimeError("node peer: %r %s %s" % (line, out, err))

    def report(self, timeout=15):
        out, _ = self.p.communicate(timeout=timeout)
        return self.p.returncode, json.loads(out.strip().splitlines()[-1])


class Interop(unittest.TestCase):
    def chat_with_node(self, polling, py_transports=None):
        x, xpw = new_user("nx")
        y, ypw = new_user("py")
        node = NodePeer(x, xpw, y, polling=polling)
        py = Peer(STACK["base"], y, ypw, transports=py_transports)
        try:
            self.assertEqual(py.join(x), {"result": "success"})
            # online after the settle delay: our own new_user_online
            self.assertIsNotNone(py.wait(
                lambda n, d: n == "new_user_online" and
                d.get("username") == y), "never saw itself online")
            ack = py.send(x, "hello")
            self.assertIn(ack.get("result"), ("delivered", "cached"))
            self.assertTrue(ack.get("id"))
            got = py.wait(lambda n, d: n == "received_message" and
                          d.get("sender") == x and
                          d.get("content") == "echo: hello")
            self.assertIsNotNone(got, "no echo from the node peer")
            self.assertEqual(py.send(x, "bye").get("result"), "delivered")
            rc, rep = node.report()
        finally:
            py.close()
        self.assertEqual(rc, 0, rep)
        self.assertEqual(rep["errors"], [])
        self.assertEqual(rep["joined"], {"result": "success"})
        self.assertTrue(rep["peerOnline"], "node never saw the peer online")
        self.assertEqual(rep["received"], ["hello", "bye"])
        self.assertEqual([a["result"] for a in rep["acks"]], ["delivered"])
        return rep, py

    def test_python_default_and_node_default_chat(self):
        rep, py = self.chat_with_node(polling=False)
        self.assertTrue(rep["upgraded"], "node client did not upgrade")
        self.assertEqual(py.sio.transport(), "websocket")

    def test_node_polling_only_chats_with_python(self):
        rep, _ = self.chat_with_node(polling=True)
        self.assertEqual(rep["transport"], "polling")
        self.assertFalse(rep["upgraded"])

    def test_original_client_flow(self):
        """As the original desktop client: connect with defaults, fetch the
        contacts, emit one join per room in a burst (no acks), and only
        then register the event handlers. The settle delay must let it see
        its own new_user_online and the messages kept while it was
        offline."""
        a, apw = new_user("oa")
        b, bpw = new_user("ob")
        sender = Peer(STACK["base"], a, apw)
        self.assertEqual(sender.join(b), {"result": "success"})
        self.assertEqual(sender.send(b, "kept for you").get("result"),
                         "cached")
        jwt = requests.post(STACK["base"] + "/log_in",
                            json={"username": b, "password": bpw}).json()
        jwt = jwt["token"]
        contacts = requests.get(STACK["base"] + "/get_contacts_list/" + b,
                                headers={"username": b, "jwt": jwt}).json()
        self.assertIn(a, contacts["contacts"])
        import socketio
        sio = socketio.Client(reconnection=False)
        sio.connect(STACK["base"], wait_timeout=5)
        for room in contacts["contacts"].values():
            sio.emit("join", {"room": room, "client": b, "jwt": jwt})
        time.sleep(0.05)                 # handlers come a little later
        got = []
        cond = threading.Condition()

        def on_any(event, data=None):
            with cond:
                got.append((event, data))
                cond.notify_all()
        sio.on("*", on_any)
        end = time.monotonic() + 5
        want = {("new_user_online", b), ("received_message", "kept for you")}
        seen = set()
        with cond:
            while seen != want and time.monotonic() < end:
                cond.wait(0.2)
                for ev, d in got:
                    if ev == "new_user_online" and d.get("username") == b:
                        seen.add((ev, b))
                    if ev == "received_message" and \
                            d.get("content") == "kept for you":
                        seen.add((ev, "kept for you"))
        sio.disconnect()
        sender.close()
        self.assertEqual(seen, want)

    def test_polling_sessions_stay_on_their_replica(self):
        """Several python-socketio sessions forced to long-polling through
        nginx with two gateways: every request of a session must reach the
        replica that holds it, or the session would break (400)."""
        users = [new_user("pl") for _ in range(4)]
        peers = [Peer(STACK["base"], u, pw, transports=["polling"])
                 for u, pw in users]
        try:
            names = [u for u, _ in users]
            for i, p in enumerate(peers):
                self.assertEqual(p.join(names[(i + 1) % 4]),
                                 {"result": "success"})
            # the sids carry both replicas' route ids
            routes = {p.sio.eio.sid.split(".")[0] for p in peers}
            self.assertEqual(routes, {"g1", "g2"})
            for i, p in enumerate(peers):
                to = names[(i + 1) % 4]
                ack = p.send(to, "ring %d" % i)
                self.assertIn(ack.get("result"), ("delivered", "cached"))
            for i, p in enumerate(peers):
                frm = names[(i - 1) % 4]
                got = p.wait(lambda n, d: n == "received_message" and
                             d.get("sender") == frm and
                             d.get("content") == "ring %d" % ((i - 1) % 4))
                self.assertIsNotNone(got, "%s missed %s" % (names[i], frm))
                self.assertEqual(p.sio.transport(), "polling")
        finally:
            for p in peers:
                p.close()


if __name__ == "__main__":
    start_stack()
    try:
        r = unittest.main(exit=False, verbosity=2).result
    finally:
        stop_stack()
    sys.exit(0 if r.wasSuccessful() else 1)
