// The checker engine: builds RS/VS state and one checker instance per configured checker, runs
// probes on their timers, feeds outcomes to the pure cores (checker FSM, RS/VS core), logs
// keepalived's lines, emits events, and marks the virtual servers whose IPVS table a step changed
// for the apply coalescer. Beside it: checker-inst.ts (one checker), reload-diff.ts (what a reload
// keeps), apply-coalescer.ts (applies to the LvsSink), dump-text.ts (the dump).
import os from 'node:os';
import type { Checker, KeepalivedConfig, RealServer, VirtualServer } from '../config/model.js';
import type { Logger } from '../common/log.js';
import type { Clock } from '../common/clock.js';
import type { LvsDesiredState, LvsSink } from '../common/lvs-desired.js';
import type { CheckerEvent } from './events.js';
import { fileAtStart, stepChecker, type Outcome } from './core/checker-fsm.js';
import { resolveParams, type EffectiveParams } from './core/params.js';
import { expandSmtpHosts } from './core/smtp-hosts.js';
import { readTrackValueNow, trackFilePath } from './probes/file.js';
import {
  checkerChanged, clearRs, desiredState, initRs, initVs, newVsState, setWeight, updateQuorum, weighLive,
  type CoreOut, type RsState, type VsState,
} from './core/lvs-core.js';
import { makeProbe, type Probe } from './probes/index.js';
import { firstDelay, ProbeSharer, realTimers, type Timers } from './scheduler.js';
import { TimerHeap } from './timer-heap.js';
import { CheckerInst as Inst } from './checker-inst.js';
import { carryOver, diffReload } from './reload-diff.js';
import { ApplyCoalescer } from './apply-coalescer.js';
import { checkerDumpText } from './dump-text.js';

/** performance.now(): monotonic ms without the BigInt that process.hrtime.bigint() allocates. */
const perfClock: Clock = { now: () => performance.now() };

export interface CheckerDeps {
  logger: Logger;
  lvs: LvsSink;
  onEvent?: (e: CheckerEvent) => void;
  clock?: Clock;
  timers?: Timers;
  /** Replaces the probe adapters (tests). */
  probeFactory?: (checker: Checker, params: EffectiveParams, rs: RealServer, vs: VirtualServer) => Probe | undefined;
  /** ha_suspend: is this VS address configured locally? Default: os.networkInterfaces(). */
  isLocalAddress?: (address: string) => boolean;
  /** 1 s in keepalived; tests may shorten it. */
  bootstrapDelayMs?: number;
  random?: () => number;
  /** Probes running at once (default 4096); more wait in a queue. */
  maxInFlight?: number;
}

let localCache: { at: number; addrs: Set<string> } | undefined;
/** Is `addr` configured on a local interface? (cached for 1 s: thousands of ha_suspend checks share it) */
function localAddress(addr: string): boolean {
  const now = Date.now();
  if (!localCache || now - localCache.at > 1000) {
    const addrs = new Set<string>();
    for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) addrs.add(a.address);
    localCache = { at: now, addrs };
  }
  return localCache.addrs.has(addr);
}

export class CheckerEngine {
  vss: VsState[] = [];
  insts: Inst[] = [];
  private config: KeepalivedConfig;
  private sharer: ProbeSharer;
  private timers: Timers;
  /** Every checker's next check, on one timer. */
  private heap: TimerHeap<Inst>;
  private clock: Clock;
  private stopped = false;
  private coreOut: CoreOut;
  private apply: ApplyCoalescer;
  /** Checks completed (all checkers), for the bench and snapshot. */
  checksDone = 0;

