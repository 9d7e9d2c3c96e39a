#!/bin/sh
# tests/free-port.sh -- print a TCP port that is free on 127.0.0.1 right now
# (the kernel picks it; the caller binds it soon after).
exec /usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
