// rtnetlink adapter (netlink@0.3.0): interface and address dumps (with each link's kind and master),
// macvlan and ipvlan create / link delete, and a monitor of link and address events (read on a
// socket of our own, nl-channel.ts: bounded reads per wake-up, overruns reported). VIP add/remove
// requests are nl-addr.ts's. Library errors ('Request rejected: EEXIST') become { code, message }
// values. Every link and address message, dumped or notified, goes through decodeLinkAddr(): one
// the package cannot parse, or that lacks what a link or an address must have, is dropped and
// noted (common/malformed.ts).
import { createRequire } from 'node:module';
import type * as Netlink from 'netlink';
import type { RtNetlinkSocket } from 'netlink';
import { malformedInput } from '../../common/malformed.js';
import { nla as attr, splitAttrs, splitMessages } from '../../common/netlink.js';
import { bytesToIp } from './addr.js';
import { errnoName, errnoOf, isNativeError, strerror, type NativeError } from './native.js';
import { NlGroups } from './nl-channel.js';
import { applyRcvBuf, netlinkFdOfPort, rcvBufFailure, type RcvBuf } from './rcvbuf.js';
import type { AddrInfo, IpvlanMode, KernelError, KernelEvent, LinkInfo } from '../kernel/port.js';

// require(), not import: importing this CommonJS package from ESM runs Node's export scanner over
// all of it (1.6 MB with nl80211 and wireguard), 0.15-0.4 s of every VRRP child start.
const { createRtNetlink, rt } = createRequire(import.meta.url)('netlink') as typeof Netlink;

const NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400, NLM_F_DUMP = 0x300;
const RTM_NEWLINK = 16, RTM_DELLINK = 17, RTM_GETLINK = 18, RTM_NEWADDR = 20, RTM_DELADDR = 21, RTM_GETADDR = 22;
/** A dump that never completes (its reply lost) fails after this instead of stalling the start. */
const DUMP_TIMEOUT_MS = 30_000;
/** RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR. */
const RTNLGRP_LINK = 1, RTNLGRP_IPV4_IFADDR = 5, RTNLGRP_IPV6_IFADDR = 9;

function toErr(e: unknown, what: string): KernelError {
  const msg = e instanceof Error ? e.message : String(e);
  const code = /Request rejected: (\w+)/.exec(msg)?.[1] ?? 'EIO';
  const errno = errnoOf(code);
  return { code, errno, text: strerror(errno), message: `${what}: ${msg}` };
}

/** The package's sockets emit 'error' (its typings list only their other events; the class is an EventEmitter). */
const onSocketError = (s: RtNetlinkSocket, f: (e: Error & { errno?: number; code?: string }) => void): void => {
  const emitter: NodeJS.EventEmitter = s;
  emitter.on('error', f);
};

// netlink's typings are partial: message shapes as we read them.
interface LinkMsg { data: { index?: number; flags?: Record<string, boolean>; };
  attrs: { ifname?: string; address?: Buffer; mtu?: number; master?: number; linkinfo?: Buffer } }

const u16 = (v: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; };
const u32 = (v: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };

/** IFLA_INFO_KIND (1) out of a raw IFLA_LINKINFO. */
function kindOf(linkinfo: Buffer | undefined): string | undefined {
  return linkinfo && splitAttrs(linkinfo).get(1)?.toString('latin1').replace(/\0+$/, '');
}

/** ipvlan's IFLA_IPVLAN_FLAGS for use_ipvlan's types. */
const IPVLAN_FLAGS: Record<IpvlanMode, number> = { bridge: 0, private: 1, vepa: 2 };
interface AddrMsg { data: { family?: number; prefixlen?: number; scope?: number; index?: number };
  attrs: { address?: Buffer; local?: Buffer } }

function linkOf(m: LinkMsg): LinkInfo {
  const f = m.data.flags ?? {};
  const kind = kindOf(m.attrs.linkinfo);
  return { index: m.data.index ?? 0, name: m.attrs.ifname ?? '', mac: m.attrs.address ?? Buffer.alloc(6), up: !!f.up, running: !!f.running && !!f.up,
    flags: rt.formatDeviceFlags(f as never), ...(m.attrs.mtu !== undefined ? { mtu: m.attrs.mtu } : {}),
    ...(kind ? { kind } : {}), ...(m.attrs.master ? { master: m.attrs.master } : {}) };
}

/** Decoded link or address message, or why it was dropped. */
export type LinkAddrMessage =
  | { ok: true; link: LinkInfo; deleted: boolean }
  | { ok: true; addr: AddrInfo; deleted: boolean }
  | { ok: false; reason: string; detail?: string };

