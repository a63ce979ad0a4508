// ip-rule line syntax of virtual_rules and static_rules, read as keepalived 2.2.7's alloc_rule() reads it
// (keepalived/vrrp/vrrp_iprule.c): the same words, the same messages, the same outcome (line dropped, or kept
// with the bad part left out). Each line becomes a typed VirtualRule; route-print.ts prints one back.
import type { KwArgs } from '../schema.js';
import type { IpFamily, VirtualRule } from '../../config/model.js';
import type { RtNames } from '../../common/rt-names.js';
import { findRtnType, strtoulPrefix } from '../../common/rt-names.js';
import {
  RTPROT_KEEPALIVED, U32, Drop, readU, parseRoutePrefix, closePrefix, getRealms, DUPLICATE, trackGroup, iface,
  type RuleState, type RouteParseOpts, type OpenPrefix,
} from './route-values.js';

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
