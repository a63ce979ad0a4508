// The routes-and-rules core (pure): static_ipaddress / static_routes / static_rules and each
// instance's virtual_routes / virtual_rules with keepalived 2.2.7's `set` flag per entry, turned
// into kernel operations at the points 2.2.7 acts, and the kernel's answers and notifications
// turned back into state, log lines and instance events. What 2.2.7 does (measured in namespaces,
// test/unit/vrrp/data/routes-2.2.7/README.md):
//  - process start: leftover static rules deleted (ENOENT quiet), then static addresses, routes and
//    rules added; each instance first deletes its virtual rules (force) and set virtual routes;
//  - MASTER: routes then rules added (after the VIPs); leaving MASTER: rules then routes deleted
//    (before the VIPs); start-up of a non-owner and a reload of a non-MASTER: the set ones deleted;
//  - reload: entries no longer configured deleted ("Removing route X", "ip rule from X removed"),
//    kept ones take their `set` over (a kept route is replaced in place), new statics added, a
//    MASTER re-adds all its routes and its unset rules;
//  - a tracked virtual route or rule deleted by someone else: the MASTER goes to BACKUP; a static
//    one is put back ("Restoring deleted static route|rule|address ...");
//  - an interface down: set virtual routes installed on it are no longer set; up: static addresses
//    and routes on it are put back; stop: static rules, routes and addresses deleted.
// Operations are executed by RouteExecutor, which reports each answer back through result().
import type { KeepalivedConfig, StaticAddress, VirtualRoute, VirtualRule } from '../../config/model.js';
import type { RouteEvent, RuleEvent, RouteOp } from '../io/nl-route.js';
import { formatRoute, formatRule, prefixText } from './format.js';
import { formatStaticAddress } from './format-address.js';
import { ruleMatches, staticRouteMatches, virtualRouteMatches } from './match.js';
import { routeExists, ruleEqual, sameStaticAddress } from './equal.js';

/** An entry: static (no instance) or an instance's virtual one; index in its config list. */
export interface EntryRef { inst?: string; kind: 'route' | 'rule' | 'addr'; index: number }

/** How an operation's answer changes the entry (keepalived's netlink_rtlist / rulelist / iplist, diff, reinstate). */
export type ResultRule =
  /** netlink_rtlist: add ok -> set; delete -> not set either way. */
  | 'list'
  /** netlink_rulelist / netlink_iplist: ok -> set = (add), failure -> not set. */
  | 'listStrict'
  /** An entry of the previous configuration: nothing to record. */
  | 'gone'
  /** A kept route replaced in place at a reload; on failure the old one is deleted and the new one is not set. */
  | 'replace'
  /** reinstate_static_*: set = ok, then "Restoring deleted static ...". */
  | 'reinstate';

export type NetStep =
  | { kind: 'route'; op: RouteOp; ref: EntryRef; route: VirtualRoute; then: ResultRule; quiet?: string; old?: VirtualRoute }
  | { kind: 'rule'; op: 'add' | 'del'; ref: EntryRef; rule: VirtualRule; then: ResultRule; quiet?: string }
  | { kind: 'addr'; op: 'add' | 'del'; ref: EntryRef; addr: StaticAddress; then: ResultRule; quiet?: string };

export interface LogStep { kind: 'log'; msg: string; detail?: 1 }
/** keepalived's set_vrrp_backup(): a MASTER whose tracked route or rule was deleted goes to BACKUP. */
export interface BackupStep { kind: 'backup'; inst: string }
export type Step = NetStep | LogStep | BackupStep;

/** What the core asks of its surroundings (pure functions of the current world). */
export interface CoreEnv {
  /** ifindex of an interface now, or undefined. */
  ifindex(name: string): number | undefined;
  ifname(index: number): string | undefined;
  isMaster(inst: string): boolean;
}

