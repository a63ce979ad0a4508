// The parent <-> child protocol (Node IPC channel of child_process.fork) and the exit codes a
// child uses to tell the parent "permanent error, stop everything" apart from a crash (respawn).
import type { KeepalivedConfig } from '../config/model.js';

export type ChildRole = 'vrrp' | 'checker';
export type DumpKind = 'data' | 'stats' | 'stats_clear' | 'json';

/** Everything a child needs to run, sent once after fork (the parent parsed the config). */
export interface ChildRuntimeOptions {
  role: ChildRole;
  ident: string;
  facility: number;
  logDetail: number;
  logConsole: boolean;
  noSyslog: boolean;
  syslogPath?: string;
  pidFile: string;
  /** -V (VRRP) / -I (IPVS): keep what we installed when stopping. */
  dontRelease: boolean;
  /** -X */
  releaseVips: boolean;
  dumpConf: boolean;
  /** -u was given: global_defs umask is ignored. */
  umaskFromCommandLine?: boolean;
  /** Lines of the parent's config check that 2.2.7 logs in this child (the VRRP side's SECURITY VIOLATION). */
  configLines?: string[];
  /** Where USR1 / USR2 / JSON dumps go (state_dump_file & co, or /tmp defaults). */
  dumpPaths: { data: string; stats: string; json: string };
}

export type ParentToChild =
  | { type: 'init'; options: ChildRuntimeOptions; config: KeepalivedConfig }
  /** Sent just before a reload: the child drops realtime scheduling first, so that reading a large
   *  configuration cannot run into RLIMIT_RTTIME (a SIGKILL at the hard limit). */
  | { type: 'reload-begin' }
  | { type: 'reload'; config: KeepalivedConfig; /** as ChildRuntimeOptions.configLines, for the new file */ configLines?: string[] }
  | { type: 'stop' }
  | { type: 'dump'; kind: DumpKind };

export type ChildToParent =
  | { type: 'started' }
  | { type: 'reloaded'; ok: boolean }
  | { type: 'stopped'; usage: { user: number; system: number } }
  | { type: 'permanent-error'; kind: PermanentKind; message?: string };

export type PermanentKind = 'FATAL' | 'CONFIG';

/** Child exit codes that mean "do not respawn, terminate keepalived" (keepalived's KEEPALIVED_EXIT_*). */
export const CHILD_EXIT: Record<PermanentKind, number> = { FATAL: 70, CONFIG: 78 };
/** What the parent then exits with: keepalived 2.2.7 exits 1 after FATAL, 2 after CONFIG. */
export const PARENT_EXIT_FOR: Record<PermanentKind, number> = { FATAL: 1, CONFIG: 2 };

export function permanentKindOf(exitCode: number | null): PermanentKind | undefined {
  if (exitCode === CHILD_EXIT.FATAL) return 'FATAL';
  if (exitCode === CHILD_EXIT.CONFIG) return 'CONFIG';
  return undefined;
}

export function isParentToChild(m: unknown): m is ParentToChild {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}
