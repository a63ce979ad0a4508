// ip-route / ip-rule line syntax shared by virtual_routes, virtual_rules, static_routes and
// static_rules. Lines are kept as words (the model's VirtualRoute.raw); the checks keepalived
// makes at parse time are reproduced: deprecated "or"/"gw", untrackable routes, invalid rule
// addresses and the rule-preference default (16384 counting down).
import type { KwArgs } from '../schema.js';
import type { VirtualRoute } from '../../config/model.js';
import { parsePrefix } from '../values.js';
import { rest } from '../reader.js';

const ROUTE_TYPES = new Set(['unicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'local', 'broadcast', 'anycast', 'multicast', 'nat']);
const ROUTE_VALUE_OPTS = new Set(['src', 'via', 'gw', 'or', 'dev', 'oif', 'table', 'metric', 'priority', 'preference', 'scope', 'proto', 'protocol',
  'realm', 'realms', 'mtu', 'advmss', 'rtt', 'rttvar', 'reordering', 'window', 'cwnd', 'initcwnd', 'initrwnd', 'ssthresh', 'features',
  'quickack', 'congctl', 'pref', 'hoplimit', 'rto_min', 'tos', 'dsfield', 'nexthop', 'weight', 'encap', 'expires', 'fastopen_no_cookie', 'ttl-propagate', 'track_group']);

/** One virtual_routes/static_routes line; `track` = the route belongs to a VRRP instance. */
export function parseRouteLine(a: KwArgs, track: boolean, checkDev = true): VirtualRoute {
  let dest: string | undefined;
  let hasDev = false; let noTrack = false;
  for (let i = 0; i < a.size; i++) {
    const w = a.opt(i)!;
    if (w === 'to') { dest = a.opt(++i); continue; }
    if (ROUTE_TYPES.has(w)) { if (dest === undefined && a.opt(i + 1) !== undefined) dest = a.opt(++i); continue; }
    if (w === 'no_track') { noTrack = true; continue; }
    if (w === 'onlink' || w === 'pervasive') continue;
    if (ROUTE_VALUE_OPTS.has(w)) {
      if (w === 'or') a.error('"or" for routes is deprecated. Please use "nexthop"');
      if (w === 'gw') a.error('"gw" for routes is deprecated. Please use "via"');
      if (w === 'dev' || w === 'oif') {
        hasDev = true;
        const d = a.opt(i + 1);
        if (checkDev && d !== undefined && a.interfaces && !a.interfaces.has(d)) {
          a.error(`WARNING - interface ${d} for VROUTE nexthop doesn't exist`);
          a.markMissingInterface();
        }
      }
      i++;
      continue;
    }
    if (dest === undefined) {
      dest = w;
      const pf = parsePrefix(w);
      if (pf?.badLen !== undefined) {
        const max = pf.family === 'inet' ? 32 : 128;
        a.error(`number '${pf.badLen}' outside range [0, ${max}]`);
        a.error(`Invalid address prefix len ${pf.badLen} for address ${w} - using ${max}`);
      }
    }
  }
  if (track && !hasDev && !noTrack && dest !== undefined) {
    let shown = dest;
    if (dest === 'default') shown = '0.0.0.0/0';
    else if (!dest.includes('/')) { const p = parsePrefix(dest); if (p) shown = `${p.address}/${p.prefixLen}`; }
    a.error(`Warning - cannot track route ${shown} with no interface specified, not tracking`);
  }
  return { raw: rest(a.words, 0), pos: a.pos(0) };
}

/** Preference handed to rules that give none: keepalived counts down from 16384. */
export interface RuleState { nextPreference: number }

export function parseRuleLine(a: KwArgs, st: RuleState): VirtualRoute | undefined {
  let hasPref = false;
  for (let i = 0; i < a.size; i++) {
    const w = a.opt(i)!;
    if (w === 'from' || w === 'to') {
      const v = a.opt(++i);
      if (v === undefined) break;
      if (v !== 'all' && !parsePrefix(v)) {
        a.error(`Invalid rule ${w} address ${v}`);
        a.error(`VRRP parsed invalid IP ${v}. skipping IP...`);
        return undefined;
      }
    } else if (w === 'preference' || w === 'prio' || w === 'priority' || w === 'order') { hasPref = true; i++; }
    else if (['table', 'lookup', 'fwmark', 'iif', 'oif', 'tos', 'dsfield', 'realms', 'goto', 'suppress_prefixlength', 'suppress_ifgroup',
      'uidrange', 'sport', 'dport', 'ipproto', 'l3mdev', 'protocol', 'tun_id', 'track_group', 'nat', 'map-to'].includes(w)) i++;
  }
  const r: VirtualRoute = { raw: rest(a.words, 0), pos: a.pos(0) };
  if (!hasPref) {
    const p = st.nextPreference--;
    a.error(`Rule has no preference specified - setting to ${p}. This is probably not what you want.`);
    r.raw = [...r.raw, 'preference', String(p)];
  }
  return r;
}
