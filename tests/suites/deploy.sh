#!/bin/sh
# tests/suites/deploy.sh -- deployment checks (issue 8), run by
# tests/run-all.sh with the BUILD directory; exit 0 = all passed.
# Docker's engine cannot run here, so this checks what can be checked
# without it (docs/deploy.md, "What is tested"):
#   compose      docker-compose (Debian's 1.29) parses docker-compose.yml;
#                services, ports, healthchecks, depends_on, secrets,
#                variables (tests/deploy/check_compose.py, with mutations)
#   lint         our Dockerfile lint (tests/deploy/lint_dockerfiles.py)
#   image-libs   runtime and build packages match the binaries
#   docs         docs/deploy.md lists every variable with its default
#   shell        sh -n / shellcheck of the deploy scripts
#   replay       the images' build stage replayed here, the gateway
#                entrypoint and health probe run (tests/deploy/replay_build.py)
#   nginx-dns    the compose nginx config against real gateways and a
#                stand-in for Docker's DNS (tests/deploy/test_nginx_dns.py)
#   stack-3gw    deploy/stack.sh with GATEWAYS=3 (make run GATEWAYS=3)
# DEPLOY_QUICK=1 skips replay (a full compile) and stack-3gw.
BUILD=${1:-build}
cd "$(dirname "$0")/../.." || exit 1
# Debian's python3 with python3-yaml and python3-socketio, not a python3
# that may come first on PATH
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1
failed=""
passed=0

step() {
    name=$1
    shift
    echo "---- deploy: $name"
    if "$@"; then
        passed=$((passed + 1))
    else
        failed="$failed $name"
        echo "---- deploy: $name FAILED"
    fi
}

shell_check() {
    rc=0
    for f in deploy/docker/*.sh deploy/nginx/render.sh tests/deploy/*.sh \
             tests/suites/deploy.sh; do
        sh -n "$f" || { echo "sh -n $f failed"; rc=1; }
    done
    if command -v shellcheck >/dev/null 2>&1; then
        shellcheck -s sh -S warning deploy/docker/*.sh deploy/nginx/render.sh \
            || rc=1
    else
        echo "(shellcheck not installed: syntax check only)"
    fi
    return $rc
}

if ! command -v docker-compose >/dev/null 2>&1; then
    echo "deploy: docker-compose is missing (make deps installs it)"
    exit 1
fi

step compose "$PY" tests/deploy/check_compose.py "$BUILD" --self-test
step lint "$PY" tests/deploy/lint_dockerfiles.py
step lint-self-test "$PY" tests/deploy/lint_dockerfiles.py --self-test
step image-libs "$PY" tests/deploy/check_image_libs.py "$BUILD" --self-test
step docs "$PY" tests/deploy/check_docs.py "$BUILD"
step shell shell_check
if [ "${DEPLOY_QUICK:-0}" != 1 ]; then
    step replay "$PY" tests/deploy/replay_build.py
fi
step nginx-dns "$PY" tests/deploy/test_nginx_dns.py "$BUILD"
if [ "${DEPLOY_QUICK:-0}" != 1 ]; then
    step stack-3gw tests/deploy/stack_replicas.sh "$BUILD"
fi

if [ -n "$failed" ]; then
    echo "deploy: $passed passed, failed:$failed"
    exit 1
fi
echo "deploy: all $passed checks passed"
