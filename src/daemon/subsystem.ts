// The shape the daemon shell expects from the VRRP and checker subsystems (src/vrrp/index.ts
// `startVrrp`, src/check/index.ts `startCheckers`): started with the parsed config and injected
// dependencies, they return a handle the child process drives on signals, or a permanent error
// (keepalived's KEEPALIVED_EXIT_FATAL / _CONFIG) that stops the whole daemon.
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/log.js';
import type { KeepalivedConfig } from '../config/model.js';
import type { PermanentKind } from './ipc.js';
import type { VrrpSnapshot } from './dumps/model.js';

export interface SubsystemDeps {
  logger: Logger;
  clock: Clock;
  /** -V / -I: leave VIPs/routes (VRRP) or the IPVS table (checkers) in place on stop. */
  dontRelease: boolean;
  /** -X: drop VIPs on transition from a signal. */
  releaseVips: boolean;
  /** -D count. */
  logDetail: number;
  /** Config-check lines this process logs at start (ChildRuntimeOptions.configLines). */
  configLines?: string[];
}

export interface SubsystemHandle {
  /** Graceful stop: VRRP sends priority 0 and removes VIPs; checkers remove IPVS entries. */
  stop(): Promise<void>;
  /** Apply a new config (only the difference); `configLines` as SubsystemDeps.configLines, for it. */
  reload(config: KeepalivedConfig, configLines?: string[]): Promise<void>;
  /** Runtime state for the USR1 / USR2 / JSON dumps (VRRP: a VrrpSnapshot). */
  snapshot(): VrrpSnapshot | unknown;
  /** Optional: clear counters (SIGRTMAX-1, STATS_CLEAR). */
  clearStats?(): void;
  /** Optional (checkers): text appended to /tmp/keepalived_check.data after the global definitions. */
  dumpData?(): string;
}

export type StartResult = SubsystemHandle | { permanentError: { kind: PermanentKind; message: string } };

export type StartFn = (config: KeepalivedConfig, deps: SubsystemDeps) => Promise<StartResult> | StartResult;

export function isPermanentError(r: StartResult): r is { permanentError: { kind: PermanentKind; message: string } } {
  return typeof r === 'object' && r !== null && 'permanentError' in r;
}
