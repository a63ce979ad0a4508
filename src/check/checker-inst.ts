// One checker of one real server (there are 10,000s): the checker FSM's context and its state
// (stepChecker reads the first and updates the second in place), the waiter of its probe's
// outcomes, and its generation in the engine's timer heap. The context is read through getters
// from the objects it already references, so each instance holds only its state (~150 bytes).
import type { Checker } from '../config/model.js';
import type { FsmCtx, FsmState, Outcome } from './core/checker-fsm.js';
import type { EffectiveParams } from './core/params.js';
import type { RsState, VsState } from './core/lvs-core.js';
import type { Probe } from './probes/index.js';
import type { Waiter } from './scheduler.js';

/** Where an instance's probe outcomes go (the engine). */
export interface OutcomeSink { outcomeOf(i: CheckerInst, o: Outcome): void }

const NO_URLS: string[] = [];
Object.freeze(NO_URLS);

export class CheckerInst implements FsmCtx, FsmState, Waiter {
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

  constructor(private readonly sink: OutcomeSink, readonly vs: VsState, readonly rs: RsState, readonly checker: Checker,
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
  settled(o: Outcome): void { this.sink.outcomeOf(this, o); }

  /** Takes over another instance's FSM state and its count of checks (reload of an unchanged checker). */
  adopt(from: FsmState & { checks: number }): void {
    this.isUp = from.isUp;
    this.hasRun = from.hasRun;
    this.retryIt = from.retryIt;
    this.urlIt = from.urlIt;
    this.failedUrl = from.failedUrl;
    this.lastExitCode = from.lastExitCode;
    this.fileValue = from.fileValue;
    this.curWeight = from.curWeight;
    this.checks = from.checks;
  }
}