  constructor(config: KeepalivedConfig, private deps: CheckerDeps, private opts: { clearOnStop?: boolean } = {}) {
    this.config = config;
    this.timers = deps.timers ?? realTimers;
    this.sharer = new ProbeSharer(deps.maxInFlight);
    this.clock = deps.clock ?? perfClock;
    // Real timers fire on Node's cached loop time, up to ~1 ms before the clock reaches the due time.
    // After a stall (start-up, a long GC) thousands of checks are due at once: start them in slices
    // of 256 per loop turn, so that connects complete between slices (10,000 servers: 3,900
    // sockets at once at start-up without it, 4 MB of native memory that stays).
    this.heap = new TimerHeap<Inst>(this.clock, this.timers, (i) => this.tick(i), deps.timers ? 0 : 1, 256);
    this.coreOut = {
      log: (m) => { this.deps.logger.info(m); },
      event: (e) => { try { this.deps.onEvent?.(e); } catch { /* a listener's failure is not ours */ } },
    };
    this.apply = new ApplyCoalescer(deps.lvs, { vss: () => this.vss, groups: () => this.groups() });
  }

  private groups(): LvsDesiredState['groups'] { return Object.fromEntries(this.config.virtualServerGroups.map((g) => [g.name, g])); }

  private g() { return this.config.global; }

  private makeInst(vs: VsState, rs: RsState, c: Checker): Inst | undefined {
    const params = resolveParams(c, rs.rs, vs.vs, this.g()?.checkerLogAllFailures ?? false);
    const probe = this.deps.probeFactory
      ? this.deps.probeFactory(c, params, rs.rs, vs.vs)
      : makeProbe({ checker: c, params, rs: rs.rs, vs: vs.vs, config: this.config });
    if (!probe) {
      this.deps.logger.info(`${c.type} for service ${rs.text} of VS ${vs.text} is not supported - ignoring`);
      return undefined;
    }
    const inst = new Inst(this, vs, rs, c, params, probe);
    if (c.type === 'FILE_CHECK') this.fileAtStart(inst, c);
    return inst;
  }

  /** FILE_CHECK: its weight and the file's value at start (2.2.7 reads it while loading the config). */
  private fileAtStart(i: Inst, c: Extract<Checker, { type: 'FILE_CHECK' }>): void {
    const tf = this.config.trackFiles.find((t) => t.name === c.trackFile);
    i.file = c.weight !== undefined ? { weight: c.weight, reverse: c.reverse }
      : { weight: tf?.weight ?? 1, reverse: tf?.reverse ?? false };
    const v = readTrackValueNow(trackFilePath({ checker: c, config: this.config }));
    const st = fileAtStart(v, i.file.weight, i.file.reverse);
    i.fileValue = v; i.curWeight = st.curWeight; i.isUp = st.up; i.hasRun = true;
  }

  /** Builds state for a config (no kernel or timer side effects). */
  private build(config: KeepalivedConfig): { vss: VsState[]; insts: Inst[] } {
    const vss: VsState[] = [];
    const insts: Inst[] = [];
    for (const vs of config.virtualServers) {
      const v = newVsState(vs, config.global);
      for (const r of v.rss) {
        for (const c of expandSmtpHosts(r.rs.checkers)) {
          const inst = this.makeInst(v, r, c);
          if (!inst) continue;
          insts.push(inst);
          r.effWeight += inst.curWeight; // set_effective_weights(): FILE_CHECK's part at start
          if (!inst.isUp) r.numFailed++;
        }
      }
      vss.push(v);
    }
    return { vss, insts };
  }

  async start(): Promise<void> {
    const b = this.build(this.config);
    this.vss = b.vss;
    this.insts = b.insts;
    // check_data.c (2.2.7), not on reload: "one failure is enough initially" (alpha too: it logs
    // after one failure). A checker that fails its first check goes down without retries.
    for (const i of this.insts) i.retryIt = i.retry;
    for (const v of this.vss) initVs(v, this.coreOut, this.g()?.rsInitNotifies);
    for (const i of this.insts) this.logActivation(i);
    this.apply.mark('all');
    this.scheduleFirst(this.insts);
    await this.apply.done;
  }

