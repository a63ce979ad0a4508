// ip-route / ip-rule line syntax of virtual_routes, virtual_rules, static_routes and static_rules,
// read as keepalived 2.2.7's alloc_route() / alloc_rule() read it (keepalived/vrrp/vrrp_iproute.c,
// vrrp_iprule.c): the same words, the same word-skipping (e.g. `inet6` also skips the next word),
// the same messages, and the same outcome (line dropped, or kept with the bad part left out).
// Each line becomes a typed VirtualRoute / VirtualRule; routeWords() / ruleWords() print one back.
import type { KwArgs } from '../schema.js';
import type { IpFamily, RouteAddress, RouteEncap, RouteNexthop, RoutePrefix, VirtualRoute, VirtualRule } from '../../config/model.js';
import { isIPv4, isIPv6 } from 'node:net';
import type { RtNames } from '../../common/rt-names.js';
import { findRtnType, strtoulPrefix, strtoulWhole, RTN } from '../../common/rt-names.js';

/** Preferences handed to rules that give none: keepalived counts down from 16384, per family. */
export interface RuleState { next4: number; next6: number }
export const newRuleState = (): RuleState => ({ next4: 16384, next6: 16384 });

export interface RouteParseOpts {
  /** static_routes / static_rules: `track_group NAME` is a keyword (else an unknown word). */
  allowTrackGroup: boolean;
  /** Track groups declared before this line. */
  trackGroupExists?: (name: string) => boolean;
  /** global_defs dynamic_interfaces: a missing interface is kept. */
  dynamicInterfaces?: boolean;
  /** iproute2's names (default: the host's, KwArgs.host.routeNames). */
  names?: RtNames;
}

const RTPROT_KEEPALIVED = 18;
const RTNH_F_ONLINK = 4;
/** RTAX_* ids used for `lock` bits. */
const RTAX = { mtu: 2, window: 3, rtt: 4, rttvar: 5, ssthresh: 6, cwnd: 7, advmss: 8, reordering: 9,
  rtoMin: 13, ccAlgo: 16 } as const;
const RTT_MIN_MS = 200, RTT_MAX_MS = 120000;
const U32 = 0xffffffffn;

/** Stops the line: keepalived's `goto err` (the route / rule is not kept). */
class Drop extends Error {}

const familyOfText = (s: string): IpFamily => (s.includes(':') ? 'inet6' : 'inet');
const zero = (f: IpFamily): string => (f === 'inet' ? '0.0.0.0' : '::');

/** read_unsigned*_func: strtoul with keepalived's messages; undefined after reporting. */
function readU(a: KwArgs, text: string, min: bigint, max: bigint,
    opts: { base?: 0 | 10; bits64?: boolean } = {}): bigint | undefined {
  if (text.replace(/^[ \t\n\r\f\v]+/, '').startsWith('-')) { a.error(`negative number '${text}'`); return undefined; }
  const v = strtoulWhole(text, opts.base ?? 10);
  if (v === undefined) { a.error(`invalid number '${text}'`); return undefined; }
  if (opts.bits64 ? v >= 2n ** 64n - 1n && !/^\s*[+]?(18446744073709551615|0x[fF]{16})$/.test(text) : v > U32) {
    a.error(opts.bits64 ? `number '${text}' outside unsigned 64 bit range` : `number '${text}' outside unsigned integer range`);
    return undefined;
  }
  if (v < min || v > max) { a.error(`number '${text}' outside range [${min}, ${max}]`); return undefined; }
  return v;
}

/** get_u8/u16/u32 (vrrp_ip_rule_route_parser.c): the number, or undefined after both messages. */
function getU(a: KwArgs, text: string, max: number, msg: string): number | undefined {
  const v = readU(a, text, 0n, BigInt(max));
  if (v === undefined) { a.error(msg.replace('%s', text)); return undefined; }
  return Number(v);
}

/** parse_ipaddress(): family from ':'; `/len` only when allowed; the address must be valid. */
function parseIpaddress(a: KwArgs, text: string, allowSubnet: boolean): RoutePrefix | undefined {
  const family = familyOfText(text);
  const max = family === 'inet' ? 32 : 128;
  let prefixLen = max, addr = text;
  const slash = allowSubnet ? text.indexOf('/') : -1;
  if (slash >= 0) {
    const lenText = text.slice(slash + 1);
    const n = readU(a, lenText, 0n, BigInt(max));
    if (n === undefined) {
      a.error(`Invalid address prefix len ${lenText} for address ${text} - using ${max}`);
      // outside -t keepalived reads this with ignore_error: a number in range at the start is used
      const head = strtoulPrefix(lenText, 10);
      if (!lenText.trimStart().startsWith('-') && head.value <= BigInt(max)) prefixLen = Number(head.value);
    } else prefixLen = Number(n);
    addr = text.slice(0, slash);
  }
  if (!(family === 'inet' ? isIPv4(addr) : isIPv6(addr))) { a.error(`VRRP parsed invalid IP ${text}. skipping IP...`); return undefined; }
  return { family, address: addr, prefixLen };
}

/** parse_route(): a prefix, or `default` / `any` / `all` (family still open: undefined family). */
type OpenPrefix = Omit<RoutePrefix, 'family'> & { family?: IpFamily };
function parseRoutePrefix(a: KwArgs, text: string): OpenPrefix | undefined {
  if (text === 'default' || text === 'any' || text === 'all') return { address: '', prefixLen: 0, any: true };
  if (text === 'default6') return { family: 'inet6', address: '::', prefixLen: 0, any: true }; // logged as deprecated by keepalived
  return parseIpaddress(a, text, true);
}

function closePrefix(p: OpenPrefix, family: IpFamily): RoutePrefix {
  const f = p.family ?? family;
  return { ...p, family: f, address: p.any && !p.address ? zero(f) : p.address };
}

