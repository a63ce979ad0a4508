// vrrp_script runner: runs the script's argv without a shell every `interval`, kills it after
// `timeout`, applies rise/fall, and reports up/down transitions with keepalived's log lines:
// "Script `NAME` now returning N", "VRRP_Script(NAME) succeeded", "VRRP_Script(NAME) failed
// (exited with status N)", "VRRP_Script(NAME) timed_out".
import { spawn } from 'node:child_process';
import type { Logger } from '../../common/log.js';
import type { VrrpScript } from '../../config/model.js';

export type ScriptResult = { kind: 'exit'; code: number } | { kind: 'timeout' } | { kind: 'error'; message: string };

/** Pure rise/fall bookkeeping (tested on its own). */
export class RiseFall {
  private okRun = 0;
  private failRun = 0;
  private lastCode: number | undefined;
  ok: boolean | undefined;

  constructor(readonly name: string, private readonly rise: number, private readonly fall: number, initFail: boolean) {
    this.ok = initFail ? false : undefined;
  }

  /** Feeds one result; returns the log lines and whether the up/down status changed. */
  feed(r: ScriptResult): { lines: string[]; changed: boolean } {
    const lines: string[] = [];
    const code = r.kind === 'exit' ? r.code : r.kind === 'timeout' ? -1 : 127;
    if (r.kind === 'exit' && this.lastCode !== undefined && code !== this.lastCode) lines.push(`Script \`${this.name}\` now returning ${code}`);
    this.lastCode = r.kind === 'exit' ? code : this.lastCode;
    const good = r.kind === 'exit' && code === 0;
    const before = this.ok;
    if (good) { this.okRun++; this.failRun = 0; } else { this.failRun++; this.okRun = 0; }
    if (good && this.ok !== true && this.okRun >= this.rise) {
      this.ok = true;
      lines.push(`VRRP_Script(${this.name}) succeeded`);
    } else if (!good && this.ok !== false && this.failRun >= this.fall) {
      this.ok = false;
      lines.push(r.kind === 'timeout' ? `VRRP_Script(${this.name}) timed_out` : `VRRP_Script(${this.name}) failed (exited with status ${code})`);
    }
    return { lines, changed: this.ok !== before && this.ok !== undefined };
  }
}

/** Runs argv once; resolves with the exit code, or timeout after `timeoutMs` (the child is killed). */
export function runOnce(argv: readonly string[], timeoutMs: number): Promise<ScriptResult> {
  return new Promise((resolve) => {
    if (argv.length === 0) { resolve({ kind: 'error', message: 'empty command' }); return; }
    let done = false;
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore', detached: false });
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      try { child.kill('SIGKILL'); } catch { /* gone */ }
      resolve({ kind: 'timeout' });
    }, timeoutMs);
    child.on('error', (e) => { if (!done) { done = true; clearTimeout(timer); resolve({ kind: 'error', message: e.message }); } });
    child.on('exit', (code, sig) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ kind: 'exit', code: code ?? (sig ? 128 : 1) });
    });
  });
}

export class ScriptRunner {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly rf: RiseFall;

  constructor(readonly script: VrrpScript, private readonly logger: Logger, private readonly onChange: (ok: boolean) => void) {
    this.rf = new RiseFall(script.name, Math.max(1, script.rise), Math.max(1, script.fall), script.initFail);
  }

  get ok(): boolean | undefined { return this.rf.ok; }

  start(): void { this.tick(); }

  private tick(): void {
    if (this.stopped) return;
    const started = Date.now();
    const intervalMs = Math.max(10, this.script.interval * 1000);
    const timeoutMs = Math.max(10, (this.script.timeout ?? this.script.interval) * 1000);
    void runOnce(this.script.script.argv, timeoutMs).then((r) => {
      if (this.stopped) return;
      const { lines, changed } = this.rf.feed(r);
      for (const l of lines) this.logger.info(l);
      if (changed && this.rf.ok !== undefined) this.onChange(this.rf.ok);
      this.timer = setTimeout(() => this.tick(), Math.max(0, intervalMs - (Date.now() - started)));
    });
  }

  stop(): void { this.stopped = true; if (this.timer) clearTimeout(this.timer); }
}
