// The pure VRRP instance state machine (INIT -> BACKUP | MASTER | FAULT -> STOP), following RFC
// 3768/5798/9568 §6 as keepalived 2.2.7 behaves (captures in keepalived-2.2.7-captures/logs).
// handle(event) returns the ordered actions the runtime must execute; no I/O, time only from the
// injected Clock, and every timer carries a generation so stale expiries are ignored.
// Contract: src/vrrp/fsm-types.ts. Receive checks: validate.ts. Priorities: track.ts.

import type { Clock } from '../common/clock.js';
import { compareIp } from './addr.js';
import {
  faultReasonText, trackerKey,
  type FaultReason, type NotifyDelivery, type NotifyState, type ShutdownReason, type VrrpAction, type VrrpEvent,
  type VrrpFsmParams, type VrrpInstanceView, type VrrpState, type VrrpTimerName, type TrackerRef, type TrackerStatus,
  type StartupStep, type ReloadStep,
} from './fsm-types.js';
import { encodeAdvert, makeAdvert, type VrrpAdvert } from './packet.js';
import { newStats, type VrrpStats } from './stats.js';
import { masterDownIntervalMs, skewPriority, skewTimeMs } from './timers.js';
import { OWNER_PRIORITY, TrackSet } from './track.js';
import { validateAdvert, type RejectReason } from './validate.js';

const ALL_TIMERS: VrrpTimerName[] = ['adver', 'masterDown', 'garpDelay', 'garpRefresh', 'garpLowerPrio'];

export class VrrpFsm {
  readonly stats: VrrpStats = newStats();
  private st: VrrpState = 'INIT';
  private track: TrackSet;
  private cur: VrrpFsmParams;
  private eff: number;
  private masterAdverIntCs: number;
  private gen = 0;
  private readonly timers = new Map<VrrpTimerName, number>();
  private masterAddress: string | undefined;
  private preemptUntil = 0;
  private ifUp = true;
  /** Put in FAULT by the start-up's 'track' step; its 'state' step is still to come. */
  private startFaulted = false;
  /** A reload in progress: what its later steps need ('reloaded' events). */
  private reloading?: { old: VrrpFsmParams; wasMaster: boolean; wasBackup: boolean;
    stBefore: VrrpState; faulted: boolean };
  private hasAddr = true;
  private syncFault = false;
  private primary: string;
  private readonly logged = new Set<RejectReason>();
  private out: VrrpAction[] = [];
  private adverRearmed = false;
  private wantMaster = false;
  /** v3 IPv4 unicast: the checksum goes over the multicast group (old_unicast_checksum, or switched). */
  private oldChecksum = false;
  /** When the pending masterDown timer fires (clock ms), for moving it on a priority change. */
  private masterDownDue: number | undefined;

  constructor(params: VrrpFsmParams, private readonly clock: Clock) {
    this.cur = params;
    this.track = new TrackSet(params.trackers, params.priority);
    this.eff = this.track.effectivePriority();
    this.masterAdverIntCs = params.advertIntCs;
    this.primary = params.primaryAddress;
    this.oldChecksum = params.unicastChecksum === 'group';
  }

  /** The params the instance runs with now (replaced by a 'reconfigure' event). */
  get params(): VrrpFsmParams { return this.cur; }
  get state(): VrrpState { return this.st; }
  get effectivePriority(): number { return this.eff; }
  /** Sync-group member whose Master_Down expired and that waits for the group to go MASTER. */
  get wantsMaster(): boolean { return this.wantMaster; }

  /** FAULT reasons of this instance itself (interface, trackers), without the sync group's. */
  ownFaults(): FaultReason[] {
    const r: FaultReason[] = [];
    if (this.params.configFault) r.push({ kind: 'config', fault: this.params.configFault });
    if (!this.ifUp && !this.params.dontTrackPrimary) r.push({ kind: 'interface', ifname: this.params.interface });
    if (!this.hasAddr) r.push({ kind: 'address', ifname: this.params.interface });
    for (const t of this.track.faults()) r.push({ kind: 'tracker', tracker: { kind: t.kind, name: t.name } });
    return r;
  }

  view(): VrrpInstanceView {
    const v: VrrpInstanceView = {
      name: this.params.name, state: this.st, basePriority: this.params.priority, effectivePriority: this.eff,
      masterAdverIntCs: this.masterAdverIntCs, faultReasons: this.faultReasons().map(faultReasonText),
    };
    const m = this.st === 'MASTER' ? this.primary : this.masterAddress;
    if (m !== undefined) v.masterAddress = m;
    return v;
  }

