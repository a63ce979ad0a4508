// VIP add/remove requests on a NETLINK_ROUTE socket of our own (the kanet addon), for the takeover
// path: the request is encoded once per VIP and interface (only the sequence number changes) and
// written with one synchronous sendto, so the gratuitous ARPs that follow leave right after it, as
// in keepalived. The kernel applies RTM_NEWADDR / RTM_DELADDR inside sendmsg; its ACK (or error)
// arrives later on the same socket and resolves the promise the call returned, so errors such as
// EEXIST are still reported. Link and address dumps and the monitor stay in rtnl.ts.
import type { VirtualIp } from '../../config/model.js';
import { ipToBytes } from './addr.js';
import { C, check, errnoName, isNativeError, loadKanet, type Kanet, type KanetPoller, type NativeError } from './native.js';
import type { KernelError } from '../kernel/port.js';

const AF_NETLINK = 16, NETLINK_ROUTE = 0;
const RTM_NEWADDR = 20, RTM_DELADDR = 21, NLMSG_ERROR = 2;
const NLM_F_REQUEST = 0x1, NLM_F_ACK = 0x4, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400;
const IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_LABEL = 3, IFA_BROADCAST = 4;
const IFA_F_NODAD = 0x02;
const SCOPES: Record<string, number> = { global: 0, site: 200, link: 253, host: 254, nowhere: 255 };

function attr(type: number, payload: Uint8Array): Buffer {
  const len = 4 + payload.length;
  const b = Buffer.alloc((len + 3) & ~3);
  b.writeUInt16LE(len, 0);
  b.writeUInt16LE(type, 2);
  b.set(payload, 4);
  return b;
}

/**
 * One RTM_NEWADDR (add) or RTM_DELADDR request for a VIP, as keepalived's netlink_ipaddress() builds
 * it: ifaddrmsg { family, prefixlen, flags (IPv6: IFA_F_NODAD), scope, ifindex }, IFA_LOCAL,
 * IFA_ADDRESS (the peer if given), IFA_BROADCAST and IFA_LABEL for IPv4. Sequence number 0: the
 * sender writes it in place (offset 8) before each send.
 */
export function encodeAddrRequest(vip: VirtualIp, ifindex: number, add: boolean): Buffer {
  const ip = ipToBytes(vip.address);
  if (!ip) throw new RangeError(`encodeAddrRequest: bad address ${vip.address}`);
  const v6 = ip.length === 16;
  const scope = vip.scope ? (SCOPES[vip.scope] ?? Number(vip.scope)) : (v6 && ip[0] === 0xfe && (ip[1]! & 0xc0) === 0x80 ? 253 : 0);
  const ifa = Buffer.alloc(8);
  ifa[0] = v6 ? C.AF_INET6 : C.AF_INET;
  ifa[1] = vip.prefixLen;
  ifa[2] = v6 ? IFA_F_NODAD : 0;
  ifa[3] = scope;
  ifa.writeUInt32LE(ifindex, 4);
  const parts = [ifa, attr(IFA_LOCAL, ip), attr(IFA_ADDRESS, !v6 && vip.peer ? ipToBytes(vip.peer)! : ip)];
  if (!v6 && vip.brd) parts.push(attr(IFA_BROADCAST, ipToBytes(vip.brd)!));
  if (!v6 && vip.label) parts.push(attr(IFA_LABEL, Buffer.from(`${vip.label}\0`)));
  const body = Buffer.concat(parts);
  const hdr = Buffer.alloc(16);
  hdr.writeUInt32LE(16 + body.length, 0);
  hdr.writeUInt16LE(add ? RTM_NEWADDR : RTM_DELADDR, 4);
  hdr.writeUInt16LE(NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0), 6);
  return Buffer.concat([hdr, body]);
}

