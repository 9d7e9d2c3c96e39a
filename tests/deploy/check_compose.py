#!/usr/bin/python3
"""tests/deploy/check_compose.py -- docker-compose.yml as Docker would run
it, checked without an engine: Debian's docker-compose (1.29) parses and
interpolates the file (`docker-compose config`), and the result is checked
service by service.

  check_compose.py BUILD [--self-test]

- the file does not parse without the secrets, and says how to make them
- every service we build has a build (from the repository root, with a
  Dockerfile in deploy/docker) and so a healthcheck (the lint checks the
  Dockerfiles' HEALTHCHECK); Postgres and Redis use bookworm images pinned
  to a version, with a compose healthcheck and a named volume; Leonid is
  the user's own image in profile "leonid"
- no published port except nginx's (5000); Postgres and Redis only on the
  internal network
- depends_on waits for health; Redis keeps an AOF fsynced every second
- the gateway: 2 replicas, nothing that breaks --scale (container_name,
  hostname, GW_ID, a published port)
- secrets come from .env: auth and the gateways share JWT_SECRET, auth's
  SQL_PASSWORD is Postgres's; OPENAI_API_KEY reaches ai-bridge when set
- every variable a service reads (its --help) is either passed in by the
  compose file, set by its Dockerfile, or fixed for a stated reason; every
  variable the file passes is one the service reads; .env.example lists
  every ${VARIABLE} the file uses; .env is git-ignored
Prints one line per problem; exit 1 if any. --self-test also runs the
checks on broken copies of the file and fails unless each is caught."""
import os
import re
import subprocess
import sys
import tempfile

import yaml

sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(__file__))
import helpvars  # noqa: E402
import lint_dockerfiles as lint  # noqa: E402

ROOT = lint.ROOT
OURS = ["auth", "gateway", "presence", "relay", "ai-bridge", "nginx"]
THIRD_PARTY = {"postgres": ("postgres", "/var/lib/postgresql/data"),
               "redis": ("redis", "/data")}
DEPENDS = {"auth": {"postgres", "redis"}, "gateway": {"redis"},
           "presence": {"redis"}, "relay": {"redis"}, "ai-bridge": {"redis"},
           "nginx": {"auth", "gateway"}}
# variables a service reads that compose deliberately does not pass
FIXED = {
    "GW_ID": "each replica's route id is its container hostname "
             "(gateway-entrypoint.sh)",
    "GW_PATH": "nginx routes /socket.io/ only",
    "JWT_SECRET_FILE": "the key comes from JWT_SECRET in .env",
    "MIGRATIONS_DIR": "set by the image (ENV)",
}

problems = []
COMPOSE = os.path.join(ROOT, "docker-compose.yml")
QUIET = False


def bad(msg):
    problems.append(msg)
    if not QUIET:
        print("compose: " + msg)


def compose_config(env_file, extra_env=None, profile=None):
    env = {k: v for k, v in os.environ.items()
           if k not in ("JWT_SECRET", "POSTGRES_PASSWORD", "OPENAI_API_KEY")}
    env.update(extra_env or {})
    cmd = ["docker-compose", "--project-directory", ROOT, "-f", COMPOSE]
    if env_file:
        cmd += ["--env-file", env_file]
    if profile:
        cmd += ["--profile", profile]
    cmd += ["config"]
    return subprocess.run(cmd, capture_output=True, text=True, env=env,
                          cwd=tempfile.gettempdir(), timeout=60)


def env_of(svc):
    env = svc.get("environment") or {}
    if isinstance(env, list):
        env = dict(e.split("=", 1) if "=" in e else (e, None) for e in env)
    return env


def read_env_file(path):
    values = {}
    for line in open(path):
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            k, v = line.split("=", 1)
            values[k] = v
    return values


def check_secrets_required(empty_env):
    out = compose_config(empty_env)
    if out.returncode == 0:
        bad("parses without JWT_SECRET/POSTGRES_PASSWORD: the secrets must "
            "be required")
    elif "gen-env.sh" not in out.stderr:
        bad("without secrets, the error does not say how to make them: %s"
            % out.stderr.strip()[:200])


