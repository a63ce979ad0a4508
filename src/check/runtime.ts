// The checker engine: builds RS/VS state and one checker instance per configured checker, runs
// probes on their timers, feeds outcomes to the pure cores, logs keepalived's lines, emits
// events, and hands the desired IPVS state to the LvsSink (coalesced, never concurrent).
import os from 'node:os';
import type { Checker, KeepalivedConfig, RealServer, VirtualServer } from '../config/model.js';
import type { Logger } from '../common/log.js';
import type { Clock } from '../common/clock.js';
import type { DesiredService, LvsDesiredState, LvsSink } from '../common/lvs-desired.js';
import type { CheckerEvent } from './events.js';
import { fileAtStart, initialFsm, stepChecker, type FsmCtx, type FsmState, type Outcome } from './core/checker-fsm.js';
import { resolveParams, type EffectiveParams } from './core/params.js';
import { expandSmtpHosts } from './core/smtp-hosts.js';
import { readTrackValueNow, trackFilePath } from './probes/file.js';
import {
  checkerChanged, clearRs, desiredService, desiredState, initRs, initVs, newRsState, newVsState, setWeight, updateQuorum, weighLive,
  type CoreOut, type RsState, type VsState,
} from './core/lvs-core.js';
import { makeProbe, type Probe } from './probes/index.js';
import { firstDelay, ProbeSharer, realTimers, type Timers, type Waiter } from './scheduler.js';
import { TimerHeap } from './timer-heap.js';
import { rsKey, vsKey } from './format.js';

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

const NO_URLS: string[] = [];
Object.freeze(NO_URLS);

/**
 * One checker of one real server, in one object (there are 10,000s): it is the FSM's context and
 * its state (stepChecker reads the first and updates the second in place), the waiter of its
 * probe's outcomes, and it carries its generation in the engine's timer heap. The context is
 * read through getters from the objects it already references, so each instance holds only its
 * state (about 150 bytes).
 */
class Inst implements FsmCtx, FsmState, Waiter {
  // FsmState
  isUp: boolean;
  hasRun = false;
  retryIt = 0;
  urlIt = 0;
  failedUrl: number | null = null;
  lastExitCode: number | null = null;
  fileValue: number | null = null;
  curWeight = 0;
  /** FILE_CHECK: its weight and reverse (own, else the track_file block's). */
  file: { weight: number; reverse: boolean } | null = null;
  readonly urlPaths: string[];
  /** TimerHeap generation: bumped by each schedule and cancel. */
  timerGen = 0;
  stopped = false;
  checks = 0;
  /** ha_suspend: last known enabled state (logged on change). */
  enabled = true;
  /** MISC: when the probe started (its delay counts from then). */
  t0 = 0;

  constructor(private readonly engine: CheckerEngine, readonly vs: VsState, readonly rs: RsState, readonly checker: Checker,
    readonly params: EffectiveParams, readonly probe: Probe) {
    this.isUp = !params.alpha;
    const c = checker;
    this.urlPaths = c.type === 'HTTP_GET' || c.type === 'SSL_GET' ? (c.urls.length ? c.urls.map((u) => u.path) : ['/']) : NO_URLS;
  }

  // FsmCtx, from the checker, its parameters and its real/virtual server.
  get type(): Checker['type'] { return this.checker.type; }
  get rsText(): string { return this.rs.text; }
  get vsText(): string { return this.vs.text; }
  get retry(): number { return this.params.retry; }
  get delayLoopMs(): number { return this.params.delayLoopMs; }
  get delayBeforeRetryMs(): number { return this.params.delayBeforeRetryMs; }
  get logAll(): boolean { return this.params.logAllFailures; }
  get fastRecovery(): boolean { const c = this.checker; return (c.type === 'HTTP_GET' || c.type === 'SSL_GET') && !!c.fastRecovery; }
  get miscArg0(): string { const c = this.checker; return c.type === 'MISC_CHECK' ? (c.miscPath.argv[0] ?? '') : ''; }
  get miscDynamic(): boolean { const c = this.checker; return c.type === 'MISC_CHECK' && c.miscDynamic; }
  get rsWeight(): number { return this.rs.iweight; }
  get fileWeight(): number { return this.file?.weight ?? 0; }
  get fileReverse(): boolean { return this.file?.reverse ?? false; }
  get rsEffWeight(): number { return this.rs.effWeight; }

  /** The probe's outcome (Waiter). */
  settled(o: Outcome): void { this.engine.outcomeOf(this, o); }

  /** Takes over another instance's FSM state (reload of an unchanged checker). */
  adoptState(from: FsmState): void {
    const st = initialFsm(false) as unknown as Record<string, unknown>;
    for (const k of Object.keys(st)) st[k] = (from as unknown as Record<string, unknown>)[k];
    Object.assign(this, st);
  }
}