/** get_realms(): "N" or "SRC/DST" (names from rt_realms); undefined if invalid. */
function getRealms(names: RtNames, text: string): number | undefined {
  const slash = text.indexOf('/');
  const first = names.find('realms', slash < 0 ? text : text.slice(0, slash));
  if (first === undefined) return undefined;
  if (slash < 0) return first;
  const second = names.find('realms', text.slice(slash + 1));
  return second === undefined ? undefined : ((first << 16) | second) >>> 0;
}

/** get_time_rtt(): "N" (raw units), "Ns" / "Nms" (unit_mult per ms); clamped to 200 ms .. 120 s. */
function getTimeRtt(a: KwArgs, text: string, unitMult: number): number | undefined {
  const str = text.replace(/^[ \t\n\r\f\v]+/, '');
  let raw = true, shift = 0, num = str;
  const p = str.search(/[sS]/);
  if (p >= 0) {
    if (!/^(s|sec|secs)$/i.test(str.slice(p))) return undefined;
    raw = false;
    let q = p;
    if (q > 0 && str[q - 1]!.toLowerCase() === 'm') { shift = 0; q--; } else shift = 3;
    if (q === 0) return undefined;
    num = str.slice(0, q);
  }
  if (/[eE]/.test(num)) return undefined; // "rtt value exponential form ... no longer supported"
  const maxV = RTT_MAX_MS * unitMult;
  let res = readDecimalShift(a, num, shift, maxV);
  if (res === undefined) return undefined;
  if (!raw) res *= unitMult;
  if (res > maxV) res = maxV;
  else if (res < RTT_MIN_MS * unitMult) res = RTT_MIN_MS * unitMult;
  return res;
}

/** read_decimal_unsigned(str, 0..max, shift): the value times 10^shift. */
function readDecimalShift(a: KwArgs, text: string, shift: number, max: number): number | undefined {
  if (text.startsWith('-')) { a.error(`negative number '${text}'`); return undefined; }
  const dot = text.indexOf('.');
  let intPart = text, frac = '';
  if (dot >= 0) { intPart = text.slice(0, dot); frac = text.slice(dot + 1); }
  let roundUp = false;
  if (frac.length > shift) { a.error(`number '${text}' has too many decimal places`); roundUp = frac[shift]! >= '5'; frac = frac.slice(0, shift); }
  const digits = intPart + frac.padEnd(shift, '0');
  if (!/^\s*[+]?\d+$/.test(digits)) { a.error(`invalid number '${text}'`); return undefined; }
  const v = Number(digits) + (roundUp ? 1 : 0);
  if (v > max) {
    const d = 10 ** shift, f = (n: number) => `${Math.floor(n / d)}.${shift ? String(n % d).padStart(shift, '0') : ''}`;
    a.error(`number '${text}' outside range [${f(0)}, ${f(max)}]`);
  }
  return v;
}

const DUPLICATE = Symbol('duplicate track_group');

/** `track_group NAME` (static entries): the group if declared; a second one ends the line's reading. */
function trackGroup(a: KwArgs, i: number, current: string | undefined,
    opts: RouteParseOpts): string | typeof DUPLICATE | undefined {
  const g = a.need(i);
  if (current !== undefined) { a.error(`track_group ${g} is a duplicate`); return DUPLICATE; }
  if (opts.trackGroupExists?.(g)) return g;
  a.error(`track_group ${g} not found`);
  return undefined;
}

/** An interface word: kept if it exists (or checks are off, or dynamic_interfaces); else the line is dropped. */
function iface(a: KwArgs, name: string, opts: RouteParseOpts, msg: string): string {
  if (a.interfaces && !a.interfaces.has(name) && !opts.dynamicInterfaces) {
    a.error(msg);
    a.markMissingInterface();
    throw new Drop();
  }
  return name;
}

// ---------------------------------------------------------------------------------------------
// encap (parse_encap and friends): errors are reported, the route is kept (keepalived ignores the result)

function parseEncap(a: KwArgs, i: number, names: RtNames): { i: number; encap?: RouteEncap } {
  if (a.size <= ++i) { a.error('Missing encap type'); return { i }; }
  const type = a.need(i++);
  if (type === 'ip' || type === 'ip6') {
    const r = parseEncapIp(a, i, type, names);
    return { i: r.i - 1, encap: r.encap };
  }
  if (type === 'mpls' || type === 'ila') {
    if (i >= a.size) { a.error(type === 'mpls' ? 'missing address for MPLS encapsulation' : 'missing locator for ILA encapsulation'); return { i: i - 1 }; }
    const s = a.need(i++);
    if (type === 'mpls') {
      const labels = parseMplsLabels(s);
      if (!labels) { a.error(`invalid mpls address ${s} for encapsulation`); return { i: i - 1, encap: { kind: 'mpls', labels: [] } }; }
      return { i: i - 1, encap: { kind: 'mpls', labels } };
    }
    const loc = parseAddr64(s);
    if (loc === undefined) { a.error(`invalid locator ${s} for ila encapsulation`); return { i: i - 1, encap: { kind: 'ila', locator: 0n } }; }
    return { i: i - 1, encap: { kind: 'ila', locator: loc } };
  }
  a.error(`Unknown encap type - ${type}`);
  return { i };
}

