// Queue of notify scripts (notify_*, notify_up/down, quorum_up/down): each job runs without a
// shell as its user through src/host/spawn-as.ts (keepalived's credentials, process group and
// parent-death signal), with a timeout (SIGTERM to the group, SIGKILL after a grace period). Scripts of one queue (an
// instance, a group, a virtual server) run one after another so events arrive in order; queues are bounded. Exit status
// and duration are logged.
import type { Logger } from '../common/log.js';
import { runAs, type RunIdentity } from '../host/spawn-as.js';

export interface ScriptResult {
  argv: string[];
  /** Exit status, or null when killed by a signal / never started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Spawn error (ENOENT, EACCES ...). */
  error?: string;
  durationMs: number;
}

export interface ScriptJob {
  argv: string[];
  /** The script's user (src/host/users.ts scriptIds). */
  ids: RunIdentity;
  timeoutMs: number;
}

export interface ScriptRunnerOptions {
  logger: Logger;
  /** Jobs waiting per queue beyond which new ones are dropped (logged). Default 64. */
  maxQueue?: number;
  /** SIGTERM -> SIGKILL grace after a timeout. Default 1000 ms. */
  killGraceMs?: number;
}

interface Queue { tail: Promise<unknown>; waiting: number }

export class ScriptRunner {
  private readonly queues = new Map<string, Queue>();
  private readonly running = new Set<Promise<ScriptResult>>();
  private readonly maxQueue: number;
  private readonly killGraceMs: number;
  private stopped = false;

  constructor(private readonly opts: ScriptRunnerOptions) {
    this.maxQueue = opts.maxQueue ?? 64;
    this.killGraceMs = opts.killGraceMs ?? 1000;
  }

  /** Queue a job behind the earlier jobs of `queue`. Never throws; resolves when the job has finished. */
  run(queue: string, job: ScriptJob): Promise<ScriptResult> {
    const q = this.queues.get(queue) ?? { tail: Promise.resolve(), waiting: 0 };
    this.queues.set(queue, q);
    if (this.stopped || q.waiting >= this.maxQueue) {
      this.opts.logger.warn(`Notify script ${job.argv[0]} not run: ${this.stopped ? 'shutting down' : `queue ${queue} full (${this.maxQueue})`}`);
      return Promise.resolve({ argv: job.argv, code: null, signal: null, timedOut: false, error: 'dropped', durationMs: 0 });
    }
    q.waiting++;
    const p = q.tail.then(() => this.exec(job)).finally(() => {
      q.waiting--;
      this.running.delete(p);
      if (q.waiting === 0 && this.queues.get(queue) === q) this.queues.delete(queue);
    });
    q.tail = p;
    this.running.add(p);
    return p;
  }

  /** Wait until every queued job is done, at most `ms` (jobs still running are left to their timeouts). */
  async drain(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const all = Promise.all([...this.running]).then(() => true);
    const limit = new Promise<boolean>((r) => { timer = setTimeout(() => r(false), ms); });
    const done = await Promise.race([all, limit]);
    clearTimeout(timer);
    return done;
  }

  /** Refuse new jobs (stop()). */
  close(): void { this.stopped = true; }

  private async exec(job: ScriptJob): Promise<ScriptResult> {
    const name = job.argv.join(' ');
    const log = this.opts.logger;
    const r = await runAs(job.argv, job.ids, {
      timeoutMs: job.timeoutMs,
      killGraceMs: this.killGraceMs,
      onTimeout: () => log.warn(`Notify script ${name} timed out after ${job.timeoutMs} ms - killing`),
    });
    const res: ScriptResult = {
      argv: job.argv, code: r.code, signal: r.signal, timedOut: r.timedOut, durationMs: r.durationMs,
      ...(r.error ? { error: r.error.message } : {}),
    };
    const dur = `${res.durationMs.toFixed(1)} ms`;
    if (res.error) log.error(`Failed to run notify script ${name}: ${res.error}`);
    else if (res.signal) log.info(`Notify script ${name} killed by signal ${res.signal}${res.timedOut ? ' (timed out)' : ''} after ${dur}`);
    else if (res.code === 0) log.detail(`Notify script ${name} exited with status 0 after ${dur}`);
    else log.info(`Notify script ${name} exited with status ${res.code} after ${dur}`);
    return res;
  }
}
