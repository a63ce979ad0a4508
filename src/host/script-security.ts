// enable_script_security: keepalived's check_script_secure (lib/notify.c), pure over the host's
// stat(2) and $PATH (HostFacts: system.ts on the machine, a fake in tests). A script run by root
// (uid or gid 0) is insecure if the file or any directory on its path is owned by non-root, or
// group/world writable (sticky directories excepted). Messages are 2.2.7's, verified against the
// real binary. Used by the parser (-t's SECURITY VIOLATION) and by the notify, vrrp_script,
// MISC_CHECK and start/shutdown script runners (which file to run).
import type { KeepalivedConfig, ScriptSpec } from '../config/model.js';
import { isHostError, type HostFacts } from './facts.js';
import { defaultScriptUser, lookupUser, type ScriptIds } from './users.js';

export type ScriptSecurityStatus = 'ok' | 'insecure' | 'notfound' | 'not-executable';

export interface ScriptSecurityResult {
  status: ScriptSecurityStatus;
  /** The file that will be executed (after a PATH search for a bare name). */
  path: string;
  /** keepalived's log lines for this script, in order. */
  messages: string[];
  /** Runs with root privileges (uid 0 / gid 0 / setuid root): the case script security protects. */
  runsAsRoot: boolean;
  /** Must not be run (not found, not executable, or insecure with enable_script_security). */
  disable: boolean;
}

/** What the check reads from the host: stat(2) and $PATH. */
export type ScriptHost = Pick<HostFacts, 'files' | 'pathEnv'>;
const S_ISUID = 0o4000, S_ISGID = 0o2000, S_ISVTX = 0o1000;

function errText(code: string): string {
  const texts: Record<string, string> = {
    ENOENT: 'No such file or directory', EACCES: 'Permission denied', ENOTDIR: 'Not a directory',
    ELOOP: 'Too many levels of symbolic links', ENAMETOOLONG: 'File name too long',
  };
  return texts[code] ?? code;
}

function isExecutable(st: { uid: number; gid: number; mode: number }, uid: number, gid: number): boolean {
  const m = st.mode;
  return (uid === 0 && (m & 0o111) !== 0)
    || (uid === st.uid && (m & 0o100) !== 0)
    || (uid !== st.uid && ((gid === st.gid && (m & 0o010) !== 0) || (gid !== st.gid && (m & 0o001) !== 0)));
}

export function checkScriptSecurity(
  file: string,
  ids: { uid: number; gid: number },
  host: ScriptHost,
  opts: { enableScriptSecurity: boolean },
): ScriptSecurityResult {
  const stat = (p: string) => host.files.stat(p);
  const messages: string[] = [];
  const res = (status: ScriptSecurityStatus, path: string, runsAsRoot = false): ScriptSecurityResult => ({
    status, path, messages, runsAsRoot,
    disable: status === 'notfound' || status === 'not-executable' || (status === 'insecure' && opts.enableScriptSecurity),
  });

  let path = file;
  if (!file.includes('/')) {
    let found: string | undefined;
    let eacces = false;
    for (const dir of host.pathEnv().split(':')) {
      const cand = `${dir}/${file}`;
      const st = stat(cand);
      if (isHostError(st)) {
        if (st.code === 'EACCES') eacces = true;
        continue;
      }
      if (st.kind === 'file' && isExecutable(st, ids.uid, ids.gid)) { found = cand; break; }
      eacces = true;
    }
    if (!found) {
      messages.push(eacces ? `Permissions failure for script ${file} in path - disabling` : `Cannot find script ${file} in path - disabling`);
      return res('notfound', file);
    }
    messages.push(`WARNING - script \`${file}\` resolved by path search to \`${found}\`. Please specify full path.`);
    path = found;
  }

  const fst = stat(path);
  if (isHostError(fst)) {
    messages.push(`Script ${path} cannot be accessed - ${errText(fst.code)}`);
    return res('notfound', path);
  }
  if (!isExecutable(fst, ids.uid, ids.gid)) {
    messages.push(`WARNING - script '${path}' is not executable for uid:gid ${ids.uid}:${ids.gid} - disabling.`);
    return res('not-executable', path);
  }
  const runsAsRoot = ids.uid === 0 || ids.gid === 0
    || (fst.uid === 0 && (fst.mode & 0o100) !== 0 && (fst.mode & S_ISUID) !== 0)
    || (fst.gid === 0 && (fst.mode & 0o010) !== 0 && (fst.mode & S_ISGID) !== 0);
  if (!runsAsRoot) return res('ok', path, false);

  // Every prefix: "/", "/a", "/a/b", ..., the file itself (consecutive slashes checked once).
  const prefixes: string[] = ['/'];
  const parts = path.split('/').filter((p) => p !== '');
  let acc = '';
  for (const p of parts) { acc += `/${p}`; prefixes.push(acc); }
  if (!path.startsWith('/')) prefixes.shift();
  for (const pre of prefixes) {
    const st = stat(pre);
    if (isHostError(st)) {
      messages.push(`check_script_secure could not find script '${path}'`);
      return res('notfound', path, true);
    }
    const isReg = st.kind === 'file';
    const unsafe = st.uid !== 0
      || ((!(st.mode & S_ISVTX) || isReg) && ((st.gid !== 0 && (st.mode & 0o020) !== 0) || (st.mode & 0o002) !== 0));
    if (unsafe) {
      messages.push(`Unsafe permissions found for script '${path}'${opts.enableScriptSecurity ? ' - disabling' : ''}.`);
      return res('insecure', path, true);
    }
  }
  return res('ok', path, true);
}