  handle(ev: VrrpEvent): VrrpAction[] {
    this.out = [];
    this.adverRearmed = false;
    switch (ev.type) {
      case 'startup': this.onStartup(ev.removeVips ?? true, ev.step, ev.reload ?? false); break;
      case 'timer': this.onTimer(ev.timer, ev.generation); break;
      case 'packet': this.onPacket(ev.payload, ev.ttl, ev.src, ev.dst); break;
      case 'tracker': {
        const before = this.track.effectOf(ev.tracker);
        if (!this.track.update(ev.tracker, ev.status)) break;
        this.logFileFault(ev.tracker, before);
        this.reevaluate();
        break;
      }
      case 'interface':
        this.ifUp = ev.up;
        if (ev.addr !== undefined) this.hasAddr = ev.addr;
        this.reevaluate();
        break;
      case 'primaryAddress': this.primary = ev.address; break;
      case 'shutdown': this.onShutdown(ev.reason ?? 'stop', ev.dontRelease ?? false); break;
      case 'vipDeleted': if (this.st === 'MASTER') this.leaveMasterToBackup(true); break;
      case 'sync': this.onSync(ev.to); break;
      case 'reconfigure': this.onReconfigure(ev.params, ev.statuses, ev.step); break;
      case 'reloaded': this.onReloaded(ev.step); break;
    }
    return this.out;
  }

  // ------------------------------------------------------------------------------------------------
  // helpers

  private get n(): string { return this.params.name; }

  private log(msg: string, detail?: 1): void {
    this.out.push(detail ? { kind: 'log', level: 'info', msg, detail } : { kind: 'log', level: 'info', msg });
  }

  private setTimer(timer: VrrpTimerName, delayMs: number): void {
    const generation = ++this.gen;
    this.timers.set(timer, generation);
    if (timer === 'masterDown') this.masterDownDue = this.clock.now() + delayMs;
    if (timer === 'adver') this.adverRearmed = true;
    this.out.push({ kind: 'setTimer', timer, delayMs, generation });
  }

  private cancelTimer(timer: VrrpTimerName): void {
    if (timer === 'garpLowerPrio') this.lowerPrioDue = [];
    if (!this.timers.delete(timer)) return;
    this.out.push({ kind: 'cancelTimer', timer });
  }

  /** keepalived's -D line around the VIPs of an instance whose VIPs the firewall blocks (src/vrrp/firewall). */
  private fwLog(what: 'setting' | 'removing', p: VrrpFsmParams = this.params): void { if (p.firewall) this.log(`(${this.n}) ${what} firewall drop rule`, 1); }

  private cancelAllTimers(): void { for (const t of ALL_TIMERS) this.cancelTimer(t); }

  private notify(state: NotifyState, delivery?: NotifyDelivery): void {
    this.out.push(delivery ? { kind: 'notify', state, priority: this.eff, delivery } : { kind: 'notify', state, priority: this.eff });
  }

  private changeState(to: VrrpState): VrrpState {
    const from = this.st;
    this.st = to;
    this.wantMaster = false;
    this.logged.clear();
    return from;
  }

  private stateChanged(from: VrrpState): void { this.out.push({ kind: 'stateChange', from, to: this.st }); }

  private advert(priority: number): VrrpAdvert {
    const p = this.params;
    return makeAdvert({
      version: p.version, vrid: p.vrid, priority, family: p.family, addresses: p.vips,
      adverInt: p.version === 2 ? Math.round(p.advertIntCs / 100) : p.advertIntCs,
      authType: p.auth.type, ...(p.auth.pass !== undefined ? { pass: p.auth.pass } : {}),
    });
  }

  /** The last advert encoded: reused while params, source address and priority stay the same. */
  private lastSent?: { params: VrrpFsmParams; primary: string; priority: number; advert: VrrpAdvert;
    payload: Uint8Array; checksumDst?: string };

  private send(priority: number): void {
    let c = this.lastSent;
    const group = this.oldChecksum && this.params.version === 3 && this.params.family === 'inet' ? this.params.mcastGroup4 ?? '224.0.0.18' : undefined;
    if (!c || c.params !== this.cur || c.primary !== this.primary || c.priority !== priority
        || c.checksumDst !== group) {
      const advert = this.advert(priority);
      const payload = encodeAdvert(advert, {
        src: this.primary, dst: group ?? this.params.destination,
        v3Ipv4Checksum: this.params.v3Ipv4PseudoHeader ? 'pseudo' : 'plain',
      });
      advert.checksum = (payload[6]! << 8) | payload[7]!;
      c = this.lastSent = { params: this.cur, primary: this.primary, priority, advert, payload,
        ...(group ? { checksumDst: group } : {}) };
    }
    this.out.push(c.checksumDst ? { kind: 'sendAdvert', advert: c.advert, payload: c.payload, checksumDst: c.checksumDst } : { kind: 'sendAdvert', advert: c.advert, payload: c.payload });
    this.stats.advert_sent++;
  }

