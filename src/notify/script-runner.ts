// Child-process adapter for notify scripts: runs argv without a shell, as the configured uid/gid,
// in its own process group (keepalived's setpgid), with a timeout (SIGTERM to the group, SIGKILL
// after a grace period). Scripts of one queue (an instance, a group, a virtual server) run one
// after another so events arrive in order; queues are bounded. Exit status and duration are logged.
import { spawn } from 'node:child_process';
import type { Logger } from '../common/log.js';

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
  uid?: number;
  gid?: number;
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

  private exec(job: ScriptJob): Promise<ScriptResult> {
    const start = process.hrtime.bigint();
    const elapsed = (): number => Number(process.hrtime.bigint() - start) / 1e6;
    const name = job.argv.join(' ');
    const log = this.opts.logger;
    return new Promise<ScriptResult>((resolve) => {
      let timedOut = false;
      let settled = false;
      let killTimer: NodeJS.Timeout | undefined;
      const finish = (r: Omit<ScriptResult, 'argv' | 'durationMs' | 'timedOut'>): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(killTimer);
        const res: ScriptResult = { argv: job.argv, timedOut, durationMs: elapsed(), ...r };
        const dur = `${res.durationMs.toFixed(1)} ms`;
        if (res.error) log.error(`Failed to run notify script ${name}: ${res.error}`);
        else if (res.signal) log.info(`Notify script ${name} killed by signal ${res.signal}${timedOut ? ' (timed out)' : ''} after ${dur}`);
        else if (res.code === 0) log.detail(`Notify script ${name} exited with status 0 after ${dur}`);
        else log.info(`Notify script ${name} exited with status ${res.code} after ${dur}`);
        resolve(res);
      };
      let child;
      try {
        child = spawn(job.argv[0]!, job.argv.slice(1), {
          stdio: 'ignore', detached: true, shell: false,
          ...(job.uid !== undefined && job.uid !== process.getuid?.() ? { uid: job.uid } : {}),
          ...(job.gid !== undefined && job.gid !== process.getgid?.() ? { gid: job.gid } : {}),
        });
      } catch (e) {
        finish({ code: null, signal: null, error: (e as Error).message });
        return;
      }
      const pid = child.pid;
      const timer = setTimeout(() => {
        timedOut = true;
        log.warn(`Notify script ${name} timed out after ${job.timeoutMs} ms - killing`);
        const kill = (sig: NodeJS.Signals): void => {
          try { if (pid) process.kill(-pid, sig); } catch { /* already gone */ }
        };
        kill('SIGTERM');
        killTimer = setTimeout(() => kill('SIGKILL'), this.killGraceMs);
      }, job.timeoutMs);
      child.on('error', (e) => finish({ code: null, signal: null, error: e.message }));
      child.on('exit', (code, signal) => finish({ code, signal }));
    });
  }
}