/** The steps at which an instance touches its routes and rules (the FSM's 'routes' actions). */
export type InstanceStep = 'startup' | 'init' | 'add' | 'remove' | 'reload';

interface EntryState { set: boolean; configuredIfindex: number }

interface Lists { routes: VirtualRoute[]; rules: VirtualRule[] }

/**
 * What keepalived makes of the kernel's answer to a step: EEXIST to an added route or address and
 * EADDRNOTAVAIL to a deleted address are success, unlogged; a failed delete of a route with
 * `expires` counts as done (it may have expired); `quiet` errors are not logged.
 */
export function answerOf(s: NetStep, error: string | undefined): { ok: boolean; log: boolean } {
  if (error === undefined) return { ok: true, log: false };
  if (error === 'EEXIST' && s.op !== 'del' && s.kind !== 'rule') return { ok: true, log: false };
  if (error === 'EADDRNOTAVAIL' && s.kind === 'addr' && s.op === 'del') return { ok: true, log: false };
  const log = error !== s.quiet;
  if (s.kind === 'route' && s.op === 'del' && s.route.expires !== undefined) return { ok: true, log };
  return { ok: false, log };
}

const key = (r: EntryRef): string => `${r.inst ?? ''}\u0000${r.kind}\u0000${r.index}`;

export class RoutesCore {
  private statics: Lists & { addrs: StaticAddress[] } = { routes: [], rules: [], addrs: [] };
  private readonly insts = new Map<string, Lists>();
  private readonly state = new Map<string, EntryState>();

  constructor(config: KeepalivedConfig, private readonly env: CoreEnv) { this.load(config); }

  private load(config: KeepalivedConfig): void {
    // a static address without `dev` goes on the default interface (keepalived's get_default_if())
    const addrs = config.staticIpaddress.map((a) => (a.dev !== undefined ? a
      : { ...a, dev: config.global.defaultInterface }));
    this.statics = { routes: config.staticRoutes, rules: config.staticRules, addrs };
    this.insts.clear();
    for (const i of config.vrrpInstances) this.insts.set(i.name, { routes: i.virtualRoutes, rules: i.virtualRules });
  }

  private st(ref: EntryRef): EntryState {
    let s = this.state.get(key(ref));
    if (!s) { s = { set: false, configuredIfindex: 0 }; this.state.set(key(ref), s); }
    return s;
  }

  /** Is this entry in the kernel as far as keepalived knows (tests, dumps)? */
  isSet(ref: EntryRef): boolean { return this.state.get(key(ref))?.set ?? false; }

  /** Route / rule monitoring keepalived turns on: any tracked virtual route / rule of the family (or static with a
   *  track group). */
  monitoring(): { routes4: boolean; routes6: boolean; rules4: boolean; rules6: boolean } {
    const m = { routes4: false, routes6: false, rules4: false, rules6: false };
    const route = (r: VirtualRoute) => { if (r.family === 'inet') m.routes4 = true; else m.routes6 = true; };
    const rule = (r: VirtualRule) => { if (r.family === 'inet') m.rules4 = true; else m.rules6 = true; };
    for (const l of this.insts.values()) {
      for (const r of l.routes) if (!r.noTrack) route(r);
      for (const r of l.rules) if (!r.noTrack) rule(r);
    }
    for (const r of this.statics.routes) if (r.trackGroup !== undefined) route(r);
    for (const r of this.statics.rules) if (r.trackGroup !== undefined) rule(r);
    return m;
  }

  // ----------------------------------------------------------------------------------------------
  // statics

  /** Process start: leftover static rules deleted (force, ENOENT quiet); static addresses, routes, rules added. */
  startStatics(): NetStep[] {
    const out: NetStep[] = this.statics.rules.map((rule, index) => ({ kind: 'rule', op: 'del', ref: { kind: 'rule', index }, rule, then: 'listStrict', quiet: 'ENOENT' }));
    return [...out, ...this.addStatics()];
  }

