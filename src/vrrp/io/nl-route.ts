// rtnetlink codecs for routes and rules (pure): RTM_NEWROUTE / RTM_DELROUTE and RTM_NEWRULE /
// RTM_DELRULE requests laid out as keepalived 2.2.7's netlink_route() / netlink_rule() build them
// (header fields, attributes, flags), and the route / rule notifications of the kernel decoded into
// the fields keepalived compares (route_is_ours(), compare_rule()). Sequence number 0: the sender
// writes it in place (offset 8).
import type { RouteEncap, RouteMetrics, RouteNexthop, VirtualRoute, VirtualRule } from '../../config/model.js';
import { nla, nlRequest, NLM_F_ACK, NLM_F_REQUEST, splitAttrs } from '../../common/netlink.js';
import { bytesToIp, ipToBytes } from './addr.js';

export const RTM = { NEWROUTE: 24, DELROUTE: 25, NEWRULE: 32, DELRULE: 33 } as const;
/** rtnetlink multicast groups (RTNLGRP_*). */
export const RTNLGRP = { IPV4_ROUTE: 7, IPV4_RULE: 8, IPV6_ROUTE: 11, IPV6_RULE: 19 } as const;

const NLM_F_REPLACE = 0x100, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400, NLM_F_APPEND = 0x800;
const AF = { inet: 2, inet6: 10 } as const;
const RTPROT_KEEPALIVED = 18, RT_SCOPE_NOWHERE = 255, RT_TABLE_MAIN = 254;
const RTA = { DST: 1, SRC: 2, OIF: 4, GATEWAY: 5, PRIORITY: 6, PREFSRC: 7, METRICS: 8, MULTIPATH: 9, FLOW: 11,
  TABLE: 15, PREF: 20, ENCAP_TYPE: 21, ENCAP: 22, EXPIRES: 23, TTL_PROPAGATE: 26 } as const;
const RTAX = { LOCK: 1, MTU: 2, WINDOW: 3, RTT: 4, RTTVAR: 5, SSTHRESH: 6, CWND: 7, ADVMSS: 8, REORDERING: 9,
  HOPLIMIT: 10, INITCWND: 11, FEATURES: 12, RTO_MIN: 13, INITRWND: 14, QUICKACK: 15, CC_ALGO: 16,
  FASTOPEN_NO_COOKIE: 17 } as const;
const RTNH_F_ONLINK = 4;
const LWT = { MPLS: 1, IP: 2, ILA: 3, IP6: 4 } as const;
const FRA = { DST: 1, SRC: 2, IIFNAME: 3, GOTO: 4, PRIORITY: 6, FWMARK: 10, FLOW: 11, TUN_ID: 12, SUPPRESS_IFGROUP: 13,
  SUPPRESS_PREFIXLEN: 14, TABLE: 15, FWMASK: 16, OIFNAME: 17, L3MDEV: 19, UID_RANGE: 20, PROTOCOL: 21, IP_PROTO: 22,
  SPORT_RANGE: 23, DPORT_RANGE: 24 } as const;
/** FR_ACT_*. */
export const FR_ACT = { table: 1, l3mdev: 1, goto: 2, nop: 3, blackhole: 6, unreachable: 7, prohibit: 8 } as const;
const FIB_RULE_INVERT = 2;
/** The u32 RTA_METRICS members, in netlink_route()'s order. */
const U32_METRICS: readonly [Exclude<keyof RouteMetrics, 'congctl' | 'lock'>, number][] = [
  ['rtt', RTAX.RTT], ['rttvar', RTAX.RTTVAR], ['rtoMin', RTAX.RTO_MIN], ['features', RTAX.FEATURES], ['mtu', RTAX.MTU],
  ['window', RTAX.WINDOW], ['ssthresh', RTAX.SSTHRESH], ['cwnd', RTAX.CWND], ['advmss', RTAX.ADVMSS], ['reordering', RTAX.REORDERING],
  ['hoplimit', RTAX.HOPLIMIT], ['initcwnd', RTAX.INITCWND], ['initrwnd', RTAX.INITRWND], ['quickack', RTAX.QUICKACK],
  ['fastopenNoCookie', RTAX.FASTOPEN_NO_COOKIE],
];

const u8 = (v: number): Buffer => Buffer.from([v & 0xff]);
const u16 = (v: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16LE(v & 0xffff); return b; };
const u32 = (v: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; };
const be64 = (v: bigint): Buffer => { const b = Buffer.alloc(8); b.writeBigUInt64BE(v); return b; };
const ip = (a: string): Buffer => { const b = ipToBytes(a); if (!b) throw new RangeError(`bad address ${a}`); return b; };

