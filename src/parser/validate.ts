// End-of-parse checks, in keepalived 2.2.7's wording and order (checker child, then vrrp child):
// virtual-server defaults and sanity (no scheduler/method/protocol, zero port, no real servers, DR
// port mismatch), vrrp instance checks (VRID set, VIPs, duplicate VRID per interface+family, AH with
// MASTER), sync groups naming missing instances, track_script naming undefined scripts, script
// security (exit 6) and our own cross-object checks (severity 'info': they never change the exit
// code keepalived would give, but name both places).
import { existsSync } from 'node:fs';
import type { KeepalivedConfig, VirtualServer, VrrpInstance, ScriptSpec, TrackRef } from '../config/model.js';
import type { SourcePos, Severity } from '../common/diagnostic.js';
import type { ParseDiagnostic, Proc, PrefixStyle } from './reader.js';
import { checkScriptSecurity } from '../notify/script-security.js';
import { badUserScripts, cmdStr, scriptEndPos } from './keywords/vrrp-blocks.js';
import { miscUserPos } from './keywords/checkers.js';
import { explicitWeight } from './keywords/common.js';
import { trackScriptWeightText, unicastKeyword } from './keywords/vrrp-instance.js';
import { defaultScriptUser, lookupUser, scriptIds, systemUserDb, type UserDb } from '../host/users.js';

export interface ValidateOptions {
  /** Interfaces that exist (keepalived -t checks them); undefined = skip interface checks. */
  interfaces?: ReadonlySet<string>;
  /** The parse already referenced a missing interface ("Non-existent interface specified"). */
  missingInterface: boolean;
  /** Per-item `set` markers recorded by the tables (which VS keywords were given). */
  vsSet: Map<VirtualServer, Set<string>>;
  userDb?: UserDb;
  /** Skip the script-security stat() checks (unit tests). */
  skipScriptSecurity?: boolean;
}