  /** netlink_iplist / rtlist / rulelist (ADD) over the statics not set (also after a reload's differences). */
  addStatics(): NetStep[] {
    const out: NetStep[] = [];
    this.statics.addrs.forEach((addr, index) => { if (!this.st({ kind: 'addr', index }).set) out.push({ kind: 'addr', op: 'add', ref: { kind: 'addr', index }, addr, then: 'listStrict' }); });
    this.statics.routes.forEach((route, index) => { if (!this.st({ kind: 'route', index }).set) out.push({ kind: 'route', op: 'add', ref: { kind: 'route', index }, route, then: 'list' }); });
    this.statics.rules.forEach((rule, index) => { if (!this.st({ kind: 'rule', index }).set) out.push({ kind: 'rule', op: 'add', ref: { kind: 'rule', index }, rule, then: 'listStrict' }); });
    return out;
  }

  /** Stop: static rules, routes and addresses that are set, deleted. */
  stopStatics(): NetStep[] {
    const out: NetStep[] = [];
    this.statics.rules.forEach((rule, index) => { if (this.st({ kind: 'rule', index }).set) out.push({ kind: 'rule', op: 'del', ref: { kind: 'rule', index }, rule, then: 'listStrict' }); });
    this.statics.routes.forEach((route, index) => { if (this.st({ kind: 'route', index }).set) out.push({ kind: 'route', op: 'del', ref: { kind: 'route', index }, route, then: 'list' }); });
    this.statics.addrs.forEach((addr, index) => { if (this.st({ kind: 'addr', index }).set) out.push({ kind: 'addr', op: 'del', ref: { kind: 'addr', index }, addr, then: 'listStrict' }); });
    return out;
  }

  // ----------------------------------------------------------------------------------------------
  // instances

  /** The log lines of an instance step, written when the step is decided (LOG_DETAIL). */
  logsFor(inst: string, step: InstanceStep): LogStep[] {
    const l = this.insts.get(inst);
    if (!l) return [];
    const out: LogStep[] = [];
    const adding = step === 'add' || step === 'reload';
    const routes = l.routes.length > 0 ? [{ kind: 'log' as const, msg: `(${inst}) ${adding ? 'setting' : 'removing'} Virtual Routes`, detail: 1 as const }] : [];
    const rules = l.rules.length > 0 ? [{ kind: 'log' as const, msg: `(${inst}) ${adding ? 'setting' : 'removing'} Virtual Rules`, detail: 1 as const }] : [];
    if (adding) out.push(...routes, ...rules); else out.push(...rules, ...routes);
    return out;
  }

  /** The operations of an instance step, decided when the step runs (after the ones before it). */
  opsFor(inst: string, step: InstanceStep): NetStep[] {
    const l = this.insts.get(inst);
    if (!l) return [];
    const routes = (op: RouteOp, force: boolean): NetStep[] => l.routes.flatMap((route, index): NetStep[] => {
      const ref = { inst, kind: 'route' as const, index };
      return force || (op === 'del') === this.st(ref).set ? [{ kind: 'route', op, ref, route, then: 'list' }] : [];
    });
    const rules = (op: 'add' | 'del', force: boolean): NetStep[] => l.rules.flatMap((rule, index): NetStep[] => {
      const ref = { inst, kind: 'rule' as const, index };
      const s = this.st(ref).set;
      return force || (op === 'add' ? !s : s) ? [{ kind: 'rule', op, ref, rule, then: 'listStrict', ...(force && op === 'del' ? { quiet: 'ENOENT' } : {}) }] : [];
    });
    switch (step) {
      case 'startup': return [...rules('del', true), ...routes('del', false)];
      case 'init': case 'remove': return [...rules('del', false), ...routes('del', false)];
      case 'add': return [...routes('add', false), ...rules('add', false)];
      case 'reload': return [...routes('add', true), ...rules('add', false)];
    }
  }

