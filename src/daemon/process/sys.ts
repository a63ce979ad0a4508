// The process-attribute calls of the addon (native/src/process-attrs.cc) behind a small typed
// interface: name and command line, SCHED_RR, niceness, CPU affinity, RLIMIT_RTTIME, RLIMIT_NOFILE
// (the daemon's own, and the one its scripts start with).
// Each call returns undefined or an errno. A fake stands in for it in unit tests.
import { isNativeError, loadKanet, type Kanet } from '../../vrrp/io/native.js';

export type CmdlineResult = 'moved' | 'in-place' | { errno: number };

export interface ProcessSys {
  setCommName(name: string): number | undefined;
  /** Replaces /proc/self/cmdline: moved to a buffer of ours, or rewritten in the original area. */
  setCmdline(argv: readonly string[]): CmdlineResult;
  /** SCHED_RR at `priority` (SCHED_OTHER when 0); SCHED_RESET_ON_FORK when `resetOnFork`. */
  setScheduler(priority: number, resetOnFork: boolean): number | undefined;
  setNice(value: number): number | undefined;
  getNice(): number;
  setAffinity(cpus: readonly number[]): number | undefined;
  /** -1 = unlimited. */
  setRttimeLimit(soft: number, hard: number): number | undefined;
  getRttimeLimit(): [number, number];
  /** RLIMIT_NOFILE [cur, max]. */
  getNofileLimit(): [number, number];
  setNofileLimit(cur: number, max: number): number | undefined;
  /** The RLIMIT_NOFILE scripts are started with; undefined: the daemon's own. */
  setScriptNofileLimit(limit: [number, number] | undefined): void;
  strerror(errno: number): string;
}

type Addon = Kanet & {
  setCommName(n: string): number; setCmdline(b: Buffer): number; setScheduler(p: number, r: boolean): number;
  setNice(v: number): number; getNice(): number; setAffinity(c: number[]): number;
  setRttimeLimit(s: number, h: number): number; getRttimeLimit(): [number, number];
  getNofileLimit(): [number, number]; setNofileLimit(c: number, m: number): number;
  setScriptNofileLimit(c: number, m: number): void;
};

const ENOSYS = 38;
const err = (r: number): number | undefined => (r < 0 ? -r : undefined);

/** The real calls; every call fails with ENOSYS when the addon is not built. */
export function realProcessSys(): ProcessSys {
  const k = loadKanet();
  const a = isNativeError(k) || typeof (k as Partial<Addon>).setCommName !== 'function' ? undefined : (k as Addon);
  if (!a) {
    return {
      setCommName: () => ENOSYS, setCmdline: () => ({ errno: ENOSYS }),
      setScheduler: () => ENOSYS, setNice: () => ENOSYS,
      getNice: () => 0, setAffinity: () => ENOSYS, setRttimeLimit: () => ENOSYS,
      getRttimeLimit: () => [-1, -1], getNofileLimit: () => [-1, -1], setNofileLimit: () => ENOSYS,
      setScriptNofileLimit: () => {},
      strerror: (n) => `errno ${n}`,
    };
  }
  return {
    setCommName: (n) => err(a.setCommName(n)),
    setCmdline: (argv) => {
      const r = a.setCmdline(Buffer.from(`${argv.join('\0')}\0`));
      return r === 1 ? 'moved' : r === 2 ? 'in-place' : { errno: -r };
    },
    setScheduler: (p, reset) => err(a.setScheduler(p, reset)),
    setNice: (v) => err(a.setNice(v)),
    getNice: () => a.getNice(),
    setAffinity: (cpus) => err(a.setAffinity([...cpus])),
    setRttimeLimit: (s, h) => err(a.setRttimeLimit(s, h)),
    getRttimeLimit: () => a.getRttimeLimit(),
    // (an addon built before these calls: as without the addon)
    getNofileLimit: () => (typeof a.getNofileLimit === 'function' ? a.getNofileLimit() : [-1, -1]),
    setNofileLimit: (c, m) => (typeof a.setNofileLimit === 'function' ? err(a.setNofileLimit(c, m)) : ENOSYS),
    setScriptNofileLimit: (l) => { if (typeof a.setScriptNofileLimit === 'function') a.setScriptNofileLimit(l?.[0] ?? -1, l?.[1] ?? -1); },
    strerror: (n) => a.strerror(n),
  };
}