def named_volume(v):
    """(volume, target) of a named-volume mount in either syntax, or None."""
    if isinstance(v, dict):
        return (v.get("source"), v.get("target")) if v.get("type") == "volume" \
            else None
    parts = str(v).split(":")
    if len(parts) >= 2 and parts[0] and parts[0][0] not in "/.~$":
        return parts[0], parts[1]
    return None


def check_service_shapes(services, declared):
    want = set(OURS) | set(THIRD_PARTY) | {"leonid"}
    if set(services) != want:
        bad("services %s, expected %s" % (sorted(services), sorted(want)))
    for name, svc in services.items():
        if "container_name" in svc:
            bad("%s: container_name stops --scale and reuse" % name)
        ports = svc.get("ports") or []
        if name != "nginx" and ports:
            bad("%s publishes %s: only nginx may" % (name, ports))
        if name in OURS:
            b = svc.get("build") or {}
            if os.path.realpath(b.get("context", "")) != os.path.realpath(ROOT):
                bad("%s: build context %r is not the repository root"
                    % (name, b.get("context")))
            df = b.get("dockerfile", "")
            if df != "deploy/docker/%s.Dockerfile" % name or \
                    not os.path.isfile(os.path.join(ROOT, df)):
                bad("%s: dockerfile %r (want deploy/docker/%s.Dockerfile)"
                    % (name, df, name))
            elif "HEALTHCHECK" not in open(os.path.join(ROOT, df)).read() \
                    and not svc.get("healthcheck"):
                bad("%s: no healthcheck (none in compose or its Dockerfile)"
                    % name)
            if (svc.get("healthcheck") or {}).get("disable"):
                bad("%s: healthcheck disabled" % name)
            if not str(svc.get("image", "")).startswith("iseecubes/%s:" % name):
                bad("%s: image %r is not iseecubes/%s:<tag>"
                    % (name, svc.get("image"), name))
        elif name in THIRD_PARTY:
            image, datadir = THIRD_PARTY[name]
            if not re.match(r"^%s:\d+(\.\d+)*-bookworm$" % image,
                            str(svc.get("image", ""))):
                bad("%s: image %r is not %s:<version>-bookworm"
                    % (name, svc.get("image"), image))
            hc = svc.get("healthcheck") or {}
            if not hc.get("test") or hc.get("disable") or \
                    list(hc.get("test"))[:1] == ["NONE"]:
                bad("%s: no healthcheck" % name)
            vols = [named_volume(v) for v in svc.get("volumes") or []]
            if not any(v and v[1] == datadir and v[0] in declared
                       for v in vols):
                bad("%s: no named volume at %s (got %s)"
                    % (name, datadir, svc.get("volumes")))
        elif name == "leonid":
            if svc.get("profiles") != ["leonid"]:
                bad("leonid: must be in profile leonid only (got %s)"
                    % svc.get("profiles"))


def port_mapping(p):
    """(published, target) of a port in either syntax."""
    if isinstance(p, dict):
        return str(p.get("published")), str(p.get("target"))
    parts = str(p).split("/")[0].split(":")
    return (parts[-2] if len(parts) >= 2 else None), parts[-1]


def check_nginx(services):
    ports = [port_mapping(p) for p in services.get("nginx", {}).get("ports") or []]
    if ports != [("5000", "5000")]:
        bad("nginx must publish 5000 -> 5000 by default, got %s" % ports)


def check_networks(cfg, services):
    nets = cfg.get("networks") or {}
    internal = {n for n, v in nets.items() if (v or {}).get("internal")}
    for name in THIRD_PARTY:
        on = set((services[name].get("networks") or {}).keys())
        if not on or not on <= internal:
            bad("%s must be only on internal networks, is on %s"
                % (name, sorted(on)))
    ng = set((services["nginx"].get("networks") or {}).keys())
    for name in THIRD_PARTY:
        if ng & set((services[name].get("networks") or {}).keys()):
            bad("nginx shares a network with %s" % name)
    for name in ("auth", "gateway"):
        ng = set((services["nginx"].get("networks") or {}).keys())
        if not ng & set((services[name].get("networks") or {}).keys()):
            bad("nginx shares no network with %s" % name)
    for name in ("auth", "gateway", "presence", "relay", "ai-bridge"):
        on = set((services[name].get("networks") or {}).keys())
        if not on & set((services["redis"].get("networks") or {}).keys()):
            bad("%s shares no network with redis" % name)
    ab = set((services["ai-bridge"].get("networks") or {}).keys())
    if not ab - internal:
        bad("ai-bridge has no network with a way out (OpenAI)")
    if not ab & set((services["leonid"].get("networks") or {}).keys()):
        bad("ai-bridge shares no network with leonid")


