#!/usr/bin/python3
"""tests/deploy/lint_dockerfiles.py -- our own Dockerfile lint (hadolint is
not in Debian): the rules issue 8 sets for deploy/docker/*.Dockerfile, plus
the mistakes that would only show on a real Docker host.

  lint_dockerfiles.py [--self-test] [FILE...]   (default: deploy/docker/*.Dockerfile)

Rules, per file:
  from-pinned       every FROM is debian:bookworm or debian:bookworm-slim
  multi-stage       a build stage on debian:bookworm, then a final stage on
                    debian:bookworm-slim; the build stage is named and every
                    COPY --from names a stage defined above it
  user              the final stage switches to a USER that is not root/0
  healthcheck       the final stage has HEALTHCHECK CMD (exec form) with
                    --interval/--timeout, whose probe is copied into the stage
                    and whose port variable the stage sets with ENV
  stopsignal        STOPSIGNAL SIGTERM
  entrypoint        ENTRYPOINT or CMD in exec form, naming a copied program
  apt               apt-get install with -y and --no-install-recommends, in
                    the same RUN as apt-get update and rm -rf /var/lib/apt/lists
  copy-sources      every COPY from the context names an existing path the
                    .dockerignore lets through; no ADD; no COPY of .env
  same-build-stage  (all files) the build stage is the same text everywhere,
                    so the images share its layers
Exit 0 when clean; otherwise one line per problem and exit 1. --self-test
runs the lint on broken variants of a good file and fails unless every rule
catches its case."""
import fnmatch
import glob
import json
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ALLOWED_FROM = {"debian:bookworm", "debian:bookworm-slim"}
# programs a final stage may start that come from its apt-get install
APT_PROGRAMS = {"nginx"}


def instructions(text):
    """[(lineno, KEYWORD, args)] with continuation lines joined."""
    out, buf, start = [], "", 0
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not buf and (not stripped or stripped.startswith("#")):
            continue
        if buf and stripped.startswith("#"):
            continue            # comment inside a continued instruction
        if not buf:
            start = n
        if stripped.endswith("\\"):
            buf += stripped[:-1] + " "
            continue
        buf += stripped
        kw, _, args = buf.partition(" ")
        out.append((start, kw.upper(), args.strip()))
        buf = ""
    if buf:
        kw, _, args = buf.partition(" ")
        out.append((start, kw.upper(), args.strip()))
    return out


def stages(instrs):
    """[{base, name, instrs}] split at FROM."""
    result = []
    for ins in instrs:
        if ins[1] == "FROM":
            words = ins[2].split()
            words = [w for w in words if not w.startswith("--platform")]
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            result.append({"base": words[0] if words else "", "name": name,
                           "line": ins[0], "instrs": []})
        elif result:
            result[-1]["instrs"].append(ins)
    return result


def exec_form(args):
    """The list of an exec-form argument, or None for shell form."""
    try:
        value = json.loads(args)
    except ValueError:
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def dockerignore_allows(path, patterns):
    """Whether the context keeps path (Docker's rule: the last matching
    pattern wins; '!' re-includes; a directory pattern covers its files)."""
    keep = True
    for pat in patterns:
        neg = pat.startswith("!")
        p = pat[1:] if neg else pat
        p = p.rstrip("/")
        parts = path.split("/")
        hit = False
        for i in range(1, len(parts) + 1):
            prefix = "/".join(parts[:i])
            if fnmatch.fnmatchcase(prefix, p) or (p.startswith("**/") and
                                                  fnmatch.fnmatchcase(parts[i - 1], p[3:])):
                hit = True
                break
        if hit:
            keep = neg
    return keep


def read_dockerignore(root):
    try:
        with open(os.path.join(root, ".dockerignore")) as f:
            return [l.strip() for l in f if l.strip() and not l.startswith("#")]
    except OSError:
        return []


def copied_names(stage):
    """Basenames of what COPY instructions put into the stage."""
    names = set()
    for _, kw, args in stage["instrs"]:
        if kw != "COPY":
            continue
        words = [w for w in args.split() if not w.startswith("--")]
        if len(words) < 2:
            continue
        dest = words[-1]
        for src in words[:-1]:
            if dest.endswith("/"):
                names.add(os.path.basename(src.rstrip("/")))
            else:
                names.add(os.path.basename(dest))
    return names


def env_names(stage):
    names = set()
    for _, kw, args in stage["instrs"]:
        if kw == "ENV":
            for m in re.finditer(r"(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=", args):
                names.add(m.group(1))
    return names


