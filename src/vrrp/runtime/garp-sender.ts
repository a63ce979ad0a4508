// Gratuitous ARPs / unsolicited NAs of the VRRP runtime, as keepalived 2.2.7 sends them: a burst
// (`count` rounds over the instance's VIPs, each VIP's first round logged "Sending/queueing ... on
// IF for VIP") paced per interface group by GarpPacer (garp_group, vrrp_garp_interval,
// vrrp_gna_interval); and garp_extra_if's periodic GARP on each other interface holding a VIP
// (extra-garp.ts decides which). Frames are built in advance (prepare) and sent through the
// kernel port on the VIP's own interface; the pacing timer is one Timers handle.
import type { Clock, Timers } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { GlobalDefs, KeepalivedConfig } from '../../config/model.js';
import type { VrrpState } from '../fsm-types.js';
import { buildGarp, buildUnsolicitedNa } from '../io/frames.js';
import type { FrameOps, LinkInfo } from '../kernel/port.js';
import { ExtraGarpTimer, extraGarpVips, extraIfSetting } from './extra-garp.js';
import { DelayPlan, GarpPacer, type GarpTarget } from './garp-pacer.js';
import { baseIfname, isOurVmac, vipHome, vipIfindex, vipList, type Inst } from './instance.js';
import type { LinkTable } from './link-table.js';

export class GarpSender {
  /** GARP / NA frames by ifindex and VIP, built before they are needed (checked against the MAC). */
  private readonly cache = new Map<string, { mac: Buffer; frame: Buffer }>();
  private readonly pacer = new GarpPacer(new DelayPlan([], { vrrpGarpInterval: 0, vrrpGnaInterval: 0 }));
  private order = new Map<string, number>();
  private timer?: { handle: unknown; at: number };
  private global?: GlobalDefs;
  /** garp_extra_if timers by instance name. */
  private readonly extra = new Map<string, ExtraGarpTimer>();
  /** false when the frame channel could not be opened: no GARPs at all. */
  framesOk = true;

  constructor(private readonly frames: FrameOps, private readonly links: LinkTable, private readonly log: Logger,
    private readonly clock: Clock, private readonly timers: Timers,
      private readonly insts: ReadonlyMap<string, Inst>) {}

  /** The delay groups and instance order of a (new) configuration. */
  configure(config: KeepalivedConfig): void {
    this.pacer.setPlan(new DelayPlan(config.garpGroups ?? [], config.global));
    this.order = new Map(config.vrrpInstances.map((v, i) => [v.name, i]));
    this.global = config.global;
    this.disarm();
  }

  /** Builds (or checks) the frame of one VIP on one interface now, not at takeover. */
  prepare(link: LinkInfo, addr: string): void { this.frame(link, addr); }

  private frame(link: LinkInfo, addr: string): Buffer {
    const key = `${link.index}/${addr}`;
    const hit = this.cache.get(key);
    if (hit && hit.mac.equals(link.mac)) return hit.frame;
    const frame = addr.includes(':') ? buildUnsolicitedNa(link.mac, addr) : buildGarp(link.mac, addr);
    this.cache.set(key, { mac: Buffer.from(link.mac), frame });
    return frame;
  }

  /** Where one VIP's GARP goes; undefined while its interface is missing. */
  private target(inst: Inst, addr: string, vipOrder: number): (GarpTarget & { link: LinkInfo;
      idx: number }) | undefined {
    const v = vipList(inst.cfg).find((x) => x.address === addr);
    const idx = v ? vipIfindex(inst, v, this.links) : inst.link?.index;
    const link = idx === undefined ? undefined : this.links.byIndex(idx);
    if (idx === undefined || !link) return undefined;
    return { inst: inst.cfg.name, instOrder: this.order.get(inst.cfg.name) ?? 0, vip: addr, vipOrder, baseIf: baseIfname(inst, idx, this.links), six: addr.includes(':'), link, idx };
  }

  /**
   * `count` rounds of GARPs / NAs over `vips` (keepalived's vrrp_send_link_update): the first round
   * logs each VIP; each one leaves now or waits for its interface group (GarpPacer).
   */
  burst(inst: Inst, vips: readonly string[], count: number): void {
    if (inst.fsm.state !== 'MASTER') return;
    const targets = vips.flatMap((addr, i) => this.target(inst, addr, i) ?? []);
    for (let round = 0; round < count; round++) {
      for (const t of targets) {
        if (round === 0) this.logQueued(inst, t);
        this.offer(inst, t);
      }
    }
  }