def check_depends(services):
    for name, deps in DEPENDS.items():
        got = services[name].get("depends_on") or {}
        if isinstance(got, list):
            bad("%s: depends_on without health conditions" % name)
            continue
        if set(got) != deps:
            bad("%s depends on %s, expected %s" % (name, sorted(got), sorted(deps)))
        for d, cond in got.items():
            if (cond or {}).get("condition") != "service_healthy":
                bad("%s -> %s: condition %s (want service_healthy)"
                    % (name, d, (cond or {}).get("condition")))


def check_redis(services):
    cmd = services["redis"].get("command") or []
    if isinstance(cmd, str):
        cmd = cmd.split()
    text = " ".join(str(c) for c in cmd)
    for want in ("--appendonly yes", "--appendfsync everysec", "--dir /data"):
        if want not in text:
            bad("redis command lacks %s: %s" % (want, text))


def check_gateway(services):
    gw = services["gateway"]
    if (gw.get("deploy") or {}).get("replicas") != 2:
        bad("gateway: deploy.replicas %s (want 2)"
            % (gw.get("deploy") or {}).get("replicas"))
    for key in ("hostname", "ports"):
        if gw.get(key):
            bad("gateway: %s breaks --scale / sticky routing" % key)
    if "GW_ID" in env_of(gw):
        bad("gateway: GW_ID in the environment would be shared by replicas")


def check_secret_values(services, values):
    jwt, pw = values["JWT_SECRET"], values["POSTGRES_PASSWORD"]
    for name in ("auth", "gateway"):
        if env_of(services[name]).get("JWT_SECRET") != jwt:
            bad("%s: JWT_SECRET is not .env's" % name)
    if env_of(services["auth"]).get("SQL_PASSWORD") != pw:
        bad("auth: SQL_PASSWORD is not .env's POSTGRES_PASSWORD")
    if env_of(services["postgres"]).get("POSTGRES_PASSWORD") != pw:
        bad("postgres: POSTGRES_PASSWORD is not .env's")
    for name, svc in services.items():
        if name not in ("auth", "gateway") and jwt in str(env_of(svc)):
            bad("%s receives JWT_SECRET, which it does not need" % name)
        if name not in ("auth", "postgres") and pw in str(env_of(svc)):
            bad("%s receives the database password, which it does not need"
                % name)
    text = open(COMPOSE).read()
    for var in ("JWT_SECRET", "POSTGRES_PASSWORD", "SQL_PASSWORD",
                "OPENAI_API_KEY"):
        for m in re.finditer(r"^\s*%s:\s*(\S.*)$" % var, text, re.M):
            if not m.group(1).startswith("${"):
                bad("docker-compose.yml sets %s to a literal" % var)


def check_openai_passthrough(env_file):
    out = compose_config(env_file, {"OPENAI_API_KEY": "sk-test-passthrough"})
    if out.returncode != 0:
        bad("config with OPENAI_API_KEY failed: %s" % out.stderr[:200])
        return
    svcs = yaml.safe_load(out.stdout)["services"]
    if env_of(svcs["ai-bridge"]).get("OPENAI_API_KEY") != "sk-test-passthrough":
        bad("OPENAI_API_KEY from the environment does not reach ai-bridge")
    for name, svc in svcs.items():
        if name != "ai-bridge" and "sk-test-passthrough" in str(env_of(svc)):
            bad("%s receives OPENAI_API_KEY" % name)


def dockerfile_env(name):
    text = open(os.path.join(ROOT, "deploy/docker/%s.Dockerfile" % name)).read()
    st = lint.stages(lint.instructions(text))
    return lint.env_names(st[-1])


