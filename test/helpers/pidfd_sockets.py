# The sockets of another process, for the integration tests' socket probes (root): each of its
# socket descriptors copied into this process with pidfd_getfd(2) and handed out as a Python socket
# (closed again when the caller moves on). Used by test/integration/vrrp/rcvbuf.py (raw IP sockets)
# and test/integration/daemon/nlsocks.py (netlink sockets).
import ctypes, os, socket

SYS_PIDFD_GETFD = 438
_libc = ctypes.CDLL(None, use_errno=True)


def sockets_of(pid):
    """Yields (fd, socket) for each socket descriptor of process `pid`, in descriptor order."""
    pfd = os.pidfd_open(pid)
    try:
        for name in sorted(os.listdir(f'/proc/{pid}/fd'), key=int):
            try:
                if not os.readlink(f'/proc/{pid}/fd/{name}').startswith('socket:'):
                    continue
            except OSError:
                continue
            nfd = _libc.syscall(SYS_PIDFD_GETFD, pfd, int(name), 0)
            if nfd < 0:
                continue
            s = socket.socket(fileno=nfd)
            try:
                yield int(name), s
            finally:
                s.detach()
                os.close(nfd)
    finally:
        os.close(pfd)
