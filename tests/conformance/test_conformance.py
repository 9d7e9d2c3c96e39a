"""tests/conformance/test_conformance.py -- the gateway's protocol engine
against the cases of the Engine.IO v4 and Socket.IO v5 protocol test
suites, written from the specs, one test per case, plus timer accuracy and
the session rules (duplicate GET/POST, aborted polls, unknown sids,
trailing-comma namespaces). The server is build/bin/gateway-conformance
(pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1000000, connect
timeout 1000 ms), started twice: raw Engine.IO echo on /engine.io/ and
the Socket.IO suite's app on /socket.io/.

Run: tests/conformance/run.sh BUILD"""
import json
import os
import socket
import subprocess
import sys
import threading
import time
import unittest

import requests
import websocket

BUILD = os.environ.get("BUILD", "build")
PING_INTERVAL, PING_TIMEOUT = 0.300, 0.200
SERVERS = {}


def start(mode):
    env = dict(os.environ, CONF_MODE=mode, CONF_PORT="0")
    p = subprocess.Popen([os.path.join(BUILD, "bin/gateway-conformance")],
                         env=env, stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()          # "listening port=N mode=..."
    port = int(line.split("port=")[1].split()[0])
    SERVERS[mode] = (p, port)


def url(mode, query, ws=False):
    port = SERVERS[mode][1]
    path = "/engine.io/" if mode == "engineio" else "/socket.io/"
    return "%s://127.0.0.1:%d%s?%s" % ("ws" if ws else "http", port, path,
                                       query)


def open_polling(mode):
    r = requests.get(url(mode, "EIO=4&transport=polling"), timeout=5)
    assert r.status_code == 200, r.status_code
    return json.loads(r.text[1:])["sid"]


def poll(mode, sid, timeout=5):
    return requests.get(url(mode, "EIO=4&transport=polling&sid=" + sid),
                        timeout=timeout)


def post(mode, sid, body):
    return requests.post(url(mode, "EIO=4&transport=polling&sid=" + sid),
                         data=body, timeout=5)


def ws_open(mode, query="EIO=4&transport=websocket"):
    w = websocket.create_connection(url(mode, query, ws=True), timeout=5)
    return w


def ws_recv(w):
    """Next message: str for text, bytes for binary."""
    op, data = w.recv_data()
    return data.decode() if op == websocket.ABNF.OPCODE_TEXT else data


def ws_recv_skip_pings(w):
    while True:
        m = ws_recv(w)
        if m != "2":
            return m


def ws_closed(w, timeout=3):
    """True when the server closes the websocket within timeout."""
    w.settimeout(timeout)
    try:
        while True:
            op, _ = w.recv_data(control_frame=True)
            if op == websocket.ABNF.OPCODE_CLOSE:
                return True
    except (websocket.WebSocketConnectionClosedException,
            ConnectionResetError, BrokenPipeError):
        return True
    except websocket.WebSocketTimeoutException:
        return False


class EngineIOHandshake(unittest.TestCase):
    def test_polling_opens_a_session(self):
        r = requests.get(url("engineio", "EIO=4&transport=polling"))
        self.assertEqual(r.status_code, 200)
        self.assertTrue(r.headers["content-type"].startswith("text/plain"))
        self.assertTrue(r.text.startswith("0"))
        v = json.loads(r.text[1:])
        self.assertEqual(set(v), {"sid", "upgrades", "pingInterval",
                                  "pingTimeout", "maxPayload"})
        self.assertIsInstance(v["sid"], str)
        self.assertEqual(v["upgrades"], ["websocket"])
        self.assertEqual(v["pingInterval"], 300)
        self.assertEqual(v["pingTimeout"], 200)
        self.assertEqual(v["maxPayload"], 1000000)

    def test_polling_fails_with_an_invalid_eio(self):
        for q in ("transport=polling", "EIO=abc&transport=polling",
                  "EIO=3&transport=polling"):
            r = requests.get(url("engineio", q))
            self.assertEqual(r.status_code, 400, q)
        self.assertEqual(r.json(), {"code": 5,
                                    "message": "Unsupported protocol version"})

    def test_polling_fails_with_an_invalid_transport(self):
        for q in ("EIO=4", "EIO=4&transport=abc"):
            r = requests.get(url("engineio", q))
            self.assertEqual(r.status_code, 400, q)
            self.assertEqual(r.json()["code"], 0)

    def test_polling_fails_with_an_invalid_method(self):
        q = url("engineio", "EIO=4&transport=polling")
        self.assertEqual(requests.post(q).status_code, 400)
        self.assertEqual(requests.put(q).status_code, 400)

    def test_websocket_opens_a_session(self):
        w = ws_open("engineio")
        m = ws_recv(w)
        self.assertTrue(m.startswith("0"))
        v = json.loads(m[1:])
        self.assertEqual(v["upgrades"], [])
        self.assertEqual((v["pingInterval"], v["pingTimeout"],
                          v["maxPayload"]), (300, 200, 1000000))
        w.close()

    def test_websocket_fails_with_an_invalid_eio_or_transport(self):
        for q in ("transport=websocket", "EIO=abc&transport=websocket",
                  "EIO=4"):
            try:
                w = ws_open("engineio", q)
            except (websocket.WebSocketException, ConnectionError):
                continue                    # refused at the upgrade: fine
            self.assertTrue(ws_closed(w), q)

    def test_unknown_sid_gets_400(self):
        r = poll("engineio", "nope")
        self.assertEqual(r.status_code, 400)
        self.assertEqual(r.json(), {"code": 1,
                                    "message": "Session ID unknown"})
        self.assertEqual(post("engineio", "nope", "4x").status_code, 400)


class EngineIOMessages(unittest.TestCase):
    def test_polling_one_text_packet_round_trip(self):
        sid = open_polling("engineio")
        r = post("engineio", sid, "4hello")
        self.assertEqual((r.status_code, r.text), (200, "ok"))
        self.assertEqual(poll("engineio", sid).text, "4hello")

    def test_polling_several_packets_round_trip(self):
        sid = open_polling("engineio")
        self.assertEqual(post("engineio", sid,
                              "4test1\x1e4test2\x1e4test3").text, "ok")
        self.assertEqual(poll("engineio", sid).text,
                         "4test1\x1e4test2\x1e4test3")

    def test_polling_text_and_binary_round_trip(self):
        sid = open_polling("engineio")
        self.assertEqual(post("engineio", sid, "4hello\x1ebAQIDBA==").text,
                         "ok")
        self.assertEqual(poll("engineio", sid).text, "4hello\x1ebAQIDBA==")

    def test_polling_invalid_packet_closes_the_session(self):
        sid = open_polling("engineio")
        self.assertEqual(post("engineio", sid, "abc").status_code, 400)
        self.assertEqual(poll("engineio", sid).status_code, 400)

    def test_duplicate_poll_closes_the_session(self):
        sid = open_polling("engineio")
        first = {}
        t = threading.Thread(target=lambda: first.update(r=poll("engineio",
                                                                sid)))
        t.start()
        time.sleep(0.02)
        second = requests.get(url("engineio",
                                  "EIO=4&transport=polling&t=burst&sid=" +
                                  sid))
        t.join()
        self.assertEqual(first["r"].status_code, 200)
        self.assertEqual(first["r"].text, "1")
        self.assertEqual(second.status_code, 400)
        self.assertEqual(poll("engineio", sid).status_code, 400)

    def test_duplicate_post_closes_the_session(self):
        """A second POST while the first one's body is still coming."""
        sid = open_polling("engineio")
        port = SERVERS["engineio"][1]
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(("POST /engine.io/?EIO=4&transport=polling&sid=%s "
                   "HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n4ab"
                   % sid).encode())
        time.sleep(0.05)
        r = post("engineio", sid, "4second")
        self.assertEqual(r.status_code, 400)
        s.close()
        self.assertEqual(poll("engineio", sid).status_code, 400)

    def test_aborted_poll_closes_the_session(self):
        sid = open_polling("engineio")
        # take the first ping, so the next poll is held
        self.assertEqual(poll("engineio", sid).text, "2")
        self.assertEqual(post("engineio", sid, "3").text, "ok")
        port = SERVERS["engineio"][1]
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(("GET /engine.io/?EIO=4&transport=polling&sid=%s "
                   "HTTP/1.1\r\nHost: x\r\n\r\n" % sid).encode())
        time.sleep(0.05)
        s.close()                       # the client gives up on its poll
        deadline = time.monotonic() + PING_INTERVAL + PING_TIMEOUT + 0.5
        while time.monotonic() < deadline:
            if poll("engineio", sid, timeout=1).status_code == 400:
                break
            time.sleep(0.02)
        else:
            self.fail("session survived its aborted poll")

    def test_websocket_text_and_binary_round_trip(self):
        w = ws_open("engineio")
        ws_recv(w)
        w.send("4hello")
        self.assertEqual(ws_recv_skip_pings(w), "4hello")
        w.send_binary(bytes([1, 2, 3, 4]))
        self.assertEqual(ws_recv_skip_pings(w), bytes([1, 2, 3, 4]))
        w.close()

    def test_websocket_invalid_packet_closes(self):
        w = ws_open("engineio")
        ws_recv(w)
        w.send("abc")
        self.assertTrue(ws_closed(w))

    def test_websocket_payload_over_max_payload_closes(self):
        w = ws_open("engineio")
        ws_recv(w)
        w.send("4" + "x" * 1000001)
        self.assertTrue(ws_closed(w))

    def test_polling_body_over_max_payload_gets_413(self):
        sid = open_polling("engineio")
        r = post("engineio", sid, "4" + "x" * 1000001)
        self.assertEqual(r.status_code, 413)
        self.assertEqual(poll("engineio", sid).status_code, 400)


class EngineIOHeartbeat(unittest.TestCase):
    def test_polling_ping_pong(self):
        sid = open_polling("engineio")
        for _ in range(3):
            r = poll("engineio", sid)
            self.assertEqual((r.status_code, r.text), (200, "2"))
            self.assertEqual(post("engineio", sid, "3").status_code, 200)

    def test_polling_ping_timeout_closes(self):
        sid = open_polling("engineio")
        time.sleep(PING_INTERVAL + PING_TIMEOUT + 0.05)
        self.assertEqual(poll("engineio", sid).status_code, 400)

    def test_websocket_ping_pong(self):
        w = ws_open("engineio")
        ws_recv(w)
        for _ in range(3):
            self.assertEqual(ws_recv(w), "2")
            w.send("3")
        w.close()

    def test_websocket_ping_timeout_closes(self):
        w = ws_open("engineio")
        ws_recv(w)
        self.assertTrue(ws_closed(w, timeout=2))

    def test_ping_timer_is_accurate(self):
        """The server pings pingInterval after the open and after each
        pong, and closes pingTimeout after an unanswered ping."""
        w = ws_open("engineio")
        ws_recv(w)
        t0 = time.monotonic()
        gaps = []
        for _ in range(3):
            self.assertEqual(ws_recv(w), "2")
            t1 = time.monotonic()
            gaps.append(t1 - t0)
            w.send("3")
            t0 = t1
        for g in gaps:
            self.assertGreater(g, PING_INTERVAL - 0.02)
            self.assertLess(g, PING_INTERVAL + 0.1)
        self.assertEqual(ws_recv(w), "2")
        t1 = time.monotonic()
        self.assertTrue(ws_closed(w, timeout=2))
        closed_after = time.monotonic() - t1
        self.assertGreater(closed_after, PING_TIMEOUT - 0.02)
        self.assertLess(closed_after, PING_TIMEOUT + 0.15)


class EngineIOCloseAndUpgrade(unittest.TestCase):
    def test_polling_client_close(self):
        sid = open_polling("engineio")
        self.assertEqual(poll("engineio", sid).text, "2")   # first ping
        held = {}
        t = threading.Thread(target=lambda: held.update(r=poll("engineio",
                                                               sid)))
        t.start()
        time.sleep(0.02)
        self.assertEqual(post("engineio", sid, "1").status_code, 200)
        t.join()
        self.assertEqual((held["r"].status_code, held["r"].text), (200, "6"))
        self.assertEqual(poll("engineio", sid).status_code, 400)

    def test_websocket_client_close(self):
        w = ws_open("engineio")
        ws_recv(w)
        w.send("1")
        self.assertTrue(ws_closed(w))

    def test_upgrade_from_polling(self):
        sid = open_polling("engineio")
        w = ws_open("engineio", "EIO=4&transport=websocket&sid=" + sid)
        w.send("2probe")
        self.assertEqual(ws_recv(w), "3probe")
        r = poll("engineio", sid)
        self.assertEqual((r.status_code, r.text), (200, "6"))
        w.send("5")
        w.send("4hello")
        self.assertEqual(ws_recv_skip_pings(w), "4hello")
        w.close()

    def test_polling_refused_after_upgrade(self):
        sid = open_polling("engineio")
        w = ws_open("engineio", "EIO=4&transport=websocket&sid=" + sid)
        w.send("2probe")
        w.send("5")
        self.assertEqual(ws_recv(w), "3probe")
        self.assertEqual(poll("engineio", sid).status_code, 400)
        w.send("4hello")
        self.assertEqual(ws_recv_skip_pings_noop(w), "4hello")
        w.close()

    def test_second_websocket_refused_after_upgrade(self):
        sid = open_polling("engineio")
        w = ws_open("engineio", "EIO=4&transport=websocket&sid=" + sid)
        w.send("2probe")
        w.send("5")
        self.assertEqual(ws_recv(w), "3probe")
        try:
            w2 = ws_open("engineio", "EIO=4&transport=websocket&sid=" + sid)
            self.assertTrue(ws_closed(w2))
        except (websocket.WebSocketException, ConnectionError):
            pass
        w.send("4hello")
        self.assertEqual(ws_recv_skip_pings_noop(w), "4hello")
        w.close()


def ws_recv_skip_pings_noop(w):
    while True:
        m = ws_recv(w)
        if m not in ("2", "6"):
            return m


def sio_connect(nsp_packet="40"):
    w = ws_open("socketio")
    ws_recv(w)                          # Engine.IO open
    w.send(nsp_packet)
    return w


class SocketIOConnect(unittest.TestCase):
    def test_main_namespace(self):
        w = sio_connect("40")
        m = ws_recv_skip_pings(w)
        self.assertTrue(m.startswith("40{"))
        self.assertEqual(set(json.loads(m[2:])), {"sid"})
        self.assertEqual(ws_recv_skip_pings(w), '42["auth",{}]')
        w.close()

    def test_main_namespace_with_payload(self):
        w = sio_connect('40{"token":"123"}')
        self.assertTrue(ws_recv_skip_pings(w).startswith("40{"))
        self.assertEqual(ws_recv_skip_pings(w), '42["auth",{"token":"123"}]')
        w.close()

    def test_custom_namespace_with_trailing_comma(self):
        w = sio_connect("40/custom,")
        m = ws_recv_skip_pings(w)
        self.assertTrue(m.startswith("40/custom,{"))
        self.assertEqual(set(json.loads(m[len("40/custom,"):])), {"sid"})
        self.assertEqual(ws_recv_skip_pings(w), '42/custom,["auth",{}]')
        w.close()

    def test_custom_namespace_with_payload(self):
        w = sio_connect('40/custom,{"token":"abc"}')
        self.assertTrue(ws_recv_skip_pings(w).startswith("40/custom,{"))
        self.assertEqual(ws_recv_skip_pings(w),
                         '42/custom,["auth",{"token":"abc"}]')
        w.close()

    def test_unknown_namespace_is_refused(self):
        w = sio_connect("40/random")
        self.assertEqual(ws_recv_skip_pings(w),
                         '44/random,{"message":"Invalid namespace"}')
        w.close()

    def test_invalid_handshake_closes(self):
        w = sio_connect("4abc")
        self.assertTrue(ws_closed(w))

    def test_no_connect_within_the_timeout_closes(self):
        w = ws_open("socketio")
        ws_recv(w)
        t0 = time.monotonic()
        while True:                      # answer pings, never CONNECT
            w.settimeout(3)
            try:
                m = ws_recv(w)
            except Exception:
                break
            if m == "2":
                w.send("3")
        took = time.monotonic() - t0
        self.assertGreater(took, 0.9)
        self.assertLess(took, 1.6)


def sio_session():
    w = sio_connect("40")
    ws_recv_skip_pings(w)               # CONNECT reply
    ws_recv_skip_pings(w)               # "auth" event
    return w


class SocketIOMessages(unittest.TestCase):
    def test_disconnect_from_main_namespace_closes(self):
        w = sio_session()
        w.send("41")
        self.assertTrue(ws_closed(w))

    def test_disconnect_from_custom_namespace_keeps_main(self):
        w = sio_session()
        w.send("40/custom")
        ws_recv_skip_pings(w)
        ws_recv_skip_pings(w)
        w.send("41/custom")
        w.send('42["message","message to main namespace"]')
        self.assertEqual(ws_recv_skip_pings(w),
                         '42["message-back","message to main namespace"]')
        w.close()

    def test_plain_event(self):
        w = sio_session()
        w.send('42["message",1,"2",{"3":[true]}]')
        self.assertEqual(ws_recv_skip_pings(w),
                         '42["message-back",1,"2",{"3":[true]}]')
        w.close()

    def test_event_keeps_json_bytes(self):
        w = sio_session()
        w.send('42["message",{"b":1,"a":"\\u00e9\\n"},[ ],1.50]')
        self.assertEqual(ws_recv_skip_pings(w),
                         '42["message-back",{"b":1,"a":"\\u00e9\\n"},[ ],1.50]')
        w.close()

    def test_binary_event(self):
        w = sio_session()
        w.send('452-["message",{"_placeholder":true,"num":0},'
               '{"_placeholder":true,"num":1}]')
        w.send_binary(bytes([1, 2, 3]))
        w.send_binary(bytes([4, 5, 6]))
        self.assertEqual(ws_recv_skip_pings(w),
                         '452-["message-back",{"_placeholder":true,"num":0},'
                         '{"_placeholder":true,"num":1}]')
        self.assertEqual(ws_recv_skip_pings(w), bytes([1, 2, 3]))
        self.assertEqual(ws_recv_skip_pings(w), bytes([4, 5, 6]))
        w.close()

    def test_event_with_ack(self):
        w = sio_session()
        w.send('42456["message-with-ack",1,"2",{"3":[false]}]')
        self.assertEqual(ws_recv_skip_pings(w), '43456[1,"2",{"3":[false]}]')
        w.close()

    def test_binary_event_with_ack(self):
        w = sio_session()
        w.send('452-789["message-with-ack",{"_placeholder":true,"num":0},'
               '{"_placeholder":true,"num":1}]')
        w.send_binary(bytes([1, 2, 3]))
        w.send_binary(bytes([4, 5, 6]))
        self.assertEqual(ws_recv_skip_pings(w),
                         '462-789[{"_placeholder":true,"num":0},'
                         '{"_placeholder":true,"num":1}]')
        self.assertEqual(ws_recv_skip_pings(w), bytes([1, 2, 3]))
        self.assertEqual(ws_recv_skip_pings(w), bytes([4, 5, 6]))
        w.close()

    def test_binary_event_over_polling(self):
        sid = open_polling("socketio")
        self.assertEqual(post("socketio", sid, "40").text, "ok")
        text = poll("socketio", sid).text     # CONNECT reply + auth event
        while text.count("\x1e") < 1:
            text += "\x1e" + poll("socketio", sid).text
        body = ('451-["message",{"_placeholder":true,"num":0}]'
                '\x1ebAQID')
        self.assertEqual(post("socketio", sid, body).text, "ok")
        got = poll("socketio", sid).text
        self.assertEqual(got, '451-["message-back",{"_placeholder":true,'
                              '"num":0}]\x1ebAQID')

    def test_invalid_packet_type_closes(self):
        w = sio_session()
        w.send("4abc")
        self.assertTrue(ws_closed(w))

    def test_invalid_payload_format_closes(self):
        w = sio_session()
        w.send("42{}")
        self.assertTrue(ws_closed(w))

    def test_invalid_ack_id_closes(self):
        w = sio_session()
        w.send('42abc["message-with-ack",1,"2",{"3":[false]}]')
        self.assertTrue(ws_closed(w))

    def test_invalid_utf8_closes(self):
        w = sio_session()
        w.send_binary(b"")  # keep-alive of the frame layer: harmless
        w.sock.send(b"\x81\x85" + b"\x00\x00\x00\x00" + b'42["\xff')
        self.assertTrue(ws_closed(w))


if __name__ == "__main__":
    start("engineio")
    start("socketio")
    try:
        result = unittest.main(exit=False, verbosity=2).result
    finally:
        for p, _ in SERVERS.values():
            p.terminate()
            p.wait(timeout=5)
    sys.exit(0 if result.wasSuccessful() else 1)