def check_variables(services, build):
    for name in helpvars.SERVICE_BINARIES:
        reads = helpvars.service_vars(build, name)
        passed = set(env_of(services[name]))
        image = dockerfile_env(name)
        for var in reads:
            if var not in passed and var not in image and var not in FIXED:
                bad("%s reads %s, which compose neither passes nor fixes "
                    "(add it to docker-compose.yml, .env.example and "
                    "docs/deploy.md)" % (name, var))
        for var in passed | image:
            if var not in reads:
                bad("%s is given %s, which it does not read" % (name, var))


def check_env_example():
    example = read_env_file(os.path.join(ROOT, ".env.example"))
    text = open(COMPOSE).read()
    used = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", text))
    for var in sorted(used - set(example)):
        bad(".env.example does not list %s (used by docker-compose.yml)" % var)
    for var in ("JWT_SECRET", "POSTGRES_PASSWORD", "OPENAI_API_KEY"):
        if example.get(var, "") != "":
            bad(".env.example carries a value for %s" % var)
    rc = subprocess.run(["git", "-C", ROOT, "check-ignore", "-q", ".env"]).returncode
    if rc != 0:
        bad(".env is not git-ignored")
    tracked = subprocess.run(["git", "-C", ROOT, "ls-files", ".env"],
                             capture_output=True, text=True).stdout.strip()
    if tracked:
        bad(".env is committed")


def run_checks(build, full=True):
    """All checks on COMPOSE (full=False: without the extra docker-compose
    runs: secrets missing, OPENAI_API_KEY set, profile leonid); the number
    of problems."""
    del problems[:]
    tmp = tempfile.mkdtemp(prefix="compose-check.")
    env_file = os.path.join(tmp, ".env")
    empty = os.path.join(tmp, "empty.env")
    try:
        open(empty, "w").close()
        run_checks_in(build, env_file, empty, full)
    finally:
        for f in (env_file, empty):
            if os.path.exists(f):
                os.unlink(f)
        os.rmdir(tmp)
    return len(problems)


def run_checks_in(build, env_file, empty, full):
    gen = subprocess.run([os.path.join(ROOT, "deploy/docker/gen-env.sh"),
                          env_file], capture_output=True, text=True)
    if gen.returncode != 0:
        bad("gen-env.sh failed: %s" % gen.stderr)
        return
    mode = os.stat(env_file).st_mode & 0o777
    if mode != 0o600:
        bad("gen-env.sh wrote %s with mode %o" % (env_file, mode))
    if subprocess.run([os.path.join(ROOT, "deploy/docker/gen-env.sh"), env_file],
                      capture_output=True).returncode == 0:
        bad("gen-env.sh overwrote an existing file")
    values = read_env_file(env_file)
    if len(values.get("JWT_SECRET", "")) < 32 or not values.get("POSTGRES_PASSWORD"):
        bad("gen-env.sh did not generate the secrets: %s" % values)

    if full:
        check_secrets_required(empty)
    out = compose_config(env_file)
    if out.returncode != 0:
        bad("docker-compose config failed:\n" + out.stderr)
        return
    cfg = yaml.safe_load(out.stdout)
    services = cfg["services"]
    check_service_shapes(services, set(cfg.get("volumes") or {}))
    if set(services) != set(OURS) | set(THIRD_PARTY) | {"leonid"}:
        return
    check_nginx(services)
    check_networks(cfg, services)
    check_depends(services)
    check_redis(services)
    check_gateway(services)
    check_secret_values(services, values)
    check_variables(services, build)
    check_env_example()
    if full:
        check_openai_passthrough(env_file)
        if compose_config(env_file, profile="leonid").returncode != 0:
            bad("config --profile leonid failed")


