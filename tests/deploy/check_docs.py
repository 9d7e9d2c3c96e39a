#!/usr/bin/python3
"""tests/deploy/check_docs.py -- docs/deploy.md keeps up with the services.

  check_docs.py BUILD

- every variable each service reads (its --help) has a row in the
  configuration table, with the default the service really has
  (deploy/docker/config-table.py --write regenerates the table)
- the sections the issue asks for are there: compose up, scaling,
  configuration, backups (pg_dump, the AOF), upgrading, TLS in front (a
  server block with certificates)
- every file and command the page names as ours exists
Exit 1 with one line per problem."""
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(__file__))
import helpvars  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SECTIONS = ["docker compose up", "--scale gateway=", "pg_dump", "pg_restore",
            "appendonlydir", "ssl_certificate ", "ssl_certificate_key",
            "listen 443 ssl", "## Upgrading", "## Backups", "## Scaling",
            "## Configuration", "## TLS in front", "gen-env.sh",
            "TRUSTED_PROXIES", "--profile leonid", "OPENAI_API_KEY"]


def main(argv):
    build = os.path.abspath(argv[0] if argv else os.path.join(ROOT, "build"))
    doc = open(os.path.join(ROOT, "docs/deploy.md")).read()
    problems = []
    for service, binaries in helpvars.SERVICE_BINARIES.items():
        for b in binaries:
            section = doc.split("#### `%s`" % b, 1)
            if len(section) < 2:
                problems.append("no configuration table for %s" % b)
                continue
            table = section[1].split("####", 1)[0]
            for name, default, _ in helpvars.help_vars(build, b):
                m = re.search(r"^\| `%s` \| `([^`]*)` \|" % re.escape(name),
                              table, re.M)
                if not m:
                    problems.append("%s: %s is not in its table" % (b, name))
                elif m.group(1) != default:
                    problems.append("%s: %s default is %s, the table says %s"
                                    % (b, name, default, m.group(1)))
    for want in SECTIONS:
        if want not in doc:
            problems.append("docs/deploy.md lacks %r" % want)
    for path in set(re.findall(r"`((?:deploy|tests|docs)/[A-Za-z0-9_./-]+)`", doc)):
        if not os.path.exists(os.path.join(ROOT, path.rstrip("/"))):
            problems.append("docs/deploy.md names %s, which does not exist" % path)
    for p in problems:
        print("docs: " + p)
    if problems:
        print("docs: regenerate the table with deploy/docker/config-table.py "
              "%s --write" % os.path.relpath(build, ROOT))
    print("docs: %d problem(s)" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