  // ----------------------------------------------------------------------------------------------
  // reload

  /**
   * A new configuration (SIGHUP): the differences of the statics and of the instances that keep
   * running (clear_diff_static_*, clear_diff_vrrp_vrules / vroutes), in keepalived's order; the new
   * statics are added after them (addStatics()). Kept entries take their state over; `kept`:
   * instances that keep running.
   */
  reload(next: KeepalivedConfig, kept: ReadonlySet<string>): { statics: Step[]; instances: Map<string, Step[]> } {
    const old = { statics: this.statics, insts: new Map(this.insts) };
    const oldState = new Map(this.state);
    const stOld = (ref: EntryRef): EntryState => oldState.get(key(ref)) ?? { set: false, configuredIfindex: 0 };
    this.load(next);
    this.state.clear();
    const statics: Step[] = [
      ...this.diffRules(old.statics.rules, this.statics.rules, undefined, stOld),
      ...this.diffRoutes(old.statics.routes, this.statics.routes, undefined, stOld),
      ...this.diffAddrs(old.statics.addrs, this.statics.addrs, stOld),
    ];
    const instances = new Map<string, Step[]>();
    for (const name of kept) {
      const o = old.insts.get(name), n = this.insts.get(name);
      if (!o || !n) continue;
      instances.set(name, [...this.diffRules(o.rules, n.rules, name, stOld),
        ...this.diffRoutes(o.routes, n.routes, name, stOld)]);
    }
    return { statics, instances };
  }

  private diffRules(oldL: VirtualRule[], newL: VirtualRule[], inst: string | undefined,
      stOld: (r: EntryRef) => EntryState): Step[] {
    if (oldL.length === 0) return [];
    const out: Step[] = [];
    const ref = (index: number): EntryRef => ({ ...(inst !== undefined ? { inst } : {}), kind: 'rule', index });
    if (newL.length === 0) {
      out.push({ kind: 'log', msg: 'Removing a VirtualRule block' });
      oldL.forEach((rule, i) => { if (stOld(ref(i)).set) out.push({ kind: 'rule', op: 'del', ref: ref(i), rule, then: 'gone' }); });
      return out;
    }
    oldL.forEach((rule, i) => {
      const was = stOld(ref(i));
      const j = newL.findIndex((x) => ruleEqual(x, rule));
      if (j >= 0) { this.st(ref(j)).set = was.set; return; }
      if (!was.set) return;
      const to = rule.to ? ` to ${prefixText(rule.to)}` : '';
      out.push({ kind: 'log', msg: `ip rule from ${rule.from ? prefixText(rule.from) : 'all'}${to} removed`, detail: 1 });
      out.push({ kind: 'rule', op: 'del', ref: ref(i), rule, then: 'gone' });
    });
    return out;
  }

  private diffRoutes(oldL: VirtualRoute[], newL: VirtualRoute[], inst: string | undefined,
      stOld: (r: EntryRef) => EntryState): Step[] {
    if (oldL.length === 0) return [];
    const out: Step[] = [];
    const ref = (index: number): EntryRef => ({ ...(inst !== undefined ? { inst } : {}), kind: 'route', index });
    if (newL.length === 0) {
      out.push({ kind: 'log', msg: 'Removing a VirtualRoute block', detail: 1 });
      oldL.forEach((route, i) => { if (stOld(ref(i)).set) out.push({ kind: 'route', op: 'del', ref: ref(i), route, then: 'gone' }); });
      return out;
    }
    oldL.forEach((route, i) => {
      const was = stOld(ref(i));
      if (!was.set) return;
      const j = newL.findIndex((x) => routeExists(x, route, this.env.ifindex));
      if (j < 0) {
        out.push({ kind: 'log', msg: `Removing route ${prefixText(route.dst)}`, detail: 1 });
        out.push({ kind: 'route', op: 'del', ref: ref(i), route, then: 'gone' });
        return;
      }
      const s = this.st(ref(j));
      s.set = was.set;
      s.configuredIfindex = was.configuredIfindex;
      out.push({ kind: 'route', op: 'replace', ref: ref(j), route: newL[j]!, then: 'replace', quiet: 'EINVAL', old: route });
    });
    return out;
  }

