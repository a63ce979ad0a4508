// reload_check_config: before a reload the parent runs the daemon's own `-t` on the new file, as
// keepalived 2.2.7 does (its command line plus --config-test=LOGFILE, in a process group of its
// own, stdin/stdout/stderr on /dev/null; measured in test/unit/daemon/data/reload-2.2.7.md), and
// reloads only when that exits 0. The check has 5 s; then "config check timed out", SIGTERM to its
// group, SIGKILL 2 s later. The outcome is a typed value; the parent logs 2.2.7's lines for it.
import { spawn } from 'node:child_process';
import type { Logger } from '../../common/log.js';
import { signalExitLine } from '../log-format.js';

export type CheckOutcome =
  | { kind: 'exited'; code: number }
  | { kind: 'signalled'; signal: NodeJS.Signals }
  | { kind: 'not-run'; message: string };

/** The check's command line: the daemon's arguments (program first), then --config-test=LOGFILE. */
export function checkArgs(commandLine: readonly string[], logFile: string): string[] {
  return [...commandLine.slice(1), `--config-test=${logFile}`];
}

/** 2.2.7's lines for an outcome that is not a clean exit 0 (reload_check_child_thread / report_child_status). */
export function checkOutcomeLines(o: CheckOutcome, logFile: string): string[] {
  if (o.kind === 'exited') return o.code === 0 ? [] : [`New config failed validation, see ${logFile} for details`];
  if (o.kind === 'signalled') return [signalExitLine('reload_check', o.signal)];
  return [o.message, 'Could not run config-test'];
}

export interface CheckRunner { (script: string, args: string[], log: Logger): Promise<CheckOutcome> }

/** Runs `node [execArgv] SCRIPT ARGS...` as the check; `timeoutMs` before it is terminated. */
export function runConfigCheck(script: string, args: string[], log: Logger, timeoutMs = 5000): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    let cp: ReturnType<typeof spawn>;
    try {
      cp = spawn(process.execPath, [...process.execArgv, script, ...args], { detached: true, stdio: 'ignore', env: process.env });
    } catch (e) {
      resolve({ kind: 'not-run', message: (e as Error).message });
      return;
    }
    const pid = cp.pid;
    const timers: NodeJS.Timeout[] = [];
    const group = (sig: NodeJS.Signals) => { try { if (pid) process.kill(-pid, sig); } catch { /* gone */ } };
    timers.push(setTimeout(() => {
      log.info('config check timed out');
      group('SIGTERM');
      timers.push(setTimeout(() => {
        group('SIGKILL');
        timers.push(setTimeout(() => { log.info(`config check (PID ${pid}) failed to terminate after kill`); group('SIGKILL'); }, 2000));
      }, 2000));
    }, timeoutMs));
    cp.on('error', (e) => { for (const t of timers) clearTimeout(t); resolve({ kind: 'not-run', message: e.message }); });
    cp.on('exit', (code, signal) => {
      for (const t of timers) clearTimeout(t);
      if (signal) resolve({ kind: 'signalled', signal });
      else resolve({ kind: 'exited', code: code ?? 0 });
    });
  });
}