function parseEncapIp(a: KwArgs, i: number, kind: 'ip' | 'ip6', names: RtNames): { i: number; encap: RouteEncap } {
  const e: Extract<RouteEncap, { kind: 'ip' | 'ip6' }> = { kind };
  const v6 = kind === 'ip6';
  const fail = (): { i: number; encap: RouteEncap } => { delete e.dst; delete e.src; return { i, encap: e }; };
  while (i + 1 < a.size) {
    const k = a.need(i), v = a.need(i + 1);
    if (k === 'id') {
      const n = readU(a, v, 0n, 2n ** 64n - 1n, { bits64: true });
      if (n === undefined) { a.error((v6 ? 'id %s value invalid for IPv6 encapsulation' : 'encap id %s value is invalid').replace('%s', v)); return fail(); }
      e.id = n;
    } else if (k === 'dst' || k === 'src') {
      const p = parseIpaddress(a, v, false);
      if (!p) { a.error(`Invalid encap ${kind} ${k} ${v}`); return fail(); }
      if (p.family !== (v6 ? 'inet6' : 'inet')) { a.error(v6 ? `IPv4 address ${v} not valid for ip6 encapsulation` : `IPv6 address ${v} not valid for ip encapsulation`); return fail(); }
      e[k] = p.address;
    } else if (k === (v6 ? 'tc' : 'tos')) {
      const t = names.find('dsfield', v);
      if (t === undefined) { a.error(v6 ? `tc value ${k} is invalid for ip6 encapsulation` : `dsfield ${v} not valid for ip encapsulation`); return fail(); }
      e.tos = t;
    } else if (k === (v6 ? 'hoplimit' : 'ttl')) {
      const t = getU(a, v, 255, v6 ? 'Invalid hoplimit %s specified for ip6 encapsulation' : 'ttl %s is not valid for ip encapsulation');
      if (t === undefined) return fail();
      e.ttl = t;
    } else if (k === 'flags') {
      const t = getU(a, v, 0xffff, `flags %s is not valid for ${kind} encapsulation`);
      if (t === undefined) return fail();
      e.flags = t;
    } else break;
    i += 2;
  }
  if (e.dst === undefined && e.id === undefined) { a.error(`address or id missing for ${kind} encapsulation`); return fail(); }
  return { i, encap: e };
}

/** parse_mpls_address(): up to two labels "L[/L]", each <= 0xfffff. */
function parseMplsLabels(s: string): number[] | undefined {
  const parts = s.trimStart().split('/');
  if (parts.length > 2) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (p.startsWith('-') || /^\s/.test(p)) return undefined;
    const v = strtoulWhole(p);
    if (v === undefined || v > 0xfffffn) return undefined;
    out.push(Number(v));
  }
  return out;
}

/** get_addr64(): four ':'-separated hex groups. */
function parseAddr64(s: string): bigint | undefined {
  const parts = s.trimStart().split(':');
  if (parts.length !== 4 || parts.some((p) => !/^[0-9a-fA-F]{1,4}$/.test(p))) return undefined;
  return parts.reduce((acc, p) => (acc << 16n) | BigInt(`0x${p}`), 0n);
}

// ---------------------------------------------------------------------------------------------
// routes

interface RouteDraft extends Omit<VirtualRoute, 'family' | 'dst' | 'src'> {
  family?: IpFamily;
  dst?: OpenPrefix;
  src?: OpenPrefix;
  protocolGiven: boolean;
}

/** One virtual_routes / static_routes line; undefined when keepalived drops it. */
export function parseRouteLine(a: KwArgs, opts: RouteParseOpts): VirtualRoute | undefined {
  try { return parseRoute(a, opts); } catch (e) { if (e instanceof Drop) return undefined; throw e; }
}