/** IFNAMSIZ - 1. */
const MAX_IFNAME = 15;

/**
 * One RTM_NEWLINK / DELLINK / NEWADDR / DELADDR message body (after the nlmsghdr), as the package
 * parses it, checked for what the runtime relies on: a link has an ifindex and a name of at most 15
 * bytes; an address an ifindex, the family's address length (4 or 16 bytes) and a prefix length
 * within it.
 */
export function decodeLinkAddr(type: number, data: Buffer): LinkAddrMessage {
  if (type !== RTM_NEWLINK && type !== RTM_DELLINK && type !== RTM_NEWADDR && type !== RTM_DELADDR) return { ok: false, reason: 'type', detail: String(type) };
  let m: unknown;
  try { m = rt.parseMessage(type, data); } catch (e) { return { ok: false, reason: 'parse', detail: (e as Error).message }; }
  if (type === RTM_NEWLINK || type === RTM_DELLINK) {
    const l = linkOf(m as LinkMsg);
    if (!Number.isInteger(l.index) || l.index <= 0) return { ok: false, reason: 'link-index', detail: String(l.index) };
    if (!l.name || Buffer.byteLength(l.name, 'latin1') > MAX_IFNAME) return { ok: false, reason: 'link-name', detail: JSON.stringify(l.name) };
    return { ok: true, link: l, deleted: type === RTM_DELLINK };
  }
  const am = m as AddrMsg;
  const a = am.attrs.local ?? am.attrs.address;
  const family = am.data.family;
  const index = am.data.index ?? 0;
  if (family !== 2 && family !== 10) return { ok: false, reason: 'addr-family', detail: String(family) };
  if (!a || a.length !== (family === 2 ? 4 : 16)) return { ok: false, reason: 'addr-length', detail: String(a?.length ?? 0) };
  const prefixLen = am.data.prefixlen ?? 0;
  if (prefixLen > a.length * 8) return { ok: false, reason: 'addr-prefix', detail: String(prefixLen) };
  if (!Number.isInteger(index) || index <= 0) return { ok: false, reason: 'addr-index', detail: String(index) };
  return { ok: true, addr: { index, family: family === 10 ? 'inet6' : 'inet', address: bytesToIp(a), prefixLen, scope: am.data.scope ?? 0 }, deleted: type === RTM_DELADDR };
}

/** Notes a dropped message (a message of another type is no fault). */
function dropped(r: { reason: string; detail?: string }): void {
  malformedInput.note('rtnetlink', r.reason, r.detail);
}

/**
 * The events of one datagram of the link and address groups, in order. Those groups carry nothing
 * but RTM_NEWLINK / DELLINK / NEWADDR / DELADDR: any other message, a malformed one, an empty
 * datagram and bytes after the last whole message are dropped and noted (common/malformed.ts).
 */
export function linkAddrEventsOf(datagram: Buffer): KernelEvent[] {
  const msgs = splitMessages(datagram);
  if (msgs.rest) malformedInput.note('rtnetlink', 'framing', `${msgs.rest} bytes after the last whole message`);
  else if (msgs.length === 0) malformedInput.note('rtnetlink', 'framing', 'empty datagram');
  const out: KernelEvent[] = [];
  for (const m of msgs) {
    const d = decodeLinkAddr(m.readUInt16LE(4), m.subarray(16));
    if (!d.ok) { dropped(d); continue; }
    if ('link' in d) out.push(d.deleted ? { kind: 'linkDeleted', index: d.link.index, name: d.link.name } : { kind: 'link', link: d.link });
    else out.push(d.deleted ? { kind: 'addrDeleted', addr: d.addr } : { kind: 'addrAdded', addr: d.addr });
  }
  return out;
}

/** Makes a socket of the package (the real one; the fuzz tests give one over a fake raw socket). */
export type RtSocketFactory = (opts?: { ref?: boolean }) => RtNetlinkSocket;

/** The monitor's socket in the link and address groups (NlGroups; the fuzz tests give a fake). */
export interface MonitorSource { close(): void; setRcvBuf(b: RcvBuf): string | undefined }
export type GroupsOpener = (groups: readonly number[], onDatagram: (datagram: Buffer) => void,
  onError: (errno: number) => void) => MonitorSource | NativeError;

export class Rtnl {
  private monitorSock?: MonitorSource;
  private readonly sock: RtNetlinkSocket;

