#!/usr/bin/env python3
# Reordering for the chaos lab (this kernel has no sch_netem): runs in the switch namespace. nftables
# diverts a random share of the frames leaving a bridge port toward a router (`fwd to` a sink veth);
# this relay reads each diverted frame from the sink's peer, holds it for a random time in
# [DELAY_MS/2, 3*DELAY_MS/2], and then sends it out of the original port with skb mark MARK, which the
# nftables chain lets through untouched. Frames sent later than their successors arrive reordered.
# Usage: reorder-relay.py DELAY_MS MARK SINKPEER:PORT ...   Ends when stdin closes.
import heapq
import os
import random
import select
import socket
import sys
import time

SO_MARK = 36


def main():
    delay = float(sys.argv[1]) / 1000.0
    mark = int(sys.argv[2], 0)
    ins = {}
    outs = {}
    for pair in sys.argv[3:]:
        sink, port = pair.split(':')
        r = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        r.bind((sink, 0))
        w = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
        w.setsockopt(socket.SOL_SOCKET, SO_MARK, mark)
        w.bind((port, 0))
        ins[r] = w
        outs[port] = w
    held = []
    n = 0
    while True:
        wait = max(0.0, held[0][0] - time.monotonic()) if held else None
        r, _, _ = select.select(list(ins) + [sys.stdin], [], [], wait)
        if sys.stdin in r and not os.read(sys.stdin.fileno(), 4096):
            return
        for s in r:
            if s is sys.stdin:
                continue
            frame, addr = s.recvfrom(65536)
            if addr[2] == socket.PACKET_OUTGOING:
                continue
            n += 1
            heapq.heappush(held, (time.monotonic() + delay * random.uniform(0.5, 1.5), n, ins[s], frame))
        while held and held[0][0] <= time.monotonic():
            _, _, w, frame = heapq.heappop(held)
            try:
                w.send(frame)
            except OSError:
                pass


if __name__ == '__main__':
    try:
        main()
    except (BrokenPipeError, KeyboardInterrupt):
        pass