function parseRoute(a: KwArgs, opts: RouteParseOpts): VirtualRoute {
  const names = opts.names ?? a.host.routeNames;
  const r: RouteDraft = { table: 254, type: RTN.unicast, onlink: false, metrics: { lock: 0 }, nexthops: [], addMode: 'prepend', noTrack: false, protocolGiven: false };
  const mix = (f: IpFamily, msg = 'Cannot mix IPv4 and IPv6 addresses for route'): void => {
    if (r.family === undefined) r.family = f;
    else if (r.family !== f) { a.error(msg); throw new Drop(); }
  };
  const fail = (msg: string): never => { a.error(msg); throw new Drop(); };
  const u32 = (i: number, msg: string): number => getU(a, a.need(i), 0xffffffff, msg) ?? fail0();
  const fail0 = (): never => { throw new Drop(); };
  const locked = (i: number, bit: number): number => { if (a.need(i) === 'lock') { r.metrics.lock |= 1 << bit; return i + 1; } return i; };
  let doNexthop = false;
  let dest: string | undefined;
  let i = 0;
  while (i < a.size) {
    const str = a.need(i);
    if (str === 'inet6' || str === 'inet') {
      const f: IpFamily = str === 'inet6' ? 'inet6' : 'inet';
      if (r.family === undefined) r.family = f;
      else if (r.family !== f) fail(`${str} specified for ${f === 'inet6' ? 'IPv4' : 'IPv6'} route`);
      i++; // and once more below: keepalived skips the next word too
    } else if (str === 'src') {
      const p = parseIpaddress(a, a.need(++i), false) ?? fail(`invalid route src address ${a.need(i)}`);
      mix(p.family);
      r.prefSrc = { family: p.family, address: p.address };
    } else if (str === 'as') {
      if (a.need(++i) === 'to') i++;
      a.error('"as to" for MPLS only - ignoring');
    } else if (str === 'via' || str === 'gw') {
      if (str === 'gw') a.error('"gw" for routes is deprecated. Please use "via"');
      let s = a.need(++i);
      let f: IpFamily | undefined = r.family;
      if (s === 'inet' || s === 'inet6') { f = s; s = a.need(++i); }
      if (r.family === undefined) r.family = f;
      else if (r.family !== f) fail('Cannot mix IPv4 and IPv6 addresses for route');
      const p = parseIpaddress(a, s, false) ?? fail(`invalid route via address ${a.need(i)}`);
      mix(p.family);
      r.via = { family: p.family, address: p.address };
    } else if (str === 'from') {
      const p = parseRoutePrefix(a, a.need(++i)) ?? fail(`invalid route from address ${a.need(i)}`);
      if (p.family !== 'inet6') fail(`route from address only supported with IPv6 (${a.need(i)})`);
      mix(p.family!);
      r.src = p;
    } else if (str === 'tos' || str === 'dsfield') {
      r.tos = names.find('dsfield', a.need(++i)) ?? fail(`TOS value ${a.need(i)} is invalid`);
    } else if (str === 'table') {
      r.table = names.find('table', a.need(++i)) ?? fail(`Routing table ${a.need(i)} not found for route`);
    } else if (str === 'protocol') {
      r.protocol = names.find('proto', a.need(++i)) ?? fail(`Protocol ${a.need(i)} not found or invalid for route`);
      r.protocolGiven = true;
    } else if (str === 'scope') {
      r.scope = names.find('scope', a.need(++i)) ?? fail(`Scope ${a.need(i)} not found or invalid for route`);
    } else if (str === 'metric' || str === 'priority' || str === 'preference') {
      r.metric = u32(++i, 'Invalid metric %s specified for route');
    } else if (str === 'dev' || str === 'oif') {
      const n = a.need(++i);
      r.dev = iface(a, n, opts, `WARNING - interface ${n} for VROUTE nexthop doesn't exist`);
    } else if (str === 'onlink') {
      r.onlink = true;
    } else if (str === 'encap') {
      const e = parseEncap(a, i, names);
      i = e.i;
      if (e.encap) r.encap = e.encap;
    } else if (str === 'expires') {
      i++;
      if (r.family === 'inet') fail('expires is only valid for IPv6');
      r.family = 'inet6';
      r.expires = u32(i, 'Invalid expires time %s specified for route');
    } else if (str === 'mtu') {
      i = locked(++i, RTAX.mtu);
      r.metrics.mtu = u32(i, 'Invalid MTU %s specified for route');
    } else if (str === 'hoplimit') {
      r.metrics.hoplimit = getU(a, a.need(++i), 255, 'Invalid hoplimit %s specified for route') ?? fail0();
    } else if (str === 'advmss') {
      i = locked(++i, RTAX.advmss);
      r.metrics.advmss = u32(i, 'Invalid advmss %s specified for route');
    } else if (str === 'rtt' || str === 'rttvar' || str === 'rto_min') {
      const key = str === 'rto_min' ? 'rtoMin' : str;
      i = locked(++i, RTAX[key]);
      const v = getTimeRtt(a, a.need(i), str === 'rtt' ? 8 : str === 'rttvar' ? 4 : 1);
      if (v === undefined) fail(str === 'rto_min' ? `Invalid rto_min value ${a.need(i)} specified for route` : `Invalid ${str} ${a.need(i)} for route`);
      r.metrics[key] = v;
    } else if (str === 'reordering' || str === 'cwnd' || str === 'ssthresh') {
      i = locked(++i, RTAX[str]);
      r.metrics[str] = u32(i, str === 'reordering' ? 'Invalid reordering value %s specified for route' : `Invalid ${str} value %s specified for route`);
    } else if (str === 'window' || str === 'initcwnd' || str === 'initrwnd') {
      r.metrics[str] = u32(++i, `Invalid ${str} value %s specified for route`);
    } else if (str === 'realms') {
      r.realms = getRealms(names, a.need(++i)) ?? fail(`Invalid realms ${a.need(i)} for route`);
      if (r.family === 'inet6') fail('realms are only valid for IPv4');
      r.family = 'inet';
    } else if (str === 'features') {
      if (a.need(++i) === 'ecn') r.metrics.features = (r.metrics.features ?? 0) | 1;
      else a.error(`feature ${a.need(i)} not supported`);
    } else if (str === 'quickack' || str === 'fastopen_no_cookie') {
      const v = getU(a, a.need(++i), 1, `Invalid ${str} value %s specified for route`) ?? fail0();
      if (str === 'quickack') r.metrics.quickack = v; else r.metrics.fastopenNoCookie = v;
    } else if (str === 'congctl') {
      i = locked(++i, RTAX.ccAlgo);
      r.metrics.congctl = a.need(i);
    } else if (str === 'pref') {
      i++;
      if (r.family === 'inet') fail('pref is only valid for IPv6');
      r.family = 'inet6';
      const s = a.need(i);
      r.pref = s === 'low' ? 3 : s === 'medium' ? 0 : s === 'high' ? 1 : (getU(a, s, 255, 'Invalid pref value %s specified for route') ?? fail0());
    } else if (str === 'ttl-propagate') {
      const s = a.need(++i);
      if (s === 'enabled') r.ttlPropagate = true;
      else if (s === 'disabled') r.ttlPropagate = false;
      else { a.error(`ttl-propagate value ${s} not recognised`); r.ttlPropagate = false; }
    } else if (str === 'add') r.addMode = 'add';
    else if (str === 'prepend') r.addMode = 'prepend';
    else if (str === 'append') r.addMode = 'append';
    else if (str === 'or') {
      a.error('"or" for routes is deprecated. Please use "nexthop"');
      if (r.nexthops.length > 0) { a.error('"or" route already specified - ignoring subsequent'); i += 2; continue; }
      r.nexthops.push({ ...(r.via ? { via: r.via } : {}), onlink: false });
      delete r.via;
      const p = parseIpaddress(a, a.need(++i), false) ?? fail(`Invalid "or" address ${a.need(i)}`);
      r.nexthops.push({ via: { family: p.family, address: p.address }, onlink: false });
    } else if (str === 'nexthop') {
      if (r.nexthops.length > 0) a.error('Cannot specify nexthops with "or" route');
      else doNexthop = true;
      break;
    } else if (str === 'no_track') r.noTrack = true;
    else if (opts.allowTrackGroup && str === 'track_group') {
      const g = trackGroup(a, ++i, r.trackGroup, opts);
      if (g === DUPLICATE) break;
      if (g !== undefined) r.trackGroup = g;
    } else if (str === 'vrf') {
      // No VRF devices here (no vrf driver): an existing interface is never a VRF.
      const n = a.need(++i);
      fail(a.interfaces?.has(n) ? `Route specified VRF ${n} is not a VRF` : `VRF ${n} not found for route`);
    } else {
      if (str === 'to') i++;
      const t = findRtnType(str);
      // the type sets keepalived's IPROUTE_BIT_TYPE, which 2.2.7 defines as the bit of `add` too
      if (t !== undefined) { r.type = t; r.addMode = 'add'; i++; }
      dest = a.need(i);
      const p = parseRoutePrefix(a, dest) ?? fail(`unknown route keyword ${dest}`);
      if (p.family) mix(p.family, `Cannot mix IPv4 and IPv6 addresses for route (${dest})`);
      r.dst = p;
    }
    i++;
  }
  if (doNexthop) parseNexthops(a, i, r, opts);
  else if (i < a.size) fail(`Route has trailing nonsense - ${a.need(i)}`);
  if (!r.dst) fail('Route must have a destination');
  if (!r.noTrack) {
    if (r.protocolGiven && r.protocol !== RTPROT_KEEPALIVED) a.error(`Route cannot be tracked if protocol is not RTPROT_KEEPALIVED(${RTPROT_KEEPALIVED}), resetting protocol`);
    r.protocol = RTPROT_KEEPALIVED;
    if (r.dev === undefined) {
      a.error(`Warning - cannot track route ${dest} with no interface specified, not tracking`);
      r.noTrack = true;
    }
  }
  if (r.trackGroup !== undefined && r.dev === undefined) {
    a.error('Static route cannot have track group if no oif specified');
    delete r.trackGroup;
  }
  const family = r.family ?? 'inet';
  const { protocolGiven: _, dst, src, ...rest } = r;
  return { ...rest, family, dst: closePrefix(dst!, family),
    ...(src ? { src: closePrefix(src, family) } : {}), pos: a.pos(0) };
}

