// Feeds events to an instance's FSM (or, for a sync-group member, through its SyncGroupCore) and
// executes the actions that come back, in order: adverts, VIP and GARP steps, notifies, logs.
// Timer actions run after an event's other actions, so a takeover's advert, VIP add and GARPs
// leave back to back; log lines and notifies are only held (HeldLog) and keep their order. A timer
// armed ~0.1 ms later is harmless.
import type { HeldLog } from '../held-log.js';
import type { NotifyDelivery, NotifyState, VrrpAction, VrrpEvent, VrrpState } from '../fsm-types.js';
import type { SyncGroupOutput } from '../sync-group.js';
import { encodeAdvert, type VrrpAdvert } from '../packet.js';
import type { Inst } from './instance.js';
import type { VipExecutor } from './vip-executor.js';
import type { RouteExecutor } from '../routes/executor.js';

export interface StateChangeEvent { kind: 'INSTANCE' | 'GROUP'; name: string; state: NotifyState; priority: number; delivery?: NotifyDelivery }

/** What else follows an instance's state changes and adverts (GARP pacing, garp_extra_if). */
export interface DispatchHooks {
  stateChanged(inst: Inst, from: VrrpState, to: VrrpState): void;
  advertSent(inst: Inst): void;
}

const TIMER = new Set<VrrpAction['kind']>(['setTimer', 'cancelTimer']);

export class Dispatcher {
  constructor(private readonly log: HeldLog, private readonly insts: ReadonlyMap<string, Inst>,
    private readonly vips: VipExecutor,
    private readonly onStateChange: ((ev: StateChangeEvent) => void) | undefined,
      private readonly routes?: RouteExecutor,
    private readonly hooks?: DispatchHooks) {}

  /** Feeds one event to an instance (through its sync group) and executes the resulting actions. */
  dispatch(inst: Inst, ev: VrrpEvent): void {
    this.log.hold();
    try {
      if (inst.group) {
        const outs = inst.group.handle(inst.cfg.name, ev);
        for (const first of [true, false]) {
          for (const o of outs) {
            if (o.scope === 'instance') {
              const target = this.insts.get(o.instance);
              if (target && TIMER.has(o.action.kind) !== first) this.exec(target, o.action);
            } else if (!first) continue;
            else this.groupOutput(o);
          }
        }
        return;
      }
      const acts = inst.fsm.handle(ev);
      for (const a of acts) if (!TIMER.has(a.kind)) this.exec(inst, a);
      for (const a of acts) if (TIMER.has(a.kind)) this.exec(inst, a);
    } finally {
      this.log.release();
    }
  }

  /** A sync group's own log lines and notifies (also those it makes outside an event: reload re-announce). */
  groupOutputs(outs: readonly SyncGroupOutput[]): void {
    this.log.hold();
    try { for (const o of outs) if (o.scope === 'group') this.groupOutput(o); } finally { this.log.release(); }
  }

  private groupOutput(o: Extract<SyncGroupOutput, { scope: 'group' }>): void {
    const a = o.action;
    if (a.kind === 'log') { this.log.info(a.msg); return; }
    this.log.later(() => this.onStateChange?.({ kind: 'GROUP', name: o.group, state: a.state, priority: a.priority, ...(a.delivery ? { delivery: a.delivery } : {}) }));
  }

  private exec(inst: Inst, a: VrrpAction): void {
    switch (a.kind) {
      case 'log':
        if (a.detail) this.log.detail(a.msg, a.detail); else this.log.log(a.level, a.msg);
        return;
      case 'sendAdvert': this.sendAdvert(inst, a.advert, a.payload, a.checksumDst); if (a.advert.priority > 0) this.hooks?.advertSent(inst); return;
      case 'setTimer': inst.timers.set(a.timer, a.delayMs, a.generation); return;
      case 'cancelTimer': inst.timers.cancel(a.timer); return;
      case 'addVips': this.vips.add(inst); return;
      case 'removeVips': this.vips.remove(inst); return;
      case 'routes': this.routes?.step(inst, a.step); return;
      case 'changeVips': this.vips.change(inst, a.added, a.removed); return;
      case 'garp': this.vips.garp(inst, a.vips, a.count); return;
      case 'notify': this.log.later(() => this.onStateChange?.({ kind: 'INSTANCE', name: inst.cfg.name, state: a.state, priority: a.priority, ...(a.delivery ? { delivery: a.delivery } : {}) })); return;
      case 'stateChange': inst.lastTransitionMs = Date.now(); this.hooks?.stateChanged(inst, a.from, a.to); return;
    }
  }

  /**
   * Sends one advert to the group or to each unicast peer. Failures are logged as keepalived 2.2.7
   * logs them ("(VI_1): send advert error 19 (No such device)"; unicast "(VI_1) Cant send advert to
   * PEER (reason)"), except a priority-0 advert refused with ENETUNREACH on an interface that is down.
   * Without a socket (the interface does not exist) nothing is sent.
   */
  private sendAdvert(inst: Inst, advert: VrrpAdvert, payload: Uint8Array, checksumDst?: string): void {
    const ch = inst.vmac?.tx ?? inst.socket?.channel;
    if (!ch) return;
    const unicast = inst.peers.length > 0;
    const dsts = unicast ? inst.peers : [inst.fsm.params.destination];
    dsts.forEach((dst, i) => {
      // checksumDst (old unicast checksum): one checksum for every peer
      const body = checksumDst !== undefined || (i === 0 && dst === inst.fsm.params.destination) ? payload
        : encodeAdvert(advert, { src: inst.primary, dst, v3Ipv4Checksum: inst.fsm.params.v3Ipv4PseudoHeader ? 'pseudo' : 'plain' });
      const e = ch.send(body, dst, inst.primary);
      if (!e || (advert.priority === 0 && e.code === 'ENETUNREACH' && !(inst.link?.up && inst.link.running))) return;
      this.log.info(unicast ? `(${inst.cfg.name}) Cant send advert to ${dst} (${e.text})` : `(${inst.cfg.name}): send advert error ${e.errno} (${e.text})`);
    });
  }
}
