// End-of-parse checks, in keepalived 2.2.7's wording and order (checker child, then vrrp child):
// virtual-server defaults and sanity (no scheduler/method/protocol, zero port, no real servers, DR
// port mismatch), vrrp instance checks (VRID set, VIPs, duplicate VRID per interface+family, AH with
// MASTER), sync groups naming missing instances, track_script naming undefined scripts, script
// security (exit 6) and our own cross-object checks (severity 'info': they never change the exit
// code keepalived would give, but name both places). Users and script files come from the host's
// facts (ValidateOptions.host), never from the system directly.
import type { KeepalivedConfig, RealServer, VirtualServer, ScriptSpec, TrackRef } from '../config/model.js';
import { rsWeightGiven } from './keywords/lvs.js';
import type { DiagCode, SourcePos, Severity } from '../common/diagnostic.js';
import type { ParseDiagnostic, Proc, PrefixStyle } from './reader.js';
import { checkScriptSecurity } from '../host/script-security.js';
import type { HostFacts } from '../host/facts.js';
import { badUserScripts, cmdStr, scriptEndPos } from './keywords/vrrp-blocks.js';
import { miscUserPos } from './keywords/checkers.js';
import { explicitWeight } from './keywords/common.js';
import { trackScriptWeightText } from './keywords/vrrp-instance.js';
import { checkVrrp } from './validate-vrrp.js';
import { resolveSyncdInterfaces } from './keywords/lvs-syncd.js';
import { defaultScriptUser, lookupUser, scriptIds } from '../host/users.js';

export interface ValidateOptions {
  /** Interfaces that exist (keepalived -t checks them); undefined = skip interface checks. */
  interfaces?: ReadonlySet<string>;
  /** The parse already referenced a missing interface ("Non-existent interface specified"). */
  missingInterface: boolean;
  /** Per-item `set` markers recorded by the tables (which VS keywords were given). */
  vsSet: Map<VirtualServer, Set<string>>;
  /** Users and script files (script_user, `user`, script security). */
  host: HostFacts;
  /** Skip the script-security stat() checks (unit tests). */
  skipScriptSecurity?: boolean;
}

class Sink {
  out: ParseDiagnostic[] = [];
  constructor(public proc: Proc) {}
  add(message: string, opts: { severity?: Severity; code?: DiagCode; pos?: SourcePos; prefix?: PrefixStyle;
      related?: SourcePos[] } = {}): void {
    this.out.push({
      severity: opts.severity ?? 'error', code: opts.code ?? 'KA_CFG_ERROR', message, pos: opts.pos,
      prefix: opts.prefix ?? 'none', proc: this.proc, related: opts.related,
    });
  }
}

export function vsName(vs: VirtualServer, protoSet = true): string {
  const a = vs.vs;
  if (a.kind === 'fwmark') return `FWM ${a.fwmark}`;
  const proto = protoSet ? vs.protocol.toLowerCase() : 'none';
  if (a.kind === 'group') return `[${a.group}]:0`;
  return `[${a.address}]:${proto}:${a.port}`;
}

