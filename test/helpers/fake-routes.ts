// In-memory route and rule tables for the FakeKernel (the RouteOps member of the KernelPort): the
// kernel's rules of thumb that keepalived's behaviour depends on, not a FIB. A route's key is
// (family, table, destination, tos, metric; IPv6 metric 1024 when none); an add of an identical
// route, or an exclusive add over the key, is EEXIST; a gateway must be on a subnet of the output
// link unless onlink (ENETUNREACH), the link must exist (ENODEV); a delete finds the first route of
// the key that matches what the request gives (ESRCH). Rules are a list searched the same way
// (ENOENT), an identical add is EEXIST. Every change is announced as the kernel does (own: caused
// by our request; someone else's: delRoute / delRule from the test), after 0 ms on the Timers.
import type { Timers } from '../../src/common/clock.js';
import type { VirtualRoute, VirtualRule } from '../../src/config/model.js';
import { formatRoute, formatRule } from '../../src/vrrp/routes/format.js';
import type { IfindexOf, RouteEvent, RouteOp, RuleEvent } from '../../src/vrrp/io/nl-route.js';
import { FR_ACT } from '../../src/vrrp/io/nl-route.js';
import { ipToBytes } from '../../src/vrrp/io/addr.js';
import type { AddrInfo, LinkInfo, KernelError, RouteGroups, RouteOps, RouteRuleEvent } from '../../src/vrrp/kernel/port.js';

export interface FakeRoute { route: VirtualRoute; oif?: number; text: string }

export type RouteOpRecord = { op: 'routeAdd' | 'routeReplace' | 'routeDel'; text: string; error?: string } | { op: 'ruleAdd' | 'ruleDel'; text: string; error?: string };

const ERR: Record<string, [number, string]> = {
  EEXIST: [17, 'File exists'], ESRCH: [3, 'No such process'], ENOENT: [2, 'No such file or directory'], ENODEV: [19, 'No such device'],
  ENETUNREACH: [101, 'Network is unreachable'], ENETDOWN: [100, 'Network is down'],
};
const TYPE = { routeAdd: 24, routeReplace: 24, routeDel: 25, ruleAdd: 32, ruleDel: 33 } as const;

function inSubnet(addr: string, a: AddrInfo): boolean {
  const x = ipToBytes(addr), y = ipToBytes(a.address);
  if (!x || !y || x.length !== y.length) return false;
  for (let bit = 0; bit < a.prefixLen; bit++) {
    const m = 0x80 >> (bit % 8);
    if ((x[bit >> 3]! & m) !== (y[bit >> 3]! & m)) return false;
  }
  return true;
}

const metricOf = (r: VirtualRoute): number => r.metric ?? (r.family === 'inet6' ? 1024 : 0);
const sameKey = (a: VirtualRoute, b: VirtualRoute): boolean => a.family === b.family && a.table === b.table
  && a.dst.address === b.dst.address
  && a.dst.prefixLen === b.dst.prefixLen && (a.tos ?? 0) === (b.tos ?? 0) && metricOf(a) === metricOf(b);

export class FakeRoutes implements RouteOps {
  readonly routes: FakeRoute[] = [];
  readonly rules: VirtualRule[] = [];
  readonly ops: RouteOpRecord[] = [];
  private cb?: (ev: RouteRuleEvent) => void;
  private groups: RouteGroups = { routes4: false, routes6: false, rules4: false, rules6: false };

  constructor(private readonly timers: Timers, private readonly link: (index: number) => { info: LinkInfo;
    addrs: AddrInfo[] } | undefined) {}

  private fail(op: RouteOpRecord['op'], code: string, text: string): KernelError {
    const [errno, msg] = ERR[code]!;
    this.ops.push({ op, text, error: code } as RouteOpRecord);
    return { errno, code, text: msg, message: `Netlink: error: ${msg}(${errno}), type=${op.startsWith('route') ? (op === 'routeDel' ? 'RTM_DELROUTE' : 'RTM_NEWROUTE') : op === 'ruleDel' ? 'RTM_DELRULE' : 'RTM_NEWRULE'}(${TYPE[op]}), seq=0, pid=0` };
  }

  route(op: RouteOp, route: VirtualRoute, ifindexOf: IfindexOf): Promise<KernelError | undefined> {
    const rec = op === 'add' ? 'routeAdd' : op === 'replace' ? 'routeReplace' : 'routeDel';
    const text = formatRoute(route);
    const oif = route.dev !== undefined ? ifindexOf(route.dev) : undefined;
    if (route.dev !== undefined && oif === undefined) return Promise.resolve(this.fail(rec, 'ENODEV', text));
    if (op === 'del') {
      const i = this.routes.findIndex((x) => sameKey(x.route, route) && (route.dev === undefined || x.oif === oif)
        && (!route.via || x.route.via?.address === route.via.address));
      if (i < 0) return Promise.resolve(this.fail(rec, 'ESRCH', text));
      const [gone] = this.routes.splice(i, 1);
      this.ops.push({ op: rec, text });
      this.announceRoute(gone!, false, true);
      return Promise.resolve(undefined);
    }
    if (oif !== undefined) {
      const l = this.link(oif);
      if (!l || !l.info.up) return Promise.resolve(this.fail(rec, 'ENETDOWN', text));
      if (route.via && !route.onlink && !l.addrs.some((a) => a.family === route.family && inSubnet(route.via!.address, a))) return Promise.resolve(this.fail(rec, 'ENETUNREACH', text));
    }
    const i = this.routes.findIndex((x) => sameKey(x.route, route));
    const entry: FakeRoute = { route, ...(oif !== undefined ? { oif } : {}), text };
    if (i >= 0 && op === 'replace') this.routes[i] = entry;
    else if (i >= 0 && (route.addMode === 'add' || this.routes.some((x) => x.text === text))) return Promise.resolve(this.fail(rec, 'EEXIST', text));
    else if (route.addMode === 'append') this.routes.push(entry);
    else this.routes.unshift(entry);
    this.ops.push({ op: rec, text });
    this.announceRoute(entry, true, true);
    return Promise.resolve(undefined);
  }

