// Public entry of the checker process: start every checker of a config, with reload (keeping the
// state of unchanged real servers), stop, and a state snapshot. See runtime.ts for the engine.
import type { KeepalivedConfig } from '../config/model.js';
import { CheckerEngine, type CheckerDeps } from './runtime.js';

export type { CheckerEvent, RsCheckerEvent, RsStateEvent, VsQuorumEvent } from './events.js';
export type { CheckerDeps } from './runtime.js';

export interface CheckerHandle {
  stop(): Promise<void>;
  reload(config: KeepalivedConfig): Promise<void>;
  /** Text for /tmp/keepalived_check.data. */
  snapshot(): string;
  stats(): { checks: number; probesStarted: number; probesShared: number };
}

export async function startCheckers(config: KeepalivedConfig, deps: CheckerDeps): Promise<CheckerHandle> {
  const engine = new CheckerEngine(config, deps);
  await engine.start();
  return {
    stop: () => engine.stop(),
    reload: (c) => engine.reload(c),
    snapshot: () => engine.snapshot(),
    stats: () => engine.stats(),
  };
}
