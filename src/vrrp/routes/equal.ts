// keepalived 2.2.7's equality of configured entries across a reload (pure): route_exist() (the
// kernel's key of a route plus what keepalived adds: scope, type, gateway, interface, nexthops),
// rule_is_equal() (every attribute) and compare_ipaddress() for static addresses.
import type { RouteNexthop, RoutePrefix, StaticAddress, VirtualRoute, VirtualRule } from '../../config/model.js';

const samePrefix = (a: RoutePrefix | undefined, b: RoutePrefix | undefined): boolean =>
  a === b || (!!a && !!b && a.family === b.family && a.address === b.address && a.prefixLen === b.prefixLen);

/** A value as text with object keys sorted (the order words were written in does not matter). */
function canon(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => `${k}:${canon((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

const sameNexthops = (a: readonly RouteNexthop[], b: readonly RouteNexthop[]): boolean =>
  a.length === b.length && a.every((x, i) => canon(x) === canon(b[i]));

/** route_exist(): the same route for keepalived (dst, tos, metric, table, scope, type, via, interface, nexthops). */
export function routeExists(a: VirtualRoute, b: VirtualRoute, ifindex: (name: string) => number | undefined): boolean {
  const sameDev = a.dev === b.dev || (a.dev !== undefined && b.dev !== undefined && ifindex(a.dev) !== undefined
    && ifindex(a.dev) === ifindex(b.dev));
  return samePrefix(a.dst, b.dst) && (a.tos ?? 0) === (b.tos ?? 0) && a.metric === b.metric && a.table === b.table
    && (a.scope ?? 0) === (b.scope ?? 0) && a.type === b.type
    && (a.via?.address ?? null) === (b.via?.address ?? null) && sameDev && sameNexthops(a.nexthops, b.nexthops);
}

/** rule_is_equal(): every attribute but where it was written and its tracking. */
export function ruleEqual(a: VirtualRule, b: VirtualRule): boolean {
  const strip = ({ pos: _p, noTrack: _n, trackGroup: _t, ...rest }: VirtualRule): unknown => rest;
  return canon(strip(a)) === canon(strip(b));
}

/** compare_ipaddress(): family, prefix, scope, interface, label and address. */
export function sameStaticAddress(a: StaticAddress, b: StaticAddress): boolean {
  return a.family === b.family && a.prefixLen === b.prefixLen && (a.scope ?? '') === (b.scope ?? '') && a.dev === b.dev
    && a.label === b.label && a.address === b.address;
}