  rule(op: 'add' | 'del', rule: VirtualRule): Promise<KernelError | undefined> {
    const rec = op === 'add' ? 'ruleAdd' : 'ruleDel';
    const text = formatRule(rule);
    const i = this.rules.findIndex((x) => formatRule({ ...x,
      noTrack: false }) === formatRule({ ...rule, noTrack: false }));
    if (op === 'add') {
      if (i >= 0) return Promise.resolve(this.fail(rec, 'EEXIST', text));
      this.rules.push(rule);
    } else {
      if (i < 0) return Promise.resolve(this.fail(rec, 'ENOENT', text));
      this.rules.splice(i, 1);
    }
    this.ops.push({ op: rec, text });
    this.announceRule(rule, op === 'add', true);
    return Promise.resolve(undefined);
  }

  monitor(groups: RouteGroups, cb: (ev: RouteRuleEvent) => void): void { this.groups = groups; this.cb = cb; }

  close(): void { this.cb = undefined; }

  // ----------------------------------------------------------------------------------------------
  // test side

  /** `ip route del` by someone else: the first route with this destination (and table). */
  delRoute(dst: string, table = 254): void {
    const i = this.routes.findIndex((x) => `${x.route.dst.address}/${x.route.dst.prefixLen}` === dst && x.route.table === table);
    if (i < 0) throw new Error(`fake routes: no route ${dst} table ${table}`);
    const [gone] = this.routes.splice(i, 1);
    this.announceRoute(gone!, false, false);
  }

  /** `ip rule del preference N` by someone else. */
  delRule(preference: number): void {
    const i = this.rules.findIndex((x) => x.preference === preference);
    if (i < 0) throw new Error(`fake routes: no rule ${preference}`);
    const [gone] = this.rules.splice(i, 1);
    this.announceRule(gone!, false, false);
  }

  /** A link went down: its routes go (IPv4 silently, IPv6 announced, as the kernel does). */
  linkDown(index: number): void {
    for (let i = this.routes.length - 1; i >= 0; i--) {
      const x = this.routes[i]!;
      if (x.oif !== index) continue;
      this.routes.splice(i, 1);
      if (x.route.family === 'inet6') this.announceRoute(x, false, false);
    }
  }

  /** The tables as `formatRoute` / `formatRule` lines (sorted, for comparisons). */
  routeLines(): string[] { return this.routes.map((r) => r.text).sort(); }
  ruleLines(): string[] { return this.rules.map((r) => formatRule(r)).sort(); }

  private announceRoute(x: FakeRoute, added: boolean, own: boolean): void {
    const r = x.route;
    if (!(r.family === 'inet' ? this.groups.routes4 : this.groups.routes6)) return;
    const ev: RouteEvent = {
      added, pid: own ? 1 : 0, family: r.family, dstLen: r.dst.prefixLen, tos: r.tos ?? 0, table: r.table,
      protocol: r.protocol ?? 18,
      ...(r.dst.prefixLen ? { dst: r.dst.address } : {}), ...(x.oif !== undefined ? { oif: x.oif } : {}),
      ...(metricOf(r) ? { priority: metricOf(r) } : {}),
    };
    this.timers.set(() => this.cb?.({ kind: 'route', ev, own }), 0);
  }

  private announceRule(r: VirtualRule, added: boolean, own: boolean): void {
    if (!(r.family === 'inet' ? this.groups.rules4 : this.groups.rules6)) return;
    const a = r.action;
    const ev: RuleEvent = {
      added, pid: own ? 1 : 0, family: r.family, dstLen: r.to?.prefixLen ?? 0,
      srcLen: r.from?.prefixLen ?? 0, tos: r.tos,
      headerTable: a.kind === 'table' && a.table < 256 ? a.table : 0, action: FR_ACT[a.kind], invert: r.invert,
      table: a.kind === 'table' ? a.table : 0, priority: r.preference, suppressPrefixlen: r.suppressPrefixlen ?? -1, protocol: r.protocol ?? 0,
      ...(r.from && r.from.prefixLen ? { src: r.from.address } : {}),
      ...(r.to && r.to.prefixLen ? { dst: r.to.address } : {}),
      ...(a.kind === 'goto' ? { goto: a.target } : {}), ...(r.fwmark !== undefined ? { fwmark: r.fwmark, fwmask: r.fwmask ?? 0xffffffff } : {}),
      ...(r.realms ? { flow: r.realms } : {}), ...(r.suppressIfgroup !== undefined
        ? { suppressIfgroup: r.suppressIfgroup } : {}),
      ...(r.iif !== undefined ? { iif: r.iif } : {}), ...(r.oif !== undefined ? { oif: r.oif } : {}),
      ...(r.tunnelId ? { tunnelId: r.tunnelId } : {}),
      ...(r.uidRange ? { uidRange: r.uidRange } : {}), ...(a.kind === 'l3mdev' ? { l3mdev: 1 } : {}), ...(r.ipProto !== undefined ? { ipProto: r.ipProto } : {}),
      ...(r.sport ? { sport: r.sport } : {}), ...(r.dport ? { dport: r.dport } : {}),
    };
    this.timers.set(() => this.cb?.({ kind: 'rule', ev, own }), 0);
  }
}
