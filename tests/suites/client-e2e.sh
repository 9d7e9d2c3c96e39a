#!/bin/sh
# tests/suites/client-e2e.sh -- the GTK client end to end under Xvfb against
# the real stack (client/tests/e2e).
exec client/tests/e2e/run.sh "${1:-build}"
