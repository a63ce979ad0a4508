#!/usr/bin/env python3
# Prints the netlink sockets of process PID as JSON lines {fd, proto, port, groups, rcvbuf}: each fd is
# copied into this process with pidfd_getfd(2) (root), then read with getsockname, getsockopt(SOL_NETLINK,
# NETLINK_LIST_MEMBERSHIPS) and getsockopt(SO_RCVBUF) (the size the kernel keeps: twice the value set,
# capped at net.core.rmem_max unless SO_RCVBUFFORCE). /proc/PID/net/netlink has no such column (its Rmem is
# the bytes queued), so this is how keepalived's and our netlink receive buffers are compared.
import ctypes, json, os, socket, sys, struct
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
        if s.family != socket.AF_NETLINK:
            continue
        proto = s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL)
        port = s.getsockname()[0]
        m = s.getsockopt(270, 9, 64)
        groups = []
        for i in range(0, len(m), 4):
            w = struct.unpack('I', m[i:i+4])[0]
            for b in range(32):
                if w & (1 << b): groups.append(i*8 + b + 1)
        print(json.dumps({'fd': int(name), 'proto': proto, 'port': port, 'groups': groups,
                          'rcvbuf': s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)}))
    finally:
        s.detach()
        os.close(nfd)