  private diffAddrs(oldL: StaticAddress[], newL: StaticAddress[], stOld: (r: EntryRef) => EntryState): Step[] {
    const out: Step[] = [];
    oldL.forEach((addr, i) => {
      const was = stOld({ kind: 'addr', index: i });
      if (!was.set) return;
      const j = newL.findIndex((x) => sameStaticAddress(x, addr));
      if (j >= 0) { this.st({ kind: 'addr', index: j }).set = true; return; }
      out.push({ kind: 'log', msg: `((null)) ip address ${addr.address}/${addr.prefixLen} dev ${addr.dev ?? ''}, no longer exist` });
      out.push({ kind: 'addr', op: 'del', ref: { kind: 'addr', index: i }, addr, then: 'gone' });
    });
    return out;
  }

  // ----------------------------------------------------------------------------------------------
  // answers

  /** The kernel's answer to a step (undefined: done; else the errno's name): state, then the steps that follow. */
  result(s: NetStep, error: string | undefined): Step[] {
    const ok = answerOf(s, error).ok;
    const st = this.st(s.ref);
    switch (s.then) {
      case 'gone': return [];
      case 'list':
        if (ok) st.set = s.op !== 'del';
        else if (s.op === 'del') st.set = false;
        return [];
      case 'listStrict':
        st.set = ok && s.op === 'add';
        return [];
      case 'replace':
        if (ok) return [];
        st.set = false;
        return s.kind === 'route' && s.old ? [{ kind: 'route', op: 'del', ref: s.ref, route: s.old, then: 'gone' }] : [];
      case 'reinstate': {
        st.set = ok;
        if (s.kind === 'route') return [{ kind: 'log', msg: `Restoring deleted static route ${formatRoute(s.route, this.installed(s.route, st))}` }];
        if (s.kind === 'rule') return [{ kind: 'log', msg: `Restoring deleted static rule ${formatRule(s.rule)}` }];
        return [{ kind: 'log', msg: `Restoring deleted static address ${formatStaticAddress(s.addr, st.set)}` }];
      }
    }
  }

  /** format_iproute()'s " [dev X]" / " [installed ifindex N]" for a set route not (or no longer) on its `dev`. */
  private installed(r: VirtualRoute, st: EntryState): { ifname?: string; ifindex: number } | undefined {
    if (!st.set || r.noTrack) return undefined;
    if (r.dev !== undefined && this.env.ifindex(r.dev) === st.configuredIfindex) return undefined;
    const name = st.configuredIfindex ? this.env.ifname(st.configuredIfindex) : undefined;
    return name !== undefined ? { ifname: name, ifindex: st.configuredIfindex } : { ifindex: st.configuredIfindex };
  }

  // ----------------------------------------------------------------------------------------------
  // the kernel's notifications

  /** A route notification (our own additions included; our own deletions are skipped by the caller). */
  routeEvent(ev: RouteEvent): Step[] {
    if (ev.protocol !== 18) return [];
    const hit = this.findRoute(ev);
    if (!hit) return [];
    const { ref, route } = hit;
    const st = this.st(ref);
    st.set = ev.added;
    if (ev.added) {
      if (ev.oif === undefined) return [{ kind: 'log', msg: "New route doesn't have i/f index" }];
      st.configuredIfindex = ev.oif;
      const dev = route.dev !== undefined ? this.env.ifindex(route.dev) : undefined;
      return dev !== undefined && dev !== ev.oif ? [{ kind: 'log', msg: `route added index ${ev.oif} != config index ${dev}` }] : [];
    }
    if (route.noTrack) return [];
    if (ref.inst !== undefined) return this.env.isMaster(ref.inst) ? [{ kind: 'backup', inst: ref.inst }] : [];
    return [{ kind: 'route', op: 'add', ref, route, then: 'reinstate' }];
  }

