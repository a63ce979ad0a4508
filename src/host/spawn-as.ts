// Spawn a script as its user, the one way every script kind starts (vrrp_script, notify_*,
// *_fifo_script, MISC_CHECK, notify_up/down, quorum_up/down). keepalived 2.2.7 forks, sets the
// script's gid, a supplementary group list of exactly that gid, its uid, puts the child in a
// process group of its own (same session), sets SIGTERM as its parent-death signal, resets
// signals, and execs with /dev/null on fds 0-2, the daemon's environment, cwd and umask (0177 by
// default, -u MASK / global_defs umask otherwise). Measured under 2.2.7: test/integration/host/script-user.test.ts.
//
// Why the addon (native/src/spawn-as.cc) and not the alternatives:
//  - child_process.spawn({ uid, gid }): libuv calls setgroups(0, NULL), so the script gets no
//    supplementary group at all where keepalived gives [gid]; `detached` makes a new session
//    (setsid) where keepalived only makes a process group; no parent-death signal; no umask.
//  - setpriv(1) from util-linux in front of the script (`--reuid --regid --groups --pdeathsig`):
//    gets the credentials right, but one more exec per run, a binary the daemon must find at run
//    time, exec failures of the script arrive as setpriv's exit status 126/127 (indistinguishable
//    from the script's own), and still setsid instead of setpgid.
//  - the addon does exactly keepalived's sequence with raw syscalls between fork and exec, reports
//    a failed credential change or exec synchronously ({ step, errno }), and hands back a pidfd
//    whose readiness the event loop polls, so no thread blocks and libuv never reaps our child.
// Timeouts end the whole process group (SIGTERM, then SIGKILL after a grace period), as 2.2.7
// does for vrrp_script and MISC_CHECK.
import { constants } from 'node:os';
import { loadKanet, isNativeError, type Kanet, type KanetPoller } from '../vrrp/io/native.js';

/** Credentials a script runs with (supplementary groups: [gid]). */
export interface RunIdentity { uid: number; gid: number }

export type ExitStatus = { code: number; signal: null } | { code: null; signal: NodeJS.Signals };

export interface SpawnError {
  /** Where it failed: loading the addon, a credential change in the child, or execve. */
  step: 'addon' | 'setgid' | 'setgroups' | 'setuid' | 'setpgid' | 'exec';
  errno: number;
  /** ENOENT, EACCES, EPERM ... */
  code: string;
  message: string;
}

export interface Spawned {
  pid: number;
  /** Resolves once the process has ended and been reaped. */
  exited: Promise<ExitStatus>;
  /** Signal the script's process group (its pid is the group id); false once it has ended. */
  signalGroup(sig: NodeJS.Signals): boolean;
}

/** keepalived's default umask, which its scripts inherit (lib/utils.c umask_val). */
export const SCRIPT_UMASK = 0o177;

/**
 * The umask a script gets: the daemon's (0177, or -u MASK, or global_defs umask: 2.2.7's scripts get
 * that, measured), read without changing it.
 */
export function daemonUmask(): number {
  const m = process.umask(SCRIPT_UMASK);
  process.umask(m);
  return m;
}

/** The addon's process calls (native/src): an addon built before them lacks them. */
type SpawnNative = Kanet & {
  spawnAs(file: string, argv: string[], uid: number, gid: number,
    umask: number): number | { step: SpawnError['step']; errno: number };
  pidfdOpen(pid: number): number;
  reapPidfd(fd: number): { code?: number; signal?: number } | number;
};
const hasSpawn = (k: Kanet): k is SpawnNative => typeof (k as Partial<SpawnNative>).spawnAs === 'function'
  && typeof (k as Partial<SpawnNative>).pidfdOpen === 'function' && typeof (k as Partial<SpawnNative>).reapPidfd === 'function';

const errnoName = (n: number): string =>
  Object.entries(constants.errno).find(([, v]) => v === n)?.[0] ?? `errno ${n}`;
const signalName = (n: number): NodeJS.Signals =>
  (Object.entries(constants.signals).find(([, v]) => v === n)?.[0] ?? 'SIGKILL') as NodeJS.Signals;

