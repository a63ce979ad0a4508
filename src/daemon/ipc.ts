// The parent <-> child protocol (Node IPC channel of child_process.fork) and the exit codes a
// child uses to tell the parent "permanent error, stop everything" apart from a crash (respawn).
// Each side checks what arrives with decodeParentToChild() / decodeChildToParent() before acting
// on it: a message of another shape is dropped, counted and logged (common/malformed.ts).
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

/** A received message checked, or why it was dropped (a short stable token). */
export type DecodedMessage<T> = { ok: true; msg: T } | { ok: false; reason: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const optional = (v: unknown, ok: (x: unknown) => boolean) => v === undefined || ok(v);
const bad = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });
const isLines = (v: unknown): boolean => Array.isArray(v) && v.every(isStr);

const DUMP_KINDS: ReadonlySet<string> = new Set<DumpKind>(['data', 'stats', 'stats_clear', 'json']);
/** The lists every KeepalivedConfig has (config/model.ts). */
const CONFIG_LISTS = ['files', 'vrrpScripts', 'trackFiles', 'trackProcesses', 'vrrpInstances', 'vrrpSyncGroups', 'virtualServerGroups',
  'virtualServers', 'staticIpaddress', 'staticRoutes', 'staticRules', 'extra'] as const;

/** The shape a child relies on before it hands a configuration on: global_defs and every list of objects (strings for
 *  `files`). */
function configProblem(c: unknown): string | undefined {
  if (!isObj(c)) return 'config';
  if (!isObj(c.global)) return 'config-global';
  for (const k of CONFIG_LISTS) {
    const v = c[k];
    if (!Array.isArray(v) || !v.every(k === 'files' ? isStr : isObj)) return `config-${k}`;
  }
  return undefined;
}

function optionsProblem(o: unknown): string | undefined {
  if (!isObj(o)) return 'options';
  if (o.role !== 'vrrp' && o.role !== 'checker') return 'options-role';
  if (!isStr(o.ident) || !isStr(o.pidFile)) return 'options-names';
  if (!isCount(o.facility) || o.facility > 23 || !isCount(o.logDetail)) return 'options-numbers';
  if (![o.logConsole, o.noSyslog, o.dontRelease, o.releaseVips, o.dumpConf].every(isBool) || !optional(o.umaskFromCommandLine, isBool)) return 'options-flags';
  if (!optional(o.syslogPath, isStr)) return 'options-syslog';
  if (!optional(o.configLines, isLines)) return 'options-config-lines';
  const d = o.dumpPaths;
  if (!isObj(d) || !isStr(d.data) || !isStr(d.stats) || !isStr(d.json)) return 'options-dump-paths';
  return undefined;
}

/** What the parent sent, checked field by field against ParentToChild. */
export function decodeParentToChild(m: unknown): DecodedMessage<ParentToChild> {
  if (!isObj(m)) return bad('not-object');
  switch (m.type) {
    case 'init': { const p = optionsProblem(m.options) ?? configProblem(m.config); return p ? bad(p) : { ok: true, msg: m as ParentToChild }; }
    case 'reload': {
      const p = configProblem(m.config) ?? (optional(m.configLines, isLines) ? undefined : 'reload-config-lines');
      return p ? bad(p) : { ok: true, msg: m as ParentToChild };
    }
    case 'dump': return isStr(m.kind) && DUMP_KINDS.has(m.kind) ? { ok: true, msg: m as ParentToChild } : bad('dump-kind');
    case 'reload-begin': case 'stop': return { ok: true, msg: m as ParentToChild };
    default: return bad('type');
  }
}

/** What a child sent, checked field by field against ChildToParent. */
export function decodeChildToParent(m: unknown): DecodedMessage<ChildToParent> {
  if (!isObj(m)) return bad('not-object');
  switch (m.type) {
    case 'started': return { ok: true, msg: m as ChildToParent };
    case 'reloaded': return isBool(m.ok) ? { ok: true, msg: m as ChildToParent } : bad('reloaded-ok');
    case 'stopped': {
      const u = m.usage;
      const fine = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
      return isObj(u) && fine(u.user) && fine(u.system) ? { ok: true, msg: m as ChildToParent } : bad('stopped-usage');
    }
    case 'permanent-error':
      return (m.kind === 'FATAL' || m.kind === 'CONFIG') && optional(m.message, isStr) ? { ok: true, msg: m as ChildToParent } : bad('permanent-error');
    default: return bad('type');
  }
}