function message(type: number, flags: number, header: Buffer, attrs: Buffer[]): Buffer {
  return nlRequest(type, flags | NLM_F_REQUEST | NLM_F_ACK, [header, ...attrs]);
}

function encapAttrs(e: RouteEncap): Buffer[] {
  let inner: Buffer[];
  let type: number;
  if (e.kind === 'mpls') {
    type = LWT.MPLS;
    // label stack entries (network order): label << 12, bottom of stack on the last
    const stack = Buffer.alloc(4 * e.labels.length);
    e.labels.forEach((l, i) => stack.writeUInt32BE(((l << 12) | (i === e.labels.length - 1 ? 0x100 : 0)) >>> 0, i * 4));
    inner = [nla(1, stack)];
  } else if (e.kind === 'ila') {
    type = LWT.ILA;
    inner = [nla(1, be64(e.locator))];
  } else {
    type = e.kind === 'ip' ? LWT.IP : LWT.IP6;
    inner = [];
    if (e.id !== undefined) inner.push(nla(1, be64(e.id)));
    if (e.dst !== undefined) inner.push(nla(2, ip(e.dst)));
    if (e.src !== undefined) inner.push(nla(3, ip(e.src)));
    // LWTUNNEL_IP_TTL 4 / TOS 5; LWTUNNEL_IP6_HOPLIMIT 4 / TC 5
    if (e.tos !== undefined) inner.push(nla(5, u8(e.tos)));
    if (e.ttl !== undefined) inner.push(nla(4, u8(e.ttl)));
    if (e.flags !== undefined) inner.push(nla(6, u16(e.flags)));
  }
  return [nla(RTA.ENCAP, Buffer.concat(inner)), nla(RTA.ENCAP_TYPE, u16(type))];
}

/** The route's interfaces that do not exist now (a request cannot be built without their index). */
export type IfindexOf = (name: string) => number | undefined;

export type RouteOp = 'add' | 'replace' | 'del';

/**
 * RTM_NEWROUTE (add / replace) or RTM_DELROUTE for a route, as netlink_route(): table in the header
 * (RTA_TABLE above 255), scope universe (delete: nowhere) unless given, the type (a delete carries it
 * only when the route's add bit is set), protocol 18 unless given, and add flags CREATE plus REPLACE /
 * EXCL (`add`, or a written type) / APPEND. Undefined when an interface is missing.
 */
export function encodeRouteRequest(r: VirtualRoute, op: RouteOp, ifindexOf: IfindexOf): Buffer | undefined {
  const del = op === 'del';
  let flags = 0;
  if (!del) {
    flags = NLM_F_CREATE;
    if (op === 'replace') flags |= NLM_F_REPLACE;
    else if (r.addMode === 'add') flags |= NLM_F_EXCL;
    else if (r.addMode === 'append') flags |= NLM_F_APPEND;
  }
  const hdr = Buffer.alloc(12);
  hdr[0] = AF[r.family];
  hdr[1] = r.dst.prefixLen;
  hdr[2] = r.src?.prefixLen ?? 0;
  hdr[3] = r.tos ?? 0;
  hdr[4] = r.table < 256 ? r.table : 0;
  hdr[5] = r.protocol ?? RTPROT_KEEPALIVED;
  hdr[6] = r.scope ?? (del ? RT_SCOPE_NOWHERE : 0);
  hdr[7] = del ? (r.addMode === 'add' ? r.type : 0) : r.type;
  hdr.writeUInt32LE(r.onlink ? RTNH_F_ONLINK : 0, 8);
  const a: Buffer[] = [];
  if (r.table >= 256) a.push(nla(RTA.TABLE, u32(r.table)));
  a.push(nla(RTA.DST, ip(r.dst.address)));
  if (r.src) a.push(nla(RTA.SRC, ip(r.src.address)));
  if (r.prefSrc) a.push(nla(RTA.PREFSRC, ip(r.prefSrc.address)));
  if (r.via) a.push(nla(RTA.GATEWAY, ip(r.via.address)));
  if (r.encap) a.push(...encapAttrs(r.encap));
  if (r.dev !== undefined) {
    const idx = ifindexOf(r.dev);
    if (idx === undefined) return undefined;
    a.push(nla(RTA.OIF, u32(idx)));
  }
  if (r.metric !== undefined) a.push(nla(RTA.PRIORITY, u32(r.metric)));
  if (r.realms) a.push(nla(RTA.FLOW, u32(r.realms)));
  if (r.expires !== undefined) a.push(nla(RTA.EXPIRES, u32(r.expires)));
  const m = r.metrics;
  const mx: Buffer[] = [];
  if (m.congctl !== undefined) mx.push(nla(RTAX.CC_ALGO, Buffer.from(m.congctl, 'latin1')));
  for (const [k, type] of U32_METRICS) {
    const v = m[k];
    // features 0 is not sent (netlink_route() tests it for non-zero)
    if (v !== undefined && (k !== 'features' || v)) mx.push(nla(type, u32(v)));
  }
  if (r.pref !== undefined) a.push(nla(RTA.PREF, u8(r.pref)));
  if (r.ttlPropagate !== undefined) a.push(nla(RTA.TTL_PROPAGATE, u8(r.ttlPropagate ? 1 : 0)));
  if (mx.length) {
    if (m.lock) mx.push(nla(RTAX.LOCK, u32(m.lock)));
    a.push(nla(RTA.METRICS, Buffer.concat(mx)));
  }
  if (r.nexthops.length) {
    const hops: Buffer[] = [];
    for (const nh of r.nexthops) {
      const h = nexthop(nh, ifindexOf);
      if (!h) return undefined;
      hops.push(h);
    }
    a.push(nla(RTA.MULTIPATH, Buffer.concat(hops)));
  }
  return message(del ? RTM.DELROUTE : RTM.NEWROUTE, flags, hdr, a);
}

