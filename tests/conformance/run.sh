#!/bin/sh
# tests/conformance/run.sh -- our Engine.IO v4 / Socket.IO v5 spec tests
# against gateway-conformance. Usage: tests/conformance/run.sh [BUILD]
cd "$(dirname "$0")/../.." || exit 1
BUILD=${1:-build} exec /usr/bin/python3 tests/conformance/test_conformance.py