  /** `%sctivating healthchecker for service %s for VS %s` (Deactivating while ha_suspend holds it). */
  private logActivation(i: Inst): void {
    i.enabled = !this.suspended(i);
    this.deps.logger.info(`${i.enabled ? 'A' : 'Dea'}ctivating healthchecker for service ${i.rs.text} for VS ${i.vs.text}`);
  }

  /**
   * First probe of each checker at a random point of its warmup window. Identical checks (same
   * probe key) get the same draw, so they stay in step and share every probe.
   */
  private scheduleFirst(insts: Inst[]): void {
    const draws = new Map<string, number>();
    for (const i of insts) {
      const key = i.probe.key(0);
      let d = draws.get(key);
      // FILE_CHECK has no timer in 2.2.7 (inotify): its probe waits for the file to change
      if (d === undefined) { d = i.type === 'FILE_CHECK' ? 0 : firstDelay(i.params.warmupMs, this.deps.bootstrapDelayMs, this.deps.random); draws.set(key, d); }
      this.schedule(i, d);
    }
  }

  private schedule(i: Inst, ms: number): void {
    if (i.stopped || this.stopped) return;
    this.heap.push(i, ms);
  }

  private suspended(i: Inst): boolean {
    const a = i.vs.vs.vs;
    if (!i.vs.vs.haSuspend || a.kind !== 'ip') return false;
    return !(this.deps.isLocalAddress ?? localAddress)(a.address);
  }

  private tick(i: Inst): void {
    if (i.stopped || this.stopped) return;
    if (i.vs.vs.haSuspend) {
      const enabled = !this.suspended(i);
      if (enabled !== i.enabled) this.logActivation(i);
      if (!enabled) { this.schedule(i, i.params.delayLoopMs); return; }
    }
    if (i.type === 'MISC_CHECK') i.t0 = this.clock.now();
    this.sharer.request(i.probe, i.urlIt, i);
  }

  /** A probe's outcome for checker `i` (called by Inst.settled). */
  outcomeOf(i: Inst, o: Outcome): void {
    if (i.stopped || this.stopped) return;
    const delay = this.feed(i, o);
    this.schedule(i, i.type === 'MISC_CHECK' ? delay - (this.clock.now() - i.t0) : delay);
  }

  /** Applies one outcome to a checker; returns the delay to its next probe. Exposed for tests. */
  feed(i: Inst, outcome: Outcome): number {
    i.checks++;
    this.checksDone++;
    const wasUp = i.isUp;
    const step = stepChecker(i, i, outcome);
    // the RS/VS core says what it changed in this VS's IPVS table; an effective weight set by
    // the checker itself (FILE_CHECK) changes it as well
    let tableChanged = false;
    if (step.effWeight !== undefined) { i.rs.effWeight = step.effWeight; tableChanged = true; }
    if (step.weight !== undefined && setWeight(i.vs, i.rs, step.weight, this.coreOut).length > 0) tableChanged = true;
    for (const l of step.logs) this.deps.logger.info(l);
    let rsChanged = false;
    const changed = step.update !== undefined && step.update !== wasUp;
    if (changed) {
      const ch = checkerChanged(i.vs, i.rs, step.update!, this.coreOut);
      rsChanged = ch.some((c) => c.kind === 'rs-alive');
      if (ch.length > 0) tableChanged = true;
    }
    if (step.mailBody && (changed || (step.alertEvenIfUnchanged && step.update !== undefined))) {
      this.coreOut.event({
        kind: 'rs-checker', up: i.isUp, checkerType: i.checker.type, vs: i.vs.vs, rs: i.rs.rs, vsText: i.vs.text,
        rsText: i.rs.text, rsAlive: i.rs.alive, rsAliveChanged: rsChanged, mailBody: step.mailBody,
        smtpAlert: i.rs.smtpAlert && (rsChanged || !(this.g()?.noCheckerEmails ?? false)),
      });
    }
    if (tableChanged) this.apply.mark(i.vs);
    return step.immediate ? 0 : step.delayMs;
  }

