"""tests/deploy/helpvars.py -- the variables each service reads, from its
own config table (`<binary> --help`, printed by cmn_env_usage), shared by
the compose and docs checks."""
import os
import re
import subprocess

# compose service -> the binaries its image runs (auth's image also carries
# iseecubes-admin, run with `docker compose exec auth`)
SERVICE_BINARIES = {
    "auth": ["auth", "iseecubes-admin"],
    "gateway": ["gateway"],
    "presence": ["presence"],
    "relay": ["relay"],
    "ai-bridge": ["ai-bridge"],
}

LINE = re.compile(r"^  ([A-Z][A-Z0-9_]+)\s+(\S+)\s*(.*)$")


def help_vars(build, binary):
    """[(name, default, meaning)] from `binary --help`."""
    path = os.path.join(build, "bin", binary)
    out = subprocess.run([path, "--help"], capture_output=True, text=True,
                         timeout=10)
    if out.returncode != 0:
        raise RuntimeError("%s --help exited %d" % (path, out.returncode))
    rows = []
    for line in out.stdout.splitlines():
        m = LINE.match(line)
        if m:
            rows.append((m.group(1), m.group(2), m.group(3)))
    if not rows:
        raise RuntimeError("%s --help lists no variables" % path)
    return rows


def service_vars(build, service):
    names = []
    for b in SERVICE_BINARIES[service]:
        for name, _, _ in help_vars(build, b):
            if name not in names:
                names.append(name)
    return names