  /** keepalived's "(VI_1) setting VIPs." / "removing E-VIPs." lines: one per non-empty list (-D). */
  private vipLines(verb: 'sett' | 'remov', p: VrrpFsmParams = this.params): void {
    if (p.vips.length > 0) this.log(`(${this.n}) ${verb}ing VIPs.`, 1);
    if (p.otherVips.length > 0) this.log(`(${this.n}) ${verb}ing E-VIPs.`, 1);
  }

  /** keepalived's vrrp_restore_interfaces_startup(): left-over rules and routes, then VIPs. */
  private startupRemoval(): void {
    this.routes('startup');
    this.vipLines('remov');
    this.out.push({ kind: 'removeVips' });
    this.fwLog('removing');
  }

  /**
   * keepalived's vrrp_restore_interface() from vrrp_init_state() for an instance not going MASTER:
   * its routes and rules, and with -V / -X its VIPs as well, set or not (a second "removing VIPs."
   * after the start-up one, measured).
   */
  private initRestore(p: VrrpFsmParams = this.params): void {
    this.routes('init', p);
    if (!p.releaseVipsAlways) return;
    this.vipLines('remov', p);
    this.out.push({ kind: 'removeVips' });
    this.fwLog('removing', p);
  }

  /** The instance's routes and rules at this point (keepalived's vrrp_handle_iproutes / iprules), if it has any. */
  private routes(step: 'startup' | 'init' | 'add' | 'remove' | 'reload', p: VrrpFsmParams = this.params): void {
    if (p.routes) this.out.push({ kind: 'routes', step });
  }

  private sendPriorityZero(): void {
    this.send(0);
    this.stats.pri_zero_sent++;
    this.log(`(${this.n}) sent 0 priority`, 1);
  }

  private garp(count: number, reason: 'master' | 'delayed' | 'refresh' | 'lowerPrio'): void {
    const vips = [...this.params.vips, ...this.params.otherVips];
    if (count <= 0 || vips.length === 0) return;
    // "(VI) Sending/queueing ... on IF for VIP" is the runtime's (garp-sender.ts): it names each VIP's
    // own interface and comes between the GARPs as in 2.2.7
    this.out.push({ kind: 'garp', vips, count, reason });
  }

  private skewPrio(): number { return skewPriority(this.params.priority, this.eff); }
  private masterDownMs(): number { return masterDownIntervalMs(this.skewPrio(), this.masterAdverIntCs,
    this.params.downTimerAdverts); }
  private skewMs(): number { return skewTimeMs(this.skewPrio(), this.masterAdverIntCs); }
  private adverMs(): number { return this.params.advertIntCs * 10; }

  private faultReasons(): FaultReason[] {
    const r = this.ownFaults();
    if (this.syncFault) r.push({ kind: 'syncGroup' });
    return r;
  }

  private rejectLog(reason: RejectReason, msg: string | undefined): void {
    if (msg === undefined) return;
    if (this.params.rejectLogPolicy === 'once') {
      if (this.logged.has(reason)) return;
      this.logged.add(reason);
    }
    this.log(msg);
  }

  // ------------------------------------------------------------------------------------------------
  // transitions

  private enterBackupTimers(): void {
    this.masterAdverIntCs = this.params.advertIntCs;
    this.preemptUntil = 0;
    this.setTimer('masterDown', this.masterDownMs());
  }

  /**
   * Start-up in keepalived 2.2.7's steps, which the runtime runs for every instance before the next
   * (so each step's lines of all instances come together, as 2.2.7's): 'track' (the trackers'
   * effect on the priority), 'fault' (initialise_tracking_priorities' FAULT), 'removal'
   * (vrrp_restore_interfaces_startup: left-over VIPs), 'state' (vrrp_init_state: BACKUP (init) or
   * the FAULT instance's restore). Without a step, all four. `reload`: an instance a reload added.
   */
  private onStartup(removeVips: boolean, step: StartupStep | undefined, reload: boolean): void {
    if (!step) { for (const s of ['track', 'fault', 'removal', 'state'] as const) this.onStartup(removeVips, s, reload); return; }
    switch (step) {
      case 'track':
        // keepalived 2.2.7 logs the trackers' start-up effect once (vrrp_set_effective_priority at init)
        if (this.st === 'INIT' && this.eff !== this.params.priority) this.log(`(${this.n}) Changing effective priority from ${this.params.priority} to ${this.eff}`);
        return;
      case 'fault': this.startFault(); return;
      case 'removal': if (removeVips && (this.st === 'INIT' || this.startFaulted)) this.startupRemoval(); return;
      case 'state':
        if (this.startFaulted) {
          this.startFaulted = false;
          // vrrp_init_state() then clears the routes and rules of an instance that is not going MASTER
          this.initRestore();
          if (reload && this.params.fifoWriteStateOnReload) this.notify('FAULT', 'fifo');
          return;
        }
        if (this.st === 'INIT') this.startState();
    }
  }