  desired() { return desiredState(this.vss, this.groups()); }

  private stopInst(i: Inst): void {
    i.stopped = true;
    this.heap.cancel(i);
  }

  /**
   * A new file (SIGHUP): kept virtual and real servers keep their state, unchanged checkers theirs
   * (reload-diff.ts); real servers gone are removed, new ones start as at start-up.
   */
  async reload(config: KeepalivedConfig): Promise<void> {
    const old = { vss: this.vss, insts: this.insts };
    this.config = config;
    const next = this.build(config);
    const d = diffReload(old, next);
    carryOver(d);
    for (const i of old.insts) this.stopInst(i);
    for (const { vs, rs } of d.removed) clearRs(vs, rs, this.coreOut, false);
    this.vss = next.vss;
    this.insts = next.insts;
    for (const v of this.vss) {
      if (!d.keptVs.has(v)) initVs(v, this.coreOut, this.g()?.rsInitNotifies);
      else {
        // a real server new in this file starts as at start-up (2.2.7's init_service_rs skips reloaded ones)
        for (const r of v.rss) {
          if (d.addedRs.has(r)) initRs(v, r, this.coreOut, this.g()?.rsInitNotifies);
          else if (!r.set && !r.numFailed) { r.alive = true; r.set = true; }
        }
        updateQuorum(v, this.coreOut, false);
      }
    }
    const first: Inst[] = [];
    for (const i of this.insts) {
      if (i.checks === 0) { this.logActivation(i); first.push(i); } else this.schedule(i, i.type === 'FILE_CHECK' ? 0 : i.params.delayLoopMs);
    }
    this.scheduleFirst(first);
    this.apply.mark('all');
    await this.apply.done;
  }

  /**
   * Stops every checker. `clearServices` (default true) is keepalived's clear_services() at stop:
   * `Shutting down service ...` per real server and the shutdown notifications (omega). keepalived
   * 2.2.7 skips it entirely with -I (--dont-release-ipvs) and with lvs_flush_on_stop, where one
   * flush replaces it (checker_terminate_phase1).
   */
  async stop(opts: { clearServices?: boolean } = {}): Promise<void> {
    for (const i of this.insts) this.stopInst(i);
    this.heap.clear();
    await this.apply.done;
    if (opts.clearServices !== false) this.clearServices();
    for (const v of this.vss) v.sorryAlive = false;
    this.stopped = true;
    this.apply.close();
    if (this.opts.clearOnStop !== false) {
      try { await this.deps.lvs.apply({ services: [], groups: {} }); } catch { /* monitoring mode */ }
    }
  }

  private clearServices(): void {
    for (const v of this.vss) {
      for (const r of v.rss) clearRs(v, r, this.coreOut, true);
      if (v.vs.omega && v.quorumUp) {
        v.quorumUp = false;
        const w = weighLive(v);
        this.coreOut.event({ kind: 'vs-quorum', up: false, init: false, vs: v.vs, vsText: v.text, quorum: v.vs.quorum,
          hysteresis: v.vs.hysteresis, threshold: v.vs.quorum - v.vs.hysteresis, weight: w, what: 'Shutting down',
          mailBody: '=> Shutting down <=', script: v.vs.quorumDown, smtpAlert: v.smtpAlert });
      }
    }
  }

  /** Text dump for /tmp/keepalived_check.data (SIGUSR1-style). */
  snapshot(): string { return checkerDumpText(this.vss, this.insts); }

  stats(): { checks: number; probesStarted: number; probesShared: number; probesQueued: number; peakInFlight: number } {
    const s = this.sharer;
    return {
      checks: this.checksDone, probesStarted: s.started, probesShared: s.shared, probesQueued: s.queued,
      peakInFlight: s.peakRunning,
    };
  }
}