class Sink {
  out: ParseDiagnostic[] = [];
  constructor(public proc: Proc) {}
  add(message: string, opts: { severity?: Severity; code?: string; pos?: SourcePos; prefix?: PrefixStyle; related?: SourcePos[] } = {}): void {
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

function checkVirtualServers(cfg: KeepalivedConfig, o: ValidateOptions, s: Sink): void {
  const groups = new Map(cfg.virtualServerGroups.map((g) => [g.name, g]));
  const keep: VirtualServer[] = [];
  for (const vs of cfg.virtualServers) {
    const set = o.vsSet.get(vs) ?? new Set<string>();
    if (vs.vs.kind === 'group' && !groups.has(vs.vs.group)) {
      s.add(`Virtual server group ${vs.vs.group} specified by virtual_server at ${fmt(vs.pos)} is not defined`, { severity: 'info', code: 'KPB_VSG_UNDEFINED', pos: vs.pos });
    }
    if (vs.vs.kind === 'fwmark') {
      if (set.has('protocol')) s.add(`Warning: Virtual server ${vsName(vs)}: protocol specified for fwmark - protocol will be ignored`);
    } else if (!set.has('protocol')) {
      s.add(`Virtual server ${vsName(vs, false)}: no protocol set - defaulting to UDP`);
      vs.protocol = 'UDP';
    }
    if (vs.vs.kind === 'ip' && vs.vs.port === 0 && vs.persistenceTimeout === undefined) {
      s.add(`Virtual server ${vsName(vs)}: zero port only valid for persistent services - setting`);
      vs.persistenceTimeout = 360;
    }
    if (!set.has('sched')) s.add(`Virtual server ${vsName(vs)}: no scheduler set, setting default 'wlc'`);
    if (!set.has('method')) s.add(`Virtual server ${vsName(vs)}: no forwarding method set, setting default NAT`);
    if (vs.ops && vs.protocol !== 'UDP') {
      s.add(`Virtual server ${vsName(vs)}: one packet scheduling requires UDP - resetting`);
      vs.ops = false;
    }
    if (vs.realServers.length === 0) {
      s.add(`Virtual server ${vsName(vs)} has no real servers - ignoring`);
      continue;
    }
    const total = vs.realServers.reduce((n, rs) => n + rs.weight, 0);
    if (vs.quorum > total) {
      s.add(`Warning - quorum ${vs.quorum} for ${vsName(vs)} exceeds total weight of real servers ${total}, reducing quorum to ${total}`);
      vs.quorum = total;
    }
    if (vs.hysteresis >= vs.quorum) {
      const h = vs.quorum === 0 ? 4294967295 : vs.quorum - 1;
      s.add(`Virtual server ${vsName(vs)}: hysteresis ${vs.hysteresis} >= quorum ${vs.quorum}; setting hysteresis to ${h}`);
      vs.hysteresis = h;
    }
    const seenRs = new Set<string>();
    vs.realServers = vs.realServers.filter((rs) => {
      const k = `${rs.address}/${rs.port}`;
      if (!seenRs.has(k)) { seenRs.add(k); return true; }
      s.add(`VS ${vsName(vs)}: real server [${rs.address}]:${vs.protocol.toLowerCase()}:${rs.port} is duplicated - removing second rs`);
      return false;
    });
    for (const rs of vs.realServers) {
      const method = rs.lvsMethod ?? vs.lbKind;
      if (vs.vs.kind === 'ip' && vs.vs.port !== 0 && rs.port !== vs.vs.port && method !== 'NAT') {
        s.add(`WARNING - virtual server ${vsName(vs)} and real server [${rs.address}]:${vs.protocol.toLowerCase()}:${rs.port} ports don't match - resetting`);
        rs.port = vs.vs.port;
      }
      if (rs.port === 0 && vs.vs.kind === 'ip') rs.port = vs.vs.port;
    }
    keep.push(vs);
  }
  cfg.virtualServers = keep;
}

function fmt(p: SourcePos | undefined): string { return p ? `${p.file}:${p.line}:${p.col}` : '?'; }

const fam = (vi: VrrpInstance): string => (vi.family === 'inet6' ? 'IPv6' : 'IPv4');

function allScripts(cfg: KeepalivedConfig, trackedOnly: Set<string>): { spec: ScriptSpec; kind: 'track'; name: string }[] {
  return cfg.vrrpScripts.filter((v) => trackedOnly.has(v.name)).map((v) => ({ spec: v.script, kind: 'track' as const, name: v.name }));
}

export function notifyScriptsOf(cfg: KeepalivedConfig): ScriptSpec[] {
  const out: ScriptSpec[] = [];
  const add = (x: ScriptSpec | undefined): void => { if (x && x.argv.length) out.push(x); };
  for (const o of [...cfg.vrrpInstances, ...cfg.vrrpSyncGroups]) { add(o.notifyMaster); add(o.notifyBackup); add(o.notifyFault); add(o.notifyStop); add(o.notify); }
  for (const vi of cfg.vrrpInstances) add(vi.notifyMasterRxLowerPri);
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
  const db = o.userDb ?? systemUserDb();
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
  const db = o.userDb ?? systemUserDb();
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
  const procs = new Set(cfg.trackProcesses.map((t) => t.name));
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
      s.add(`(${vi.name}) Ignoring track_interface ${r.name} since own interface`);
      return false;
    });
    vi.trackFile = filter(vi.name, vi.trackFile, files, 'file');
    vi.trackProcess = filter(vi.name, vi.trackProcess, procs, 'process');
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
  const db = o.userDb ?? systemUserDb();
  const g = cfg.global;
  const disabled = new Set<string>();
  const isCountedScript = (spec: ScriptSpec, user?: { user: string; group?: string }): boolean => {
    const ids = scriptIds(user ? { user: user.user, group: user.group } : spec, g, db);
    if (!ids) return false;
    const r = checkScriptSecurity(spec.argv[0]!, ids, { enableScriptSecurity: g.enableScriptSecurity });
    // 2.2.7 counts every script it can stat (SC_ISSCRIPT), whichever user runs it; a script that
    // is not there is no violation.
    if (r.status === 'notfound' || r.status === 'not-executable') return false;
    return true;
  };
  // vrrp side (only when keepalived would start its vrrp process): every vrrp_script (used or
  // not), then notify scripts.
  let vrrpRoot = false;
  for (const v of cfg.vrrpInstances.length ? cfg.vrrpScripts : []) {
    const ids = scriptIds(v.user ? { user: v.user.user, group: v.user.group } : v.script, g, db);
    if (!ids) continue;
    const r = checkScriptSecurity(v.script.argv[0]!, ids, { enableScriptSecurity: g.enableScriptSecurity });
    if (r.status === 'notfound' || r.status === 'not-executable') {
      // keepalived -t only reports (and disables) these when script security is on.
      if (g.enableScriptSecurity) { vr.add(`Disabling track script ${v.name} since not found/accessible`); disabled.add(v.name); }
      continue;
    }
    if (r.status === 'insecure' && g.enableScriptSecurity) { vr.add(`Disabling track script ${v.name} due to insecure`); v.insecure = true; disabled.add(v.name); continue; }
    vrrpRoot = true;  // any script found (see isCountedScript)
  }
  const vrrpNotify: ScriptSpec[] = [];
  const add = (x: ScriptSpec | undefined, to: ScriptSpec[]): void => { if (x && x.argv.length) to.push(x); };
  for (const oo of [...cfg.vrrpInstances, ...cfg.vrrpSyncGroups]) { add(oo.notifyMaster, vrrpNotify); add(oo.notifyBackup, vrrpNotify); add(oo.notifyFault, vrrpNotify); add(oo.notifyStop, vrrpNotify); add(oo.notify, vrrpNotify); }
  for (const vi of cfg.vrrpInstances) add(vi.notifyMasterRxLowerPri, vrrpNotify);
  add(cfg.global.vrrpNotifyFifo?.script, vrrpNotify); add(cfg.global.notifyFifo?.script, vrrpNotify);
  for (const spec of vrrpNotify) if (isCountedScript(spec)) vrrpRoot = true;
  if (!g.enableScriptSecurity && vrrpRoot) {
    vr.add('SECURITY VIOLATION - scripts are being executed but script_security not enabled.', { severity: 'security', code: 'KA_SCRIPT_SECURITY' });
  }
  if (disabled.size) for (const vi of cfg.vrrpInstances) vi.trackScript = vi.trackScript.filter((r) => !disabled.has(r.name));
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
  const procs = new Map(cfg.trackProcesses.map((v) => [v.name, v]));
  for (const o of [...cfg.vrrpInstances, ...cfg.vrrpSyncGroups]) {
    for (const r of o.trackScript) if (!explicitWeight.has(r)) { const v = scripts.get(r.name); if (v) { r.weight = v.weight; r.reverse = v.weightReverse; } }
    for (const r of o.trackFile) if (!explicitWeight.has(r)) { const v = files.get(r.name); if (v) { r.weight = v.weight; r.reverse = v.reverse; } }
  }
  for (const vi of cfg.vrrpInstances) for (const r of vi.trackProcess) if (!explicitWeight.has(r)) { const v = procs.get(r.name); if (v) { r.weight = v.weight; r.reverse = v.reverse; } }
}

