#!/usr/bin/python3
"""tests/deploy/test_nginx_dns.py -- the nginx config docker compose runs
(deploy/docker/render-nginx.sh: the shared template in DNS mode), run here
against real gateways with a stand-in for Docker's DNS.

  test_nginx_dns.py BUILD

Docker's part is played by loopback: each gateway "container" listens on its
own address 127.77.0.N on the same port (as every replica listens on 8082),
its route id is a 12-hex-digit "hostname", and a small DNS server answers
the hostnames and the service names "gateway" (every replica) and "auth"
(a stand-in HTTP server) the way Docker's embedded DNS does. nginx runs the
rendered config with only the addresses changed (listen, resolver, ports).

Checked:
- nginx -t passes; /nginx-healthz answers; the HTTP API reaches "auth"
- python-socketio long-polling sessions (Debian's, /usr/bin/python3) spread
  over the replicas and every request of a session reaches the replica
  whose hostname starts its sid (nginx's log: upstream=)
- a replica added to DNS ("--scale gateway=3") gets new sessions, no reload
- a replica killed and dropped from DNS: new sessions all succeed at once
  (a stale address is refused and nginx tries the next), a request with its
  sid fails fast, and no new session lands on it
- a sid whose prefix is not a short id is never looked up (no SSRF through
  the resolver): it goes to the service name and gets the gateway's 400
Exit 0 on success; one line per failure."""
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import socketio

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
failures = []


def fail(msg):
    failures.append(msg)
    print("nginx-dns: FAIL " + msg, flush=True)


def note(msg):
    print("nginx-dns: " + msg, flush=True)


