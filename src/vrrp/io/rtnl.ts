// rtnetlink adapter (netlink@0.3.0): interface and address dumps (with each link's kind and master),
// macvlan and ipvlan create / link delete, and
// a monitor of link and address events. VIP add/remove requests are nl-addr.ts's. Library errors
// ('Request rejected: EEXIST') become { code, message } values.
import { createRequire } from 'node:module';
import type * as Netlink from 'netlink';
import type { RtNetlinkSocket } from 'netlink';
import { bytesToIp } from './addr.js';
import { errnoOf, strerror } from './native.js';
import { applyRcvBuf, netlinkFdOfPort, rcvBufFailure, type RcvBuf } from './rcvbuf.js';
import type { AddrInfo, IpvlanMode, KernelError, KernelEvent, LinkInfo } from '../kernel/port.js';

// require(), not import: importing this CommonJS package from ESM runs Node's export scanner over
// all of it (1.6 MB with nl80211 and wireguard), 0.15-0.4 s of every VRRP child start.
const { createRtNetlink, rt } = createRequire(import.meta.url)('netlink') as typeof Netlink;

const NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400;

function toErr(e: unknown, what: string): KernelError {
  const msg = e instanceof Error ? e.message : String(e);
  const code = /Request rejected: (\w+)/.exec(msg)?.[1] ?? 'EIO';
  const errno = errnoOf(code);
  return { code, errno, text: strerror(errno), message: `${what}: ${msg}` };
}

// netlink's typings are partial: message shapes as we read them.
interface LinkMsg { data: { index?: number; flags?: Record<string, boolean>; }; attrs: { ifname?: string; address?: Buffer; mtu?: number; master?: number; linkinfo?: Buffer } }

/** One rtattr: length, type, payload padded to 4 bytes. */
function attr(type: number, payload: Buffer): Buffer {
  const len = 4 + payload.length;
  const b = Buffer.alloc((len + 3) & ~3);
  b.writeUInt16LE(len, 0); b.writeUInt16LE(type, 2); payload.copy(b, 4);
  return b;
}
const u16 = (v: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; };
const u32 = (v: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };

/** IFLA_INFO_KIND (1) out of a raw IFLA_LINKINFO. */
function kindOf(linkinfo: Buffer | undefined): string | undefined {
  for (let o = 0; linkinfo && o + 4 <= linkinfo.length;) {
    const len = linkinfo.readUInt16LE(o), type = linkinfo.readUInt16LE(o + 2);
    if (len < 4) return undefined;
    if ((type & 0x3fff) === 1) return linkinfo.toString('latin1', o + 4, o + len).replace(/\0+$/, '');
    o += (len + 3) & ~3;
  }
  return undefined;
}

/** ipvlan's IFLA_IPVLAN_FLAGS for use_ipvlan's types. */
const IPVLAN_FLAGS: Record<IpvlanMode, number> = { bridge: 0, private: 1, vepa: 2 };
interface AddrMsg { data: { family?: number; prefixlen?: number; scope?: number; index?: number }; attrs: { address?: Buffer; local?: Buffer } }

function linkOf(m: LinkMsg): LinkInfo {
  const f = m.data.flags ?? {};
  const kind = kindOf(m.attrs.linkinfo);
  return { index: m.data.index ?? 0, name: m.attrs.ifname ?? '', mac: m.attrs.address ?? Buffer.alloc(6), up: !!f.up, running: !!f.running && !!f.up,
    flags: rt.formatDeviceFlags(f as never), ...(m.attrs.mtu !== undefined ? { mtu: m.attrs.mtu } : {}),
    ...(kind ? { kind } : {}), ...(m.attrs.master ? { master: m.attrs.master } : {}) };
}

function addrOf(m: AddrMsg): AddrInfo | undefined {
  const a = m.attrs.local ?? m.attrs.address;
  if (!a) return undefined;
  return { index: m.data.index ?? 0, family: m.data.family === 10 ? 'inet6' : 'inet', address: bytesToIp(a), prefixLen: m.data.prefixlen ?? 0, scope: m.data.scope ?? 0 };
}

export class Rtnl {
  private monitorSock?: RtNetlinkSocket;
  private constructor(private readonly sock: RtNetlinkSocket) {}

  static open(): Rtnl { return new Rtnl(createRtNetlink()); }

  async links(): Promise<LinkInfo[]> {
    return ((await this.sock.getLinks()) as unknown as LinkMsg[]).map(linkOf);
  }

  async addresses(): Promise<AddrInfo[]> {
    return ((await this.sock.getAddresses()) as unknown as AddrMsg[]).map(addrOf).filter((a): a is AddrInfo => !!a);
  }

