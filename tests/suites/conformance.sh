#!/bin/sh
# tests/suites/conformance.sh -- the protocol spec tests (no Redis needed).
exec tests/conformance/run.sh "${1:-build}"
