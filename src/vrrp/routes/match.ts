// Which configured route or rule a kernel notification is about, as keepalived 2.2.7 decides it
// (route_is_ours() and compare_rule() in keepalived_netlink.c), pure. A virtual route matches on
// table, family, prefix length, metric (0 when none was configured: an IPv6 route the kernel gave
// metric 1024 is never recognised), tos, interface and destination; a static route on table,
// family, prefix length, tos and destination. A rule matches on every attribute keepalived sends.
import type { RoutePrefix, VirtualRoute, VirtualRule } from '../../config/model.js';
import { ipToBytes } from '../io/addr.js';
import { FR_ACT, type RouteEvent, type RuleEvent } from '../io/nl-route.js';

const sameAddr = (a: string | undefined, p: RoutePrefix): boolean => {
  const x = ipToBytes(a ?? (p.family === 'inet' ? '0.0.0.0' : '::'));
  const y = ipToBytes(p.address);
  return !!x && !!y && x.equals(y);
};

/** What a route's own state adds to matching: where it was last seen installed (RTA_OIF). */
export interface RouteSeen { set: boolean; configuredIfindex: number }

/** route_is_ours() for one virtual route; `devIndex`: the ifindex of its `dev` now. */
export function virtualRouteMatches(ev: RouteEvent, r: VirtualRoute, seen: RouteSeen,
    devIndex: number | undefined): boolean {
  if (ev.table !== r.table || ev.family !== r.family || ev.dstLen !== r.dst.prefixLen
    || (ev.priority ?? 0) !== (r.metric ?? 0) || ev.tos !== (r.tos ?? 0)) return false;
  if (r.dev !== undefined) {
    if (ev.oif === undefined || ev.oif !== devIndex) return false;
  } else if (seen.set && seen.configuredIfindex && ev.oif !== seen.configuredIfindex) return false;
  return sameAddr(ev.dst, r.dst);
}

/** route_is_ours() for one static route. */
export function staticRouteMatches(ev: RouteEvent, r: VirtualRoute): boolean {
  if (ev.table !== r.table || ev.family !== r.family || ev.dstLen !== r.dst.prefixLen
    || ev.tos !== (r.tos ?? 0)) return false;
  return sameAddr(ev.dst, r.dst);
}

/** compare_rule(). */
export function ruleMatches(ev: RuleEvent, r: VirtualRule): boolean {
  if (r.noTrack || r.family !== ev.family) return false;
  if (ev.priority === undefined || ev.priority !== r.preference) return false;
  const act = r.action;
  if (ev.action !== FR_ACT[act.kind]) return false;
  if (act.kind === 'goto' && ev.goto !== act.target) return false;
  const table = act.kind === 'table' ? act.table : 0;
  if (ev.table !== undefined ? ev.table !== table : ev.headerTable !== table) return false;
  if (r.invert !== ev.invert) return false;
  if (!r.from !== (ev.src === undefined)) return false;
  if (r.from && (ev.srcLen !== r.from.prefixLen || !sameAddr(ev.src, r.from))) return false;
  if (!r.to !== (ev.dst === undefined)) return false;
  if (r.to && (ev.dstLen !== r.to.prefixLen || !sameAddr(ev.dst, r.to))) return false;
  if (r.tos !== ev.tos) return false;
  if ((ev.fwmark === undefined) !== (r.fwmark === undefined)) return false;
  if (r.fwmark !== undefined && ev.fwmark !== r.fwmark) return false;
  if (r.fwmask !== undefined) {
    if (ev.fwmask !== r.fwmask) return false;
  } else if (ev.fwmask !== undefined && ev.fwmask !== 0xffffffff) return false;
  if ((ev.flow === undefined) !== !r.realms) return false;
  if (r.realms && ev.flow !== r.realms) return false;
  if ((ev.suppressPrefixlen ?? -1) !== (r.suppressPrefixlen ?? -1)) return false;
  if ((ev.suppressIfgroup === undefined) !== (r.suppressIfgroup === undefined)) return false;
  if (r.suppressIfgroup !== undefined && ev.suppressIfgroup !== r.suppressIfgroup) return false;
  if (ev.iif !== r.iif || ev.oif !== r.oif) return false;
  if ((ev.tunnelId ?? 0n) !== (r.tunnelId ?? 0n)) return false;
  if ((ev.uidRange === undefined) !== (r.uidRange === undefined)) return false;
  if (r.uidRange && (ev.uidRange!.start !== r.uidRange.start || ev.uidRange!.end !== r.uidRange.end)) return false;
  if ((ev.l3mdev ?? 0) !== (act.kind === 'l3mdev' ? 1 : 0)) return false;
  if ((ev.ipProto === undefined) !== (r.ipProto === undefined)
    || (r.ipProto !== undefined && ev.ipProto !== r.ipProto)) return false;
  for (const k of ['sport', 'dport'] as const) {
    const a = ev[k], b = r[k];
    if ((a === undefined) !== (b === undefined)) return false;
    if (a && b && (a.start !== b.start || a.end !== b.end)) return false;
  }
  return true;
}