/** parse_nexthops(): errors drop the nexthop being read; the route is kept. */
function parseNexthops(a: KwArgs, i: number, r: RouteDraft, opts: RouteParseOpts): void {
  const names = opts.names ?? a.host.routeNames;
  let kwFamily: IpFamily | undefined;
  try {
    while (i < a.size && a.need(i) === 'nexthop') {
      i++;
      const nh: RouteNexthop = { onlink: false };
      const bad = (msg: string): never => { a.error(msg); throw new Drop(); };
      while (i < a.size) {
        const str = a.need(i);
        if (str === 'via') {
          let s = a.need(++i);
          if (s === 'inet' || s === 'inet6') { kwFamily = s; s = a.need(++i); }
          if (kwFamily !== undefined) {
            if (r.family === undefined) r.family = kwFamily;
            else if (r.family !== kwFamily) bad('IPv4/6 mismatch for nexthop');
          }
          const p = parseIpaddress(a, s, false) ?? bad(`invalid nexthop address ${s}`);
          if (r.family !== undefined && p.family !== r.family) bad('Address family mismatch for next hop');
          r.family ??= p.family;
          nh.via = { family: p.family, address: p.address };
        } else if (str === 'dev') {
          const n = a.need(++i);
          if (a.interfaces && !a.interfaces.has(n) && !opts.dynamicInterfaces) { a.markMissingInterface(); bad(`WARNING - interface ${n} for VROUTE nexthop doesn't exist`); }
          nh.dev = n;
        } else if (str === 'weight') {
          const v = getU(a, a.need(++i), 256, 'Invalid weight %s specified for route');
          if (v === undefined) throw new Drop();
          if (v === 0) bad('Invalid weight 0 specified for route');
          nh.weight = v;
        } else if (str === 'onlink') nh.onlink = true;
        else if (str === 'encap') {
          const e = parseEncap(a, i, names);
          i = e.i;
          if (e.encap) nh.encap = e.encap;
        } else if (str === 'realms') {
          nh.realms = getRealms(names, a.need(++i)) ?? bad(`Invalid realms ${a.need(i)} for route`);
          if (r.family === undefined) r.family = 'inet';
          else if (r.family !== 'inet') bad('realms are only supported for IPv4');
        } else if (str === 'as') {
          if (a.need(++i) === 'to') i++;
          bad("'as [to]' (nat) not supported");
        } else break;
        i++;
      }
      r.nexthops.push(nh);
    }
    if (i < a.size) a.error(`Route has trailing nonsense after nexthops - ${a.need(i)}`);
  } catch (e) {
    if (!(e instanceof Drop)) throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// rules

const RULE_ACTIONS: Record<number, RuleActionKind> = { 6: 'blackhole', 7: 'unreachable', 8: 'prohibit' };
type RuleActionKind = 'blackhole' | 'unreachable' | 'prohibit';

/** sscanf("%u-%u") / ("%hu-%hu"): how many numbers matched (trailing text ignored). */
function scanRange(s: string, bits: 16 | 32): { n: number; start: number; end: number } {
  const mask = (1n << BigInt(bits)) - 1n;
  const a = strtoulPrefix(s, 10);
  if (!a.digits) return { n: 0, start: 0, end: 0 };
  const start = Number(a.value & mask);
  if (!a.rest.startsWith('-')) return { n: 1, start, end: start };
  const b = strtoulPrefix(a.rest.slice(1), 10);
  return b.digits ? { n: 2, start, end: Number(b.value & mask) } : { n: 1, start, end: start };
}

/** inet_proto_a2n(): a number up to 127, or a name from /etc/protocols. */
function ipProto(names: RtNames, word: string): number | undefined {
  const t = word.replace(/^[ \t\n\r\f\v]+/, '');
  if (t === '' || t.startsWith('-')) return undefined;
  const n = strtoulPrefix(t, 10);
  if (n.value > 127n) return undefined;
  if (n.rest === '') return Number(n.value);
  return names.ipProto(t);
}

/** The fwmark word: MARK[/MASK], each strtoul base 0 within 32 bits. */
function parseFwmark(s: string): { mark: number; mask?: number } | undefined {
  if (s.startsWith('-')) return undefined;
  const m = strtoulPrefix(s);
  if (m.value > U32) return undefined;
  let end = m.rest, mask: bigint | undefined;
  if (end.startsWith('/')) {
    if (/^[\s-]/.test(end.slice(1))) return undefined;
    const k = strtoulPrefix(end.slice(1));
    if (k.value > U32) return undefined;
    mask = k.value;
    end = k.rest;
  }
  if (end !== '') return undefined;
  return mask === undefined ? { mark: Number(m.value) } : { mark: Number(m.value), mask: Number(mask) };
}

/** One virtual_rules / static_rules line; undefined when keepalived drops it. */
export function parseRuleLine(a: KwArgs, st: RuleState, opts: RouteParseOpts): VirtualRule | undefined {
  try { return parseRule(a, st, opts); } catch (e) { if (e instanceof Drop) return undefined; throw e; }
}

function parseRule(a: KwArgs, st: RuleState, opts: RouteParseOpts): VirtualRule {
  const names = opts.names ?? a.host.routeNames;
  const fail = (msg: string): never => { a.error(msg); throw new Drop(); };
  let family: IpFamily | undefined;
  let action: VirtualRule['action'] | undefined;
  let preference: number | undefined;
  let tableOption = false, protocolGiven = false;
  let from: OpenPrefix | undefined, to: OpenPrefix | undefined;
  const r: Omit<VirtualRule, 'family' | 'action' | 'preference' | 'from' | 'to'> = { invert: false, tos: 0, noTrack: false };
  const mixed = (f: IpFamily | undefined): void => {
    if (f === undefined) return;
    if (family === undefined) family = f;
    else if (family !== f) fail('rule specification has mixed IPv4 and IPv6');
  };
  const more = 'Cannot specify more than one of table/nop/goto/blackhole/prohibit/unreachable';
  let i = 0;
  while (i < a.size) {
    let str = a.need(i);
    if (str === 'inet6' || str === 'inet') {
      const f: IpFamily = str;
      if (family === undefined) family = f;
      else if (family !== f) fail(`${str} specified for ${f === 'inet6' ? 'IPv4' : 'IPv6'} rule`);
      i++; // and once more below, as keepalived
    } else if (str === 'from' || str === 'to') {
      const p = parseRoutePrefix(a, a.need(++i)) ?? fail(`Invalid rule ${str} address ${a.need(i)}`);
      mixed(p.family);
      if (str === 'from') from = p; else to = p;
    } else if (str === 'table' || str === 'lookup') {
      const t = names.find('table', a.need(++i)) ?? fail(`Routing table ${a.need(i)} not found for rule`);
      if (t === 0) fail('Table 0 is not valid');
      if (action) fail(`${more} for rule`);
      action = { kind: 'table', table: t };
    } else if (str === 'not') r.invert = true;
    else if (str === 'preference' || str === 'order' || str === 'priority') {
      const v = readU(a, a.need(++i), 0n, U32, { base: 0 });
      if (v === undefined) fail(`Invalid rule preference ${str} specified`);
      preference = Number(v);
    } else if (str === 'tos' || str === 'dsfield') {
      r.tos = names.find('dsfield', a.need(++i)) ?? fail(`TOS value ${a.need(i)} is invalid`);
    } else if (str === 'fwmark') {
      const s = a.need(++i).replace(/^[ \t\n\r\f\v]+/, '');
      const f = parseFwmark(s) ?? fail(`Invalid rule fwmark ${s} specified`);
      r.fwmark = f.mark;
      if (f.mask !== undefined) r.fwmask = f.mask;
    } else if (str === 'realms') {
      r.realms = getRealms(names, a.need(++i)) ?? fail(`invalid realms ${a.need(i)} for rule`);
      tableOption = true;
      if (family === undefined) family = 'inet';
      else if (family !== 'inet') fail('realms is only valid for IPv4');
    } else if (str === 'suppress_prefixlength' || str === 'sup_pl') {
      const v = readU(a, a.need(++i), 0n, 0x7fffffffn);
      if (v === undefined) fail(`Invalid suppress_prefixlength ${str} specified`);
      r.suppressPrefixlen = Number(v);
      tableOption = true;
    } else if (str === 'suppress_ifgroup' || str === 'sup_group') {
      r.suppressIfgroup = names.find('group', a.need(++i)) ?? fail(`suppress_group ${a.need(i)} is invalid`);
      tableOption = true;
    } else if (str === 'dev' || str === 'iif' || str === 'oif') {
      const n = a.need(++i);
      const v = iface(a, n, opts, `WARNING - interface ${n} for rule doesn't exist`);
      if (str === 'oif') r.oif = v; else r.iif = v;
    } else if (str === 'tunnel-id') {
      const v = readU(a, a.need(++i), 0n, 2n ** 64n - 1n, { bits64: true });
      if (v === undefined) fail(`Invalid tunnel-id ${str} specified`);
      r.tunnelId = v;
    } else if (str === 'uidrange') {
      const s = scanRange(a.need(++i), 32);
      if (s.n !== 2) fail(`Invalid uidrange ${str} specified`);
      r.uidRange = { start: s.start, end: s.end };
    } else if (str === 'l3mdev') {
      if (action) fail('Cannot specify l3mdev with other action');
      action = { kind: 'l3mdev' };
    } else if (str === 'protocol') {
      const v = readU(a, a.need(++i), 0n, 255n);
      if (v === undefined) a.error(`Invalid protocol ${a.need(i)}`);
      else { r.protocol = Number(v); protocolGiven = true; }
    } else if (str === 'ipproto') {
      const s = a.need(++i);
      const p = ipProto(names, s);
      if (p === undefined) a.error(`Invalid ipproto ${s}`);
      else r.ipProto = p;
    } else if (str === 'sport' || str === 'dport') {
      const s = a.need(++i);
      const rg = scanRange(s, 16);
      if (rg.n !== 2) a.error(`invalid ${str} range ${s}`);
      else r[str] = { start: rg.start, end: rg.end };
    } else if (str === 'no_track') r.noTrack = true;
    else if (opts.allowTrackGroup && str === 'track_group') {
      const g = trackGroup(a, ++i, r.trackGroup, opts);
      if (g === DUPLICATE) break;
      if (g !== undefined) r.trackGroup = g;
    } else {
      let act: VirtualRule['action'];
      if (str === 'type') str = a.need(++i);
      if (str === 'goto') {
        const v = readU(a, a.need(++i), 0n, U32);
        if (v === undefined) fail(`Invalid target ${str} specified`);
        act = { kind: 'goto', target: Number(v) };
      } else if (str === 'nop') act = { kind: 'nop' };
      else {
        const t = findRtnType(str);
        if (t === undefined) fail(`Unknown rule option ${str}`);
        const k = RULE_ACTIONS[t!];
        if (!k) fail(`Invalid rule action ${str}`);
        act = { kind: k! };
      }
      if (action) fail(`${more}/l3mdev for rule`);
      action = act;
    }
    i++;
  }
  if (action?.kind === 'goto') {
    if (preference === undefined) fail(`Invalid rule - goto target ${action.target} specified without preference`);
    if (preference! >= action.target) fail(`Invalid rule - preference ${preference} >= goto target ${action.target}`);
  }
  if (!action) fail('No action specified for rule - ignoring');
  if (action!.kind !== 'table' && tableOption) fail('suppressor/realm specified for non table action - skipping');
  if (!r.noTrack) {
    if (protocolGiven && r.protocol !== RTPROT_KEEPALIVED) a.error(`Rule cannot be tracked if protocol is not RTPROT_KEEPALIVED(${RTPROT_KEEPALIVED}), resetting protocol`);
    r.protocol = RTPROT_KEEPALIVED;
  }
  if (r.trackGroup !== undefined && r.iif === undefined) {
    a.error('Static rule cannot have track_group if dev/iif not specified');
    delete r.trackGroup;
  }
  const fam: IpFamily = family ?? 'inet';
  if (preference === undefined) {
    preference = fam === 'inet' ? st.next4-- : st.next6--;
    a.error(`Rule has no preference specified - setting to ${preference}. This is probably not what you want.`);
  }
  return {
    ...r, family: fam, action: action!, preference,
    ...(from ? { from: closePrefix(from, fam) } : {}), ...(to ? { to: closePrefix(to, fam) } : {}), pos: a.pos(0),
  };
}

// ---------------------------------------------------------------------------------------------
// printing back (config syntax; parsing the words again gives the same route / rule)

/** A prefix as a config word; any-address as `default` / `default6` (`all` for an IPv4 rule). */
const pfx = (p: RoutePrefix, anyV4 = 'default'): string => (p.any ? (p.family === 'inet6' ? 'default6' : anyV4) : `${p.address}/${p.prefixLen}`);
const addr = (p: RouteAddress): string => p.address;

function encapWords(e: RouteEncap): string[] {
  // an unreadable label list was kept as none: printed as one that reads back so
  if (e.kind === 'mpls') return ['encap', 'mpls', e.labels.length ? e.labels.join('/') : '-'];
  if (e.kind === 'ila') {
    const h = e.locator.toString(16).padStart(16, '0');
    return ['encap', 'ila', [0, 4, 8, 12].map((o) => h.slice(o, o + 4)).join(':')];
  }
  const w = ['encap', e.kind];
  if (e.id !== undefined) w.push('id', String(e.id));
  if (e.dst !== undefined) w.push('dst', e.dst);
  if (e.src !== undefined) w.push('src', e.src);
  if (e.tos !== undefined) w.push(e.kind === 'ip' ? 'tos' : 'tc', String(e.tos));
  if (e.ttl !== undefined) w.push(e.kind === 'ip' ? 'ttl' : 'hoplimit', String(e.ttl));
  if (e.flags !== undefined) w.push('flags', String(e.flags));
  return w;
}

/** A route as a config line (the printer's form of virtual_routes / static_routes). */
export function routeWords(r: VirtualRoute): string[] {
  const w: string[] = [];
  if (r.type !== RTN.unicast) w.push(String(r.type));
  w.push(pfx(r.dst));
  if (r.src) w.push('from', pfx(r.src));
  if (r.prefSrc) w.push('src', addr(r.prefSrc));
  if (r.via) w.push('via', addr(r.via));
  if (r.dev !== undefined) w.push('dev', r.dev);
  if (r.table !== 254) w.push('table', String(r.table));
  // a route without dev is untracked by keepalived itself (protocol 18, no `no_track` written)
  const autoNoTrack = r.noTrack && r.dev === undefined && r.protocol === RTPROT_KEEPALIVED;
  if (r.protocol !== undefined && (r.noTrack ? !autoNoTrack : r.protocol !== RTPROT_KEEPALIVED)) w.push('protocol', String(r.protocol));
  if (r.scope !== undefined) w.push('scope', String(r.scope));
  if (r.metric !== undefined) w.push('metric', String(r.metric));
  if (r.tos !== undefined) w.push('tos', String(r.tos));
  if (r.onlink) w.push('onlink');
  if (r.realms !== undefined) w.push('realms', `${r.realms >>> 16}/${r.realms & 0xffff}`);
  if (r.expires !== undefined) w.push('expires', String(r.expires));
  if (r.pref !== undefined) w.push('pref', String(r.pref));
  if (r.ttlPropagate !== undefined) w.push('ttl-propagate', r.ttlPropagate ? 'enabled' : 'disabled');
  const m = r.metrics;
  const lk = (bit: number): string[] => ((m.lock >> bit) & 1 ? ['lock'] : []);
  if (m.mtu !== undefined) w.push('mtu', ...lk(RTAX.mtu), String(m.mtu));
  if (m.hoplimit !== undefined) w.push('hoplimit', String(m.hoplimit));
  if (m.advmss !== undefined) w.push('advmss', ...lk(RTAX.advmss), String(m.advmss));
  if (m.rtt !== undefined) w.push('rtt', ...lk(RTAX.rtt), String(m.rtt));
  if (m.rttvar !== undefined) w.push('rttvar', ...lk(RTAX.rttvar), String(m.rttvar));
  if (m.rtoMin !== undefined) w.push('rto_min', ...lk(RTAX.rtoMin), String(m.rtoMin));
  if (m.reordering !== undefined) w.push('reordering', ...lk(RTAX.reordering), String(m.reordering));
  if (m.window !== undefined) w.push('window', String(m.window));
  if (m.cwnd !== undefined) w.push('cwnd', ...lk(RTAX.cwnd), String(m.cwnd));
  if (m.ssthresh !== undefined) w.push('ssthresh', ...lk(RTAX.ssthresh), String(m.ssthresh));
  if (m.initcwnd !== undefined) w.push('initcwnd', String(m.initcwnd));
  if (m.initrwnd !== undefined) w.push('initrwnd', String(m.initrwnd));
  if (m.quickack !== undefined) w.push('quickack', String(m.quickack));
  if (m.fastopenNoCookie !== undefined) w.push('fastopen_no_cookie', String(m.fastopenNoCookie));
  if (m.features) w.push('features', 'ecn');
  if (m.congctl !== undefined) w.push('congctl', ...lk(RTAX.ccAlgo), m.congctl);
  if (r.encap) w.push(...encapWords(r.encap));
  if (r.trackGroup !== undefined) w.push('track_group', r.trackGroup);
  if (r.noTrack && !autoNoTrack) w.push('no_track');
  if (r.addMode !== 'prepend' || r.type !== RTN.unicast) w.push(r.addMode);
  for (const nh of r.nexthops) {
    w.push('nexthop');
    if (nh.via) w.push('via', addr(nh.via));
    if (nh.dev !== undefined) w.push('dev', nh.dev);
    if (nh.weight !== undefined) w.push('weight', String(nh.weight));
    if (nh.onlink) w.push('onlink');
    if (nh.realms !== undefined) w.push('realms', `${nh.realms >>> 16}/${nh.realms & 0xffff}`);
    if (nh.encap) w.push(...encapWords(nh.encap));
  }
  return w;
}

/** A rule as a config line (the printer's form of virtual_rules / static_rules). */
export function ruleWords(r: VirtualRule): string[] {
  const w: string[] = [];
  // `inet6` makes keepalived skip the next word as well: the second one
  if (r.family === 'inet6' && !r.from && !r.to) w.push('inet6', 'inet6');
  if (r.invert) w.push('not');
  if (r.from) w.push('from', pfx(r.from, 'all'));
  if (r.to) w.push('to', pfx(r.to, 'all'));
  w.push('preference', String(r.preference));
  if (r.tos) w.push('tos', String(r.tos));
  if (r.fwmark !== undefined) w.push('fwmark', r.fwmask !== undefined ? `${r.fwmark}/${r.fwmask}` : String(r.fwmark));
  if (r.realms !== undefined) w.push('realms', `${r.realms >>> 16}/${r.realms & 0xffff}`);
  if (r.suppressPrefixlen !== undefined) w.push('suppress_prefixlength', String(r.suppressPrefixlen));
  if (r.suppressIfgroup !== undefined) w.push('suppress_ifgroup', String(r.suppressIfgroup));
  if (r.iif !== undefined) w.push('iif', r.iif);
  if (r.oif !== undefined) w.push('oif', r.oif);
  if (r.tunnelId !== undefined) w.push('tunnel-id', String(r.tunnelId));
  if (r.uidRange) w.push('uidrange', `${r.uidRange.start}-${r.uidRange.end}`);
  if (r.protocol !== undefined && (r.noTrack || r.protocol !== RTPROT_KEEPALIVED)) w.push('protocol', String(r.protocol));
  if (r.ipProto !== undefined) w.push('ipproto', String(r.ipProto));
  if (r.sport) w.push('sport', `${r.sport.start}-${r.sport.end}`);
  if (r.dport) w.push('dport', `${r.dport.start}-${r.dport.end}`);
  const act = r.action;
  if (act.kind === 'table') w.push('table', String(act.table));
  else if (act.kind === 'goto') w.push('goto', String(act.target));
  else w.push(act.kind);
  if (r.trackGroup !== undefined) w.push('track_group', r.trackGroup);
  if (r.noTrack) w.push('no_track');
  return w;
}

export const ROUTE_FLAGS = { RTNH_F_ONLINK, RTPROT_KEEPALIVED } as const;
