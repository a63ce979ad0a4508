// GARP / unsolicited NA spacing per interface, as keepalived 2.2.7 does it (its garp_delay): each
// base interface (a VMAC counts as its parent) may belong to a delay group, from a garp_group block
// (shared by all its interfaces) or, for an interface in no group, its own group with the global
// vrrp_garp_interval / vrrp_gna_interval. A group holds the earliest time its next GARP (and,
// apart, its next NA) may leave. A GARP offered before then is queued: one pending flag per
// instance and VIP, so repeats of a queued GARP collapse into one (2.2.7: 5 repeats x 3 VIPs at
// 0.1 s send 4 GARPs, test/integration/vrrp/data/links-2.2.7/garp-interval.*). The queue is
// served in instance order, then VIP order, each entry when its group allows.
// Pure: times come in as arguments; the caller sends the frames and arms one timer at `wakeAt`.
import type { GarpGroup, GlobalDefs } from '../../config/model.js';

/** The spacing of one delay group (ms; absent or 0 = not spaced). */
export interface DelayGroup { readonly garpMs?: number; readonly gnaMs?: number }

/** One GARP (IPv4) or NA (IPv6) of one instance's VIP, on an interface whose base is `baseIf`. */
export interface GarpTarget {
  readonly inst: string;
  /** The instance's place in the configuration (the queue is served in this order). */
  readonly instOrder: number;
  readonly vip: string;
  /** The VIP's place in the instance (virtual_ipaddress, then virtual_ipaddress_excluded). */
  readonly vipOrder: number;
  readonly baseIf: string;
  readonly six: boolean;
}

/** Delay groups by base interface name: garp_group blocks first, then the global intervals. */
export class DelayPlan {
  private readonly byIf = new Map<string, DelayGroup>();
  private readonly own = new Map<string, DelayGroup>();
  private readonly fallback?: DelayGroup;

  constructor(groups: readonly GarpGroup[], global: Pick<GlobalDefs, 'vrrpGarpInterval' | 'vrrpGnaInterval'>) {
    for (const g of groups) {
      const d: DelayGroup = { ...(g.garpInterval !== undefined ? { garpMs: g.garpInterval * 1000 } : {}),
        ...(g.gnaInterval !== undefined ? { gnaMs: g.gnaInterval * 1000 } : {}) };
      for (const i of g.interfaces) if (!this.byIf.has(i)) this.byIf.set(i, d);
    }
    // an interface in no garp_group gets a group of its own when a global interval is set
    if (global.vrrpGarpInterval > 0 || global.vrrpGnaInterval > 0) {
      this.fallback = { ...(global.vrrpGarpInterval > 0 ? { garpMs: global.vrrpGarpInterval * 1000 } : {}),
        ...(global.vrrpGnaInterval > 0 ? { gnaMs: global.vrrpGnaInterval * 1000 } : {}) };
    }
  }

  /** The group of a base interface (the same object for every interface of one garp_group). */
  groupOf(ifname: string): DelayGroup | undefined {
    const g = this.byIf.get(ifname);
    if (g || !this.fallback) return g;
    let o = this.own.get(ifname);
    if (!o) { o = { ...this.fallback }; this.own.set(ifname, o); }
    return o;
  }
}

const key = (t: Pick<GarpTarget, 'inst' | 'vip'>): string => `${t.inst}\u0000${t.vip}`;

export class GarpPacer {
  /** Earliest next GARP / NA per group. */
  private readonly next = new Map<DelayGroup, { garp?: number; gna?: number }>();
  private readonly pending = new Map<string, GarpTarget>();
  private wake?: number;

  constructor(private plan: DelayPlan) {}

  /** A new configuration (reload): new groups, nothing queued kept. */
  setPlan(plan: DelayPlan): void { this.plan = plan; this.next.clear(); this.pending.clear(); this.wake = undefined; }

  private spacing(t: GarpTarget): { group: DelayGroup; ms: number } | undefined {
    const group = this.plan.groupOf(t.baseIf);
    const ms = group && (t.six ? group.gnaMs : group.garpMs);
    return group && ms !== undefined ? { group, ms } : undefined;
  }

  private ready(now: number, s: { group: DelayGroup; ms: number }, six: boolean): boolean {
    const at = this.next.get(s.group)?.[six ? 'gna' : 'garp'];
    return at === undefined || now >= at;
  }

  private sent(now: number, s: { group: DelayGroup; ms: number }, six: boolean): void {
    const n = this.next.get(s.group) ?? {};
    n[six ? 'gna' : 'garp'] = now + s.ms;
    this.next.set(s.group, n);
  }

  /**
   * A GARP/NA wanted now: 'send' (and its group's next time moves on) or 'queued' (pending, once
   * per instance and VIP). `wakeAt`: when run() must be called, if that changed.
   */
  offer(now: number, t: GarpTarget): { send: boolean; wakeAt?: number } {
    const s = this.spacing(t);
    if (!s) return { send: true };
    if (this.ready(now, s, t.six)) { this.sent(now, s, t.six); return { send: true }; }
    if (!this.pending.has(key(t))) this.pending.set(key(t), t);
    // keepalived re-arms its GARP thread one interval from now when that is sooner
    const at = now + s.ms;
    if (this.wake === undefined || at < this.wake) { this.wake = at; return { send: false, wakeAt: at }; }
    return { send: false };
  }

  /**
   * The queue's turn (at `wakeAt`): every pending GARP whose group allows it now, in instance then
   * VIP order; those of instances no longer `active` (not MASTER) are dropped. `wakeAt`: the next
   * turn, if anything is left.
   */
  run(now: number, active: (inst: string) => boolean): { send: GarpTarget[]; wakeAt?: number } {
    this.wake = undefined;
    const send: GarpTarget[] = [];
    const order = [...this.pending.values()].sort((a, b) => a.instOrder - b.instOrder || a.vipOrder - b.vipOrder);
    let wakeAt: number | undefined;
    for (const t of order) {
      const s = this.spacing(t);
      if (!active(t.inst) || !s) { this.pending.delete(key(t)); continue; }
      if (this.ready(now, s, t.six)) {
        this.sent(now, s, t.six);
        this.pending.delete(key(t));
        send.push(t);
      } else {
        const at = this.next.get(s.group)![t.six ? 'gna' : 'garp']!;
        if (wakeAt === undefined || at < wakeAt) wakeAt = at;
      }
    }
    this.wake = wakeAt;
    return wakeAt === undefined ? { send } : { send, wakeAt };
  }

  /** An instance left MASTER (or stopped): its queued GARPs go. */
  drop(inst: string): void {
    for (const [k, t] of this.pending) if (t.inst === inst) this.pending.delete(k);
  }

  /** Queued GARPs (tests, dumps). */
  queued(): GarpTarget[] { return [...this.pending.values()]; }
}