# (what to replace, with what, a problem that must then be reported (None:
# any), whether the check needs the full run)
MUTATIONS = [
    ("  redis:\n    image: redis:7.2-bookworm\n",
     "  redis:\n    image: redis:7.2-bookworm\n    ports: [\"6379:6379\"]\n",
     "redis publishes"),
    ("image: postgres:15-bookworm", "image: postgres:latest",
     "is not postgres:<version>-bookworm"),
    ('    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -h 127.0.0.1 -U '
     'iseecubes -d iseecubes"]\n      interval: 5s\n      timeout: 3s\n'
     '      retries: 5\n      start_period: 60s\n', "",
     "postgres: no healthcheck"),
    ("      - everysec\n", "      - always\n", "lacks --appendfsync everysec"),
    ("    deploy:\n      replicas: 2\n", "    deploy:\n      replicas: 3\n",
     "deploy.replicas 3"),
    ("      ONLINE_SETTLE_MS: ${ONLINE_SETTLE_MS:-}\n",
     "      ONLINE_SETTLE_MS: ${ONLINE_SETTLE_MS:-}\n      GW_ID: g1\n",
     "GW_ID in the environment"),
    ("      AUTH_THREADS: ${AUTH_THREADS:-}\n", "", "reads AUTH_THREADS"),
    ("      AUTH_THREADS: ${AUTH_THREADS:-}\n",
     "      AUTH_THREADS: ${AUTH_THREADS:-}\n      AUTH_THREAD: \"4\"\n",
     "given AUTH_THREAD"),
    ("      OPENAI_API_KEY: ${OPENAI_API_KEY:-}\n", "      OPENAI_API_KEY: \"\"\n",
     "does not reach ai-bridge", True),
    ("      postgres:\n        condition: service_healthy\n",
     "      postgres:\n        condition: service_started\n",
     "condition service_started"),
    ("      dockerfile: deploy/docker/relay.Dockerfile\n",
     "      dockerfile: deploy/docker/relay2.Dockerfile\n", "relay: dockerfile"),
    ("  auth:\n    <<: *service\n", "  auth:\n    <<: *service\n    container_name: auth\n",
     "auth: container_name"),
    ("    networks:\n      - edge\n\n  # Leonid",
     "    networks:\n      - edge\n      - data\n\n  # Leonid",
     "nginx shares a network with"),
    ("POSTGRES_PASSWORD is not set; run deploy/docker/gen-env.sh",
     "POSTGRES_PASSWORD is not set", "say how to make them", True),
    ("    environment:\n      <<: *redis-env\n      KEEP_ALIVE",
     "    environment:\n      <<: *redis-env\n      JWT_SECRET: ${JWT_SECRET}\n      KEEP_ALIVE",
     "presence receives JWT_SECRET"),
]


def run_mutation(build, index):
    """Check the file with MUTATIONS[index] applied; 0 if it was caught."""
    global COMPOSE, QUIET
    m = MUTATIONS[index]
    old, new, want = m[:3]
    full = len(m) > 3 and m[3]
    original = open(COMPOSE).read()
    if old not in original:
        print("self-test: mutation target not found: %r" % old[:60])
        return 1
    tmp = tempfile.mkdtemp(prefix="compose-self-test.")
    COMPOSE = os.path.join(tmp, "docker-compose.yml")
    QUIET = True
    try:
        with open(COMPOSE, "w") as f:
            f.write(original.replace(old, new, 1))
        run_checks(build, full)
    finally:
        os.unlink(COMPOSE)
        os.rmdir(tmp)
    if any(want in p for p in problems):
        return 0
    print("self-test: missed %r -> %r (problems: %s)" % (old[:40], new[:40], problems))
    return 1


def self_test(build):
    """Each mutation in its own process, a few at a time."""
    from concurrent.futures import ThreadPoolExecutor

    def one(i):
        r = subprocess.run([sys.executable, os.path.abspath(__file__), build,
                            "--mutation", str(i)], capture_output=True,
                           text=True, timeout=300)
        sys.stdout.write(r.stdout)
        return r.returncode != 0

    with ThreadPoolExecutor(max_workers=3) as pool:
        failed = sum(pool.map(one, range(len(MUTATIONS))))
    print("compose self-test: %d mutation(s), %s" % (
        len(MUTATIONS), "all caught" if not failed else "%d MISSED" % failed))
    return failed


def main(argv):
    build = os.path.abspath(argv[0] if argv else os.path.join(ROOT, "build"))
    if "--mutation" in argv:
        return run_mutation(build, int(argv[argv.index("--mutation") + 1]))
    n = run_checks(build)
    print("compose: docker-compose.yml checked, %d problem(s)" % n)
    if n:
        return 1
    if "--self-test" in argv[1:] and self_test(build):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
