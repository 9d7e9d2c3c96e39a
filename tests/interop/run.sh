#!/bin/sh
# tests/interop/run.sh -- stock Socket.IO clients against the real stack
# (two gateway replicas behind nginx). Installs socket.io-client from npm
# into tests/interop/node_modules (pinned by package-lock.json) when
# missing. Usage: tests/interop/run.sh [BUILD]
set -eu
cd "$(dirname "$0")"
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$(cd ../.. && pwd)/$BUILD ;; esac
if [ ! -d node_modules/socket.io-client ]; then
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
cd ../..
BUILD=$BUILD exec /usr/bin/python3 tests/interop/test_interop.py
