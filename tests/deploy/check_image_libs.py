#!/usr/bin/python3
"""tests/deploy/check_image_libs.py -- the packages the Dockerfiles install
match what the binaries need. This machine is Debian 12 like the images, so
package names found here are the images' names.

  check_image_libs.py BUILD [--self-test]

- runtime stage: every shared library a binary the stage copies links
  directly (its ELF NEEDED entries, libc aside) comes from a package the
  stage installs, and the stage installs nothing else (ca-certificates for
  ai-bridge's HTTPS and the plugins libwebsockets loads at run time
  aside): "only the runtime libraries"
- build stage: the -dev package of every pkg-config module the Makefile
  fragments of lib/ and services/ name (*_PKGS, plus libcrypto), and of
  every library they link by name (-lev), is installed
Exit 1 with one line per problem. --self-test then checks that a missing
and a superfluous package in a copy of relay.Dockerfile are both caught."""
import glob
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(__file__))
import lint_dockerfiles as lint  # noqa: E402

ROOT = lint.ROOT
IN_BASE = {"libc6"}
# what build-essential brings (-lpthread, -lm, -ldl are libc's)
BUILD_ESSENTIAL = {"libc6-dev"}
EXTRA_OK = {"ca-certificates", "nginx",
            # libwebsockets dlopen()s its event-loop plugin (no ELF NEEDED
            # entry); replay_build.py checks what is loaded at run time
            "libwebsockets-evlib-ev"}
problems = []


QUIET = False


def bad(msg):
    problems.append(msg)
    if not QUIET:
        print("image-libs: " + msg)


def apt_packages(stage):
    pkgs = set()
    for _, kw, args in stage["instrs"]:
        if kw == "RUN" and "apt-get install" in args:
            part = args.split("apt-get install", 1)[1].split("&&", 1)[0]
            pkgs |= {w for w in part.split() if not w.startswith("-")}
    return pkgs


_PKG_CACHE = {}


def package_of(path, follow=True):
    """The Debian package that ships path (usr-merged or not; with follow,
    the file a symlink points to), or None."""
    if (path, follow) in _PKG_CACHE:
        return _PKG_CACHE[(path, follow)]
    real = os.path.realpath(path) if follow else path
    cands = []
    for p in (real, path):
        for c in (p, p.replace("/usr/lib/", "/lib/", 1),
                  p.replace("/lib/", "/usr/lib/", 1)):
            if c not in cands:
                cands.append(c)
    out = subprocess.run(["dpkg", "-S"] + cands, capture_output=True,
                         text=True).stdout
    found = None
    for line in out.splitlines():
        pkg, _, where = line.partition(": ")
        if where.strip() in cands:
            found = pkg.split(":", 1)[0].strip()
            break
    _PKG_CACHE[(path, follow)] = found
    return found


def needed_packages(binary):
    """{library: package} for the ELF NEEDED entries of binary."""
    dyn = subprocess.run(["objdump", "-p", binary], capture_output=True,
                         text=True, check=True).stdout
    libs = re.findall(r"^\s*NEEDED\s+(\S+)", dyn, re.M)
    ldd = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
    where = dict(re.findall(r"^\s*(\S+) => (\S+)", ldd, re.M))
    result = {}
    for lib in libs:
        path = where.get(lib)
        result[lib] = package_of(path) if path else None
    return result


def check_runtime(path, build):
    text = open(path).read()
    st = lint.stages(lint.instructions(text))
    final = st[-1]
    installed = apt_packages(final)
    needed = set()
    for name in sorted(lint.copied_names(final)):
        binary = os.path.join(build, "bin", name)
        if name in ("iseecubes-probe", "gateway-entrypoint") or \
                not os.path.isfile(binary):
            continue
        for lib, pkg in needed_packages(binary).items():
            if pkg is None:
                bad("%s: %s links %s, which no package provides"
                    % (os.path.basename(path), name, lib))
                continue
            if pkg in IN_BASE:
                continue
            needed.add(pkg)
            if pkg not in installed:
                bad("%s: %s needs %s (package %s), not installed"
                    % (os.path.basename(path), name, lib, pkg))
    for pkg in sorted(installed - needed - EXTRA_OK):
        bad("%s: installs %s, which no binary of the image links"
            % (os.path.basename(path), pkg))


def check_build_stage(path):
    text = open(path).read()
    st = lint.stages(lint.instructions(text))
    installed = apt_packages(st[0])
    mods = {"libcrypto"}
    for mk in [os.path.join(ROOT, "lib/module.mk")] + \
            glob.glob(os.path.join(ROOT, "services/*/module.mk")):
        for m in re.finditer(r"^\w+_PKGS\s*:=\s*(.*)$", open(mk).read(), re.M):
            mods |= set(m.group(1).split())
    # libraries named directly (-lev) in the fragments' *_LIBS / LDLIBS
    direct = set()
    for mk in [os.path.join(ROOT, "Makefile"), os.path.join(ROOT, "lib/module.mk")] + \
            glob.glob(os.path.join(ROOT, "services/*/module.mk")):
        for m in re.finditer(r"^\w*(?:LIBS|LDLIBS)\s*[:+]?=\s*(.*)$",
                             open(mk).read(), re.M):
            direct |= set(re.findall(r"(?:^|\s)-l([A-Za-z0-9_+-]+)", m.group(1)))
    for name in sorted(direct):
        pkg = None
        for ext in ("so", "a"):
            f = subprocess.run(["cc", "-print-file-name=lib%s.%s" % (name, ext)],
                               capture_output=True, text=True).stdout.strip()
            if os.path.isabs(f):
                pkg = package_of(os.path.normpath(f), follow=False)
                break
        if pkg is None:
            bad("-l%s: no package ships lib%s.so" % (name, name))
        elif pkg not in installed and pkg not in BUILD_ESSENTIAL:
            bad("the build stage (every Dockerfile) lacks %s (-l%s)"
                % (pkg, name))
    for mod in sorted(mods):
        out = subprocess.run(["pkg-config", "--variable=pcfiledir", mod],
                             capture_output=True, text=True)
        if out.returncode != 0:
            bad("pkg-config does not know %s" % mod)
            continue
        pkg = package_of(os.path.join(out.stdout.strip(), mod + ".pc"))
        if pkg not in installed:
            bad("the build stage (every Dockerfile) lacks %s (pkg-config %s)"
                % (pkg, mod))


def self_test(build):
    global QUIET
    import tempfile
    good = open(os.path.join(ROOT, "deploy/docker/relay.Dockerfile")).read()
    broken = good.replace("libjwt0 libssl3", "libjwt0 libpq5", 1)
    if broken == good:
        print("image-libs self-test: mutation target not found")
        return 1
    fd, path = tempfile.mkstemp(suffix=".Dockerfile")
    with os.fdopen(fd, "w") as f:
        f.write(broken)
    del problems[:]
    QUIET = True
    check_runtime(path, build)
    QUIET = False
    os.unlink(path)
    caught = any("not installed" in p and "libssl3" in p for p in problems) \
        and any("installs libpq5" in p for p in problems)
    del problems[:]
    print("image-libs self-test: %s" % ("ok" if caught else "MISSED"))
    return 0 if caught else 1


def main(argv):
    build = os.path.abspath(argv[0] if argv else os.path.join(ROOT, "build"))
    if "--self-test" in argv[1:] and self_test(build):
        return 1
    files = sorted(glob.glob(os.path.join(ROOT, "deploy/docker/*.Dockerfile")))
    for path in files:
        check_runtime(path, build)
    check_build_stage(files[0])
    print("image-libs: %d Dockerfile(s), %d problem(s)" % (len(files), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
