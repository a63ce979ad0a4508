#!/usr/bin/env python3
# Chaos-lab monitor, one process for the whole lab (started by lab.ts from the root namespace):
#  - every INTERVAL_MS it asks each router namespace's kernel (an rtnetlink socket opened inside that
#    namespace, RTM_GETADDR dump) which of the VIPs it holds, and prints a line when the set changes;
#  - in the client namespace it watches the wire (AF_PACKET) and prints each VRRP advert and each
#    ARP frame that announces an address (gratuitous ARP: sender address == target address).
# Times are CLOCK_MONOTONIC milliseconds (Node: process.hrtime.bigint()). Output lines:
#   A <t> <router-index> <vip,vip|->      the VIPs router i holds (first sample, then each change)
#   V <t> <src-ip> <vrid> <prio>          a VRRP advert seen by the client
#   G <t> <sender-mac> <ip>               a gratuitous ARP seen by the client
#   S <t> <samples>                       sampler heartbeat every 20 samples (proves it is sampling)
# Usage: monitor.py INTERVAL_MS CLIENT_NS CLIENT_IF VIPS(comma) ROUTER_NS...   Ends when stdin closes.
import ctypes
import os
import select
import socket
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def enter(ns):
    fd = os.open(f'/run/netns/{ns}' if not ns.startswith('/') else ns, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, f'setns {ns}: {os.strerror(e)}')
    finally:
        os.close(fd)


def out(line):
    sys.stdout.write(line + '\n')
    sys.stdout.flush()


def now_ms():
    return time.clock_gettime(time.CLOCK_MONOTONIC) * 1000.0


RTM_NEWADDR, RTM_GETADDR, NLMSG_DONE, NLMSG_ERROR = 20, 22, 3, 2
NLM_F_REQUEST, NLM_F_DUMP = 1, 0x300
IFA_ADDRESS, IFA_LOCAL = 1, 2


def dump_addrs(sock, seq):
    """IPv4 addresses of the namespace the socket was made in (rtnetlink dump)."""
    req = struct.pack('=LHHLL', 16 + 8, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, seq, 0) + struct.pack('=BBBBL', socket.AF_INET, 0, 0, 0, 0)
    sock.send(req)
    addrs = set()
    while True:
        data = sock.recv(65536)
        off = 0
        while off + 16 <= len(data):
            ln, typ, _flags, _seq, _pid = struct.unpack_from('=LHHLL', data, off)
            if ln < 16:
                return addrs
            if typ == NLMSG_DONE or typ == NLMSG_ERROR:
                return addrs
            if typ == RTM_NEWADDR:
                a = off + 16 + 8
                end = off + ln
                while a + 4 <= end:
                    alen, atyp = struct.unpack_from('=HH', data, a)
                    if alen < 4:
                        break
                    if atyp in (IFA_LOCAL, IFA_ADDRESS) and alen == 8:
                        addrs.add(socket.inet_ntoa(data[a + 4:a + 8]))
                    a += (alen + 3) & ~3
            off += (ln + 3) & ~3


def main():
    interval = float(sys.argv[1]) / 1000.0
    client_ns, client_if = sys.argv[2], sys.argv[3]
    vips = [v for v in sys.argv[4].split(',') if v]
    routers = sys.argv[5:]
    home = os.open('/proc/self/ns/net', os.O_RDONLY)
    socks = []
    for ns in routers:
        enter(ns)
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
        s.bind((0, 0))
        socks.append(s)
    enter(client_ns)
    pkt = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    pkt.bind((client_if, 0))
    libc.setns(home, CLONE_NEWNET)
    os.close(home)

    last = [None] * len(routers)
    seq = 1
    samples = 0
    next_tick = time.monotonic()
    while True:
        wait = max(0.0, next_tick - time.monotonic())
        r, _, _ = select.select([pkt, sys.stdin], [], [], wait)
        if sys.stdin in r and not os.read(sys.stdin.fileno(), 4096):
            return
        if pkt in r:
            frame, addr = pkt.recvfrom(2048)
            t = now_ms()
            if addr[2] != socket.PACKET_OUTGOING and len(frame) >= 14:
                etype = struct.unpack_from('!H', frame, 12)[0]
                if etype == 0x0800 and len(frame) >= 14 + 20 + 8 and frame[14 + 9] == 112:
                    ihl = (frame[14] & 0x0F) * 4
                    src = socket.inet_ntoa(frame[14 + 12:14 + 16])
                    vr = 14 + ihl
                    out(f'V {t:.3f} {src} {frame[vr + 1]} {frame[vr + 2]}')
                elif etype == 0x0806 and len(frame) >= 14 + 28:
                    sha = frame[22:28].hex(':')
                    spa = socket.inet_ntoa(frame[28:32])
                    tpa = socket.inet_ntoa(frame[38:42])
                    if spa == tpa:
                        out(f'G {t:.3f} {sha} {spa}')
        if time.monotonic() >= next_tick:
            next_tick += interval
            if next_tick < time.monotonic():
                next_tick = time.monotonic() + interval
            t = now_ms()
            for i, s in enumerate(socks):
                seq += 1
                held = sorted(v for v in dump_addrs(s, seq) if v in vips)
                if held != last[i]:
                    last[i] = held
                    out(f'A {t:.3f} {i} {",".join(held) or "-"}')
            samples += 1
            if samples % 20 == 0:
                out(f'S {t:.3f} {samples}')


if __name__ == '__main__':
    try:
        main()
    except (BrokenPipeError, KeyboardInterrupt):
        pass
