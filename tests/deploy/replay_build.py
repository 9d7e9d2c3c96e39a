#!/usr/bin/python3
"""tests/deploy/replay_build.py -- the images' build, replayed on this
machine (Debian 12, like the images) without Docker.

  replay_build.py

1. The build context is made the way Docker makes it: the repository's
   working tree filtered by .dockerignore.
2. The shared build stage of deploy/docker/*.Dockerfile runs instruction by
   instruction in a scratch directory (/src and /out mapped into it):
   WORKDIR, COPY from the context, RUN; an apt-get RUN is checked instead
   (every package it names is installed here).
3. Each image's final stage: every COPY --from=build source exists in /out,
   the programs run (`--help`); the nginx image's config (render-nginx.sh
   with the image's prefix, with and without TRUSTED_PROXIES) passes
   `nginx -t`, and nginx starts on the same paths.
4. The images' programs run as their containers would: the ENTRYPOINT
   with the image's ENV (listening ports moved to free ones, Redis on
   loopback), as an unprivileged user, in a UTS namespace whose hostname
   is a container short id. Each becomes healthy per its own HEALTHCHECK
   command and stops cleanly on SIGTERM (its STOPSIGNAL). For the gateway:
   GW_ID is the hostname (the sid prefix nginx routes by), the probe also
   says unhealthy on a wrong path or a closed port, and a hostname that is
   not a short id or a bad GW_ID stops the entrypoint with exit code 2.
   (auth needs Postgres: the integration suite runs it.)
Exit 1 with one line per problem."""
import glob
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(__file__))
import lint_dockerfiles as lint  # noqa: E402

ROOT = lint.ROOT
problems = []


def bad(msg):
    problems.append(msg)
    print("replay: " + msg)


def make_context(dest):
    """Copy the working tree into dest as Docker's context would have it."""
    patterns = lint.read_dockerignore(ROOT)
    n = 0
    for dirpath, dirnames, filenames in os.walk(ROOT):
        rel_dir = os.path.relpath(dirpath, ROOT)
        if rel_dir == ".":
            rel_dir = ""
        # prune directories the patterns exclude and never re-include
        # (.git, build, var, ...)
        dirnames[:] = [d for d in dirnames
                       if lint.dockerignore_allows(os.path.join(rel_dir, d), patterns)
                       or any(p.startswith("!" + os.path.join(rel_dir, d) + "/")
                              for p in patterns)]
        for fn in filenames:
            rel = os.path.join(rel_dir, fn) if rel_dir else fn
            if lint.dockerignore_allows(rel, patterns):
                os.makedirs(os.path.join(dest, rel_dir), exist_ok=True)
                shutil.copy2(os.path.join(ROOT, rel), os.path.join(dest, rel))
                n += 1
    return n


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run_build_stage(stage, ctx, scratch):
    src = os.path.join(scratch, "src")
    out = os.path.join(scratch, "out")
    os.makedirs(src)
    cwd = scratch

    def mapped(p):
        return p.replace("/src", src, 1) if p.startswith("/src") else \
            p.replace("/out", out, 1) if p.startswith("/out") else p

    for line, kw, args in stage["instrs"]:
        if kw == "WORKDIR":
            cwd = mapped(args)
            os.makedirs(cwd, exist_ok=True)
        elif kw == "COPY":
            # Docker: a directory's contents go into dest; a file goes to
            # dest/<name> when dest ends with "/", else to dest itself
            words = args.split()
            dest = words[-1]
            target = mapped(dest) if dest.startswith("/") else os.path.join(cwd, dest)
            for s in words[:-1]:
                origin = os.path.join(ctx, s.rstrip("/"))
                if os.path.isdir(origin):
                    shutil.copytree(origin, target, dirs_exist_ok=True)
                elif os.path.isfile(origin):
                    if dest.endswith("/"):
                        os.makedirs(target, exist_ok=True)
                        shutil.copy2(origin, os.path.join(target, os.path.basename(s)))
                    else:
                        os.makedirs(os.path.dirname(target), exist_ok=True)
                        shutil.copy2(origin, target)
                else:
                    bad("line %d: COPY %s: not in the build context" % (line, s))
        elif kw == "RUN" and "apt-get install" in args:
            part = args.split("apt-get install", 1)[1].split("&&", 1)[0]
            for pkg in [w for w in part.split() if not w.startswith("-")]:
                st = subprocess.run(["dpkg-query", "-W", "-f=${Status}", pkg],
                                    capture_output=True, text=True).stdout
                if st != "install ok installed":
                    bad("line %d: package %s is not installed here (does it "
                        "exist in bookworm?)" % (line, pkg))
        elif kw == "RUN":
            cmd = args.replace("/out", out).replace(" /src", " " + src)
            t0 = time.time()
            r = subprocess.run(["sh", "-c", "set -e; " + cmd], cwd=cwd,
                               capture_output=True, text=True)
            if r.returncode != 0:
                bad("line %d: RUN failed (%d):\n%s%s" % (line, r.returncode,
                                                         r.stdout[-2000:], r.stderr[-3000:]))
                return out
            print("replay: line %d: RUN ok (%.0f s)" % (line, time.time() - t0))
        elif kw in ("ARG", "ENV", "LABEL"):
            pass
        else:
            bad("line %d: %s is not replayed; teach replay_build.py" % (line, kw))
    return out