  constructor(private readonly newSocket: RtSocketFactory, private readonly dumpTimeoutMs = DUMP_TIMEOUT_MS,
    private readonly openGroups: GroupsOpener = (g, d, e) => NlGroups.open(g, d, e)) {
    this.sock = this.watch(newSocket());
    // a receive error on the request socket must not abort the process (see monitor()); it carries
    // no multicast, and dump replies come piecewise as they are read, so it has no overrun to report
    onSocketError(this.sock, () => {});
  }

  static open(): Rtnl { return new Rtnl((o) => createRtNetlink(o as never)); }

  /** Datagrams the package cannot frame (it drops them with an 'invalid' event) are noted. */
  private watch(s: RtNetlinkSocket): RtNetlinkSocket {
    s.socket.on('invalid', (e: unknown) => { malformedInput.note('rtnetlink', 'framing', e instanceof Error ? e.message : String(e)); });
    return s;
  }

  /** One dump (ifinfomsg / ifaddrmsg of zeros, family AF_UNSPEC): the messages that decode. */
  private async dump<T>(type: number, hdrLen: number, pick: (m: LinkAddrMessage) => T | undefined): Promise<T[]> {
    let msgs: { type: number; data: Buffer }[];
    try {
      [msgs] = await this.sock.socket.request(type, Buffer.alloc(hdrLen),
        { flags: NLM_F_DUMP, timeout: this.dumpTimeoutMs });
    } catch (e) {
      // a kernel error ("Request rejected: ...") is the caller's to report; anything else is a reply we could not use
      const text = e instanceof Error ? e.message : String(e);
      if (!text.startsWith('Request rejected')) malformedInput.note('rtnetlink', 'dump', text);
      throw e;
    }
    const out: T[] = [];
    for (const x of msgs) {
      const d = decodeLinkAddr(x.type, x.data);
      const v = d.ok ? pick(d) : undefined;
      if (v !== undefined) out.push(v);
      else dropped(d.ok ? { reason: 'dump-kind', detail: String(x.type) } : d);
    }
    return out;
  }

  links(): Promise<LinkInfo[]> {
    return this.dump(RTM_GETLINK, 16, (m) => ('link' in m && !m.deleted ? m.link : undefined));
  }

  addresses(): Promise<AddrInfo[]> {
    return this.dump(RTM_GETADDR, 8, (m) => ('addr' in m && !m.deleted ? m.addr : undefined));
  }

  /** Creates a macvlan (mode private, as keepalived's use_vmac) on `parent`, up unless `up` is false; returns its
   *  ifindex. */
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

  private async createLink(kind: string, parent: number, name: string, linkinfo: Buffer, up: boolean,
      extra: Record<string, unknown>): Promise<number | KernelError> {
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

  /**
   * Subscribes to link and address events on a socket of our own (nl-channel.ts's NlGroups; the
   * package's socket aborts the process when a read fails, e.g. with ENOBUFS). A failed read
   * (ENOBUFS: the kernel dropped events because the receive buffer was full) goes to `onError`.
   */
  monitor(cb: (ev: KernelEvent) => void, onError: (e: KernelError) => void = () => {}): void {
    if (this.monitorSock) return;
    const s = this.openGroups([RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR], (datagram) => {
      // whole datagrams, framed here (linkAddrEventsOf)
      for (const ev of linkAddrEventsOf(datagram)) cb(ev);
    }, (errno) => onError({ code: errnoName(errno), errno, text: strerror(errno), message: `netlink monitor: recvmsg: ${strerror(errno)}` }));
    // (no addon: the VRRP child cannot run at all; its start fails here as it did with the package's socket)
    if (isNativeError(s)) throw new Error(`netlink monitor: ${s.message}`);
    this.monitorSock = s;
  }

  /**
   * Sizes the receive buffers of the dump/link socket (`cmd`) and of the monitor (when open); the
   * package keeps their descriptors to itself, so they are found by port id. 2.2.7's failure lines.
   */
  setRcvBufs(cmd: RcvBuf, monitor: RcvBuf): string[] {
    const out: string[] = [];
    const fd = netlinkFdOfPort(0, this.sock.socket.address().port);
    // no descriptor found (no /proc): reported as a failed setsockopt on a bad descriptor
    const line = fd === undefined ? rcvBufFailure(cmd, 9, strerror(9)) : applyRcvBuf(fd, cmd);
    if (line) out.push(line);
    const ml = this.monitorSock?.setRcvBuf(monitor);
    if (ml) out.push(ml);
    return out;
  }

  close(): void {
    this.monitorSock?.close();
    this.monitorSock = undefined;
    this.sock.socket.close();
  }
}