/** validate_check_config (check_data.c), in its order: each virtual server, then its real servers. */
function checkVirtualServers(cfg: KeepalivedConfig, o: ValidateOptions, s: Sink): void {
  const groups = new Map(cfg.virtualServerGroups.map((g) => [g.name, g]));
  const keep: VirtualServer[] = [];
  for (const vs of cfg.virtualServers) {
    const set = o.vsSet.get(vs) ?? new Set<string>();
    const group = vs.vs.kind === 'group' ? groups.get(vs.vs.group) : undefined;
    if (vs.vs.kind === 'group' && !group) {
      s.add(`Virtual server group ${vs.vs.group} specified by virtual_server at ${fmt(vs.pos)} is not defined`, { severity: 'info', code: 'KPB_VSG_UNDEFINED', pos: vs.pos });
    }
    const name = (): string => vsName(vs, set.has('protocol'));
    // printed without a line, as 2.2.7's end-of-parse checks; the position is ours (-t's [file:line:col])
    const at = { pos: vs.pos };
    if (vs.realServers.length === 0) { s.add(`Virtual server ${name()} has no real servers - ignoring`, at); continue; }
    const groupRanges = group?.entries.filter((e) => e.kind === 'range') ?? [];
    const groupMarks = group?.entries.filter((e) => e.kind === 'fwmark') ?? [];
    const fwmarkOnly = vs.vs.kind === 'fwmark' || (!!group && groupRanges.length === 0 && groupMarks.length > 0);
    if (vs.haSuspend && (vs.vs.kind === 'fwmark' || groupMarks.length > 0)) {
      s.add(`Virtual server ${name()}: cannot use ha_suspend with fwmarks - clearing ha_suspend`, at);
      vs.haSuspend = false;
    }
    if (groupRanges.length > 0 || vs.vs.kind === 'ip') {
      if (!set.has('protocol')) { s.add(`Virtual server ${name()}: no protocol set - defaulting to UDP`, at); vs.protocol = 'UDP'; set.add('protocol'); }
      if (vs.ops && vs.protocol !== 'UDP') { s.add(`Virtual server ${name()}: one packet scheduling requires UDP - resetting`, at); vs.ops = false; }
      if (vs.persistenceTimeout === undefined && vs.vs.kind === 'ip' && vs.vs.port === 0) {
        s.add(`Virtual server ${name()}: zero port only valid for persistent services - setting`, at);
        vs.persistenceTimeout = 360;
      }
    }
    if (vs.persistenceTimeout === undefined && groupRanges.some((e) => e.kind === 'range' && e.port === 0)) {
      s.add(`Virtual server ${name()}: zero port only valid for persistent services - setting`, at);
      vs.persistenceTimeout = 360;
    }
    if (set.has('protocol') && fwmarkOnly) s.add(`Warning: Virtual server ${name()}: protocol specified for fwmark - protocol will be ignored`, at);
    if (!set.has('sched')) s.add(`Virtual server ${name()}: no scheduler set, setting default 'wlc'`, at);
    const rsText = (rs: RealServer): string => `[${rs.address}]:${set.has('protocol') ? vs.protocol.toLowerCase() : 'none'}:${rs.port}`;
    let methodSet = set.has('method');
    const noMethod = (): void => { if (!methodSet) { s.add(`Virtual server ${name()}: no forwarding method set, setting default NAT`, at); methodSet = true; } };
    const seenRs = new Set<string>();
    let total = 0;
    vs.realServers = vs.realServers.filter((rs) => {
      const k = `${rs.address}/${rs.port}`;
      if (seenRs.has(k)) { s.add(`VS ${name()}: real server ${rsText(rs)} is duplicated - removing second rs`, { pos: rs.pos ?? vs.pos }); return false; }
      seenRs.add(k);
      if (rs.lvsMethod === undefined) noMethod();
      if (!rsWeightGiven.has(rs)) rs.weight = vs.weight;
      total += rs.weight;
      const ss = vs.sorryServer;
      if (ss && ss.address === rs.address && ss.port === rs.port
          && !!ss.inhibit !== !!(rs.inhibitOnFailure ?? vs.inhibitOnFailure)) {
        const inhibit = !!(rs.inhibitOnFailure ?? vs.inhibitOnFailure);
        s.add(`Virtual server ${name()}: real server ${rsText(rs)} matches sorry server, but inhibit setting differs, ${inhibit ? 'sett' : 'clear'}ing on sorry server`, at);
        ss.inhibit = inhibit;
      }
      return true;
    });
    if (vs.sorryServer && vs.sorryServer.lvsMethod === undefined) noMethod();
    if (vs.quorum > total) {
      s.add(`Warning - quorum ${vs.quorum} for ${name()} exceeds total weight of real servers ${total}, reducing quorum to ${total}`, at);
      vs.quorum = total;
    }
    if (vs.hysteresis >= vs.quorum) {
      const h = vs.quorum === 0 ? 4294967295 : vs.quorum - 1;
      s.add(`Virtual server ${name()}: hysteresis ${vs.hysteresis} >= quorum ${vs.quorum}; setting hysteresis to ${h}`, at);
      vs.hysteresis = h;
    }
    checkPorts(vs, groupMarks.length > 0, name, rsText, s, at);
    keep.push(vs);
  }
  cfg.virtualServers = keep;
}