def check_final_stages(out):
    for path in sorted(glob.glob(os.path.join(ROOT, "deploy/docker/*.Dockerfile"))):
        name = os.path.basename(path)
        st = lint.stages(lint.instructions(open(path).read()))
        final = st[-1]
        for line, kw, args in final["instrs"]:
            if kw == "COPY" and "--from=" in args:
                for s in [w for w in args.split() if not w.startswith("--")][:-1]:
                    if not os.path.exists(s.replace("/out", out, 1)):
                        bad("%s:%d: COPY --from=build %s: not produced"
                            % (name, line, s))
        for line, kw, args in final["instrs"]:
            if kw == "ENTRYPOINT":
                prog = lint.exec_form(args)[0]
                binary = os.path.join(out, "bin", prog)
                if prog in ("gateway-entrypoint", "nginx"):
                    continue
                r = subprocess.run([binary, "--help"], capture_output=True,
                                   text=True, timeout=10)
                if r.returncode != 0:
                    bad("%s: %s --help exits %d" % (name, prog, r.returncode))


def check_nginx_conf(scratch):
    """The nginx image renders its config with render-nginx.sh and the
    defaults (PREFIX aside); that config must pass nginx -t, with and
    without TRUSTED_PROXIES, and nginx must be started on the same paths."""
    df = open(os.path.join(ROOT, "deploy/docker/nginx.Dockerfile")).read()
    prefix_img, conf_img = "/var/lib/iseecubes/nginx", "/etc/iseecubes/nginx.conf"
    for want in ("PREFIX=%s" % prefix_img, "render-nginx.sh >%s" % conf_img,
                 "nginx -t -q -p %s -c %s" % (prefix_img, conf_img),
                 '"-p", "%s"' % prefix_img, '"-c", "%s"' % conf_img):
        if want not in df:
            bad("nginx.Dockerfile does not use %r" % want)
    for proxies in ("", "10.9.8.7 172.16.0.0/12"):
        env = {k: v for k, v in os.environ.items()
               if k not in ("LISTEN", "GATEWAY", "AUTH", "RESOLVER",
                            "RESOLVER_VALID", "ACCESS_LOG", "ERROR_LOG",
                            "WORKERS", "LOGIN_RATE", "LOGIN_BURST",
                            "GW_ROUTE_RE")}
        env.update(PREFIX=prefix_img, TRUSTED_PROXIES=proxies)
        r = subprocess.run(["sh", os.path.join(ROOT, "deploy/docker/render-nginx.sh")],
                           capture_output=True, text=True, env=env)
        conf = r.stdout
        if r.returncode != 0:
            bad("render-nginx.sh failed: %s" % r.stderr)
            continue
        for want in ("resolver 127.0.0.11 ", "listen 5000;",
                     "default gateway:8082;", "set $auth_upstream auth:8081;",
                     "$gw_route:8082;", "access_log /dev/stdout iseecubes;",
                     "error_log stderr warn;"):
            if want not in conf:
                bad("the image's nginx.conf lacks %r" % want)
        if proxies and "set_real_ip_from 172.16.0.0/12;" not in conf:
            bad("TRUSTED_PROXIES does not reach the config")
        prefix = os.path.join(scratch, "nginx")
        os.makedirs(os.path.join(prefix, "tmp"), exist_ok=True)
        os.makedirs(os.path.join(prefix, "logs"), exist_ok=True)
        test_conf = os.path.join(prefix, "nginx.conf")
        with open(test_conf, "w") as f:
            f.write(conf.replace(prefix_img, prefix)
                    .replace("listen 5000;", "listen 127.0.0.1:%d;" % free_port()))
        t = subprocess.run(["nginx", "-t", "-q", "-p", prefix, "-c", test_conf,
                            "-e", "stderr"], capture_output=True, text=True)
        if t.returncode != 0:
            bad("nginx -t rejects the image's config (TRUSTED_PROXIES=%r): %s"
                % (proxies, t.stderr))


def http_get(port, path):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path),
                                    timeout=2) as resp:
            return resp.status, resp.read().decode()
    except Exception as e:  # noqa: BLE001 -- any failure is "no answer"
        return None, str(e)


