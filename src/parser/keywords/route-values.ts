// The words shared by the ip-route / ip-rule line syntaxes (routes.ts, rules.ts): keepalived 2.2.7's
// number readers with their messages, addresses and prefixes, realms, rtt times, track_group and interface
// words, and the Drop that ends a line's reading (keepalived's `goto err`: the route / rule is not kept).
import type { KwArgs } from '../schema.js';
import type { IpFamily, RoutePrefix } from '../../config/model.js';
import { isIPv4, isIPv6 } from 'node:net';
import type { RtNames } from '../../common/rt-names.js';
import { strtoulPrefix, strtoulWhole } from '../../common/rt-names.js';

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

export const RTPROT_KEEPALIVED = 18;
export const RTNH_F_ONLINK = 4;
/** RTAX_* ids used for `lock` bits. */
export const RTAX = { mtu: 2, window: 3, rtt: 4, rttvar: 5, ssthresh: 6, cwnd: 7, advmss: 8, reordering: 9,
  rtoMin: 13, ccAlgo: 16 } as const;
export const RTT_MIN_MS = 200, RTT_MAX_MS = 120000;
export const U32 = 0xffffffffn;

/** Stops the line: keepalived's `goto err` (the route / rule is not kept). */
export class Drop extends Error {}

export const familyOfText = (s: string): IpFamily => (s.includes(':') ? 'inet6' : 'inet');
export const zero = (f: IpFamily): string => (f === 'inet' ? '0.0.0.0' : '::');

/** read_unsigned*_func: strtoul with keepalived's messages; undefined after reporting. */
export function readU(a: KwArgs, text: string, min: bigint, max: bigint,
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
export function getU(a: KwArgs, text: string, max: number, msg: string): number | undefined {
  const v = readU(a, text, 0n, BigInt(max));
  if (v === undefined) { a.error(msg.replace('%s', text)); return undefined; }
  return Number(v);
}

/** parse_ipaddress(): family from ':'; `/len` only when allowed; the address must be valid. */
export function parseIpaddress(a: KwArgs, text: string, allowSubnet: boolean): RoutePrefix | undefined {
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
export type OpenPrefix = Omit<RoutePrefix, 'family'> & { family?: IpFamily };
export function parseRoutePrefix(a: KwArgs, text: string): OpenPrefix | undefined {
  if (text === 'default' || text === 'any' || text === 'all') return { address: '', prefixLen: 0, any: true };
  if (text === 'default6') return { family: 'inet6', address: '::', prefixLen: 0, any: true }; // logged as deprecated by keepalived
  return parseIpaddress(a, text, true);
}

export function closePrefix(p: OpenPrefix, family: IpFamily): RoutePrefix {
  const f = p.family ?? family;
  return { ...p, family: f, address: p.any && !p.address ? zero(f) : p.address };
}

/** get_realms(): "N" or "SRC/DST" (names from rt_realms); undefined if invalid. */
export function getRealms(names: RtNames, text: string): number | undefined {
  const slash = text.indexOf('/');
  const first = names.find('realms', slash < 0 ? text : text.slice(0, slash));
  if (first === undefined) return undefined;
  if (slash < 0) return first;
  const second = names.find('realms', text.slice(slash + 1));
  return second === undefined ? undefined : ((first << 16) | second) >>> 0;
}

/** get_time_rtt(): "N" (raw units), "Ns" / "Nms" (unit_mult per ms); clamped to 200 ms .. 120 s. */
export function getTimeRtt(a: KwArgs, text: string, unitMult: number): number | undefined {
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
export function readDecimalShift(a: KwArgs, text: string, shift: number, max: number): number | undefined {
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

export const DUPLICATE = Symbol('duplicate track_group');

/** `track_group NAME` (static entries): the group if declared; a second one ends the line's reading. */
export function trackGroup(a: KwArgs, i: number, current: string | undefined,
    opts: RouteParseOpts): string | typeof DUPLICATE | undefined {
  const g = a.need(i);
  if (current !== undefined) { a.error(`track_group ${g} is a duplicate`); return DUPLICATE; }
  if (opts.trackGroupExists?.(g)) return g;
  a.error(`track_group ${g} not found`);
  return undefined;
}

/** An interface word: kept if it exists (or checks are off, or dynamic_interfaces); else the line is dropped. */
export function iface(a: KwArgs, name: string, opts: RouteParseOpts, msg: string): string {
  if (a.interfaces && !a.interfaces.has(name) && !opts.dynamicInterfaces) {
    a.error(msg);
    a.markMissingInterface();
    throw new Drop();
  }
  return name;
}

/** Route flags the kernel side sets on what keepalived adds. */
export const ROUTE_FLAGS = { RTNH_F_ONLINK, RTPROT_KEEPALIVED } as const;
