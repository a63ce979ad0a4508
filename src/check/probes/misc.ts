// MISC_CHECK probe: run misc_path's argv without a shell; misc_timeout (default delay_loop) ends
// it with SIGTERM, then SIGKILL after 2 s. Reports the exit status, signal or timeout.
import { spawn } from 'node:child_process';
import type { Outcome } from '../core/checker-fsm.js';
import type { Probe, ProbeSpec } from './types.js';
import { constants } from 'node:os';

export function runScript(argv: string[], timeoutMs: number, uid?: number, gid?: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    let child;
    try {
      child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore', detached: true, uid, gid });
    } catch {
      resolve({ ok: false, exitCode: 127 });
      return;
    }
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* gone */ }
      killTimer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 2000);
    }, timeoutMs);
    child.once('error', () => { clearTimeout(timer); resolve({ ok: false, exitCode: 127 }); });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      if (timedOut) resolve({ ok: false, timedOut: true });
      else if (signal) resolve({ ok: false, signal: (constants.signals as Record<string, number>)[signal] ?? 0 });
      else resolve({ ok: code === 0, exitCode: code ?? 0 });
    });
  });
}

export function miscProbe(spec: ProbeSpec): Probe {
  const c = spec.checker;
  if (c.type !== 'MISC_CHECK') throw new Error('miscProbe: wrong checker');
  const timeoutMs = Math.round((c.miscTimeout ?? spec.params.delayLoopMs / 1000) * 1000);
  const key = `MISC|${JSON.stringify(c.miscPath.argv)}|${timeoutMs}`;
  return { key: () => key, run: () => runScript(c.miscPath.argv, timeoutMs) };
}