def wait_for(cond, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return False


def image_env(dockerfile, out):
    """The final stage's ENV, with image paths mapped into out."""
    st = lint.stages(lint.instructions(open(dockerfile).read()))
    env = {}
    for _, kw, args in st[-1]["instrs"]:
        if kw == "ENV":
            for m in re.finditer(r"([A-Za-z_][A-Za-z0-9_]*)=(\S*)", args):
                env[m.group(1)] = m.group(2).replace("/usr/share/iseecubes",
                                                     os.path.join(out, "share/iseecubes"))
    return env


def final_stage_cmds(dockerfile):
    """(ENTRYPOINT list, HEALTHCHECK CMD list) of the final stage."""
    st = lint.stages(lint.instructions(open(dockerfile).read()))
    entry = health = None
    for _, kw, args in st[-1]["instrs"]:
        if kw == "ENTRYPOINT":
            entry = lint.exec_form(args)
        elif kw == "HEALTHCHECK":
            health = lint.exec_form(re.search(r"\bCMD\s+(.*)$", args).group(1))
    return entry, health


def start_as(out, hostname, env, as_user, argv):
    """Run argv in a UTS namespace named hostname, as as_user, with only
    env (and PATH = the image's /usr/local/bin); returns the Popen."""
    full = {"PATH": os.path.join(out, "bin") + ":/usr/bin:/bin"}
    full.update(env)
    args = ["unshare", "--uts", "sh", "-c",
            'hostname "$1" && u=$2 && shift 2 && exec runuser -u "$u" -- env "$@"',
            "sh", hostname, as_user] + ["%s=%s" % kv for kv in full.items()] + argv
    return subprocess.Popen(args, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def stop_service(p, user, name):
    """SIGTERM the service (what docker stop sends, STOPSIGNAL) and expect
    a clean exit. runuser (p.pid) waits for its child, the service."""
    kids = subprocess.run(["pgrep", "-P", str(p.pid), "-u", user],
                          capture_output=True, text=True).stdout.split()
    if len(kids) != 1:
        bad("%s: no single process of %s under runuser (%s)" % (name, user, kids))
    for pid in kids:
        os.kill(int(pid), signal.SIGTERM)
    try:
        rc = p.wait(timeout=15)
        if rc != 0:
            bad("%s exited %d on SIGTERM: %s" % (name, rc, p.stdout.read()[-1500:]))
    except subprocess.TimeoutExpired:
        bad("%s did not stop within 15 s of SIGTERM" % name)
        p.kill()
        p.wait()


# what each image needs from outside: its health port variable and the
# listening ports moved to free ones, secrets
SERVICES = {
    "gateway": {"GW_BIND": "127.0.0.1", "GW_PORT": None, "GW_HEALTH_PORT": None,
                "JWT_SECRET": "x" * 40},
    "presence": {"PRESENCE_HEALTH_PORT": None},
    "relay": {"RELAY_HEALTH_PORT": None},
    "ai-bridge": {"AIB_HEALTH_PORT": None},
}


def run_image(out, name, rport, user, hostname="0a1b2c3d4e5f", extra=None):
    """Start image `name`'s ENTRYPOINT with its ENV the way the container
    would, wait until its HEALTHCHECK command passes. Returns (Popen, env,
    healthcheck argv) or None after reporting."""
    df = os.path.join(ROOT, "deploy/docker/%s.Dockerfile" % name)
    entry, health = final_stage_cmds(df)
    env = image_env(df, out)
    env.update(REDIS_HOST="127.0.0.1", REDIS_PORT=str(rport),
               HEALTH_BIND="127.0.0.1")
    for k, v in SERVICES[name].items():
        env[k] = v if v is not None else str(free_port())
    env.update(extra or {})
    # the dynamic loader reports what the service dlopen()s (libwebsockets
    # loads its event library plugins that way), per process
    traces = os.path.join(out, "ld-trace")
    os.makedirs(traces, exist_ok=True)
    os.chmod(traces, 0o1777)        # the service runs as `user`
    trace = os.path.join(traces, name)
    env_run = dict(env, LD_DEBUG="files", LD_DEBUG_OUTPUT=trace)
    p = start_as(out, hostname, env_run, user, entry)
    check = [os.path.join(out, "bin", health[0])] + health[1:]
    ok = wait_for(lambda: p.poll() is None and subprocess.run(
        check, env=env, capture_output=True).returncode == 0, 20)
    if not ok:
        if p.poll() is None:
            p.kill()
        p.wait()
        bad("%s: never healthy per its HEALTHCHECK %s: %s"
            % (name, health, p.stdout.read()[-1500:]))
        return None
    check_dlopened(name, df, trace, p)
    return p, env, check


def check_dlopened(name, dockerfile, trace, p):
    """Every object the service loaded with dlopen() must come from a
    package the image installs: ELF NEEDED entries are checked by
    check_image_libs.py, plugins are visible only at run time."""
    sys.path.insert(0, os.path.dirname(__file__))
    import check_image_libs as libs
    kids = subprocess.run(["pgrep", "-P", str(p.pid)], capture_output=True,
                          text=True).stdout.split()
    st = lint.stages(lint.instructions(open(dockerfile).read()))
    installed = libs.apt_packages(st[-1])
    for pid in kids:
        path = "%s.%s" % (trace, pid)
        if not os.path.exists(path):
            continue
        for m in re.finditer(r"file=(\S+) \[\d+\];\s+dynamically loaded by",
                             open(path, errors="replace").read()):
            pkg = libs.package_of(m.group(1))
            if pkg not in installed:
                bad("%s: loads %s at run time (package %s), which the image "
                    "does not install" % (name, m.group(1), pkg))


def check_images_run(out, scratch):
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        print("replay: SKIP running the images' programs (needs root for "
              "unshare --uts and runuser)")
        return
    user = "nobody"
    pwd.getpwnam(user)
    os.chmod(scratch, 0o755)
    rport = free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(rport), "--bind",
                              "127.0.0.1", "--save", "", "--appendonly", "no"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not wait_for(lambda: subprocess.run(
                ["redis-cli", "-p", str(rport), "ping"], capture_output=True,
                text=True).stdout.strip() == "PONG", 10):
            bad("redis for the image runs did not start")
            return
        for name in ("presence", "relay", "ai-bridge"):
            started = run_image(out, name, rport, user)
            if started:
                stop_service(started[0], user, name)
                print("replay: %s runs as %s, healthy, stops on SIGTERM" % (name, user))
        check_gateway(out, rport, user)
    finally:
        redis.terminate()
        redis.wait()


def check_gateway(out, rport, user):
    started = run_image(out, "gateway", rport, user)
    if not started:
        return
    p, env, check = started
    try:
        status, body = http_get(int(env["GW_PORT"]), "/socket.io/?EIO=4&transport=polling")
        if status != 200 or '"sid":"0a1b2c3d4e5f.' not in body:
            bad("GW_ID is not the hostname: handshake %s %s" % (status, body[:200]))
        probe = check[0]
        if subprocess.run(check + ["/nope"], env=env,
                          capture_output=True).returncode != 1:
            bad("probe: a 404 is not unhealthy")
        if subprocess.run([probe, str(free_port())],
                          capture_output=True).returncode != 1:
            bad("probe: a closed port is not unhealthy")
        if subprocess.run([probe], capture_output=True).returncode != 2:
            bad("probe: no argument is not a usage error")
        if subprocess.run([probe, "NO_SUCH_VAR"], capture_output=True,
                          env={}).returncode != 2:
            bad("probe: an unset variable is not a usage error")
    finally:
        stop_service(p, user, "gateway")
    print("replay: gateway runs as %s, GW_ID = hostname, probe right both ways"
          % user)
    entry = final_stage_cmds(os.path.join(ROOT, "deploy/docker/gateway.Dockerfile"))[0]
    for hostname, extra, why in [
            ("web-1", {}, "a hostname that is not a short id"),
            ("0a1b2c3d4e5f", {"GW_ID": "x" * 19}, "a GW_ID over 18 characters"),
            ("0a1b2c3d4e5f", {"GW_ID": "a.b"}, "a GW_ID with a dot")]:
        q = start_as(out, hostname, dict(env, **extra), user, entry)
        try:
            rc = q.wait(timeout=10)
        except subprocess.TimeoutExpired:
            q.kill()
            rc = None
        text = q.stdout.read()
        if rc != 2 or "gateway-entrypoint:" not in text:
            bad("entrypoint with %s: exit %s (want 2 and a message): %s"
                % (why, rc, text[:200]))


def main(argv):
    scratch = tempfile.mkdtemp(prefix="replay-build.")
    try:
        ctx = os.path.join(scratch, "context")
        n = make_context(ctx)
        print("replay: build context: %d files" % n)
        for secret in (".env", "var", "build", ".git"):
            if os.path.exists(os.path.join(ctx, secret)):
                bad("the build context contains %s" % secret)
        df = os.path.join(ROOT, "deploy/docker/gateway.Dockerfile")
        st = lint.stages(lint.instructions(open(df).read()))
        out = run_build_stage(st[0], ctx, scratch)
        if not problems:
            check_final_stages(out)
            check_nginx_conf(scratch)
            check_images_run(out, scratch)
    finally:
        if os.environ.get("REPLAY_KEEP"):
            print("replay: kept %s" % scratch)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    print("replay: %d problem(s)" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
