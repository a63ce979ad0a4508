// VIP add/remove requests on a NETLINK_ROUTE socket of our own (the kanet addon), for the takeover
// path: the request is encoded once per VIP and interface (only the sequence number changes) and
// written with one synchronous sendto, so the gratuitous ARPs that follow leave right after it, as
// in keepalived. The kernel applies RTM_NEWADDR / RTM_DELADDR inside sendmsg; its ACK (or error)
// arrives later on the same socket (nl-channel.ts's NlRequests) and resolves the promise the call
// returned, so errors such as EEXIST are still reported. Link and address dumps and the monitor stay
// in rtnl.ts.
import type { RcvBuf } from './rcvbuf.js';
import type { VirtualIp } from '../../config/model.js';
import { INFINITY_LIFE_TIME, vipAttrs } from './vip-options.js';
import { C, errnoName, isNativeError, type Kanet, type NativeError } from './native.js';
import { NlRequests } from './nl-channel.js';
import { nla as attr, nlRequest, NLM_F_ACK, NLM_F_REQUEST } from '../../common/netlink.js';
import type { KernelError } from '../kernel/port.js';

const RTM_NEWADDR = 20, RTM_DELADDR = 21;
const IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_LABEL = 3, IFA_BROADCAST = 4, IFA_CACHEINFO = 6, IFA_FLAGS = 8;

const u32 = (v: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0, 0); return b; };

/**
 * One RTM_NEWADDR (add) or RTM_DELADDR request for a VIP, laid out as keepalived 2.2.7's
 * netlink_ipaddress() builds it: ifaddrmsg { family, prefixlen, flags 0, scope (IPv4), ifindex },
 * then for an add [IFA_CACHEINFO (IPv6 preferred_lft)], IFA_LOCAL, [IFA_BROADCAST], [IFA_FLAGS],
 * [IFA_LABEL], [IFA_ADDRESS = the peer]; for a delete IFA_LOCAL and, for IPv4, IFA_ADDRESS (the peer
 * if any: 2.2.7 sends the local address there, so its delete of a peer VIP fails and leaves the
 * address behind; ours removes it). Flags: NLM_F_REQUEST | NLM_F_ACK, no CREATE/EXCL (as 2.2.7: the
 * kernel creates the address anyway and answers EEXIST for one already there). Sequence number 0:
 * the sender writes it in place (offset 8) before each send.
 */
export function encodeAddrRequest(vip: VirtualIp, ifindex: number, add: boolean): Buffer {
  const a = vipAttrs(vip);
  const ifa = Buffer.alloc(8);
  ifa[0] = a.v6 ? C.AF_INET6 : C.AF_INET;
  ifa[1] = a.prefixLen;
  ifa[2] = 0;
  ifa[3] = a.scope;
  ifa.writeUInt32LE(ifindex, 4);
  const parts: Buffer[] = [ifa];
  if (add) {
    if (a.v6 && a.preferredLft !== INFINITY_LIFE_TIME) {
      // struct ifa_cacheinfo { ifa_prefered, ifa_valid, cstamp, tstamp }
      const ci = Buffer.alloc(16);
      ci.writeUInt32LE(a.preferredLft, 0);
      ci.writeUInt32LE(INFINITY_LIFE_TIME, 4);
      parts.push(attr(IFA_CACHEINFO, ci));
    }
    parts.push(attr(IFA_LOCAL, a.local));
    if (a.broadcast) parts.push(attr(IFA_BROADCAST, a.broadcast));
    if (a.flags) parts.push(attr(IFA_FLAGS, u32(a.flags)));
    if (a.label !== undefined) parts.push(attr(IFA_LABEL, Buffer.from(`${a.label}\0`)));
    if (a.peer) parts.push(attr(IFA_ADDRESS, a.peer));
  } else {
    parts.push(attr(IFA_LOCAL, a.local));
    if (!a.v6) parts.push(attr(IFA_ADDRESS, a.peer ?? a.local));
  }
  return nlRequest(add ? RTM_NEWADDR : RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, parts);
}

export { parseAcks } from './nl-channel.js';

export class NlAddr {
  /** Encoded requests by VIP (a reload's new VIP objects start afresh) and ifindex (add: i, del: -i-1). */
  private readonly msgs = new WeakMap<VirtualIp, Map<number, Buffer>>();

  private constructor(private readonly req: NlRequests) {}

  /** Sizes the request socket's receive buffer (vrrp_netlink_cmd_rcv_bufs); 2.2.7's failure line, if any. */
  setRcvBuf(b: RcvBuf): string | undefined { return this.req.setRcvBuf(b); }

  static open(): NlAddr | NativeError {
    const r = NlRequests.open();
    return isNativeError(r) ? r : new NlAddr(r);
  }

  /** Encodes (and caches) the requests for these VIPs now, so a later takeover only writes them. */
  prepare(vip: VirtualIp, ifindex: number): void {
    this.message(vip, ifindex, true);
    this.message(vip, ifindex, false);
  }

  private message(vip: VirtualIp, ifindex: number, add: boolean): Buffer {
    let byIf = this.msgs.get(vip);
    if (!byIf) { byIf = new Map(); this.msgs.set(vip, byIf); }
    const key = add ? ifindex : -ifindex - 1;
    let m = byIf.get(key);
    if (!m) { m = encodeAddrRequest(vip, ifindex, add); byIf.set(key, m); }
    return m;
  }

  /** Writes the request now (synchronously); the promise gives the kernel's answer. */
  addAddress(vip: VirtualIp, ifindex: number): Promise<KernelError | undefined> {
    return this.request(vip, ifindex, true);
  }

  delAddress(vip: VirtualIp, ifindex: number): Promise<KernelError | undefined> {
    return this.request(vip, ifindex, false);
  }

  private request(vip: VirtualIp, ifindex: number, add: boolean): Promise<KernelError | undefined> {
    const type = add ? RTM_NEWADDR : RTM_DELADDR;
    const { answer } = this.req.request(this.message(vip, ifindex, add));
    return answer.then((a) => (a.errno === 0 ? undefined : errOf(a.errno, type, a.seq, this.req.k)));
  }

  /** Outstanding requests (tests). */
  get inFlight(): number { return this.req.inFlight; }

  close(): void { this.req.close(); }
}

/** The kernel's answer as keepalived 2.2.7 logs it: "Netlink: error: <strerror>(<errno>), type=RTM_NEWADDR(20), seq=N,
 *  pid=0". */
function errOf(errno: number, type: number, seq: number, k: Kanet): KernelError {
  const text = k.strerror(errno);
  return { code: errnoName(errno), errno, text, message: `Netlink: error: ${text}(${errno}), type=${type === RTM_NEWADDR ? 'RTM_NEWADDR' : 'RTM_DELADDR'}(${type}), seq=${seq}, pid=0` };
}