function native(): SpawnNative | SpawnError {
  const k = loadKanet();
  if (isNativeError(k)) return { step: 'addon', errno: k.errno, code: errnoName(k.errno), message: k.message };
  if (!hasSpawn(k)) return { step: 'addon', errno: constants.errno.ENOSYS, code: 'ENOSYS', message: 'the kanet addon has no spawnAs (rebuild it)' };
  return k;
}

/** isSpawnError(x): spawnAs() returned an error value. */
export function isSpawnError(v: Spawned | SpawnError): v is SpawnError { return 'step' in v; }

/**
 * Start argv (argv[0] a path: bare names are resolved by the script-security check first) as
 * `ids`. Never throws: an error value when the child could not become the script.
 */
export function spawnAs(argv: readonly string[], ids: RunIdentity,
    opts: { umask?: number } = {}): Spawned | SpawnError {
  const k = native();
  if ('step' in k) return k;
  if (argv.length === 0) return { step: 'exec', errno: constants.errno.ENOENT, code: 'ENOENT', message: 'empty command' };
  const r = k.spawnAs(argv[0]!, [...argv], ids.uid, ids.gid, opts.umask ?? daemonUmask());
  if (typeof r !== 'number') {
    const code = errnoName(r.errno);
    return { step: r.step, errno: r.errno, code, message: `${r.step === 'exec' ? '' : `${r.step}: `}${code} (${k.strerror(r.errno)})` };
  }
  const pid = r;
  let ended = false;
  const exited = new Promise<ExitStatus>((resolve) => {
    const fd = k.pidfdOpen(pid);
    const settle = (st: { code?: number; signal?: number }): void => {
      ended = true;
      resolve(st.code !== undefined ? { code: st.code, signal: null }
        : { code: null, signal: signalName(st.signal ?? 9) });
    };
    if (fd < 0) {
      // No pidfd (kernel < 5.3): cannot happen on the kernels keepalived-ts supports; report it
      // as a failed run rather than leave a promise that never settles.
      settle({ code: 127 });
      return;
    }
    let poller: KanetPoller | undefined;
    const check = (): boolean => {
      const st = k.reapPidfd(fd);
      if (st === 0) return false;
      poller?.stop();
      k.close(fd);
      settle(typeof st === 'number' ? { code: 127 } : st);
      return true;
    };
    if (check()) return;
    poller = new k.Poller(fd, () => { check(); });
  });
  return {
    pid,
    exited,
    signalGroup(sig) {
      if (ended) return false;
      try { process.kill(-pid, sig); return true; } catch { return false; }
    },
  };
}

export interface RunResult {
  /** Exit status, or null when killed by a signal / never started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Ended by the timeout's SIGTERM/SIGKILL. */
  timedOut: boolean;
  error?: SpawnError;
  durationMs: number;
}

export interface RunOptions {
  timeoutMs: number;
  /** SIGTERM -> SIGKILL grace after the timeout (keepalived: 2 s for vrrp_script and MISC_CHECK). */
  killGraceMs: number;
  umask?: number;
  /** Called when the timeout fires (before the group is signalled). */
  onTimeout?: () => void;
}

/**
 * Run argv as `ids` to completion. At the timeout the process group gets SIGTERM, then SIGKILL
 * after the grace period; a script that dies of that SIGTERM has its group SIGKILLed too (its
 * children), as 2.2.7 does. Never throws.
 */
export function runAs(argv: readonly string[], ids: RunIdentity, o: RunOptions): Promise<RunResult> {
  const start = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - start) / 1e6;
  const child = spawnAs(argv, ids, { umask: o.umask });
  if (isSpawnError(child)) return Promise.resolve({ code: null, signal: null, timedOut: false, error: child,
    durationMs: elapsed() });
  let termSent = false;
  let killTimer: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    o.onTimeout?.();
    termSent = child.signalGroup('SIGTERM');
    killTimer = setTimeout(() => { child.signalGroup('SIGKILL'); }, o.killGraceMs);
  }, o.timeoutMs);
  return child.exited.then((st) => {
    clearTimeout(timer);
    clearTimeout(killTimer);
    if (termSent && st.signal === 'SIGTERM') { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* group gone */ } }
    const timedOut = termSent && (st.signal === 'SIGTERM' || st.signal === 'SIGKILL');
    return { code: st.code, signal: st.signal, timedOut, durationMs: elapsed() };
  });
}