/** struct rtnexthop { len, flags, hops (weight - 1), ifindex } and its attributes. */
function nexthop(nh: RouteNexthop, ifindexOf: IfindexOf): Buffer | undefined {
  const attrs: Buffer[] = [];
  if (nh.via) attrs.push(nla(RTA.GATEWAY, ip(nh.via.address)));
  if (nh.realms) attrs.push(nla(RTA.FLOW, u32(nh.realms)));
  if (nh.encap) attrs.push(...encapAttrs(nh.encap));
  const body = Buffer.concat(attrs);
  const h = Buffer.alloc(8);
  h.writeUInt16LE(8 + body.length, 0);
  h[2] = nh.onlink ? RTNH_F_ONLINK : 0;
  h[3] = nh.weight !== undefined ? (nh.weight - 1) & 0xff : 0;
  if (nh.dev !== undefined) {
    const idx = ifindexOf(nh.dev);
    if (idx === undefined) return undefined;
    h.writeInt32LE(idx, 4);
  }
  return Buffer.concat([h, body]);
}

/**
 * RTM_NEWRULE (CREATE | EXCL) or RTM_DELRULE for a rule, as netlink_rule(): fib_rule_hdr { family,
 * dst_len, src_len, tos, table (FRA_TABLE above 255), action, flags (not: INVERT) }, FRA_SRC / DST,
 * FRA_PRIORITY, mark and mask, realms, suppressors, interface names, tunnel id, uid range, l3mdev,
 * protocol, ip protocol, port ranges, goto target.
 */