/** Unless NAT, real (and sorry) servers take the virtual server's port; with fwmarks no port. */
function checkPorts(vs: VirtualServer, groupMarks: boolean, name: () => string, rsText: (rs: RealServer) => string,
    s: Sink, at: { pos?: SourcePos }): void {
  const a = vs.vs;
  const ss = vs.sorryServer;
  if (a.kind === 'group') {
    if (!groupMarks) return;
    for (const rs of vs.realServers) {
      if ((rs.lvsMethod ?? vs.lbKind) !== 'NAT' && rs.port) s.add(`WARNING - fwmark virtual server ${name()}, real server ${rsText(rs)} has port specified - port will be ignored`, at);
    }
    if (ss && (ss.lvsMethod ?? vs.lbKind) !== 'NAT' && ss.port) s.add(`WARNING - fwmark virtual server ${name()}, sorry server has port specified - port will be ignored`, at);
    return;
  }
  for (const rs of vs.realServers) {
    if ((rs.lvsMethod ?? vs.lbKind) === 'NAT') { if (a.kind === 'ip' && !rs.port) rs.port = a.port; continue; }
    if (a.kind === 'fwmark') {
      if (rs.port) { s.add(`WARNING - fwmark virtual server ${name()}, real server ${rsText(rs)} has port specified - clearing`, at); rs.port = 0; }
    } else if (!rs.port) rs.port = a.port;
    else if (rs.port !== a.port) {
      s.add(`WARNING - virtual server ${name()} and real server ${rsText(rs)} ports don't match - resetting`, at);
      rs.port = a.port;
    }
  }
  if (ss && (ss.lvsMethod ?? vs.lbKind) !== 'NAT') {
    if (a.kind === 'fwmark') {
      if (ss.port) { s.add(`WARNING - virtual server ${name()}, sorry server has port specified - clearing`, at); ss.port = 0; }
    } else if (!ss.port) ss.port = a.port;
    else if (ss.port !== a.port) {
      s.add(`WARNING - virtual server ${name()} and sorry server ports don't match - resetting`, at);
      ss.port = a.port;
    }
  }
}

function fmt(p: SourcePos | undefined): string { return p ? `${p.file}:${p.line}:${p.col}` : '?'; }

function allScripts(cfg: KeepalivedConfig, trackedOnly: Set<string>): { spec: ScriptSpec; kind: 'track'; name: string }[] {
  return cfg.vrrpScripts.filter((v) => trackedOnly.has(v.name)).map((v) => ({ spec: v.script, kind: 'track' as const, name: v.name }));
}

export function notifyScriptsOf(cfg: KeepalivedConfig): ScriptSpec[] {
  const out: ScriptSpec[] = [];
  const add = (x: ScriptSpec | undefined): void => { if (x && x.argv.length) out.push(x); };
  for (const o of [...cfg.vrrpInstances, ...cfg.vrrpSyncGroups]) { add(o.notifyMaster); add(o.notifyBackup);
    add(o.notifyFault); add(o.notifyStop); add(o.notify); }
  for (const vi of cfg.vrrpInstances) { add(vi.notifyMasterRxLowerPri); add(vi.notifyDeleted?.script); }
  for (const vs of cfg.virtualServers) {
    add(vs.quorumUp); add(vs.quorumDown);
    for (const rs of vs.realServers) {
      add(rs.notifyUp); add(rs.notifyDown);
      for (const ck of rs.checkers) if (ck.type === 'MISC_CHECK') add(ck.miscPath);
    }
  }
  for (const f of [cfg.global.notifyFifo, cfg.global.vrrpNotifyFifo, cfg.global.lvsNotifyFifo]) add(f?.script);
  return out;
}