function checkVrrp(cfg: KeepalivedConfig, o: ValidateOptions, s: Sink): void {
  const names0 = new Set(cfg.vrrpInstances.map((v) => v.name));
  const inGroup = new Map<string, string>();
  for (const sg of cfg.vrrpSyncGroups) for (const n of sg.group) {
    if (!names0.has(n)) continue;
    const prev = inGroup.get(n);
    if (prev) s.add(`Virtual router ${n} cannot exist in more than one sync group; it is in ${prev} and ${sg.name}`, { severity: 'info', code: 'KPB_SYNC_DUP', pos: sg.pos });
    else inGroup.set(n, sg.name);
  }
  const seen = new Map<string, VrrpInstance>();
  const kept: VrrpInstance[] = [];
  for (const vi of cfg.vrrpInstances) {
    // 2.2.7 does not fall back to default_interface here.
    if (vi.interface === undefined) { s.add(`(${vi.name}) Unknown interface!`); continue; }
    if (vi.virtualRouterId === undefined) { s.add(`(${vi.name}) the virtual router id must be set`); continue; }
    if (vi.virtualIpaddress.length === 0 && !vi.noVirtualIpaddress) s.add(`(${vi.name}) No VIP specified; at least one is sensible`);
    if (unicastKeyword.has(vi) && vi.unicastPeer.length === 0) {
      s.add(`(${vi.name}) A unicast keyword has been specified without any unicast peers. Defaulting to multicast. This usage is deprecated - please update your configuration.`);
    }
    if (vi.version === 2 && !Number.isInteger(vi.advertInt)) {
      s.add(`(${vi.name}) VRRPv2 advertisement interval ${vi.advertInt.toFixed(6)}s must be an integer. rounding`);
      vi.advertInt = Math.max(1, Math.round(vi.advertInt));
    }
    if (vi.nopreempt && vi.preemptDelay) {
      s.add(`(${vi.name}) preempt_delay is incompatible with nopreempt mode - resetting`);
      vi.preemptDelay = 0;
    }
    if (vi.preemptDelay && vi.state === 'MASTER') {
      s.add(`(${vi.name}) Warning - preempt delay will not work with initial state MASTER - clearing`);
      vi.preemptDelay = 0;
    }
    const sg = inGroup.get(vi.name);
    if (sg && !cfg.vrrpSyncGroups.find((x) => x.name === sg)?.extra['sync_group_tracking_weight']) {
      for (const r of vi.trackInterface) if (r.weight) { s.add(`(${vi.name}) ignoring ${r.name} tracked interface weight due to SYNC group`); r.weight = 0; }
      for (const r of vi.trackScript) if (r.weight) { s.add(`(${vi.name}) ignoring tracked script ${r.name} with weights due to SYNC group`); r.weight = 0; }
      for (const r of vi.trackFile) if (r.weight) { s.add(`(${vi.name}) ignoring tracked file ${r.name} with weight ${r.weight} due to SYNC group`); r.weight = 0; }
    }
    if (vi.authentication?.type === 'AH' && vi.state === 'MASTER' && vi.priority !== 255) {
      s.add(`(${vi.name}) Initial state master is incompatible with AH authentication - clearing`);
      vi.state = 'BACKUP';
    }
    if (vi.authentication && !vi.authentication.pass) {
      s.add(`(${vi.name}) Authentication specified but no password given. Ignoring`);
      delete vi.authentication;
    } else if (vi.authentication && !vi.authentication.type) {
      delete vi.authentication;
    }
    const key = `${vi.interface}/${vi.family}/${vi.virtualRouterId}`;
    const prev = seen.get(key);
    if (prev) {
      s.add(`${prev.name} and ${vi.name} both use VRID ${vi.virtualRouterId} with ${fam(vi)} on interface ${vi.interface}`, {
        code: 'KA_DUP_VRID', pos: vi.pos, related: prev.pos ? [prev.pos] : undefined,
      });
      s.add(`vrrp_instance ${vi.name} (${fmt(vi.pos)}) uses VRID ${vi.virtualRouterId} on ${vi.interface} (${fam(vi)}), already used by vrrp_instance ${prev.name} (${fmt(prev.pos)})`, {
        severity: 'info', code: 'KPB_DUP_VRID', pos: vi.pos, related: prev.pos ? [prev.pos] : undefined,
      });
    } else seen.set(key, vi);
    kept.push(vi);
  }
  cfg.vrrpInstances = kept;
  // Sync groups, against the instances that survived (keepalived checks them after the instances).
  const member = new Set<string>();
  const names = new Map(cfg.vrrpInstances.map((v) => [v.name, v]));
  // Sync groups.
  cfg.vrrpSyncGroups = cfg.vrrpSyncGroups.filter((sg) => {
    if (sg.group.length === 0) { s.add(`Sync group ${sg.name} has no virtual router(s). removing`); return false; }
    const found: string[] = [];
    for (const n of sg.group) {
      if (names.has(n) && member.has(n)) { s.add(`Virtual router ${n} cannot exist in more than one sync group; ignoring ${sg.name}`); continue; }
      if (names.has(n)) { found.push(n); member.add(n); }
      else {
        s.add(`Virtual router ${n} specified in sync group ${sg.name} doesn't exist - ignoring`, { related: sg.pos ? [sg.pos] : undefined });
        const near = [...names.keys()].filter((x) => x.toLowerCase() === n.toLowerCase());
        s.add(`vrrp_sync_group ${sg.name} (${fmt(sg.pos)}) names ${n}, but no vrrp_instance ${n} is defined${near.length ? ` (did you mean ${near.join(', ')} at ${near.map((x) => fmt(names.get(x)!.pos)).join(', ')}?)` : ''}`, {
          severity: 'info', code: 'KPB_SYNC_MISSING', pos: sg.pos,
        });
      }
    }
    if (found.length === 0) { s.add(`Sync group ${sg.name}, no matching virtual router found in group declaration - removing`); return false; }
    if (found.length === 1) s.add(`Sync group ${sg.name} has only 1 virtual router(s) - this probably isn't what you want`);
    sg.group = found;
    return true;
  });
}

