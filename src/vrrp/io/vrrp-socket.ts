// One raw VRRP socket (IP protocol 112) on one interface and family, like an entry of keepalived's
// sockpool: bound to the device, joined to the multicast group (or unicast only), multicast loop
// off. IPv4 adverts are sent with our own IP header (IP_HDRINCL: TOS 0xc0, IP id from 1, no DF,
// TTL 255, as keepalived); IPv6 adverts with traffic class 0xc0 and hop limit 255 from a socket
// bound to the interface's link-local address. Received packets report the TTL / hop limit seen.
import { C, check, intOpt, isNativeError, loadKanet, type Kanet, type KanetPoller, type NativeError } from './native.js';
import { bytesToIp, ipToBytes } from './addr.js';
import { writeIpv4Header } from './frames.js';
import type { VrrpRx, VrrpSocketOpts } from '../kernel/port.js';

export class VrrpSocket {
  private ipId = 0;
  private poller?: KanetPoller;
  private readonly rxBuf = Buffer.alloc(65536);
  private readonly txBuf = Buffer.alloc(2048);
  private readonly addrBytes = new Map<string, Buffer>();
  private closed = false;

  private constructor(private readonly k: Kanet, readonly fd: number, readonly opts: VrrpSocketOpts,
    private readonly onRx: (rx: VrrpRx) => void,
    private readonly onError: (e: NativeError) => void) {}

  static open(opts: VrrpSocketOpts, onRx: (rx: VrrpRx) => void,
      onError: (e: NativeError) => void = () => {}): VrrpSocket | NativeError {
    const k = loadKanet();
    if (isNativeError(k)) return k;
    const v6 = opts.family === 'inet6';
    const fd = k.socket(v6 ? C.AF_INET6 : C.AF_INET, C.SOCK_RAW, C.IPPROTO_VRRP);
    if (fd < 0) return check(k, fd, 'socket')!;
    const sock = new VrrpSocket(k, fd, opts, onRx, onError);
    const err = sock.configure();
    if (err) { k.close(fd); return err; }
    if (!opts.sendOnly) sock.poller = new k.Poller(fd, () => sock.drain());
    else k.setsockopt(fd, C.SOL_SOCKET, C.SO_RCVBUF, intOpt(256));
    return sock;
  }

  private configure(): NativeError | undefined {
    const { k, fd, opts } = this;
    const ttl = opts.ttl ?? 255;
    const set = (level: number, name: number, v: Buffer, what: string) => check(k,
      k.setsockopt(fd, level, name, v), what);
    const ifn = Buffer.from(`${opts.ifname}\0`);
    let e = set(C.SOL_SOCKET, C.SO_BINDTODEVICE, ifn, `SO_BINDTODEVICE ${opts.ifname}`);
    if (e) return e;
    if (opts.family === 'inet') {
      e = set(C.IPPROTO_IP, C.IP_HDRINCL, intOpt(1), 'IP_HDRINCL')
        ?? set(C.IPPROTO_IP, C.IP_MULTICAST_LOOP, intOpt(0), 'IP_MULTICAST_LOOP')
        ?? set(C.IPPROTO_IP, C.IP_MULTICAST_TTL, intOpt(ttl), 'IP_MULTICAST_TTL')
        ?? set(C.IPPROTO_IP, C.IP_MULTICAST_IF, this.mreqn('0.0.0.0'), 'IP_MULTICAST_IF');
      if (!e && opts.group) e = set(C.IPPROTO_IP, C.IP_ADD_MEMBERSHIP, this.mreqn(opts.group), `IP_ADD_MEMBERSHIP ${opts.group}`);
      return e;
    }
    e = set(C.IPPROTO_IPV6, C.IPV6_RECVHOPLIMIT, intOpt(1), 'IPV6_RECVHOPLIMIT')
      ?? set(C.IPPROTO_IPV6, C.IPV6_RECVPKTINFO, intOpt(1), 'IPV6_RECVPKTINFO')
      ?? set(C.IPPROTO_IPV6, C.IPV6_MULTICAST_LOOP, intOpt(0), 'IPV6_MULTICAST_LOOP')
      ?? set(C.IPPROTO_IPV6, C.IPV6_MULTICAST_HOPS, intOpt(ttl), 'IPV6_MULTICAST_HOPS')
      ?? set(C.IPPROTO_IPV6, C.IPV6_UNICAST_HOPS, intOpt(ttl), 'IPV6_UNICAST_HOPS')
      ?? set(C.IPPROTO_IPV6, C.IPV6_TCLASS, intOpt(0xc0), 'IPV6_TCLASS')
      ?? set(C.IPPROTO_IPV6, C.IPV6_MULTICAST_IF, intOpt(opts.ifindex), 'IPV6_MULTICAST_IF');
    if (e) return e;
    const src = ipToBytes(opts.srcAddr);
    if (src?.length === 16) {
      e = check(k, k.bind(fd, C.AF_INET6, src, opts.ifindex), `bind ${opts.srcAddr}`);
      if (e) return e;
    }
    if (opts.group) {
      const mreq = Buffer.alloc(20);
      ipToBytes(opts.group)!.copy(mreq, 0);
      mreq.writeInt32LE(opts.ifindex, 16);
      e = set(C.IPPROTO_IPV6, C.IPV6_ADD_MEMBERSHIP, mreq, `IPV6_ADD_MEMBERSHIP ${opts.group}`);
    }
    return e;
  }

