// PID files as keepalived handles them: default paths (/run/keepalived.pid, /run/vrrp.pid,
// /run/checkers.pid), the "already running" test (a pid file naming a live process), removal of
// stale ("zombie") pid files, and writing "<pid>\n" with mode 0644.
import { chmodSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface PidPaths { parent: string; vrrp: string; checker: string }

/**
 * keepalived's pid file names: /run/{keepalived,vrrp,checkers}.pid; with use_pid_dir (also set by
 * instance and net_namespace) in /run/keepalived/; with an instance, NAME_INSTANCE.pid there. -p/-r/-c win.
 */
export function pidPaths(o: { pidFile?: string; vrrpPidFile?: string; checkersPidFile?: string; instance?: string;
    namespace?: string; usePidDir?: boolean }): PidPaths {
  const useDir = o.usePidDir || o.instance !== undefined || o.namespace !== undefined;
  const dir = useDir ? '/run/keepalived/' : '/run/';
  const sfx = o.instance !== undefined ? `_${o.instance}` : '';
  return {
    parent: o.pidFile ?? `${dir}keepalived${sfx}.pid`,
    vrrp: o.vrrpPidFile ?? `${dir}vrrp${sfx}.pid`,
    checker: o.checkersPidFile ?? `${dir}checkers${sfx}.pid`,
  };
}

export function readPid(path: string): number | undefined {
  try {
    const n = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch { return undefined; }
}

export function processAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

export type PidCheck = { state: 'absent' } | { state: 'running'; pid: number } | { state: 'stale'; pid?: number };

/** Is the daemon whose pid file this is running? (Our own pid counts as not running.) */
export function checkPidFile(path: string): PidCheck {
  let raw: string;
  try { raw = readFileSync(path, 'utf8'); } catch { return { state: 'absent' }; }
  const pid = Number.parseInt(raw.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0) return { state: 'stale' };
  if (pid !== process.pid && processAlive(pid)) return { state: 'running', pid };
  return { state: 'stale', pid };
}

export function writePidFile(path: string, pid = process.pid): boolean {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${pid}\n`, { mode: 0o644 });
    // 0644 whatever the umask (keepalived's default umask 0177 would make it 0600)
    chmodSync(path, 0o644);
    return true;
  } catch { return false; }
}

/** Removes a pid file only if it still names `pid` (a restarted daemon may own it now). */
export function removePidFile(path: string, pid = process.pid): void {
  if (readPid(path) !== pid) return;
  try { unlinkSync(path); } catch { /* gone */ }
}

export function removeStale(path: string): void {
  try { unlinkSync(path); } catch { /* gone */ }
}