export function encodeRuleRequest(r: VirtualRule, op: 'add' | 'del'): Buffer {
  const hdr = Buffer.alloc(12);
  hdr[0] = AF[r.family];
  hdr[1] = r.to?.prefixLen ?? 0;
  hdr[2] = r.from?.prefixLen ?? 0;
  hdr[3] = r.tos;
  const act = r.action;
  const a: Buffer[] = [];
  if (act.kind === 'table') {
    if (act.table < 256) hdr[4] = act.table ? act.table & 0xff : RT_TABLE_MAIN;
    else a.push(nla(FRA.TABLE, u32(act.table)));
  }
  hdr[7] = FR_ACT[act.kind];
  hdr.writeUInt32LE(r.invert ? FIB_RULE_INVERT : 0, 8);
  if (r.from) a.push(nla(FRA.SRC, ip(r.from.address)));
  if (r.to) a.push(nla(FRA.DST, ip(r.to.address)));
  a.push(nla(FRA.PRIORITY, u32(r.preference)));
  if (r.fwmark !== undefined) a.push(nla(FRA.FWMARK, u32(r.fwmark)));
  if (r.fwmask !== undefined) a.push(nla(FRA.FWMASK, u32(r.fwmask)));
  if (r.realms) a.push(nla(FRA.FLOW, u32(r.realms)));
  if (r.suppressPrefixlen !== undefined) a.push(nla(FRA.SUPPRESS_PREFIXLEN, u32(r.suppressPrefixlen)));
  if (r.suppressIfgroup !== undefined) a.push(nla(FRA.SUPPRESS_IFGROUP, u32(r.suppressIfgroup)));
  if (r.iif !== undefined) a.push(nla(FRA.IIFNAME, Buffer.from(`${r.iif}\0`, 'latin1')));
  if (r.oif !== undefined) a.push(nla(FRA.OIFNAME, Buffer.from(`${r.oif}\0`, 'latin1')));
  if (r.tunnelId) a.push(nla(FRA.TUN_ID, be64(r.tunnelId)));
  if (r.uidRange) a.push(nla(FRA.UID_RANGE, Buffer.concat([u32(r.uidRange.start), u32(r.uidRange.end)])));
  if (act.kind === 'l3mdev') a.push(nla(FRA.L3MDEV, u8(1)));
  if (r.protocol !== undefined) a.push(nla(FRA.PROTOCOL, u8(r.protocol)));
  if (r.ipProto !== undefined) a.push(nla(FRA.IP_PROTO, u8(r.ipProto)));
  if (r.sport) a.push(nla(FRA.SPORT_RANGE, Buffer.concat([u16(r.sport.start), u16(r.sport.end)])));
  if (r.dport) a.push(nla(FRA.DPORT_RANGE, Buffer.concat([u16(r.dport.start), u16(r.dport.end)])));
  if (act.kind === 'goto') a.push(nla(FRA.GOTO, u32(act.target)));
  return message(op === 'add' ? RTM.NEWRULE : RTM.DELRULE, op === 'add' ? NLM_F_CREATE | NLM_F_EXCL : 0, hdr, a);
}

// ---------------------------------------------------------------------------------------------
// notifications

/** A route notification: the fields route_is_ours() looks at. */
export interface RouteEvent {
  added: boolean;
  /** nlmsg_pid: the port of the requester (0: the kernel itself). */
  pid: number;
  family: 'inet' | 'inet6';
  dstLen: number;
  tos: number;
  table: number;
  protocol: number;
  /** RTA_DST (absent for a default route). */
  dst?: string;
  oif?: number;
  priority?: number;
}

/** A rule notification: the fields compare_rule() looks at (the rule's own, as VirtualRule types them). */
export interface RuleEvent extends Pick<VirtualRule, 'fwmark' | 'fwmask' | 'suppressPrefixlen' | 'suppressIfgroup' | 'iif' | 'oif'
  | 'tunnelId' | 'uidRange' | 'protocol' | 'ipProto' | 'sport' | 'dport'> {
  added: boolean;
  pid: number;
  family: 'inet' | 'inet6';
  dstLen: number;
  srcLen: number;
  tos: number;
  headerTable: number;
  action: number;
  invert: boolean;
  src?: string;
  dst?: string;
  table?: number;
  priority?: number;
  goto?: number;
  flow?: number;
  l3mdev?: number;
}

const familyOf = (f: number): 'inet' | 'inet6' | undefined => (f === 2 ? 'inet' : f === 10 ? 'inet6' : undefined);
const str = (b: Buffer): string => { const z = b.indexOf(0); return b.subarray(0, z < 0 ? b.length : z).toString('latin1'); };
const range = (b: Buffer): { start: number; end: number } => ({ start: b.readUInt16LE(0), end: b.readUInt16LE(2) });

/** A route or rule notification decoded; `skip` for messages of other types, `malformed` with why it was dropped. */
export type RouteRuleMessage = { route: RouteEvent } | { rule: RuleEvent } | { skip: number } | { malformed: string };

