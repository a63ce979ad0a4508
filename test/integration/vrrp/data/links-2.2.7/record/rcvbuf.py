import ctypes, os, socket, sys
libc = ctypes.CDLL(None, use_errno=True)
pid = int(sys.argv[1])
pfd = os.pidfd_open(pid)
for name in os.listdir(f'/proc/{pid}/fd'):
    fd = int(name)
    try:
        link = os.readlink(f'/proc/{pid}/fd/{fd}')
    except OSError:
        continue
    if not link.startswith('socket:'):
        continue
    nfd = libc.syscall(438, pfd, fd, 0)
    if nfd < 0:
        continue
    s = socket.socket(fileno=nfd)
    try:
        print(fd, s.family, s.type, s.proto, s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
    finally:
        s.detach(); os.close(nfd)