  /** keepalived 2.2.7 (initialise_tracking_priorities): "(VI_1) entering FAULT state" with the notifies; never
   *  "Entering FAULT STATE (init)" (measured). */
  private startFault(): void {
    if (this.st !== 'INIT' || this.faultReasons().length === 0) return;
    const from = this.changeState('FAULT');
    this.startFaulted = true;
    // a configuration fault (unicast_fault_no_peer) puts 2.2.7 in FAULT before start-up: no line, no
    // notify (measured in a namespace)
    if (!this.params.configFault) {
      this.log(`(${this.n}) entering FAULT state`);
      this.notify('FAULT');
    }
    this.stateChanged(from);
  }

  private startState(): void {
    // keepalived's vrrp_init_state() clears routes and rules unless the owner goes MASTER at once
    const ownerMaster = this.params.priority === OWNER_PRIORITY && this.params.initialState === 'MASTER';
    if (!ownerMaster) this.initRestore();
    const from = this.changeState('BACKUP');
    if (ownerMaster) {
      // keepalived: the owner "times out from the backup state very quickly"
      this.masterAdverIntCs = this.params.advertIntCs;
      this.setTimer('masterDown', 0);
      this.stateChanged(from);
      return;
    }
    this.log(`(${this.n}) Entering BACKUP STATE (init)`);
    this.enterBackupTimers();
    this.notify('BACKUP');
    this.stateChanged(from);
  }

  private gotoMaster(): void {
    const p = this.params;
    const from = this.changeState('MASTER');
    this.cancelTimer('masterDown');
    if (p.version === 3 && this.masterAdverIntCs !== p.advertIntCs) {
      this.log(`(${this.n}) changing advert interval from ${this.masterAdverIntCs * 10}ms to locally configured ${p.advertIntCs * 10}ms`, 1);
    }
    this.masterAdverIntCs = p.advertIntCs;
    this.log(`(${this.n}) Entering MASTER STATE`);
    this.send(this.eff);
    this.setTimer('adver', this.adverMs());
    this.fwLog('setting');
    this.vipLines('sett');
    this.out.push({ kind: 'addVips' });
    this.routes('add');
    this.garp(p.garp.masterRepeat, 'master');
    if (p.garp.masterDelayMs > 0 && p.garp.masterRepeat > 0) this.setTimer('garpDelay', p.garp.masterDelayMs);
    if (p.garp.masterRefreshMs > 0) this.setTimer('garpRefresh', p.garp.masterRefreshMs);
    this.stats.become_master++;
    this.conflictAt = undefined;
    this.masterAddress = this.primary;
    this.preemptUntil = 0;
    this.notify('MASTER');
    this.stateChanged(from);
  }

  /** vipDeleted (keepalived's set_vrrp_backup): priority 0 first, and back to MASTER after Skew_Time. */
  private leaveMasterToBackup(vipDeleted = false): void {
    const from = this.changeState('BACKUP');
    for (const t of ['adver', 'garpDelay', 'garpRefresh', 'garpLowerPrio'] as const) this.cancelTimer(t);
    this.log(`(${this.n}) Entering BACKUP STATE`);
    if (vipDeleted) this.sendPriorityZero();
    this.routes('remove');
    this.vipLines('remov');
    this.out.push({ kind: 'removeVips' });
    this.fwLog('removing');
    this.stats.release_master++;
    this.preemptUntil = 0;
    this.setTimer('masterDown', vipDeleted ? this.skewMs() : this.masterDownMs());
    this.notify('BACKUP');
    this.stateChanged(from);
  }

  private enterFault(bySync = false): void {
    const from = this.changeState('FAULT');
    this.log(`(${this.n}) Entering FAULT STATE`);
    if (from === 'MASTER') {
      // keepalived sends priority 0 from vrrp_state_leave_master() and, for the instance's own fault,
      // again (logged) from vrrp_restore_interface(); a member pulled into FAULT by its sync group
      // sends only the first (verified with tcpdump against keepalived 2.2.7)
      this.send(0);
      if (!bySync) this.sendPriorityZero();
      this.routes('remove');
      this.vipLines('remov');
      this.out.push({ kind: 'removeVips' });
      this.fwLog('removing');
      this.stats.release_master++;
    }
    this.cancelAllTimers();
    this.notify('FAULT');
    this.stateChanged(from);
  }

