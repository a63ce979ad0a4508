// The probe adapter contract: one function per checker type that performs a single check against
// a real server and reports the outcome in the checker family's terms (see core/checker-fsm.ts).
import type { Outcome } from '../core/checker-fsm.js';
import type { EffectiveParams } from '../core/params.js';
import type { Checker, KeepalivedConfig, RealServer, VirtualServer } from '../../config/model.js';

export interface ProbeSpec {
  checker: Checker;
  params: EffectiveParams;
  rs: RealServer;
  vs: VirtualServer;
  config?: KeepalivedConfig;
}

export interface Probe {
  /** Identity of the check: probes with equal keys are run once and their outcome shared. */
  key(urlIdx: number): string;
  run(urlIdx: number): Promise<Outcome>;
  /**
   * Optional callback form of run() (no promise per check), used by the engine when present.
   * `done` is called exactly once, never synchronously.
   */
  start?(urlIdx: number, done: (o: Outcome) => void): void;
}