function checkScripts(cfg: KeepalivedConfig, o: ValidateOptions, s: Sink): void {
  const db = o.host.users;
  const g = cfg.global;
  // vrrp_script without a script is removed at its end handler.
  cfg.vrrpScripts = cfg.vrrpScripts.filter((v) => {
    if (v.script.argv.length === 0) { s.add(`No script set for vrrp_script ${v.name} - removing`, { pos: scriptEndPos.get(v) ?? v.pos, prefix: 'file' }); return false; }
    return true;
  });
  // A vrrp_script whose own `user` did not resolve goes (its error was reported at that line).
  cfg.vrrpScripts = cfg.vrrpScripts.filter((v) => !badUserScripts.has(v));
  // Without a user of its own a script takes the default user: script_user, else keepalived_script
  // (with enable_script_security that must exist), else root. When that fails the script goes.
  const def = defaultScriptUser(g, db);
  if (!def.ok) {
    cfg.vrrpScripts = cfg.vrrpScripts.filter((v) => {
      if (v.user) return true;
      if (!g.scriptUser) s.add('Unable to set default user keepalived_script for script', { pos: v.script.pos ?? v.pos, prefix: 'file' });
      s.add(`Unable to set default user for vrrp script ${v.name} - removing`, { pos: g.scriptUser ? scriptEndPos.get(v) ?? v.pos : v.script.pos ?? v.pos, prefix: 'file' });
      return false;
    });
  }
}

/** MISC_CHECKs whose user (or the default user) does not resolve are removed, as 2.2.7 does. */
function checkMiscUsers(cfg: KeepalivedConfig, o: ValidateOptions, s: Sink): void {
  const db = o.host.users;
  const def = defaultScriptUser(cfg.global, db);
  for (const vs of cfg.virtualServers) {
    for (const rs of vs.realServers) {
      rs.checkers = rs.checkers.filter((c) => {
        if (c.type !== 'MISC_CHECK' || c.miscPath.argv.length === 0) return true;
        if (c.user) {
          if (lookupUser(c.user, db).ok) return true;
          s.add(`Failed to set uid/gid for misc checker script ${cmdStr(c.miscPath.argv)} - removing`, { pos: miscUserPos.get(c), prefix: 'file' });
          return false;
        }
        if (def.ok) return true;
        s.add(`Unable to set default user for misc script ${cmdStr(c.miscPath.argv)} - removing`, { pos: c.miscPath.pos, prefix: 'file' });
        return false;
      });
    }
  }
}

function checkTracks(cfg: KeepalivedConfig, s: Sink): Set<string> {
  const scripts = new Set(cfg.vrrpScripts.map((v) => v.name));
  const files = new Set(cfg.trackFiles.map((t) => t.name));
  const used = new Set<string>();
  const filter = (owner: string, refs: TrackRef[], known: Set<string>, what: string): TrackRef[] => refs.filter((r) => {
    if (known.has(r.name)) { if (what === 'script') used.add(r.name); return true; }
    s.add(`(${owner}) track ${what} ${r.name} not found, ignoring...`, { pos: r.pos, prefix: 'file', code: 'KA_TRACK_NOT_FOUND' });
    const defined = what === 'script' ? cfg.vrrpScripts : what === 'file' ? cfg.trackFiles : cfg.trackProcesses;
    s.add(`track_${what} ${r.name} in ${owner} (${fmt(r.pos)}) names no ${what === 'script' ? 'vrrp_script' : what === 'file' ? 'track_file' : 'vrrp_track_process'}` +
      (defined.length ? `; defined: ${defined.map((d) => `${d.name} (${fmt(d.pos)})`).join(', ')}` : '; none is defined'), { severity: 'info', code: 'KPB_TRACK_UNDEFINED', pos: r.pos });
    return false;
  });
  for (const vi of cfg.vrrpInstances) {
    vi.trackScript = filter(vi.name, vi.trackScript, scripts, 'script').filter((r) => {
      const t = trackScriptWeightText.get(r);
      if (t === undefined) return true;
      const at = { pos: r.pos, prefix: 'file' as const };
      const ok = /^\s*[+-]?\d+$/.test(t);
      const v = ok ? Number.parseInt(t, 10) : NaN;
      if (!ok) s.add(`invalid number '${t}'`, at);
      else if (v < -254 || v > 254) s.add(`number '${t}' outside range [-254, 254]`, at);
      if (!ok || v < -253 || v > 253) { s.add(`(${vi.name}) track script ${r.name}: weight must be between [-253..253] inclusive, ignoring...`, at); return false; }
      r.weight = v; explicitWeight.add(r);
      return true;
    });
    vi.trackInterface = vi.trackInterface.filter((r) => {
      if (r.name !== vi.interface) return true;
      s.add(`(${vi.name}) Ignoring track_interface ${r.name} since own interface`, { pos: r.pos });
      return false;
    });
    vi.trackFile = filter(vi.name, vi.trackFile, files, 'file');
  }
  for (const sg of cfg.vrrpSyncGroups) {
    sg.trackScript = filter(sg.name, sg.trackScript, scripts, 'script');
    sg.trackFile = filter(sg.name, sg.trackFile, files, 'file');
  }
  return used;
}