  private leaveFault(): void {
    const from = this.changeState('BACKUP');
    this.log(`(${this.n}) Entering BACKUP STATE`);
    this.enterBackupTimers();
    this.notify('BACKUP');
    this.stateChanged(from);
  }

  /** keepalived's -D lines when a track_file enters or leaves its FAULT value (track_file.c). */
  private logFileFault(t: TrackerRef, before: number | 'fault' | undefined): void {
    if (t.kind !== 'file' || this.st === 'INIT') return;
    const after = this.track.effectOf(t);
    if ((before === 'fault') === (after === 'fault')) return;
    this.log(`(${this.n}): tracked file ${t.name} ${after === 'fault' ? 'now' : 'leaving'} FAULT state`, 1);
  }

  private reevaluate(): void {
    const eff = this.track.effectivePriority();
    // before start-up the trackers' first statuses are recorded silently; onStartup logs the result
    if (this.st === 'INIT') { this.eff = eff; return; }
    if (eff !== this.eff) {
      this.log(`(${this.n}) Changing effective priority from ${this.eff} to ${eff}`);
      const before = this.masterDownMs();
      this.eff = eff;
      // keepalived moves a running Master_Down timer by the change of its skew
      const due = this.masterDownDue;
      if (this.st === 'BACKUP' && due !== undefined && this.timers.has('masterDown')) {
        this.setTimer('masterDown', Math.max(0, due + this.masterDownMs() - before - this.clock.now()));
      }
      if (this.params.notifyPriorityChanges) this.notify(this.st === 'MASTER' ? 'MASTER_PRIORITY' : 'BACKUP_PRIORITY');
    }
    if (this.st === 'STOP') return;
    const faulted = this.faultReasons().length > 0;
    if (faulted && this.st !== 'FAULT') this.enterFault();
    else if (!faulted && this.st === 'FAULT') this.leaveFault();
  }

  /** -V (dontRelease): keepalived 2.2.7 skips restore_vrrp_interfaces at stop: no priority 0, VIPs and routes stay
   *  (measured). */
  private onShutdown(reason: ShutdownReason, dontRelease: boolean): void {
    if (this.st === 'STOP') return;
    const was = this.st;
    if (was === 'MASTER' && !dontRelease) {
      this.sendPriorityZero();
      this.routes('remove');
      this.vipLines('remov');
      this.out.push({ kind: 'removeVips' });
      this.fwLog('removing');
    }
    this.cancelAllTimers();
    const from = this.changeState('STOP');
    if (reason === 'stop') this.notify('STOP');
    // deleted at a reload: keepalived 2.2.7 reports DELETED with notify_deleted, else FAULT unless
    // the instance already was in FAULT (measured in namespaces)
    else if (this.params.notifyDeleted) this.notify('DELETED');
    else if (was !== 'FAULT') this.notify('FAULT');
    this.stateChanged(from);
  }

  /**
   * Reload of an instance that still exists (keepalived 2.2.7 keeps its state, checked in namespaces):
   * trackers keep the status of the same id; a new configured priority takes effect silently, a
   * tracker weight in force is logged again ("Changing effective priority from BASE to EFF"); the
   * priority acts only through the protocol (e.g. the next higher advert makes a
   * MASTER whose priority dropped give way). A MASTER changes its VIPs by difference, logs "setting
   * VIPs.", sends an advert with the new params at once (adverts continue on the new interval) and
   * GARPs every VIP when at least one was added. A BACKUP logs nothing and restarts its Master_Down
   * timer from the reload (seen: MASTER exactly 3 s + new skew after the reload, with lower adverts).
   */
  private onReconfigure(np: VrrpFsmParams, statuses: Readonly<Record<string, TrackerStatus>> = {}, step?: 'apply'): void {
    const old = this.cur;
    if (np.name !== old.name || np.vrid !== old.vrid || np.family !== old.family || np.interface !== old.interface) {
      this.out.push({ kind: 'log', level: 'err', msg: `(${old.name}) reload: instance identity changed (name/VRID/family/interface) - must be removed and re-added` });
      return;
    }
    if (this.st === 'STOP') return;
    const wasMaster = this.st === 'MASTER';
    // keepalived 2.2.7 puts one advert with the old settings on the wire at the reload, then one with the new
    if (wasMaster) this.send(this.eff);
    const prev = this.track;
    this.track = new TrackSet(np.trackers, np.priority);
    for (const t of np.trackers) {
      const s = statuses[trackerKey(t)] ?? prev.statusOf(t);
      if (s !== undefined) this.track.update(t, s);
    }
    this.cur = np;
    this.primary = np.primaryAddress;
    this.eff = this.track.effectivePriority();
    if (np.version === 2 || this.st !== 'BACKUP') this.masterAdverIntCs = np.advertIntCs;
    if (np.preemptDelayMs === 0 || !np.preempt) this.preemptUntil = 0;
    this.reloading = { old, wasMaster, wasBackup: this.st === 'BACKUP', stBefore: this.st, faulted: this.st !== 'FAULT' && this.faultReasons().length > 0 };
    if (step === 'apply') return;
    for (const s of ['track', 'fault', 'vips', 'init'] as const) this.onReloaded(s);
  }

