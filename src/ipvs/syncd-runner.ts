// Sends lvs_sync_daemon commands (syncd.ts) to the kernel one after another, in the order they were
// decided, and logs a refused one as keepalived 2.2.7 does unless it is one 2.2.7 ignores.
import type { Logger } from '../common/log.js';
import type { GenlResult } from './transport.js';
import type { IpvsDaemon } from './types.js';
import { syncdErrorLine, type SyncdCmd, type SyncdState } from './syncd.js';

/** The two IPVS client methods it needs (IpvsClient; an in-memory fake in tests). */
export interface DaemonPort {
  startDaemon(d: IpvsDaemon): Promise<GenlResult<void>>;
  stopDaemon(state: SyncdState): Promise<GenlResult<void>>;
}

export class SyncdRunner {
  private chain: Promise<void> = Promise.resolve();
  constructor(private readonly port: DaemonPort, private readonly logger: Logger) {}

  /** Queues the commands after those already queued; resolves when they have been answered. */
  run(cmds: readonly SyncdCmd[]): Promise<void> {
    if (!cmds.length) return this.chain;
    const next = this.chain.then(async () => {
      for (const c of cmds) {
        const r = await (c.op === 'start' ? this.port.startDaemon(c.daemon) : this.port.stopDaemon(c.state)).catch(
          (e: Error): GenlResult<void> => ({ ok: false, errno: 'EIO', message: e.message }));
        if (!r.ok && !c.quiet) this.logger.info(syncdErrorLine(c.op, r.errno));
      }
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}