def lint_text(path, text, root, patterns):
    problems = []

    def bad(rule, line, msg):
        problems.append("%s:%d: [%s] %s" % (path, line, rule, msg))

    instrs = instructions(text)
    st = stages(instrs)
    for s in st:
        if s["base"] not in ALLOWED_FROM:
            bad("from-pinned", s["line"], "FROM %s: only %s" %
                (s["base"], " or ".join(sorted(ALLOWED_FROM))))
    if len(st) < 2:
        bad("multi-stage", 1, "one stage: build on debian:bookworm, run on "
            "debian:bookworm-slim")
        return problems, None
    if st[0]["base"] != "debian:bookworm" or not st[0]["name"]:
        bad("multi-stage", st[0]["line"], "the first stage must be "
            "'FROM debian:bookworm AS <name>'")
    final = st[-1]
    if final["base"] != "debian:bookworm-slim":
        bad("multi-stage", final["line"], "the final stage must run on "
            "debian:bookworm-slim")
    names = set()
    for s in st:
        for line, kw, args in s["instrs"]:
            m = re.search(r"--from=(\S+)", args) if kw == "COPY" else None
            if m and m.group(1) not in names:
                bad("multi-stage", line, "COPY --from=%s: no such stage above"
                    % m.group(1))
        if s["name"]:
            names.add(s["name"])

    users = [(l, a) for l, k, a in final["instrs"] if k == "USER"]
    if not users:
        bad("user", final["line"], "the final stage has no USER (runs as root)")
    else:
        line, who = users[-1]
        if who.split(":")[0] in ("root", "0", ""):
            bad("user", line, "USER %s is root" % who)

    hcs = [(l, a) for l, k, a in final["instrs"] if k == "HEALTHCHECK"]
    if not hcs:
        bad("healthcheck", final["line"], "the final stage has no HEALTHCHECK")
    else:
        line, args = hcs[-1]
        opts = re.findall(r"--([a-z-]+)=", args)
        m = re.search(r"\bCMD\s+(.*)$", args)
        cmd = exec_form(m.group(1)) if m else None
        if args.strip().upper() == "NONE" or cmd is None:
            bad("healthcheck", line, "HEALTHCHECK must be CMD [\"...\"] "
                "(exec form)")
        else:
            if "interval" not in opts or "timeout" not in opts:
                bad("healthcheck", line, "set --interval and --timeout")
            if os.path.basename(cmd[0]) not in copied_names(final):
                bad("healthcheck", line, "%s is not copied into the final "
                    "stage" % cmd[0])
            if len(cmd) > 1 and not cmd[1].isdigit() and \
                    cmd[1] not in env_names(final):
                bad("healthcheck", line, "port variable %s is not set by ENV"
                    % cmd[1])

    sigs = [(l, a) for l, k, a in final["instrs"] if k == "STOPSIGNAL"]
    if not sigs or sigs[-1][1] != "SIGTERM":
        bad("stopsignal", sigs[-1][0] if sigs else final["line"],
            "STOPSIGNAL SIGTERM is required")

    eps = [(l, a) for l, k, a in final["instrs"] if k in ("ENTRYPOINT", "CMD")]
    if not eps:
        bad("entrypoint", final["line"], "no ENTRYPOINT/CMD")
    else:
        line, args = eps[0]
        form = exec_form(args)
        if form is None:
            bad("entrypoint", line, "use the exec form (signals reach the "
                "service)")
        elif form[0] not in copied_names(final) | APT_PROGRAMS:
            bad("entrypoint", line, "%s is not copied into the final stage"
                % form[0])

    for s in st:
        for line, kw, args in s["instrs"]:
            if kw == "ADD":
                bad("copy-sources", line, "ADD: use COPY")
            if kw == "RUN" and "apt-get install" in args:
                if "--no-install-recommends" not in args or " -y" not in args:
                    bad("apt", line, "apt-get install -y --no-install-recommends")
                if "apt-get update" not in args:
                    bad("apt", line, "apt-get update in the same RUN")
                if "rm -rf /var/lib/apt/lists" not in args:
                    bad("apt", line, "rm -rf /var/lib/apt/lists/* in the same RUN")
            if kw == "COPY" and "--from=" not in args:
                words = [w for w in args.split() if not w.startswith("--")]
                for src in words[:-1]:
                    rel = src.rstrip("/")
                    if rel in (".", "") or rel.startswith(".env"):
                        bad("copy-sources", line, "COPY %s sends the whole "
                            "context or the secrets" % src)
                        continue
                    if not os.path.exists(os.path.join(root, rel)):
                        bad("copy-sources", line, "COPY %s: no such path" % src)
                    elif not dockerignore_allows(rel, patterns):
                        bad("copy-sources", line, "COPY %s: excluded by "
                            ".dockerignore" % src)
    build_text = None
    lines = text.splitlines()
    if len(st) >= 2:
        build_text = "\n".join(lines[st[0]["line"] - 1:st[1]["line"] - 1]).strip()
    return problems, build_text