  /**
   * The later steps of a reload, run for every instance before the next (2.2.7's order): 'track'
   * (a weight in force logged again), 'fault' (an instance the reload puts in FAULT: "entering FAULT
   * state" and the notify, as at start-up), 'vips' (a MASTER's "setting VIPs.", VIPs by difference,
   * its advert with the new settings), 'init' (vrrp_init_state: a non-MASTER's routes cleared, a state
   * the reload left alone written to the FIFOs again with fifo_write_vrrp_states_on_reload, a
   * BACKUP's Master_Down restarted; an instance the reload put in FAULT loses its VIPs).
   */
  private onReloaded(step: ReloadStep): void {
    const r = this.reloading;
    if (!r) return;
    const np = this.cur;
    switch (step) {
      case 'track':
        // 2.2.7 builds the instance anew at its base priority and re-applies the trackers' weights: a
        // weight in force is logged again, and notified (as BACKUP_PRIORITY: the instance is in INIT then)
        if (this.eff !== np.priority && np.priority !== OWNER_PRIORITY) {
          this.log(`(${this.n}) Changing effective priority from ${np.priority} to ${this.eff}`);
          if (np.notifyPriorityChanges) this.notify('BACKUP_PRIORITY');
        }
        return;
      case 'fault': {
        if (!r.faulted) return;
        // no priority-0 advert (measured); a MASTER's VIP lines follow in the later steps
        this.cancelAllTimers();
        const from = this.changeState('FAULT');
        this.log(`(${this.n}) entering FAULT state`);
        this.notify('FAULT');
        this.stateChanged(from);
        return;
      }
      case 'vips':
        if (!r.wasMaster) return;
        if (r.faulted) { this.fwLog('setting'); this.vipLines('sett'); return; }
        if (this.st === 'MASTER') this.masterReload(r.old, np);
        return;
      case 'init':
        this.reloading = undefined;
        if (r.faulted) {
          if (r.wasMaster) {
            this.routes('remove');
            this.vipLines('remov');
            this.out.push({ kind: 'removeVips' });
            this.fwLog('removing');
          } else this.initRestore();
          if (np.fifoWriteStateOnReload) this.notify('FAULT', 'fifo');
          return;
        }
        // keepalived's vrrp_init_state() at a reload clears the routes and rules of a non-MASTER (-V / -X: its VIPs
        // too)
        if (!r.wasMaster) this.initRestore();
        this.reevaluate();
        // fifo_write_vrrp_states_on_reload: a BACKUP / FAULT the reload left alone is written to the FIFOs again
        if (np.fifoWriteStateOnReload && this.st === r.stBefore && (r.stBefore === 'BACKUP' || r.stBefore === 'FAULT')) this.notify(r.stBefore, 'fifo');
        // the Master_Down timer restarts from the reload (new priority's skew)
        if (r.wasBackup && this.st === 'BACKUP') this.setTimer('masterDown', this.masterDownMs());
    }
  }

  /** A MASTER that stays MASTER at a reload: VIPs by difference, "setting VIPs.", an advert with the new settings. */
  private masterReload(old: VrrpFsmParams, np: VrrpFsmParams): void {
    const before = new Set([...old.vips, ...old.otherVips]);
    const now = [...np.vips, ...np.otherVips];
    const added = now.filter((v) => !before.has(v));
    const removed = [...before].filter((v) => !now.includes(v));
    if (added.length > 0 || removed.length > 0) this.out.push({ kind: 'changeVips', added, removed });
    this.fwLog('setting');
    this.vipLines('sett');
    this.routes('reload');
    this.send(this.eff);
    this.setTimer('adver', this.adverMs());
    if (added.length > 0) this.garp(np.garp.masterRepeat, 'master');
    if (np.garp.masterRefreshMs !== old.garp.masterRefreshMs) {
      if (np.garp.masterRefreshMs > 0) this.setTimer('garpRefresh', np.garp.masterRefreshMs);
      else this.cancelTimer('garpRefresh');
    }
  }

