// vrrp_script runner: runs the script's argv without a shell every `interval` as its user
// (src/host/spawn-as.ts), ends its process group after `timeout` (SIGTERM, SIGKILL 2 s later, as
// 2.2.7), applies rise/fall, and reports up/down transitions with keepalived's log lines:
// "Script `NAME` now returning N", "VRRP_Script(NAME) succeeded", "VRRP_Script(NAME) failed
// (exited with status N)", "VRRP_Script(NAME) failed (due to signal N)", "VRRP_Script(NAME) timed_out".
import { constants } from 'node:os';
import type { Logger } from '../../common/log.js';
import type { VrrpScript } from '../../config/model.js';
import { runAs, type RunIdentity } from '../../host/spawn-as.js';

export type ScriptResult =
  | { kind: 'exit'; code: number }
  | { kind: 'signal'; signal: number }
  | { kind: 'timeout' }
  | { kind: 'error'; message: string };

/** keepalived's SIGTERM -> SIGKILL grace for a timed-out vrrp_script. */
const KILL_GRACE_MS = 2000;

/** A script's rise/fall state, carried over a reload. */
export interface RiseFallState { ok: boolean; okRun: number; failRun: number; lastCode: number }

/** Pure rise/fall bookkeeping (tested on its own). */
export class RiseFall {
  private okRun = 0;
  private failRun = 0;
  /** 2.2.7 starts from 0: a first non-zero exit logs "now returning" (measured). */
  private lastCode = 0;
  ok: boolean | undefined;

  /** `prev`: the state before a reload (2.2.7 keeps the script's result and last status). */
  constructor(readonly name: string, private readonly rise: number, private readonly fall: number,
      initFail: boolean, prev?: RiseFallState) {
    this.ok = initFail ? false : undefined;
    if (prev) { this.ok = prev.ok; this.okRun = Math.min(prev.okRun, rise); this.failRun = Math.min(prev.failRun, fall);
      this.lastCode = prev.lastCode; }
  }

  /** The state to carry over a reload, once there is a result. */
  state(): RiseFallState | undefined {
    return this.ok === undefined ? undefined : { ok: this.ok, okRun: this.okRun, failRun: this.failRun,
      lastCode: this.lastCode };
  }

  /** Feeds one result; returns the log lines and whether the up/down status changed. */
  feed(r: ScriptResult): { lines: string[]; changed: boolean } {
    const lines: string[] = [];
    const code = r.kind === 'exit' ? r.code : r.kind === 'signal' ? r.signal : r.kind === 'timeout' ? -1 : 127;
    if (r.kind === 'exit' && code !== this.lastCode) lines.push(`Script \`${this.name}\` now returning ${code}`);
    if (r.kind === 'exit') this.lastCode = code;
    const good = r.kind === 'exit' && code === 0;
    const before = this.ok;
    if (good) { this.okRun++; this.failRun = 0; } else { this.failRun++; this.okRun = 0; }
    if (good && this.ok !== true && this.okRun >= this.rise) {
      this.ok = true;
      lines.push(`VRRP_Script(${this.name}) succeeded`);
    } else if (!good && this.ok !== false && this.failRun >= this.fall) {
      this.ok = false;
      lines.push(r.kind === 'timeout' ? `VRRP_Script(${this.name}) timed_out`
        : r.kind === 'signal' ? `VRRP_Script(${this.name}) failed (due to signal ${code})`
          : `VRRP_Script(${this.name}) failed (exited with status ${code})`);
    }
    return { lines, changed: this.ok !== before && this.ok !== undefined };
  }
}

/** Runs argv once as `ids`; resolves with the exit code, the signal, or timeout after `timeoutMs`. */
export async function runOnce(argv: readonly string[], timeoutMs: number, ids: RunIdentity): Promise<ScriptResult> {
  if (argv.length === 0) return { kind: 'error', message: 'empty command' };
  const r = await runAs(argv, ids, { timeoutMs, killGraceMs: KILL_GRACE_MS });
  if (r.error) return { kind: 'error', message: r.error.message };
  if (r.timedOut) return { kind: 'timeout' };
  if (r.signal) return { kind: 'signal', signal: (constants.signals as Record<string, number>)[r.signal] ?? 0 };
  return { kind: 'exit', code: r.code ?? 0 };
}

export class ScriptRunner {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly rf: RiseFall;

  /** `ids`: the script's user (src/host/users.ts); `file`: argv[0] resolved through PATH if it was a bare name. */
  constructor(
    readonly script: VrrpScript, private readonly ids: RunIdentity, private readonly logger: Logger,
      private readonly onChange: (ok: boolean) => void,
    private readonly file = script.script.argv[0], prev?: RiseFallState,
  ) {
    this.rf = new RiseFall(script.name, Math.max(1, script.rise), Math.max(1, script.fall), script.initFail, prev);
  }

  get ok(): boolean | undefined { return this.rf.ok; }

  /** Its rise/fall state, for the runner that replaces it at a reload. */
  state(): RiseFallState | undefined { return this.rf.state(); }

  start(): void { this.tick(); }

  private tick(): void {
    if (this.stopped) return;
    const started = Date.now();
    const intervalMs = Math.max(10, this.script.interval * 1000);
    const timeoutMs = Math.max(10, (this.script.timeout ?? this.script.interval) * 1000);
    const argv = this.file === undefined ? [] : [this.file, ...this.script.script.argv.slice(1)];
    void runOnce(argv, timeoutMs, this.ids).then((r) => {
      if (this.stopped) return;
      const { lines, changed } = this.rf.feed(r);
      for (const l of lines) this.logger.info(l);
      if (changed && this.rf.ok !== undefined) this.onChange(this.rf.ok);
      this.timer = setTimeout(() => this.tick(), Math.max(0, intervalMs - (Date.now() - started)));
    });
  }

  stop(): void { this.stopped = true; if (this.timer) clearTimeout(this.timer); }
}