function checkSecurity(cfg: KeepalivedConfig, used: Set<string>, o: ValidateOptions, vr: Sink, ck: Sink): void {
  if (o.skipScriptSecurity) return;
  void used;
  const db = o.host.users;
  const g = cfg.global;
  const disabled = new Set<string>();
  const isCountedScript = (spec: ScriptSpec, user?: { user: string; group?: string }): boolean => {
    const ids = scriptIds(user ? { user: user.user, group: user.group } : spec, g, db);
    if (!ids) return false;
    const r = checkScriptSecurity(spec.argv[0]!, ids, o.host, { enableScriptSecurity: g.enableScriptSecurity });
    // 2.2.7 counts every script it can stat (SC_ISSCRIPT), whichever user runs it; a script that
    // is not there is no violation.
    if (r.status === 'notfound' || r.status === 'not-executable') return false;
    return true;
  };
  // vrrp side (only when keepalived would start its vrrp process): every vrrp_script (used or
  // not), then notify scripts.
  let vrrpRoot = false;
  for (const v of cfg.vrrpInstances.length ? cfg.vrrpScripts : []) {
    // "</path" opens a file instead of running a program: nothing to check (keepalived's SC_SYSTEM).
    if (/^<\s*\//.test(v.script.argv[0] ?? '')) continue;
    const ids = scriptIds(v.user ? { user: v.user.user, group: v.user.group } : v.script, g, db);
    if (!ids) continue;
    const r = checkScriptSecurity(v.script.argv[0]!, ids, o.host, { enableScriptSecurity: g.enableScriptSecurity });
    // A script that cannot be found is reported (and disabled) with or without script security
    // (2.2.7, measured: test/corpus/realworld/k8s-apiserver.conf); one that is not executable is
    // disabled silently.
    if (r.status === 'notfound') { vr.add(`Disabling track script ${v.name} since not found/accessible`, { pos: v.pos }); disabled.add(v.name); continue; }
    if (r.status === 'not-executable') { disabled.add(v.name); continue; }
    if (r.status === 'insecure' && g.enableScriptSecurity) { vr.add(`Disabling track script ${v.name} due to insecure`, { pos: v.pos }); v.insecure = true; disabled.add(v.name); continue; }
    vrrpRoot = true;  // any script found (see isCountedScript)
  }
  const vrrpNotify: ScriptSpec[] = [];
  const add = (x: ScriptSpec | undefined, to: ScriptSpec[]): void => { if (x && x.argv.length) to.push(x); };
  for (const oo of [...cfg.vrrpInstances, ...cfg.vrrpSyncGroups]) { add(oo.notifyMaster, vrrpNotify);
    add(oo.notifyBackup, vrrpNotify); add(oo.notifyFault, vrrpNotify); add(oo.notifyStop, vrrpNotify);
    add(oo.notify, vrrpNotify); }
  for (const vi of cfg.vrrpInstances) add(vi.notifyMasterRxLowerPri, vrrpNotify);
  add(cfg.global.vrrpNotifyFifo?.script, vrrpNotify); add(cfg.global.notifyFifo?.script, vrrpNotify);
  for (const spec of vrrpNotify) if (isCountedScript(spec)) vrrpRoot = true;
  if (!g.enableScriptSecurity && vrrpRoot) {
    vr.add('SECURITY VIOLATION - scripts are being executed but script_security not enabled.', { severity: 'security', code: 'KA_SCRIPT_SECURITY' });
  }
  if (disabled.size) for (const vi of cfg.vrrpInstances) vi.trackScript =
    vi.trackScript.filter((r) => !disabled.has(r.name));
  // checker side: MISC_CHECK, notify_up/down, quorum_up/down, lvs fifo script.
  const ckScripts: { spec: ScriptSpec; user?: { user: string; group?: string } }[] = [];
  for (const vs of cfg.virtualServers) {
    if (vs.quorumUp?.argv.length) ckScripts.push({ spec: vs.quorumUp });
    if (vs.quorumDown?.argv.length) ckScripts.push({ spec: vs.quorumDown });
    for (const rs of vs.realServers) {
      if (rs.notifyUp?.argv.length) ckScripts.push({ spec: rs.notifyUp });
      if (rs.notifyDown?.argv.length) ckScripts.push({ spec: rs.notifyDown });
      for (const c of rs.checkers) if (c.type === 'MISC_CHECK' && c.miscPath.argv.length) ckScripts.push({ spec: c.miscPath, user: c.user });
    }
  }
  if (cfg.global.lvsNotifyFifo?.script?.argv.length) ckScripts.push({ spec: cfg.global.lvsNotifyFifo.script });
  if (!g.enableScriptSecurity && cfg.virtualServers.length && ckScripts.some((x) => isCountedScript(x.spec, x.user))) {
    ck.add('SECURITY VIOLATION - check scripts are being executed but script_security not enabled.', { severity: 'security', code: 'KA_SCRIPT_SECURITY' });
  }
}

/** Track references without their own weight take the tracked object's weight (and reverse). */
function resolveTrackWeights(cfg: KeepalivedConfig): void {
  const scripts = new Map(cfg.vrrpScripts.map((v) => [v.name, v]));
  const files = new Map(cfg.trackFiles.map((v) => [v.name, v]));
  for (const o of [...cfg.vrrpInstances, ...cfg.vrrpSyncGroups]) {
    for (const r of o.trackScript) if (!explicitWeight.has(r)) { const v = scripts.get(r.name);
      if (v) { r.weight = v.weight; r.reverse = v.weightReverse; } }
    for (const r of o.trackFile) if (!explicitWeight.has(r)) { const v = files.get(r.name);
      if (v) { r.weight = v.weight; r.reverse = v.reverse; } }
  }
}

/** Runs every end-of-parse check; mutates `cfg` the way keepalived's init does (defaults, removals). */
export function validateConfig(cfg: KeepalivedConfig, o: ValidateOptions): ParseDiagnostic[] {
  // the parent checks its start/shutdown scripts before the children's checks
  const parent = new Sink('parent');
  checkStartStopSecurity(cfg, o, parent);
  const ck = new Sink('checker');
  checkVirtualServers(cfg, o, ck);
  checkMiscUsers(cfg, o, ck);
  const vr = new Sink('vrrp');
  resolveSyncdInterfaces(cfg, (message, pos) => vr.add(message, { pos, prefix: 'file' }));
  checkScripts(cfg, o, vr);
  const used = checkTracks(cfg, vr);
  if (o.missingInterface) {
    vr.add('Non-existent interface specified in configuration', { code: 'KA_NO_INTERFACE' });
    // keepalived -t stops here; still normalise the model (drop unusable instances) silently.
    resolveTrackWeights(cfg);
    checkVrrp(cfg, new Sink('vrrp'));
    return [...parent.out, ...ck.out, ...vr.out];
  }
  checkSecurity(cfg, used, o, vr, ck);
  resolveTrackWeights(cfg);
  checkVrrp(cfg, vr);
  return [...parent.out, ...ck.out, ...vr.out];
}

/** The parent's startup_script / shutdown_script: 2.2.7's SECURITY VIOLATION when script_security is off. */
function checkStartStopSecurity(cfg: KeepalivedConfig, o: ValidateOptions, s: Sink): void {
  const g = cfg.global;
  if (o.skipScriptSecurity || g.enableScriptSecurity) return;
  const db = o.host.users;
  const counted = [g.startupScript, g.shutdownScript].some((spec) => {
    if (!spec?.argv.length) return false;
    const ids = scriptIds(spec, g, db);
    if (!ids) return false;
    const r = checkScriptSecurity(spec.argv[0]!, ids, o.host, { enableScriptSecurity: false });
    return r.status !== 'notfound' && r.status !== 'not-executable';
  });
  if (counted) s.add('SECURITY VIOLATION - start/shutdown scripts are being executed but script_security not enabled.', { severity: 'security', code: 'KA_SCRIPT_SECURITY' });
}