  private onSync(to: 'MASTER' | 'BACKUP' | 'FAULT' | 'CLEAR_FAULT'): void {
    switch (to) {
      case 'MASTER': if (this.st === 'BACKUP') this.gotoMaster(); break;
      case 'BACKUP': if (this.st === 'MASTER') this.leaveMasterToBackup(); break;
      case 'FAULT':
        this.syncFault = true;
        if (this.st === 'BACKUP' || this.st === 'MASTER') this.enterFault(true);
        break;
      case 'CLEAR_FAULT':
        this.syncFault = false;
        if (this.st === 'FAULT' && this.faultReasons().length === 0) this.leaveFault();
        break;
    }
  }

  private onTimer(timer: VrrpTimerName, generation: number): void {
    if (this.timers.get(timer) !== generation) return; // stale or cancelled
    this.timers.delete(timer);
    const g = this.params.garp;
    switch (timer) {
      case 'masterDown':
        if (this.st !== 'BACKUP') return;
        this.log(`(${this.n}) Receive advertisement timeout`, 1);
        if (this.params.syncGroup !== undefined) {
          // keepalived vrrp_sync_can_goto_master(): wait until every member wants MASTER
          this.wantMaster = true;
          this.setTimer('masterDown', this.masterDownMs());
          return;
        }
        this.gotoMaster();
        return;
      case 'adver':
        if (this.st !== 'MASTER') return;
        this.send(this.eff);
        this.setTimer('adver', this.adverMs());
        return;
      case 'garpDelay':
        if (this.st === 'MASTER') this.garp(g.masterRepeat, 'delayed');
        return;
      case 'garpRefresh':
        if (this.st !== 'MASTER') return;
        this.garp(g.masterRefreshRepeat, 'refresh');
        this.setTimer('garpRefresh', g.masterRefreshMs);
        return;
      case 'garpLowerPrio': {
        // this firing is for the oldest pending burst; any others due by now go with it
        const now = this.clock.now();
        let n = 1;
        this.lowerPrioDue.shift();
        while (this.lowerPrioDue.length && this.lowerPrioDue[0]! <= now) { this.lowerPrioDue.shift(); n++; }
        if (this.st === 'MASTER') for (let i = 0; i < n; i++) this.garp(g.lowerPrioRepeat, 'lowerPrio');
        if (this.lowerPrioDue.length) this.setTimer('garpLowerPrio', Math.max(0, this.lowerPrioDue[0]! - now));
        return;
      }
    }
  }

  // ------------------------------------------------------------------------------------------------
  // receive

  private onPacket(payload: Uint8Array, ttl: number, src: string, dst: string): void {
    if (this.st !== 'BACKUP' && this.st !== 'MASTER') return;
    const p = this.params;
    const checkAddrs = !p.skipCheckAdvAddr || src !== this.masterAddress;
    const res = validateAdvert({
      name: p.name, vrid: p.vrid, version: p.version, family: p.family, vips: p.vips, authType: p.auth.type,
      ...(p.auth.pass !== undefined ? { pass: p.auth.pass } : {}),
      advertIntCs: p.advertIntCs, checkAddrs,
      unicastPeers: p.unicastPeers ?? [], checkUnicastSrc: p.checkUnicastSrc ?? false,
      unicastChecksum: this.oldChecksum ? 'group' : p.unicastChecksum === 'never' ? 'peerOnly' : 'peer',
      ...(p.mcastGroup4 !== undefined ? { mcastGroup4: p.mcastGroup4 } : {}),
    }, { payload, ttl, src, dst });
    const ourVrid = payload.length >= 2 && payload[1] === p.vrid;
    if (!res.ok) {
      if (res.counter) this.stats[res.counter]++;
      this.rejectLog(res.reason, res.log);
    } else {
      for (const c of res.counters) this.stats[c]++;
      this.logged.clear();
      if (res.checksumForm === 'oldUnicast' && !this.oldChecksum) {
        // keepalived 2.2.7 switches for good to the checksum of its <= 1.3.6 peers
        this.oldChecksum = true;
        this.log(`(${this.n}) Setting unicast VRRPv3 checksum to old version`);
      }
      if (this.st === 'BACKUP') this.backupRx(res.advert, src);
      else this.masterRx(res.advert, src);
    }
    // keepalived re-arms a master's advert timer after every receive for its VRID
    if (this.st === 'MASTER' && ourVrid && (p.rearmAdverOnRx ?? true) && !this.adverRearmed) {
      this.setTimer('adver', this.adverMs());
    }
  }

