#!/usr/bin/env python3
# Prints the raw IP sockets of process PID as JSON lines {fd, family, proto, dev, rcvbuf}: each fd is
# copied into this process with pidfd_getfd(2) (root; test/helpers/pidfd_sockets.py), then read with
# getsockopt(SO_RCVBUF) and SO_BINDTODEVICE. `ss -m` shows no memory for raw sockets on this kernel,
# so this is how the receive buffers of keepalived's and our VRRP sockets are compared.
import json, os, socket, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../helpers'))
from pidfd_sockets import sockets_of

for fd, s in sockets_of(int(sys.argv[1])):
    if s.type != socket.SOCK_RAW or s.family not in (socket.AF_INET, socket.AF_INET6):
        continue
    dev = s.getsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, 16).split(b'\0', 1)[0].decode()
    print(json.dumps({'fd': fd, 'family': int(s.family), 'proto': s.proto, 'dev': dev,
                      'rcvbuf': s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)}))
