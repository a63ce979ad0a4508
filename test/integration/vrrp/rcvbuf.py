#!/usr/bin/env python3
# Prints the raw IP sockets of process PID as JSON lines {fd, family, proto, dev, rcvbuf}: each fd is
# copied into this process with pidfd_getfd(2) (root), then read with getsockopt(SO_RCVBUF) and
# SO_BINDTODEVICE. `ss -m` shows no memory for raw sockets on this kernel, so this is how the
# receive buffers of keepalived's and our VRRP sockets are compared.
import ctypes, json, os, socket, sys

SYS_PIDFD_GETFD = 438
libc = ctypes.CDLL(None, use_errno=True)
pid = int(sys.argv[1])
pfd = os.pidfd_open(pid)
for name in sorted(os.listdir(f'/proc/{pid}/fd'), key=int):
    try:
        if not os.readlink(f'/proc/{pid}/fd/{name}').startswith('socket:'):
            continue
    except OSError:
        continue
    nfd = libc.syscall(SYS_PIDFD_GETFD, pfd, int(name), 0)
    if nfd < 0:
        continue
    s = socket.socket(fileno=nfd)
    try:
        if s.type != socket.SOCK_RAW or s.family not in (socket.AF_INET, socket.AF_INET6):
            continue
        dev = s.getsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, 16).split(b'\0', 1)[0].decode()
        print(json.dumps({'fd': int(name), 'family': int(s.family), 'proto': s.proto, 'dev': dev,
                          'rcvbuf': s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)}))
    finally:
        s.detach()
        os.close(nfd)