  private backupRx(a: VrrpAdvert, src: string): void {
    const p = this.params;
    if (a.priority === 0) {
      this.log(`(${this.n}) Backup received priority 0 advertisement`, 1);
      this.setTimer('masterDown', this.skewMs());
      return;
    }
    const now = this.clock.now();
    // preempt_delay (keepalived 2.2.7, checked in namespaces): the delay starts at the first lower-priority
    // advert; lower adverts are accepted until it has run, then discarded, so Master_Down runs out
    let inPreemptDelay = false;
    if (p.preempt && p.preemptDelayMs > 0 && a.priority < this.eff) {
      if (this.preemptUntil === 0) {
        this.preemptUntil = now + p.preemptDelayMs;
        const us = Math.round(p.preemptDelayMs * 1000);
        this.log(`(${this.n}) start preempt delay (${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')})`);
      }
      inPreemptDelay = now < this.preemptUntil;
    }
    if (!p.preempt || a.priority >= this.eff || inPreemptDelay) {
      if (p.version === 3 && a.adverInt !== this.masterAdverIntCs) {
        this.log(`(${this.n}) advertisement interval updated from ${this.masterAdverIntCs * 10}ms to ${a.adverInt * 10}ms by master`, 1);
        this.masterAdverIntCs = a.adverInt;
      }
      this.masterAddress = src;
      this.wantMaster = false;
      this.setTimer('masterDown', this.masterDownMs());
      return;
    }
    this.log(`(${this.n}) received lower priority (${a.priority}) advert from ${src} - discarding`);
  }

  /**
   * A MASTER heard another master (the stalled master woke up, a partition healed): one count per
   * episode, which ends when no such advert arrived for a Master_Down_Interval or this instance
   * left MASTER. keepalived 2.2.7 logs the same adverts and counts nothing; the log lines stay its own.
   */
  private masterConflict(): void {
    const t = this.clock.now();
    if (this.conflictAt === undefined || t - this.conflictAt > this.masterDownMs()) this.stats.master_conflict++;
    this.conflictAt = t;
  }

  /** Due times of the delayed GARP bursts after lower-priority adverts, oldest first (one timer runs for the first). */
  private lowerPrioDue: number[] = [];

  /** When the last advert from another master arrived (undefined: none since this instance became MASTER). */
  private conflictAt?: number;

  private masterRx(a: VrrpAdvert, src: string): void {
    const p = this.params;
    if (a.priority === 0) {
      this.log(`(${this.n}) Master received priority 0 message`, 1);
      this.send(this.eff);
      this.setTimer('adver', this.adverMs());
      return;
    }
    if (a.priority === OWNER_PRIORITY && p.priority === OWNER_PRIORITY && this.eff === OWNER_PRIORITY) {
      this.log(`(${this.n}) CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority`);
      this.eff = OWNER_PRIORITY - 1;
    }
    const cmp = compareIp(src, this.primary, p.family);
    if (cmp !== 0) this.masterConflict();
    if (a.priority > this.eff || (a.priority === this.eff && cmp > 0)) {
      // higher_prio_send_advert: keepalived answers before it gives way
      if (p.higherPrioSendAdvert) this.send(this.eff);
      if (a.priority > this.eff) this.log(`(${this.n}) Master received advert from ${src} with higher priority ${a.priority}, ours ${this.eff}`);
      else this.log(`(${this.n}) Master received advert from ${src} with same priority ${a.priority} but higher IP address than ours`);
      this.masterAddress = src;
      // v3: adopt the new master's interval before arming Master_Down (RFC 5798 §6.4.3)
      if (p.version === 3) this.masterAdverIntCs = a.adverInt;
      this.leaveMasterToBackup();
      return;
    }
    if (a.priority === this.eff && cmp === 0) {
      this.log(`(${this.n}) WARNING - equal priority advert received from remote host with our IP address.`);
      return;
    }
    // lower priority, or the same priority from a lower address (keepalived 2.2.7 treats both alike)
    this.log(`(${this.n}) Received advert from ${src} with lower priority ${a.priority}, ours ${this.eff}${p.lowerPrioNoAdvert ? '' : ', forcing new election'}`);
    if (!p.lowerPrioNoAdvert) {
      this.send(this.eff);
      this.setTimer('adver', this.adverMs());
    }
    if (p.garp.lowerPrioRepeat > 0) {
      this.garp(p.garp.lowerPrioRepeat, 'lowerPrio');
      // keepalived 2.2.7 arms one delayed burst per lower-priority advert (a stalled master waking up
      // with three queued adverts sends three bursts garp_lower_prio_delay later; chaos-net-stall)
      if (p.garp.lowerPrioDelayMs > 0) {
        this.lowerPrioDue.push(this.clock.now() + p.garp.lowerPrioDelayMs);
        if (!this.timers.has('garpLowerPrio')) this.setTimer('garpLowerPrio', p.garp.lowerPrioDelayMs);
      }
    }
    this.notify('MASTER_RX_LOWER_PRI');
  }
}