  /** One GARP / NA for each of these VIPs (garp_extra_if: the first VIP of each extra interface). */
  single(inst: Inst, vips: readonly string[]): void {
    const all = vipList(inst.cfg).map((v) => v.address);
    for (const addr of vips) {
      const t = this.target(inst, addr, Math.max(0, all.indexOf(addr)));
      if (!t) continue;
      this.logQueued(inst, t);
      this.offer(inst, t);
    }
  }

  private logQueued(inst: Inst, t: { six: boolean; link: LinkInfo; vip: string }): void {
    this.log.detail(`(${inst.cfg.name}) Sending/queueing ${t.six ? 'Unsolicited Neighbour Adverts' : 'gratuitous ARPs'} on ${t.link.name} for ${t.vip}`);
  }

  private offer(inst: Inst, t: GarpTarget & { link: LinkInfo; idx: number }): void {
    if (inst.fsm.state !== 'MASTER') return;
    const r = this.pacer.offer(this.clock.now(), t);
    if (r.send) this.send(inst, t);
    if (r.wakeAt !== undefined) this.arm(r.wakeAt);
  }

  private send(inst: Inst, t: { six: boolean; link: LinkInfo; idx: number; vip: string }): void {
    if (!this.framesOk) return;
    this.log.detail(t.six ? `Sending unsolicited Neighbour Advert on ${t.link.name} for ${t.vip}` : `Sending gratuitous ARP on ${t.link.name} for ${t.vip}`);
    const e = this.frames.send(this.frame(t.link, t.vip), t.idx);
    if (e) this.log.error(`(${inst.cfg.name}) gratuitous ARP/NA on ${t.link.name} failed: ${e.message}`);
  }

  private arm(at: number): void {
    if (this.timer && this.timer.at <= at) return;
    this.disarm();
    const handle = this.timers.set(() => { this.timer = undefined; this.turn(); }, Math.max(0, at - this.clock.now()));
    this.timer = { handle, at };
  }

  private disarm(): void {
    if (this.timer) this.timers.clear(this.timer.handle);
    this.timer = undefined;
  }

  /** The pacer's turn: queued GARPs whose interface group allows them now. */
  private turn(): void {
    const { send, wakeAt } = this.pacer.run(this.clock.now(), (name) => this.insts.get(name)?.fsm.state === 'MASTER');
    for (const t of send) {
      const inst = this.insts.get(t.inst);
      const now = inst && this.target(inst, t.vip, t.vipOrder);
      if (inst && now) this.send(inst, now);
    }
    if (wakeAt !== undefined) this.arm(wakeAt);
  }

  /** The instance left MASTER or stopped: its queued GARPs are dropped. */
  drop(inst: Inst): void { this.pacer.drop(inst.cfg.name); this.extra.get(inst.cfg.name)?.leftMaster(); }

  /** The instance stopped. */
  forget(inst: Inst): void { this.drop(inst); this.extra.delete(inst.cfg.name); }

  /** A state change: garp_extra_if's timer starts on becoming MASTER; leaving MASTER drops queued GARPs. */
  stateChanged(inst: Inst, from: VrrpState, to: VrrpState): void {
    if (from === 'MASTER' && to !== 'MASTER') this.drop(inst);
    if (to !== 'MASTER' || from === 'MASTER' || !this.global) return;
    const s = extraIfSetting(inst.cfg, this.global);
    if (!s) return;
    let t = this.extra.get(inst.cfg.name);
    if (!t) { t = new ExtraGarpTimer(); this.extra.set(inst.cfg.name, t); }
    t.becameMaster(this.clock.now(), s.intervalS * 1000);
  }

  /** An advert sent as MASTER: garp_extra_if's GARPs when due (one per extra interface). */
  advertSent(inst: Inst): void {
    const t = this.extra.get(inst.cfg.name);
    const s = this.global && extraIfSetting(inst.cfg, this.global);
    // a tenth of the advert interval covers the jitter of our fixed-cadence advert timer
    if (!t || !s || inst.fsm.state !== 'MASTER' || !t.advert(this.clock.now(), s.intervalS * 1000, inst.fsm.params.advertIntCs)) return;
    const own = vipHome(inst, this.links);
    if (own === undefined) return;
    const places = vipList(inst.cfg).flatMap((v) => {
      const ifindex = vipIfindex(inst, v, this.links);
      return ifindex === undefined ? [] : [{ address: v.address, ifindex, ours: isOurVmac(inst, ifindex) }];
    });
    const vips = extraGarpVips(s, places, own, inst.cfg.vmacXmitBase);
    if (vips.length) inst.queue.run(() => this.single(inst, vips));
  }

  stop(): void { this.disarm(); }
}
