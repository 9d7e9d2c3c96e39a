#!/bin/sh
# tests/suites/interop.sh -- stock Socket.IO clients (python-socketio,
# socket.io-client) against two gateway replicas behind nginx.
exec tests/interop/run.sh "${1:-build}"
