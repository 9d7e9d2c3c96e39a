#!/bin/sh
# deploy/free-port.sh -- print N (default 1) distinct TCP ports that are free
# on 127.0.0.1 right now, one per line. The kernel picks them; all sockets
# are held until every port is chosen, so the N are distinct.
exec /usr/bin/python3 -c 'import socket, sys
n = int(sys.argv[1]) if len(sys.argv) > 1 else 1
socks = []
for _ in range(n):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
for s in socks:
    print(s.getsockname()[1])' "$@"