/** Netlink ACKs in one datagram: [sequence number, errno (0 = success)] of each NLMSG_ERROR message. */
export function parseAcks(buf: Uint8Array): [number, number][] {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: [number, number][] = [];
  for (let off = 0; off + 16 <= buf.length;) {
    const len = dv.getUint32(off, true);
    if (len < 16 || off + len > buf.length) break;
    if (dv.getUint16(off + 4, true) === NLMSG_ERROR && len >= 20) out.push([dv.getUint32(off + 8, true), -dv.getInt32(off + 16, true) | 0]);
    off += (len + 3) & ~3;
  }
  return out;
}

export class NlAddr {
  private seq = 1;
  private readonly pending = new Map<number, (errno: number) => void>();
  private readonly msgs = new Map<string, Buffer>();
  private readonly rxBuf = Buffer.alloc(8192);
  private readonly poller: KanetPoller;
  private closed = false;
  private static readonly KERNEL = Buffer.alloc(0);

  private constructor(private readonly k: Kanet, private readonly fd: number) {
    this.poller = new k.Poller(fd, () => this.drain());
  }

  static open(): NlAddr | NativeError {
    const k = loadKanet();
    if (isNativeError(k)) return k;
    const fd = k.socket(AF_NETLINK, C.SOCK_RAW, NETLINK_ROUTE);
    if (fd < 0) return check(k, fd, 'socket(AF_NETLINK)')!;
    return new NlAddr(k, fd);
  }

  /** Encodes (and caches) the requests for these VIPs now, so a later takeover only writes them. */
  prepare(vip: VirtualIp, ifindex: number): void {
    this.message(vip, ifindex, true);
    this.message(vip, ifindex, false);
  }

  private message(vip: VirtualIp, ifindex: number, add: boolean): Buffer {
    const key = `${add ? '+' : '-'}${ifindex}/${vip.address}/${vip.prefixLen}/${vip.peer ?? ''}/${vip.brd ?? ''}/${vip.label ?? ''}/${vip.scope ?? ''}`;
    let m = this.msgs.get(key);
    if (!m) { m = encodeAddrRequest(vip, ifindex, add); this.msgs.set(key, m); }
    return m;
  }

  /** Writes the request now (synchronously); the promise gives the kernel's answer. */
  addAddress(vip: VirtualIp, ifindex: number): Promise<KernelError | undefined> { return this.request(vip, ifindex, true); }

  delAddress(vip: VirtualIp, ifindex: number): Promise<KernelError | undefined> { return this.request(vip, ifindex, false); }

  private request(vip: VirtualIp, ifindex: number, add: boolean): Promise<KernelError | undefined> {
    const what = `${add ? 'add' : 'del'} ${vip.address}`;
    if (this.closed) return Promise.resolve({ code: 'EBADF', message: `${what}: netlink socket closed` });
    const msg = this.message(vip, ifindex, add);
    const seq = this.seq;
    this.seq = this.seq >= 0x7fffffff ? 1 : this.seq + 1;
    msg.writeUInt32LE(seq, 8);
    const r = this.k.sendto(this.fd, msg, AF_NETLINK, NlAddr.KERNEL, 0);
    if (r < 0) return Promise.resolve(errOf(-r, what, this.k));
    return new Promise((resolve) => {
      this.pending.set(seq, (errno) => resolve(errno === 0 ? undefined : errOf(errno, what, this.k)));
    });
  }

  private drain(): void {
    for (;;) {
      if (this.closed) return;
      const r = this.k.recv(this.fd, this.rxBuf);
      if (typeof r === 'number') return;
      for (const [seq, errno] of parseAcks(this.rxBuf.subarray(0, r.n))) {
        const cb = this.pending.get(seq);
        if (cb) { this.pending.delete(seq); cb(errno); }
      }
    }
  }

  /** Outstanding requests (tests). */
  get inFlight(): number { return this.pending.size; }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.poller.stop();
    this.k.close(this.fd);
    for (const cb of this.pending.values()) cb(9);
    this.pending.clear();
  }
}

function errOf(errno: number, what: string, k: Kanet): KernelError {
  const code = errnoName(errno);
  return { code, message: `${what}: Request rejected: ${code} (${k.strerror(errno)})` };
}