/** The file a script runs: argv[0], or for a bare name what keepalived's PATH search finds for `ids`. */
export function resolveScriptFile(file: string, ids: { uid: number; gid: number }, host: ScriptHost): string {
  return file.includes('/') ? file : checkScriptSecurity(file, ids, host, { enableScriptSecurity: false }).path;
}

/** Every script the notify subsystem may run, with where it came from. */
export function notifyScripts(config: KeepalivedConfig): ScriptSpec[] {
  const out: ScriptSpec[] = [];
  const add = (s: ScriptSpec | undefined): void => { if (s) out.push(s); };
  for (const o of [...config.vrrpInstances, ...config.vrrpSyncGroups]) {
    add(o.notifyMaster); add(o.notifyBackup); add(o.notifyFault); add(o.notifyStop); add(o.notify);
    if ('notifyMasterRxLowerPri' in o) { add(o.notifyMasterRxLowerPri); add(o.notifyDeleted?.script); }
  }
  for (const vs of config.virtualServers) {
    add(vs.quorumUp); add(vs.quorumDown);
    for (const rs of vs.realServers) { add(rs.notifyUp); add(rs.notifyDown); }
  }
  for (const f of [config.global.notifyFifo, config.global.vrrpNotifyFifo, config.global.lvsNotifyFifo]) add(f?.script);
  return out;
}

export interface SecurityReport {
  results: Map<ScriptSpec, ScriptSecurityResult>;
  disabled: Set<ScriptSpec>;
  /** Lines to log in order (per-script lines, then the SECURITY VIOLATION line if any). */
  messages: string[];
  /** Scripts exist and enable_script_security is off (keepalived -t exits 6), whichever user runs them. */
  securityViolation: boolean;
}

/** keepalived's name for a script kind in its user/group messages (notify_script_init's `type`). */
function scriptLabels(config: KeepalivedConfig): Map<ScriptSpec, string> {
  const m = new Map<ScriptSpec, string>();
  for (const vs of config.virtualServers) for (const s of [vs.quorumUp, vs.quorumDown]) if (s) m.set(s, 'quorum');
  const g = config.global;
  if (g.notifyFifo?.script) m.set(g.notifyFifo.script, 'notify_fifo');
  if (g.vrrpNotifyFifo?.script) m.set(g.vrrpNotifyFifo.script, 'vrrp_notify_fifo');
  if (g.lvsNotifyFifo?.script) m.set(g.lvsNotifyFifo.script, 'lvs_notify_fifo');
  return m;
}

/** Check a set of scripts as keepalived does at startup (and at -t). */
export function checkAllScripts(
  scripts: ScriptSpec[], config: KeepalivedConfig, host: Pick<HostFacts, 'users' | 'files' | 'pathEnv'>,
): SecurityReport {
  const db = host.users;
  const enable = config.global.enableScriptSecurity;
  const results = new Map<ScriptSpec, ScriptSecurityResult>();
  const disabled = new Set<ScriptSpec>();
  const messages: string[] = [];
  // keepalived reports in two passes: first the access / executable checks of scripts given with a
  // path (at parse time), then PATH searches and the security walk (verified on 2.2.7).
  const late: string[] = [];
  let found = false, insecure = false;
  const labels = scriptLabels(config);
  // The default script user (script_user, else keepalived_script, else root): its lines are logged
  // once, when the first script without a user of its own needs it (2.2.7's get_default_script_user).
  const def = defaultScriptUser(config.global, db);
  let defaultLogged = false;
  for (const s of scripts) {
    if (results.has(s) || disabled.has(s) || s.argv.length === 0) continue;
    const label = labels.get(s) ?? 'notify';
    let ids: ScriptIds;
    if (s.user !== undefined) {
      const r = lookupUser({ user: s.user, group: s.group }, db);
      if (!r.ok) {
        messages.push(r.message, `Invalid user/group for ${label} script ${s.argv[0]} - ignoring`);
        disabled.add(s);
        continue;
      }
      ids = r.ids;
    } else {
      if (!defaultLogged) { defaultLogged = true; messages.push(...(def.ok
        ? (def.message ? [def.message] : []) : def.messages)); }
      if (!def.ok) {
        messages.push(`Failed to set default user for ${label} script ${s.argv[0]} - ignoring`);
        disabled.add(s);
        continue;
      }
      ids = def.ids;
    }
    const r = checkScriptSecurity(s.argv[0]!, ids, host, { enableScriptSecurity: enable });
    results.set(s, r);
    const early = s.argv[0]!.includes('/') && (r.status === 'notfound' || r.status === 'not-executable');
    (early ? messages : late).push(...r.messages);
    if (r.disable) disabled.add(s);
    // 2.2.7 counts every script it could stat (SC_ISSCRIPT), whichever user runs it.
    if (r.status !== 'notfound') found = true;
    if (r.status === 'insecure') insecure = true;
  }
  messages.push(...late);
  const securityViolation = !enable && found;
  if (securityViolation) {
    messages.push(`SECURITY VIOLATION - scripts are being executed but script_security not enabled.${insecure ? ' There are insecure scripts.' : ''}`);
  }
  return { results, disabled, messages, securityViolation };
}