  /** SO_RCVBUF, as keepalived sizes its receive sockets (kernel_rx_buf_size, vrrp_rx_bufs_policy). */
  setRcvBuf(bytes: number): NativeError | undefined {
    return check(this.k, this.k.setsockopt(this.fd, C.SOL_SOCKET, C.SO_RCVBUF, intOpt(bytes)), 'SO_RCVBUF');
  }

  /** struct ip_mreqn { multiaddr, address(any), ifindex }. */
  private mreqn(group: string): Buffer {
    const b = Buffer.alloc(12);
    ipToBytes(group)!.copy(b, 0);
    b.writeInt32LE(this.opts.ifindex, 8);
    return b;
  }

  /** Address bytes by text (the group, peers and our source: a handful per socket). */
  private bytesOf(ip: string): Buffer | undefined {
    let b = this.addrBytes.get(ip);
    if (!b) {
      b = ipToBytes(ip);
      if (!b) return undefined;
      if (this.addrBytes.size >= 64) this.addrBytes.clear();
      this.addrBytes.set(ip, b);
    }
    return b;
  }

  /** Sends one VRRP message to `dst` (the group or a unicast peer); no allocation per send. */
  send(payload: Uint8Array, dst: string, srcOverride?: string): NativeError | undefined {
    if (this.closed) return { errno: 9, op: 'send', message: 'send: socket closed' };
    const d = this.bytesOf(dst);
    if (!d) return { errno: 22, op: 'send', message: `send: bad destination ${dst}` };
    if (this.opts.family === 'inet') {
      const s = this.bytesOf(srcOverride ?? this.opts.srcAddr);
      if (!s || s.length !== 4 || d.length !== 4) return { errno: 22, op: 'send', message: `send: bad address ${srcOverride ?? this.opts.srcAddr} -> ${dst}` };
      this.ipId = (this.ipId + 1) & 0xffff || 1;
      const len = 20 + payload.length;
      const tx = len <= this.txBuf.length ? this.txBuf : Buffer.alloc(len);
      writeIpv4Header(tx, s, d, payload.length, this.ipId, this.opts.ttl ?? 255);
      tx.set(payload, 20);
      return check(this.k, this.k.sendto(this.fd, tx, C.AF_INET, d, 0, len), `sendto ${dst}`);
    }
    const body = payload.length <= this.txBuf.length ? this.txBuf : Buffer.alloc(payload.length);
    body.set(payload, 0);
    return check(this.k, this.k.sendto(this.fd, body, C.AF_INET6, d, this.opts.ifindex, payload.length), `sendto ${dst}`);
  }

  /** Reads and delivers the datagrams already queued on the socket (also called before a master-down expiry). */
  drain(): void {
    for (let i = 0; i < 64 && !this.closed; i++) {
      if (this.opts.family === 'inet') {
        // the IPv4 header carries source, destination and TTL: plain recv, no ancillary data
        const n = this.k.recvPlain(this.fd, this.rxBuf);
        if (n < 0) {
          if (-n !== C.EAGAIN) this.onError(check(this.k, n, 'recv')!);
          return;
        }
        const pkt = this.rxBuf;
        if (n < 20) continue;
        const ihl = (pkt[0]! & 0x0f) * 4;
        const total = (pkt[2]! << 8) | pkt[3]!;
        if (n < ihl) continue;
        this.onRx({ family: 'inet', payload: Buffer.from(pkt.subarray(ihl, Math.min(total, n))), ttl: pkt[8]!,
          src: `${pkt[12]}.${pkt[13]}.${pkt[14]}.${pkt[15]}`, dst: `${pkt[16]}.${pkt[17]}.${pkt[18]}.${pkt[19]}`, ifindex: this.opts.ifindex });
        continue;
      }
      const r = this.k.recv(this.fd, this.rxBuf);
      if (typeof r === 'number') {
        if (-r !== C.EAGAIN) this.onError(check(this.k, r, 'recvmsg')!);
        return;
      }
      this.onRx({ family: 'inet6', payload: Buffer.from(this.rxBuf.subarray(0, r.n)), ttl: r.ttl, src: r.src ? bytesToIp(r.src) : '::',
        dst: r.dst ? bytesToIp(r.dst) : '::', ifindex: r.ifindex || this.opts.ifindex });
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.poller?.stop();
    this.k.close(this.fd);
  }
}