def lint_files(paths, root=ROOT):
    patterns = read_dockerignore(root)
    problems, builds = [], {}
    for p in paths:
        with open(p) as f:
            probs, build = lint_text(os.path.relpath(p, root), f.read(), root,
                                     patterns)
        problems += probs
        if build is not None:
            builds[p] = build
    if len(set(builds.values())) > 1:
        first = sorted(builds)[0]
        for p in sorted(builds):
            if builds[p] != builds[first]:
                problems.append("%s: [same-build-stage] the build stage differs "
                                "from %s's" % (os.path.relpath(p, root),
                                               os.path.relpath(first, root)))
    return problems


def self_test():
    """Every rule must catch a broken variant of a good Dockerfile."""
    good_path = os.path.join(ROOT, "deploy/docker/relay.Dockerfile")
    good = open(good_path).read()
    patterns = read_dockerignore(ROOT)
    cases = {
        "from-pinned": good.replace("FROM debian:bookworm-slim", "FROM debian:latest"),
        "multi-stage": good[good.index("FROM debian:bookworm-slim"):].replace(
            "COPY --from=build", "COPY --from=builder"),
        "user": good.replace("USER iseecubes:iseecubes", "USER root"),
        "healthcheck": re.sub(r"HEALTHCHECK[^\n]*\\\n[^\n]*\n", "", good),
        "stopsignal": good.replace("STOPSIGNAL SIGTERM", "STOPSIGNAL SIGKILL"),
        "entrypoint": re.sub(r'ENTRYPOINT \[.*\]', 'ENTRYPOINT relay', good),
        "apt": good.replace("--no-install-recommends", "", 1),
        "copy-sources": good.replace("COPY lib/ lib/", "COPY . ."),
    }
    failed = 0
    ok, _ = lint_text("good", good, ROOT, patterns)
    if ok:
        print("self-test: the good file has problems: %s" % ok)
        failed += 1
    for rule, text in cases.items():
        if text == good:
            print("self-test: case %s did not change the file" % rule)
            failed += 1
            continue
        probs, _ = lint_text("case-" + rule, text, ROOT, patterns)
        if not any("[%s]" % rule in p for p in probs):
            print("self-test: rule %s missed its case (got %s)" % (rule, probs))
            failed += 1
    # the healthcheck's port variable must be set
    text = good.replace("RELAY_HEALTH_PORT=9084", "RELAY_PORT=9084")
    probs, _ = lint_text("case-hc-var", text, ROOT, patterns)
    if not any("port variable" in p for p in probs):
        print("self-test: an unset healthcheck port variable was missed")
        failed += 1
    # .dockerignore semantics
    for path, want in [("lib/src/x.c", True), (".env", False), ("var/x", False),
                       ("build/bin/relay", False), ("tests/module.mk", True),
                       ("tests/integration/itest.c", False)]:
        if dockerignore_allows(path, patterns) != want:
            print("self-test: .dockerignore %s: want %s" % (path, want))
            failed += 1
    # a differing build stage is reported
    tmp = "/tmp/lint-self-test-%d" % os.getpid()
    os.makedirs(tmp, exist_ok=True)
    a, b = os.path.join(tmp, "a.Dockerfile"), os.path.join(tmp, "b.Dockerfile")
    open(a, "w").write(good)
    open(b, "w").write(good.replace("make -j", "make -k -j"))
    probs = lint_files([a, b])
    os.unlink(a)
    os.unlink(b)
    os.rmdir(tmp)
    if not any("[same-build-stage]" in p for p in probs):
        print("self-test: a different build stage was missed")
        failed += 1
    print("lint self-test: %s" % ("ok" if not failed else "%d FAILED" % failed))
    return failed


def main(argv):
    if argv and argv[0] == "--self-test":
        return 1 if self_test() else 0
    paths = argv or sorted(glob.glob(os.path.join(ROOT, "deploy/docker/*.Dockerfile")))
    if not paths:
        print("lint: no Dockerfiles found")
        return 1
    problems = lint_files(paths)
    for p in problems:
        print(p)
    print("lint: %d Dockerfile(s), %d problem(s)" % (len(paths), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