/** Runs every end-of-parse check; mutates `cfg` the way keepalived's init does (defaults, removals). */
export function validateConfig(cfg: KeepalivedConfig, o: ValidateOptions): ParseDiagnostic[] {
  const ck = new Sink('checker');
  checkVirtualServers(cfg, o, ck);
  checkMiscUsers(cfg, o, ck);
  const vr = new Sink('vrrp');
  checkScripts(cfg, o, vr);
  const used = checkTracks(cfg, vr);
  if (o.missingInterface) {
    vr.add('Non-existent interface specified in configuration', { code: 'KA_NO_INTERFACE' });
    // keepalived -t stops here; still normalise the model (drop unusable instances) silently.
    resolveTrackWeights(cfg);
    checkVrrp(cfg, o, new Sink('vrrp'));
    return [...ck.out, ...vr.out];
  }
  checkSecurity(cfg, used, o, vr, ck);
  resolveTrackWeights(cfg);
  checkVrrp(cfg, o, vr);
  return [...ck.out, ...vr.out];
}

/** Interfaces that exist in this network namespace (/sys/class/net). */
export function existingInterfaces(sysClassNet = '/sys/class/net'): Set<string> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return new Set(readdirNames(sysClassNet));
  } catch { return new Set(); }
}

import { readdirSync } from 'node:fs';
function readdirNames(p: string): string[] { return existsSync(p) ? readdirSync(p) : []; }