  /** Creates a macvlan (mode private, as keepalived's use_vmac) on `parent`, up unless `up` is false; returns its ifindex. */
  createMacvlan(parent: number, name: string, mac: Buffer, up = true, master?: number): Promise<number | KernelError> {
    // IFLA_LINKINFO { IFLA_INFO_KIND "macvlan", IFLA_INFO_DATA { IFLA_MACVLAN_MODE = MACVLAN_MODE_PRIVATE(1) } }
    const linkinfo = Buffer.concat([attr(1, Buffer.from('macvlan\0')), attr(2, attr(1, u32(1)))]);
    return this.createLink('macvlan', parent, name, linkinfo, up, { address: mac, ...(master ? { master } : {}) });
  }

  /** Creates an L2 ipvlan (as keepalived's use_ipvlan) on `parent`, up; returns its ifindex. */
  createIpvlan(parent: number, name: string, mode: IpvlanMode, master?: number): Promise<number | KernelError> {
    // IFLA_LINKINFO { IFLA_INFO_KIND "ipvlan", IFLA_INFO_DATA { IFLA_IPVLAN_MODE = L2 (0), IFLA_IPVLAN_FLAGS } }
    const linkinfo = Buffer.concat([attr(1, Buffer.from('ipvlan\0')), attr(2, Buffer.concat([attr(1, u16(0)), attr(2, u16(IPVLAN_FLAGS[mode]))]))]);
    return this.createLink('ipvlan', parent, name, linkinfo, true, master ? { master } : {});
  }

  private async createLink(kind: string, parent: number, name: string, linkinfo: Buffer, up: boolean, extra: Record<string, unknown>): Promise<number | KernelError> {
    try {
      await this.sock.newLink((up ? { flags: { up: true }, change: { up: true } } : {}) as never,
        { ifname: name, link: u32(parent), linkinfo, ...extra } as never, { flags: NLM_F_CREATE | NLM_F_EXCL });
    } catch (e) {
      const err = toErr(e, `create ${kind} ${name}`);
      if (err.code !== 'EEXIST') return err;
    }
    const l = (await this.links()).find((x) => x.name === name);
    if (!l) return { code: 'ENODEV', errno: 19, text: strerror(19), message: `create ${kind} ${name}: not found after creation` };
    // an existing link of that name is adopted only if it is of the kind asked for
    return l.kind === kind ? l.index : { code: 'EEXIST', errno: 17, text: strerror(17), message: `create ${kind} ${name}: a ${l.kind ?? 'device'} of that name exists` };
  }

  /** `ip link set up` by ifindex. */
  async setLinkUp(index: number): Promise<KernelError | undefined> {
    try { await this.sock.setLink({ index, flags: { up: true }, change: { up: true } } as never); return undefined; } catch (e) { return toErr(e, `set link ${index} up`); }
  }

  async deleteLink(index: number): Promise<KernelError | undefined> {
    try { await this.sock.delLink({ index } as never); return undefined; } catch (e) { return toErr(e, `delete link ${index}`); }
  }

  /** Subscribes to link and address events on a second socket (kept referenced while open). */
  monitor(cb: (ev: KernelEvent) => void): void {
    if (this.monitorSock) return;
    const s = createRtNetlink({ ref: true } as never);
    s.addMembership('LINK');
    s.addMembership('IPV4_IFADDR');
    s.addMembership('IPV6_IFADDR');
    // The raw socket keeps the message type (RTM_NEWLINK 16 / DELLINK 17 / NEWADDR 20 / DELADDR 21).
    s.socket.on('message', (raw: { type: number; data: Buffer }[]) => {
      for (const r of raw) {
        if (r.type !== 16 && r.type !== 17 && r.type !== 20 && r.type !== 21) continue;
        let m: unknown;
        try { m = rt.parseMessage(r.type, r.data); } catch { continue; }
        if (r.type === 16) cb({ kind: 'link', link: linkOf(m as LinkMsg) });
        else if (r.type === 17) { const l = linkOf(m as LinkMsg); cb({ kind: 'linkDeleted', index: l.index, name: l.name }); }
        else { const a = addrOf(m as AddrMsg); if (a) cb(r.type === 20 ? { kind: 'addrAdded', addr: a } : { kind: 'addrDeleted', addr: a }); }
      }
    });
    this.monitorSock = s;
  }

  /**
   * Sizes the receive buffers of the dump/link socket (`cmd`) and of the monitor (when open); the
   * package keeps their descriptors to itself, so they are found by port id. 2.2.7's failure lines.
   */
  setRcvBufs(cmd: RcvBuf, monitor: RcvBuf): string[] {
    const out: string[] = [];
    for (const [s, b] of [[this.sock, cmd], [this.monitorSock, monitor]] as const) {
      if (!s) continue;
      const fd = netlinkFdOfPort(0, s.socket.address().port);
      // no descriptor found (no /proc): reported as a failed setsockopt on a bad descriptor
      const line = fd === undefined ? rcvBufFailure(b, 9, strerror(9)) : applyRcvBuf(fd, b);
      if (line) out.push(line);
    }
    return out;
  }

  close(): void {
    this.monitorSock?.socket.close();
    this.monitorSock = undefined;
    this.sock.socket.close();
  }
}

