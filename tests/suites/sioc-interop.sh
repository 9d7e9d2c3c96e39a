#!/bin/sh
# tests/suites/sioc-interop.sh -- our Socket.IO client library (tests/lib)
# against the stock Node socket.io server.
exec tests/lib/run-interop.sh "${1:-build}"