/** Decodes one netlink message (header included) of a route or rule notification. */
export function decodeRouteRuleMessage(msg: Buffer): RouteRuleMessage {
  if (msg.length < 16) return { malformed: 'short' };
  const type = msg.readUInt16LE(4), pid = msg.readUInt32LE(12);
  if (type !== RTM.NEWROUTE && type !== RTM.DELROUTE && type !== RTM.NEWRULE
    && type !== RTM.DELRULE) return { skip: type };
  const body = msg.subarray(16, msg.readUInt32LE(0));
  if (body.length < 12) return { malformed: 'short' };
  const family = familyOf(body[0]!);
  if (!family) return { malformed: 'family' };
  const at = splitAttrs(body.subarray(12));
  const alen = family === 'inet' ? 4 : 16;
  for (const k of [RTA.DST, RTA.SRC, RTA.GATEWAY, RTA.PREFSRC]) {
    // FRA_DST / FRA_SRC have the same numbers as RTA_DST / RTA_SRC; a rule's "from all" has none
    const b = at.get(k);
    if (b && b.length !== alen && (k === RTA.DST || k === RTA.SRC || type === RTM.NEWROUTE || type === RTM.DELROUTE)) return { malformed: 'address-length' };
  }
  const n32 = (k: number) => { const b = at.get(k); return b && b.length >= 4 ? b.readUInt32LE(0) : undefined; };
  const addr = (k: number) => { const b = at.get(k); return b ? bytesToIp(b) : undefined; };
  if (type === RTM.NEWROUTE || type === RTM.DELROUTE) {
    const e: RouteEvent = {
      added: type === RTM.NEWROUTE, pid, family, dstLen: body[1]!, tos: body[3]!,
      table: n32(RTA.TABLE) ?? body[4]!, protocol: body[5]!,
    };
    const dst = addr(RTA.DST), oif = n32(RTA.OIF), prio = n32(RTA.PRIORITY);
    if (dst !== undefined) e.dst = dst;
    if (oif !== undefined) e.oif = oif;
    if (prio !== undefined) e.priority = prio;
    return { route: e };
  }
  if (type === RTM.NEWRULE || type === RTM.DELRULE) {
    const e: RuleEvent = {
      added: type === RTM.NEWRULE, pid, family, dstLen: body[1]!, srcLen: body[2]!, tos: body[3]!,
      headerTable: body[4]!, action: body[7]!,
      invert: (body.readUInt32LE(8) & FIB_RULE_INVERT) !== 0,
    };
    const set = <K extends keyof RuleEvent>(k: K, v: RuleEvent[K] | undefined): void => {
      if (v !== undefined) e[k] = v;
    };
    set('src', addr(FRA.SRC)); set('dst', addr(FRA.DST)); set('table', n32(FRA.TABLE)); set('priority', n32(FRA.PRIORITY));
    set('goto', n32(FRA.GOTO)); set('fwmark', n32(FRA.FWMARK)); set('fwmask', n32(FRA.FWMASK)); set('flow', n32(FRA.FLOW));
    const spl = at.get(FRA.SUPPRESS_PREFIXLEN);
    if (spl && spl.length >= 4) e.suppressPrefixlen = spl.readInt32LE(0);
    const sig = at.get(FRA.SUPPRESS_IFGROUP);
    if (sig && sig.length >= 4) e.suppressIfgroup = sig.readUInt32LE(0);
    const iif = at.get(FRA.IIFNAME), oif = at.get(FRA.OIFNAME);
    if (iif) e.iif = str(iif);
    if (oif) e.oif = str(oif);
    const tun = at.get(FRA.TUN_ID);
    if (tun && tun.length >= 8) e.tunnelId = tun.readBigUInt64BE(0);
    const uid = at.get(FRA.UID_RANGE);
    if (uid && uid.length >= 8) e.uidRange = { start: uid.readUInt32LE(0), end: uid.readUInt32LE(4) };
    const l3 = at.get(FRA.L3MDEV), pr = at.get(FRA.PROTOCOL), ipp = at.get(FRA.IP_PROTO);
    if (l3?.length) e.l3mdev = l3[0]!;
    if (pr?.length) e.protocol = pr[0]!;
    if (ipp?.length) e.ipProto = ipp[0]!;
    const sp = at.get(FRA.SPORT_RANGE), dp = at.get(FRA.DPORT_RANGE);
    if (sp && sp.length >= 4) e.sport = range(sp);
    if (dp && dp.length >= 4) e.dport = range(dp);
    return { rule: e };
  }
  return { skip: type };
}

export { splitMessages } from './nl-channel.js';

/** rtnetlink message type names for "Netlink: error" lines. */
export function nlMsgTypeName(type: number): string {
  switch (type) {
    case RTM.NEWROUTE: return 'RTM_NEWROUTE';
    case RTM.DELROUTE: return 'RTM_DELROUTE';
    case RTM.NEWRULE: return 'RTM_NEWRULE';
    case RTM.DELRULE: return 'RTM_DELRULE';
    case 20: return 'RTM_NEWADDR';
    case 21: return 'RTM_DELADDR';
    default: return String(type);
  }
}