function checkerSig(c: Checker): string {
  return JSON.stringify(c, (k, v) => (k === 'pos' ? undefined : v));
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
  private dirty = false;
  private applying = false;
  private pending = false;
  private stopped = false;
  private applyDone: Promise<void> = Promise.resolve();
  private coreOut: CoreOut;
  private coreChanges = 0;
  /**
   * Desired IPVS state per virtual server, rebuilt only for the ones a checker changed since the
   * last apply (a storm of transitions over 10,000 real servers would otherwise rebuild every
   * service on each event-loop turn).
   */
  private svcCache = new Map<VsState, DesiredService>();
  private changedVs = new Set<VsState>();
  private allChanged = true;
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
      log: (m) => { this.coreChanges++; this.deps.logger.info(m); },
      event: (e) => { try { this.deps.onEvent?.(e); } catch { /* a listener's failure is not ours */ } },
    };
  }

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
    i.file = c.weight !== undefined ? { weight: c.weight, reverse: c.reverse } : { weight: tf?.weight ?? 1, reverse: tf?.reverse ?? false };
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
    this.markDirty(true);
    this.scheduleFirst(this.insts);
    await this.applyDone;
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
    const before = this.coreChanges;
    const wasUp = i.isUp;
    const step = stepChecker(i, i, outcome);
    if (step.effWeight !== undefined) { i.rs.effWeight = step.effWeight; this.coreChanges++; }
    if (step.weight !== undefined) setWeight(i.vs, i.rs, step.weight, this.coreOut);
    for (const l of step.logs) this.deps.logger.info(l);
    let rsChanged = false;
    const changed = step.update !== undefined && step.update !== wasUp;
    if (changed) rsChanged = checkerChanged(i.vs, i.rs, step.update!, this.coreOut);
    if (step.mailBody && (changed || (step.alertEvenIfUnchanged && step.update !== undefined))) {
      this.coreOut.event({
        kind: 'rs-checker', up: i.isUp, checkerType: i.checker.type, vs: i.vs.vs, rs: i.rs.rs, vsText: i.vs.text,
        rsText: i.rs.text, rsAlive: i.rs.alive, rsAliveChanged: rsChanged, mailBody: step.mailBody,
        smtpAlert: i.rs.smtpAlert && (rsChanged || !(this.g()?.noCheckerEmails ?? false)),
      });
    }
    if (this.coreChanges !== before) { this.changedVs.add(i.vs); this.markDirty(); }
    return step.immediate ? 0 : step.delayMs;
  }

  /** `all`: something beyond one checker's VS changed (start, reload). */
  private markDirty(all = false): void {
    if (all) this.allChanged = true;
    if (this.dirty || this.stopped) return;
    this.dirty = true;
    this.applyDone = new Promise((resolve) => setImmediate(() => { void this.flush().then(resolve); }));
  }

  private async flush(): Promise<void> {
    // Cleared first: while an apply is in flight the change waits as `pending`, and the re-mark at
    // its end must be able to schedule the next apply.
    this.dirty = false;
    if (this.applying) { this.pending = true; return; }
    this.applying = true;
    try {
      await this.deps.lvs.apply(this.buildDesired());
    } catch {
      // Monitoring mode: the IPVS layer reports its own failure once; checking goes on.
    } finally {
      this.applying = false;
      if (this.pending) { this.pending = false; this.markDirty(); }
    }
  }

  private buildDesired(): LvsDesiredState {
    if (this.allChanged) this.svcCache.clear();
    const services: DesiredService[] = new Array(this.vss.length);
    for (let k = 0; k < this.vss.length; k++) {
      const v = this.vss[k]!;
      let d = this.allChanged || this.changedVs.has(v) ? undefined : this.svcCache.get(v);
      if (!d) { d = desiredService(v); this.svcCache.set(v, d); }
      services[k] = d;
    }
    this.allChanged = false;
    this.changedVs.clear();
    return { services, groups: Object.fromEntries(this.config.virtualServerGroups.map((g) => [g.name, g])) };
  }

  desired() { return desiredState(this.vss, Object.fromEntries(this.config.virtualServerGroups.map((g) => [g.name, g]))); }

  private stopInst(i: Inst): void {
    i.stopped = true;
    this.heap.cancel(i);
  }

  async reload(config: KeepalivedConfig): Promise<void> {
    const old = this.vss;
    const oldInsts = this.insts;
    this.config = config;
    const b = this.build(config);
    const oldVs = new Map(old.map((v) => [vsKey(v.vs), v]));
    const newInsts: Inst[] = [];
    const instsByRs = new Map<RsState, Inst[]>();
    for (const i of oldInsts) { const l = instsByRs.get(i.rs) ?? []; l.push(i); instsByRs.set(i.rs, l); }
    const newByRs = new Map<RsState, Inst[]>();
    for (const i of b.insts) { const l = newByRs.get(i.rs) ?? []; l.push(i); newByRs.set(i.rs, l); }
    const fresh: Inst[] = [];
    /** Real servers this file adds to a virtual server that stays. */
    const added = new Set<RsState>();
    for (const v of b.vss) {
      const ov = oldVs.get(vsKey(v.vs));
      if (ov) { v.quorumUp = ov.quorumUp; v.sorryAlive = ov.sorryAlive && !!v.vs.sorryServer; }
      const oldRs = new Map((ov?.rss ?? []).map((r) => [rsKey(r.rs), r]));
      for (const r of v.rss) {
        const or = oldRs.get(rsKey(r.rs));
        const mine = newByRs.get(r) ?? [];
        if (!or) { fresh.push(...mine); newInsts.push(...mine); added.add(r); continue; }
        r.alive = or.alive; r.set = or.set; r.effWeight = or.effWeight === or.iweight ? r.iweight : or.effWeight;
        const olds = [...(instsByRs.get(or) ?? [])];
        let failed = 0;
        for (const ni of mine) {
          const sig = checkerSig(ni.checker);
          const idx = olds.findIndex((oi) => checkerSig(oi.checker) === sig);
          if (idx >= 0) {
            const oi = olds.splice(idx, 1)[0]!;
            ni.adoptState(oi); ni.checks = oi.checks;
            this.stopInst(oi);
          }
          fresh.push(ni);
          if (!ni.isUp) failed++;
          newInsts.push(ni);
        }
        r.numFailed = failed;
        if (!failed && !r.alive) { r.alive = true; r.set = true; }
        if (failed && r.alive) { r.alive = false; r.set = r.inhibit; }
      }
    }
    for (const i of oldInsts) this.stopInst(i);
    // Real servers and virtual servers that disappeared.
    const newVsKeys = new Set(b.vss.map((v) => vsKey(v.vs)));
    const newVsByKey = new Map(b.vss.map((v) => [vsKey(v.vs), v]));
    for (const ov of old) {
      const nv = newVsByKey.get(vsKey(ov.vs));
      const keep = new Set((nv?.rss ?? []).map((r) => rsKey(r.rs)));
      for (const r of ov.rss) if (!keep.has(rsKey(r.rs)) || !newVsKeys.has(vsKey(ov.vs))) clearRs(ov, r, this.coreOut, false);
    }
    this.vss = b.vss;
    this.insts = newInsts;
    for (const v of this.vss) {
      if (!oldVs.has(vsKey(v.vs))) initVs(v, this.coreOut, this.g()?.rsInitNotifies);
      else {
        // a real server new in this file starts as at start-up (2.2.7's init_service_rs skips reloaded ones)
        for (const r of v.rss) {
          if (added.has(r)) initRs(v, r, this.coreOut, this.g()?.rsInitNotifies);
          else if (!r.set && !r.numFailed) { r.alive = true; r.set = true; }
        }
        updateQuorum(v, this.coreOut, false);
      }
    }
    const first: Inst[] = [];
    for (const i of fresh) {
      if (i.checks === 0) { this.logActivation(i); first.push(i); } else this.schedule(i, i.type === 'FILE_CHECK' ? 0 : i.params.delayLoopMs);
    }
    this.scheduleFirst(first);
    this.coreChanges++;
    this.markDirty(true);
    await this.applyDone;
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
    await this.applyDone;
    if (opts.clearServices !== false) this.clearServices();
    for (const v of this.vss) v.sorryAlive = false;
    this.stopped = true;
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
  snapshot(): string {
    const out: string[] = ['------< Health checkers >------'];
    for (const v of this.vss) {
      out.push(` VS = ${v.text}`);
      out.push(`   quorum = ${v.vs.quorum}, hysteresis = ${v.vs.hysteresis}, quorum state = ${v.quorumUp ? 'UP' : 'DOWN'}, alive weight = ${weighLive(v)}`);
      if (v.sorryText) out.push(`   sorry server = ${v.sorryText} (${v.sorryAlive ? 'in use' : 'idle'})`);
      for (const r of v.rss) {
        out.push(`   RS = ${r.text}`);
        out.push(`     alive = ${r.alive ? 'yes' : 'no'}, weight = ${r.iweight}, effective weight = ${r.effWeight}, failed checkers = ${r.numFailed}, inhibit = ${r.inhibit ? 'yes' : 'no'}`);
        for (const i of this.insts) if (i.rs === r) {
          out.push(`     ${i.checker.type}: ${i.isUp ? 'UP' : 'DOWN'}, has_run = ${i.hasRun ? 'yes' : 'no'}, retry = ${i.params.retry}, retry_it = ${i.retryIt}, delay_loop = ${i.params.delayLoopMs / 1000}s, checks = ${i.checks}`);
        }
      }
    }
    return out.join('\n') + '\n';
  }

  stats(): { checks: number; probesStarted: number; probesShared: number; probesQueued: number; peakInFlight: number } {
    return { checks: this.checksDone, probesStarted: this.sharer.started, probesShared: this.sharer.shared, probesQueued: this.sharer.queued,
      peakInFlight: this.sharer.peakRunning };
  }
}
