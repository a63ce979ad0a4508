#!/usr/bin/env python3
# Prints the netlink sockets of process PID as JSON lines {fd, proto, port, groups, rcvbuf}, read
# with getsockname, getsockopt(SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS) and getsockopt(SO_RCVBUF)
# (the size the kernel keeps: twice the value set, capped at net.core.rmem_max unless
# SO_RCVBUFFORCE) on copies of its descriptors (test/helpers/pidfd_sockets.py). /proc/PID/net/netlink
# has no such column (its Rmem is the bytes queued), so this is how keepalived's and our netlink
# receive buffers are compared.
import json, os, socket, struct, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../helpers'))
from pidfd_sockets import sockets_of

SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS = 270, 9
for fd, s in sockets_of(int(sys.argv[1])):
    if s.family != socket.AF_NETLINK:
        continue
    m = s.getsockopt(SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, 64)
    groups = [i * 8 + b + 1 for i in range(0, len(m), 4) for b in range(32) if struct.unpack('I', m[i:i + 4])[0] & (1 << b)]
    print(json.dumps({'fd': fd, 'proto': s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL), 'port': s.getsockname()[0],
                      'groups': groups, 'rcvbuf': s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)}))