def free_port(host="0.0.0.0"):
    s = socket.socket()
    s.bind((host, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(cond, timeout, step=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(step)
    return False


class DnsStub(threading.Thread):
    """Answers A queries from self.records (name -> [ip]); NXDOMAIN for
    other names, like Docker's DNS for a container that is gone."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.lock = threading.Lock()
        self.records = {}
        self.queries = []

    def set(self, name, ips):
        with self.lock:
            if ips:
                self.records[name] = list(ips)
            else:
                self.records.pop(name, None)

    def run(self):
        while True:
            try:
                data, addr = self.sock.recvfrom(512)
            except OSError:
                return
            try:
                self.sock.sendto(self.answer(data), addr)
            except (OSError, ValueError, IndexError, struct.error):
                continue

    def answer(self, q):
        qid, _flags, qd = struct.unpack(">HHH", q[:6])
        i, labels = 12, []
        while q[i]:
            n = q[i]
            labels.append(q[i + 1:i + 1 + n].decode().lower())
            i += 1 + n
        qtype = struct.unpack(">H", q[i + 1:i + 3])[0]
        question = q[12:i + 5]
        name = ".".join(labels)
        with self.lock:
            self.queries.append(name)
            ips = self.records.get(name)
        if ips is None:
            return struct.pack(">HHHHHH", qid, 0x8183, 1, 0, 0, 0) + question
        answers = b""
        count = 0
        if qtype == 1:
            for ip in ips:
                answers += struct.pack(">HHHIH", 0xC00C, 1, 1, 600, 4) + \
                    socket.inet_aton(ip)
                count += 1
        return struct.pack(">HHHHHH", qid, 0x8180, 1, count, 0, 0) + \
            question + answers


class FakeAuth(BaseHTTPRequestHandler):
    def reply(self):
        body = json.dumps({"via": "auth", "path": self.path}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 -- the http.server API
        self.reply()

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.reply()

    def log_message(self, *args):
        pass


class Stack:
    def __init__(self, build, tmp):
        self.build, self.tmp = build, tmp
        self.procs = {}
        self.dns = DnsStub()
        self.dns.start()
        self.gw_port = free_port()
        self.redis_port = free_port("127.0.0.1")
        self.public = free_port("127.0.0.1")
        self.gateways = {}           # hostname -> (ip, health port)

    def start_redis(self):
        self.procs["redis"] = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind",
             "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return wait_for(lambda: subprocess.run(
            ["redis-cli", "-p", str(self.redis_port), "ping"],
            capture_output=True, text=True).stdout.strip() == "PONG", 10)

    def start_gateway(self, host, ip):
        hport = free_port("127.0.0.1")
        env = dict(os.environ, GW_ID=host, GW_BIND=ip, GW_PORT=str(self.gw_port),
                   HEALTH_BIND="127.0.0.1", GW_HEALTH_PORT=str(hport),
                   REDIS_HOST="127.0.0.1", REDIS_PORT=str(self.redis_port),
                   JWT_SECRET="k" * 40, LOG_LEVEL="warn")
        log = open(os.path.join(self.tmp, "gw-%s.log" % host), "w")
        self.procs[host] = subprocess.Popen(
            [os.path.join(self.build, "bin", "gateway")], env=env,
            stdout=log, stderr=subprocess.STDOUT)
        ok = wait_for(lambda: http_status("http://127.0.0.1:%d/healthz" % hport) == 200, 15)
        if ok:
            self.gateways[host] = (ip, hport)
            self.dns.set(host, [ip])
            self.dns.set("gateway", [g[0] for g in self.gateways.values()])
        return ok

    def kill_gateway(self, host):
        # what Docker does when a replica dies: the process is gone and its
        # names leave the DNS
        self.procs[host].send_signal(signal.SIGKILL)
        self.procs[host].wait()
        ip = self.gateways.pop(host)[0]
        self.dns.set(host, None)
        self.dns.set("gateway", [g[0] for g in self.gateways.values()])
        return ip

    def start_auth(self, ip):
        self.auth_port = free_port()
        srv = ThreadingHTTPServer((ip, self.auth_port), FakeAuth)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        self.auth_srv = srv
        self.dns.set("auth", [ip])

    def start_nginx(self):
        prefix = os.path.join(self.tmp, "nginx")
        os.makedirs(os.path.join(prefix, "tmp"))
        os.makedirs(os.path.join(prefix, "logs"))
        self.access_log = os.path.join(prefix, "logs", "access.log")
        env = dict(os.environ, PREFIX=prefix, LISTEN="127.0.0.1:%d" % self.public,
                   GATEWAY="gateway:%d" % self.gw_port, AUTH="auth:%d" % self.auth_port,
                   RESOLVER="127.0.0.1:%d" % self.dns.port, RESOLVER_VALID="1s",
                   ACCESS_LOG=self.access_log,
                   ERROR_LOG=os.path.join(prefix, "logs", "error.log"))
        conf = subprocess.run([os.path.join(ROOT, "deploy/docker/render-nginx.sh")],
                              env=env, capture_output=True, text=True)
        if conf.returncode != 0:
            fail("render-nginx.sh: %s" % conf.stderr)
            return False
        self.conf = os.path.join(prefix, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(conf.stdout)
        t = subprocess.run(["nginx", "-t", "-q", "-p", prefix, "-c", self.conf,
                            "-e", "stderr"], capture_output=True, text=True)
        if t.returncode != 0:
            fail("nginx -t: %s" % t.stderr)
            return False
        self.procs["nginx"] = subprocess.Popen(
            ["nginx", "-g", "daemon off;", "-p", prefix, "-c", self.conf, "-e",
             os.path.join(prefix, "logs", "early.log")])
        return wait_for(lambda: http_status(self.url("/nginx-healthz")) == 200, 10)

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.public, path)

    def stop(self):
        for name, p in self.procs.items():
            if p.poll() is None:
                p.send_signal(signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
        for p in self.procs.values():
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if getattr(self, "auth_srv", None):
            self.auth_srv.shutdown()


def http_status(url, data=None, timeout=5):
    try:
        with urllib.request.urlopen(url, data=data, timeout=timeout) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


def http_body(url, data=None):
    req = urllib.request.Request(url, data=data,
                                 headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.loads(r.read())


def polling_session(stack, rounds=3):
    """A python-socketio client on long-polling: connect, `rounds` join
    calls answered by the gateway (each a POST and a held GET with the
    sid). Returns (engine.io sid, error or None, client)."""
    sio = socketio.Client(reconnection=False)
    events = []
    sio.on("disconnect", lambda: events.append("disconnect"))
    try:
        sio.connect(stack.url(""), transports=["polling"], wait_timeout=5)
        sid = sio.eio.sid
        for _ in range(rounds):
            ack = sio.call("join", {"room": "a&b", "client": "a", "jwt": "bad"},
                           timeout=5)
            if not isinstance(ack, dict) or "error" not in ack:
                return sid, "join ack %r" % (ack,), sio
        if events:
            return sid, "disconnected", sio
        return sid, None, sio
    except Exception as e:  # noqa: BLE001 -- report any client failure
        return getattr(sio.eio, "sid", None), "%s: %s" % (type(e).__name__, e), sio


def log_lines(stack, start=0):
    with open(stack.access_log) as f:
        return f.read().splitlines()[start:]


def check_sticky(stack, lines, hosts):
    """Every /socket.io/ request with a sid went to the replica the sid
    names; returns the number of such requests."""
    n = 0
    for line in lines:
        m = re.search(r'"(?:GET|POST) /socket\.io/\?[^"]*sid=([^&" ]+)[^"]*" (\d+) .*'
                      r'upstream=(\S+)', line)
        if not m:
            continue
        sid, status, upstream = m.group(1), m.group(2), m.group(3)
        host = sid.split(".")[0]
        if host not in hosts:
            continue
        n += 1
        want = "%s:%d" % (hosts[host], stack.gw_port)
        if upstream != want or status != "200":
            fail("sid %s: status %s via %s, want 200 via %s"
                 % (sid, status, upstream, want))
    return n


def main(argv):
    build = os.path.abspath(argv[0] if argv else os.path.join(ROOT, "build"))
    tmp = tempfile.mkdtemp(prefix="nginx-dns.")
    stack = Stack(build, tmp)
    clients = []
    try:
        if not stack.start_redis():
            fail("redis did not start")
            return 1
        for host, ip in (("0000000000a1", "127.77.0.2"), ("0000000000b2", "127.77.0.3")):
            if not stack.start_gateway(host, ip):
                fail("gateway %s did not start (%s)" % (host, tmp))
                return 1
        stack.start_auth("127.77.0.9")
        if not stack.start_nginx():
            fail("nginx did not start with the compose config (%s)" % tmp)
            return 1
        note("nginx (compose config) up on %s, resolver 127.0.0.1:%d"
             % (stack.url(""), stack.dns.port))

        # the HTTP API goes to "auth", looked up in DNS
        body = http_body(stack.url("/log_in"), b'{"username":"x","password":"y"}')
        if body.get("via") != "auth" or body.get("path") != "/log_in":
            fail("/log_in did not reach auth: %s" % body)
        body = http_body(stack.url("/get_contacts_list/Lisa"))
        if body.get("path") != "/get_contacts_list/Lisa":
            fail("/get_contacts_list did not reach auth: %s" % body)

        # long-polling sessions spread over both replicas and stay on theirs
        hosts = {h: g[0] for h, g in stack.gateways.items()}
        seen, n = set(), 0
        while (len(seen) < 2 or n < 6) and n < 40:
            sid, err, sio = polling_session(stack)
            clients.append(sio)
            n += 1
            if err:
                fail("polling session %d (%s): %s" % (n, sid, err))
                break
            seen.add(sid.split(".")[0])
        if seen != set(hosts):
            fail("sessions reached %s, want both %s" % (sorted(seen), sorted(hosts)))
        checked = check_sticky(stack, log_lines(stack), hosts)
        if checked < 6 * 3:
            fail("only %d polling requests with a sid in the log" % checked)
        note("%d polling sessions, %d requests with a sid checked" % (n, checked))

        # scale up: a third replica appears in DNS; no reload
        if not stack.start_gateway("0000000000c3", "127.77.0.4"):
            fail("gateway 3 did not start")
            return 1
        hosts = {h: g[0] for h, g in stack.gateways.items()}
        t0 = time.time()
        landed = False
        # until nginx's resolver cache (valid=) lets it see the new name;
        # bounded by time, not by count: a fast machine opens 60 sessions
        # well within one cache period
        while time.time() - t0 < 20:
            sid, err, sio = polling_session(stack, rounds=1)
            clients.append(sio)
            if err:
                fail("session after scale-up: %s" % err)
                break
            if sid.startswith("0000000000c3."):
                landed = True
                break
        if not landed:
            fail("no new session reached the added replica")
        else:
            note("the added replica got a session after %.1f s" % (time.time() - t0))

        # a replica dies: Docker drops its names; stale answers are refused
        old_sid = next((c.eio.sid for c in clients
                        if c.eio.sid and c.eio.sid.startswith("0000000000a1.")),
                       "0000000000a1.none")
        for c in clients:
            c.disconnect()
        clients = []
        stack.kill_gateway("0000000000a1")
        hosts = {h: g[0] for h, g in stack.gateways.items()}
        mark = len(log_lines(stack))
        before_kill = len(failures)
        t0 = time.time()
        status = http_status(stack.url("/socket.io/?EIO=4&transport=polling&sid=" + old_sid))
        took = time.time() - t0
        if status != 502 or took > 5:
            fail("a request for the dead replica's session: %s after %.1f s "
                 "(want 502, fast)" % (status, took))
        for i in range(20):
            sid, err, sio = polling_session(stack, rounds=1)
            clients.append(sio)
            if err:
                fail("session %d right after the kill: %s" % (i, err))
                break
            if sid.startswith("0000000000a1."):
                fail("a new session reached the dead replica")
        check_sticky(stack, log_lines(stack, mark), hosts)
        if len(failures) == before_kill:
            note("after the kill: 20 new sessions, all on live replicas")

        # no lookup of names a client makes up
        before = list(stack.dns.queries)
        status = http_status(stack.url("/socket.io/?EIO=4&transport=polling&sid=postgres.x"))
        if status != 400:
            fail("sid postgres.x: status %s (want the gateway's 400)" % status)
        if "postgres" in stack.dns.queries[len(before):]:
            fail("nginx looked up a name taken from a client's sid")
    finally:
        for c in clients:
            try:
                c.disconnect()
            except Exception:  # noqa: BLE001
                pass
        stack.stop()
        if failures or os.environ.get("NGINX_DNS_KEEP"):
            note("logs kept in %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    note("%s" % ("passed" if not failures else "%d failure(s)" % len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
