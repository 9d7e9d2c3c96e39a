#!/usr/bin/python3
"""deploy/docker/config-table.py -- the configuration table of
docs/deploy.md, made from the services' own config tables (`<binary>
--help`) and from how docker-compose.yml and the Dockerfiles set each
variable.

  deploy/docker/config-table.py [BUILD]            print the table
  deploy/docker/config-table.py [BUILD] --write    replace it in docs/deploy.md
                                                   (between the config-table
                                                   markers)
tests/deploy/check_docs.py checks that the docs list every variable with its
current default."""
import os
import re
import sys

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.join(ROOT, "tests", "deploy"))
import helpvars  # noqa: E402
import lint_dockerfiles as lint  # noqa: E402

BEGIN = "<!-- config-table:begin (deploy/docker/config-table.py --write) -->"
END = "<!-- config-table:end -->"
FIXED = {
    "GW_ID": "the container's hostname (`gateway-entrypoint`)",
    "GW_PATH": "not set: nginx routes `/socket.io/` only",
    "JWT_SECRET_FILE": "not set: the key is `JWT_SECRET`",
}


def compose_value(raw):
    """How a compose environment value reads in the table."""
    raw = str(raw)
    m = re.fullmatch(r"\$\{([A-Z0-9_]+)(?::?([-?])(.*))?\}", raw)
    if not m:
        return "`%s`" % raw
    var, op, default = m.group(1), m.group(2), m.group(3)
    if op == "?":
        return "`.env` %s (required)" % var
    if default:
        return "`.env` %s, else `%s`" % (var, default)
    return "`.env` %s" % var


def image_env(service):
    path = os.path.join(ROOT, "deploy/docker/%s.Dockerfile" % service)
    st = lint.stages(lint.instructions(open(path).read()))
    env = {}
    for _, kw, args in st[-1]["instrs"]:
        if kw == "ENV":
            for m in re.finditer(r"([A-Za-z_][A-Za-z0-9_]*)=(\S*)", args):
                env[m.group(1)] = m.group(2)
    return env


def table(build):
    compose = yaml.safe_load(open(os.path.join(ROOT, "docker-compose.yml")))
    out = []
    for service, binaries in helpvars.SERVICE_BINARIES.items():
        env = compose["services"][service].get("environment") or {}
        img = image_env(service)
        for b in binaries:
            out.append("")
            title = "`%s`" % b
            if b != service:
                title += " (in the %s image: `docker compose exec %s %s ...`)" \
                    % (service, service, b)
            out.append("#### %s" % title)
            out.append("")
            out.append("| variable | default | meaning | docker compose |")
            out.append("|---|---|---|---|")
            for name, default, meaning in helpvars.help_vars(build, b):
                if name in env:
                    how = compose_value(env[name])
                elif name in img:
                    how = "image: `%s`" % img[name]
                elif name in FIXED:
                    how = FIXED[name]
                elif b != service:
                    how = "as auth's" if name in (env.keys() | img.keys()) else "default"
                else:
                    how = "not set"
                meaning = meaning.replace("|", "\\|")
                out.append("| `%s` | `%s` | %s | %s |" % (name, default, meaning, how))
    return "\n".join(out).lstrip("\n") + "\n"


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    build = os.path.abspath(args[0] if args else os.path.join(ROOT, "build"))
    text = table(build)
    if "--write" not in argv:
        sys.stdout.write(text)
        return 0
    path = os.path.join(ROOT, "docs/deploy.md")
    doc = open(path).read()
    if BEGIN not in doc or END not in doc:
        print("config-table: markers not found in %s" % path)
        return 1
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(path, "w") as f:
        f.write(head + BEGIN + "\n" + text + END + tail)
    print("config-table: updated %s" % path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