  private findRoute(ev: RouteEvent): { ref: EntryRef; route: VirtualRoute } | undefined {
    for (const [inst, l] of this.insts) {
      for (let index = 0; index < l.routes.length; index++) {
        const ref = { inst, kind: 'route' as const, index }, route = l.routes[index]!;
        const dev = route.dev !== undefined ? this.env.ifindex(route.dev) : undefined;
        if (virtualRouteMatches(ev, route, this.st(ref), dev)) return { ref, route };
      }
    }
    const index = this.statics.routes.findIndex((r) => staticRouteMatches(ev, r));
    return index >= 0 ? { ref: { kind: 'route', index }, route: this.statics.routes[index]! } : undefined;
  }

  /** A rule notification (not our own): a deleted tracked rule. */
  ruleEvent(ev: RuleEvent): Step[] {
    if (ev.protocol !== undefined && ev.protocol !== 18) return [];
    if (ev.added) return [];
    for (const [inst, l] of this.insts) {
      const index = l.rules.findIndex((r) => ruleMatches(ev, r));
      if (index < 0) continue;
      this.st({ inst, kind: 'rule', index }).set = false;
      return this.env.isMaster(inst) ? [{ kind: 'backup', inst }] : [];
    }
    const index = this.statics.rules.findIndex((r) => ruleMatches(ev, r));
    if (index < 0) return [];
    const ref: EntryRef = { kind: 'rule', index };
    this.st(ref).set = false;
    return [{ kind: 'rule', op: 'add', ref, rule: this.statics.rules[index]!, then: 'reinstate' }];
  }

  /** An address deleted (not by us): a tracked static address is put back. */
  addressDeleted(a: { index: number; family: 'inet' | 'inet6'; address: string }): Step[] {
    const index = this.statics.addrs.findIndex((s) => !s.noTrack && s.family === a.family && s.address === a.address && this.env.ifindex(s.dev ?? '') === a.index);
    if (index < 0) return [];
    return [{ kind: 'addr', op: 'add', ref: { kind: 'addr', index }, addr: this.statics.addrs[index]!, then: 'reinstate' }];
  }

  /**
   * interface_down() (after the instances reacted to the link): the kernel drops routes through a
   * link without telling; a MASTER's set routes installed on it are no longer set.
   */
  linkDownInstance(inst: string, index: number): void {
    const l = this.insts.get(inst);
    if (!l || !this.env.isMaster(inst)) return;
    l.routes.forEach((r, i) => {
      const st = this.st({ inst, kind: 'route', index: i });
      if (st.set && r.dev !== undefined && st.configuredIfindex === index) st.set = false;
    });
  }

  /** interface_down() for the static routes on the link. */
  linkDownStatics(index: number): void {
    this.statics.routes.forEach((r, i) => {
      const st = this.st({ kind: 'route', index: i });
      if (st.set && r.dev !== undefined && this.env.ifindex(r.dev) === index) st.set = false;
    });
  }

  /** interface_up(): static addresses, then static routes, on this link put back (not no_track). */
  linkUp(index: number): Step[] {
    const out: Step[] = [];
    this.statics.addrs.forEach((addr, i) => {
      if (!addr.noTrack && this.env.ifindex(addr.dev ?? '') === index) out.push({ kind: 'addr', op: 'add', ref: { kind: 'addr', index: i }, addr, then: 'reinstate' });
    });
    this.statics.routes.forEach((route, i) => {
      if (!route.noTrack && route.dev !== undefined && this.env.ifindex(route.dev) === index) out.push({ kind: 'route', op: 'add', ref: { kind: 'route', index: i }, route, then: 'reinstate' });
    });
    return out;
  }
}
