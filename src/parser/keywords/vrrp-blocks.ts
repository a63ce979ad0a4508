// vrrp_script, vrrp_sync_group, track_file and vrrp_track_process keyword tables
// (keepalived/vrrp/vrrp_parser.c, keepalived/trackers/track_file.c).
import { table, type KeywordDef, type KwArgs } from '../schema.js';
import type { SourcePos } from '../../common/diagnostic.js';
import type { VrrpScript, VrrpSyncGroup, TrackFile, VrrpTrackProcess, TrackRef } from '../../config/model.js';
import { bool, explicitWeight, flag, readNum, scriptSpec, trackRef } from './common.js';
import { parseBool, readInt, readUnsigned, readDecimal } from '../values.js';
import { rest } from '../reader.js';
import { lookupUser } from '../../host/users.js';

export interface ScriptCtx { s: VrrpScript; timeoutSet: boolean; endPos?: SourcePos }

export function newScript(name: string): VrrpScript {
  return { name, script: { argv: [], raw: '' }, interval: 1, weight: 0, weightReverse: false, rise: 1, fall: 1, initFail: false };
}

/** rise / fall of a vrrp_script: 1 to INT_MAX; anything else is reported and taken as 1. */
function riseFall(name: 'rise' | 'fall'): KeywordDef<ScriptCtx> {
  return {
    name, priority: 'P0', args: ['uint'], default: 1,
    handle: (c, a) => {
      const t = a.need(1);
      const v = readInt(a, t, 1, 2147483647);
      if (v === undefined) a.error(`(${c.s.name}): vrrp script ${name} value '${t}' invalid, defaulting to 1`);
      c.s[name] = v ?? 1;
    },
  };
}

export const vrrpScriptTable = table('vrrp_script', [
  {
    name: 'script', priority: 'P0', args: ['script'],
    handle: (c: ScriptCtx, a) => { c.s.script = scriptSpec(a); },
  },
  {
    name: 'interval', priority: 'P0', args: ['uint'], default: 1,
    handle: (c: ScriptCtx, a) => {
      const t = a.need(1);
      const v = readUnsigned(a, t, 0, 4294);
      if (v === undefined) { a.error(`(${c.s.name}): vrrp script interval '${t}' must be between 1 and 4294 - ignoring`); return; }
      if (v === 0) { a.error(`(${c.s.name}): vrrp script interval must be greater than 0, setting to 1`); c.s.interval = 1; return; }
      c.s.interval = v;
    },
  },
  {
    name: 'timeout', priority: 'P1', args: ['uint'],
    handle: (c: ScriptCtx, a) => {
      const t = a.need(1);
      const v = readUnsigned(a, t, 1, 4294);
      if (v === undefined) { a.error(`(${c.s.name}): vrrp script timeout '${t}' invalid - ignoring`); return; }
      c.s.timeout = v; c.timeoutSet = true;
    },
  },
  {
    name: 'weight', priority: 'P0', args: ['int', 'word'], default: 0,
    handle: (c: ScriptCtx, a) => {
      const t = a.need(1);
      const v = readInt(a, t, -253, 253);
      if (v === undefined) { a.error(`vrrp_script ${c.s.name} weight ${t} must be in [-253, 253]`); return; }
      c.s.weight = v;
      const r = a.opt(2);
      if (r === 'reverse') c.s.weightReverse = true;
      else if (r === 'noreverse') c.s.weightReverse = false;
      else if (r !== undefined) a.error(`vrrp_script ${c.s.name} unknown weight option ${r}`);
    },
  },
  riseFall('rise'),
  riseFall('fall'),
  {
    name: 'user', priority: 'P1', args: ['word', 'word'],
    handle: (c: ScriptCtx, a) => {
      // Names only, as getpwnam/getgrnam see them (`u:g`, `:g` and numeric ids are unknown names).
      const user = a.need(1); const g = a.opt(2);
      const r = lookupUser(g === undefined ? { user } : { user, group: g }, a.host.users);
      if (!r.ok) {
        a.error(`Unable to set uid/gid for script ${cmdStr(c.s.script.argv)}`);
        badUserScripts.add(c.s);  // 2.2.7 removes the vrrp_script at its end
        return;
      }
      badUserScripts.delete(c.s);
      c.s.user = g ? { user, group: g } : { user };
    },
  },
  flag<ScriptCtx>('init_fail', (c) => { c.s.initFail = true; }, 'P2'),
]);

/** End of a vrrp_script block; keepalived reports a missing `script` at the closing brace. */
export function closeScript(c: ScriptCtx, a: KwArgs): void {
  if (!c.timeoutSet) c.s.timeout = undefined;
  scriptEndPos.set(c.s, a.pos());
}

/** Where each vrrp_script block ended (for the end-of-parse "No script set" message). */
export const scriptEndPos = new WeakMap<VrrpScript, SourcePos>();

/** vrrp_scripts whose `user` did not resolve: validation removes them (2.2.7 frees them at their end). */
export const badUserScripts = new WeakSet<VrrpScript>();

/** keepalived's cmd_str(): every word in single quotes, space separated. */
export function cmdStr(argv: readonly string[]): string {
  return argv.map((w) => `'${w}'`).join(' ');
}

export interface SyncCtx { g: VrrpSyncGroup; trackProcesses: VrrpTrackProcess[] }

export function newSyncGroup(name: string): VrrpSyncGroup {
  return { name, group: [], trackInterface: [], trackScript: [], trackFile: [], trackProcess: [],
    trackingWeight: false, extra: {} };
}

const sgNotify = (name: string, field: 'notifyMaster' | 'notifyBackup' | 'notifyFault' | 'notifyStop' | 'notify', prio: 'P0' | 'P1'): KeywordDef<SyncCtx> => ({
  name, priority: prio, args: ['script'],
  handle: (c, a) => {
    if (c.g[field]) { a.error(`vrrp group ${c.g.name}: ${name} script already specified - ignoring ${rest(a.words, 1).join(' ')}`); return; }
    c.g[field] = scriptSpec(a);
  },
});

const sgTrack = (name: string, field: 'trackInterface' | 'trackScript' | 'trackFile', what: string, min: number, max: number): KeywordDef<SyncCtx> => ({
  name, priority: 'P2', block: 'lines',
  item: (c, a) => { const t: TrackRef | undefined = trackRef(a, min, max, what, c.g.name); if (t) c.g[field].push(t); },
});

export const syncGroupTable = table('vrrp_sync_group', [
  { name: 'group', priority: 'P0', block: 'words', item: (c: SyncCtx, a) => { c.g.group.push(a.need(0)); } },
  sgNotify('notify_master', 'notifyMaster', 'P0'), sgNotify('notify_backup', 'notifyBackup', 'P0'), sgNotify('notify_fault', 'notifyFault', 'P0'),
  sgNotify('notify_stop', 'notifyStop', 'P1'), sgNotify('notify', 'notify', 'P1'),
  bool<SyncCtx>('smtp_alert', (c, v) => { c.g.smtpAlert = v; }, 'P1', undefined, (t) => `Invalid vrrp_group smtp_alert parameter ${t}`),
  sgTrack('track_interface', 'trackInterface', 'interface', -254, 254),
  sgTrack('track_script', 'trackScript', 'script', -253, 253),
  sgTrack('track_file', 'trackFile', 'file', -254, 254),
  { name: 'track_process', priority: 'P1', block: 'lines', item: (c: SyncCtx, a) => trackProcessRef(a, c.g.name, c.trackProcesses, c.g.trackProcess) },
  { name: 'track_bfd', priority: 'P2', block: 'lines', item: (c: SyncCtx, a) => { (c.g.extra['track_bfd'] ??= []).push(...rest(a.words, 0)); } },
  {
    name: 'global_tracking', priority: 'P1', args: ['none'],
    handle: (c: SyncCtx, a) => {
      a.error(`(${c.g.name}) global_tracking is deprecated. Use track_interface/script/file on the sync group`);
      c.g.trackingWeight = true;
    },
  },
  { name: 'sync_group_tracking_weight', priority: 'P1', args: ['none'], handle: (c: SyncCtx) => { c.g.trackingWeight = true; } },
  {
    name: 'notify_priority_changes', priority: 'P1', args: ['bool'],
    handle: (c: SyncCtx, a) => {
      const t = a.opt(1);
      const v = t === undefined ? true : parseBool(t);
      if (v === undefined) { a.error(`(${c.g.name}) Invalid value '${t}' for sync group notify_priority_changes specified`); return; }
      c.g.notifyPriorityChanges = v;
    },
  },
]);

export interface TrackFileCtx { t: TrackFile }

export const trackFileTable = table('track_file', [
  { name: 'file', priority: 'P1', args: ['string'], handle: (c: TrackFileCtx, a) => { c.t.file = a.need(1); } },
  {
    name: 'weight', priority: 'P1', args: ['int', 'word'], default: 1,
    handle: (c: TrackFileCtx, a) => {
      const t = a.need(1);
      const v = readInt(a, t, -254, 254, false);
      if (v === undefined) { a.error(`Weight (${t}) for track_file ${c.t.name} must be between [-254..254] inclusive. Ignoring...`); return; }
      c.t.weight = v;
      if (a.opt(2) === 'reverse') c.t.reverse = true;
    },
  },
  {
    name: 'init_file', priority: 'P1', args: ['int', 'word'],
    handle: (c: TrackFileCtx, a) => {
      const f: NonNullable<TrackFile['initFile']> = { overwrite: false };
      for (let i = 1; i < a.size; i++) {
        const w = a.opt(i)!.trimStart();
        if (/^[0-9-]/.test(w)) {
          const v = readInt(a, w, -2147483648, 2147483647, false);
          if (v === undefined) { a.error(`Track file ${c.t.name} init value ${w} is invalid`); f.value = 0; continue; }
          if (v < -254 || v > 254) a.error(`Track file ${c.t.name} init value ${v} is outside sensible range [-254, 254]`);
          f.value = v;
        } else if (w === 'overwrite') f.overwrite = true;
        else a.error(`Unknown track file init option ${w}`);
      }
      c.t.initFile = f;
    },
  },
]);

export interface ProcCtx { p: VrrpTrackProcess; weightSet?: boolean }

export function newTrackProcess(name: string): VrrpTrackProcess {
  return { name, process: [], weight: 0, reverse: false, quorum: 1, fullCommand: false };
}

const QUORUM_MAX_UNSET = 0xffffffff;

/** delay / terminate_delay / fork_delay (keepalived's vrrp_tprocess_delay_general). */
function procDelay(name: 'delay' | 'terminate_delay' | 'fork_delay'): KeywordDef<ProcCtx> {
  return {
    name, priority: 'P1', args: ['timer'],
    handle: (c, a) => {
      const t = a.need(1);
      const v = readDecimal(a, t, 0.000001, 3600);
      if (v === undefined) { a.error(`${name} (${t}) for vrrp_track_process ${c.p.name} must be between [0.000001..3600] inclusive. Ignoring...`); return; }
      if (name !== 'fork_delay') c.p.terminateDelay = v;
      if (name !== 'terminate_delay') c.p.forkDelay = v;
    },
  };
}

export const trackProcessTable = table('vrrp_track_process', [
  {
    name: 'process', priority: 'P1', args: ['string', 'rest'],
    handle: (c: ProcCtx, a) => {
      const words = rest(a.words, 1);
      if (c.p.process.length) { a.error(`Process already set for track process ${c.p.name} - ignoring ${words[0] ?? ''}`); return; }
      a.need(1);
      c.p.process = words;
      // parameters: compared exactly unless param_match says otherwise, against the command line
      if (words.length > 1) { c.p.paramMatch ??= 'exact'; c.p.fullCommand = true; }
    },
  },
  {
    name: 'param_match', priority: 'P1', args: ['word'],
    handle: (c: ProcCtx, a) => {
      const v = a.opt(1);
      if (v === undefined) c.p.paramMatch = 'exact';
      else if (v === 'initial' || v === 'partial') c.p.paramMatch = v;
      else { a.error(`Invalid param_match type ${v} - ignoring`); return; }
      c.p.fullCommand = true;
    },
  },
  {
    name: 'weight', priority: 'P1', args: ['int', 'word'],
    handle: (c: ProcCtx, a) => {
      const t = a.opt(1);
      if (t === undefined) { a.error(`No weight specified for track process ${c.p.name} - ignoring`); return; }
      if (c.p.weight) { a.error(`Weight already set for track process ${c.p.name} - ignoring ${t}`); return; }
      const v = readInt(a, t, -254, 254);
      if (v === undefined) { a.error(`Weight (${t}) for vrrp_track_process ${c.p.name} must be between [-254..254] inclusive. Ignoring...`); return; }
      const o = a.opt(2);
      if (o === 'reverse') c.p.reverse = true;
      else if (o !== undefined) a.error(`vrrp_track_process ${c.p.name} unknown weight option ${o}`);
      c.p.weight = v;
    },
  },
  {
    name: 'quorum', priority: 'P1', args: ['uint'], default: 1,
    handle: (c: ProcCtx, a) => {
      const v = readNum(a, { kind: 'uint', min: 1, max: 65535, msg: (t) => `Quorum (${t}) for vrrp_track_process ${c.p.name} must be between [1..65535] inclusive. Ignoring...` });
      if (v === undefined) return;
      if (v > (c.p.quorumMax ?? QUORUM_MAX_UNSET)) { a.error('Quorum is greater than quorum_max - ignoring'); return; }
      c.p.quorum = v;
    },
  },
  {
    name: 'quorum_max', priority: 'P1', args: ['uint'],
    handle: (c: ProcCtx, a) => {
      const v = readNum(a, { kind: 'uint', min: 0, max: 65535, msg: (t) => `quorum_max (${t}) for vrrp_track_process ${c.p.name} must be between [0..65535] inclusive. Ignoring...` });
      if (v === undefined) return;
      // quorum_max 0 (the process must not run) is allowed while quorum was not raised
      if ((v || c.p.quorum > 1) && v < c.p.quorum) { a.error('quorum_max is less than quorum - ignoring'); return; }
      c.p.quorumMax = v;
      if (v === 0) c.p.quorum = 0;
      else if (!c.p.quorum) c.p.quorum = 1;
    },
  },
  procDelay('delay'), procDelay('terminate_delay'), procDelay('fork_delay'),
  flag<ProcCtx>('full_command', (c) => { c.p.fullCommand = true; }, 'P1'),
]);

/** End of a vrrp_track_process block: one without `process` is dropped. */
export function closeTrackProcess(c: ProcCtx, a: KwArgs, all: VrrpTrackProcess[]): void {
  if (c.p.process.length) return;
  a.error(`track process '${c.p.name}' process name not specified`);
  all.splice(all.indexOf(c.p), 1);
}

/**
 * A track_process entry of a vrrp_instance or vrrp_sync_group (keepalived's alloc_track_process):
 * NAME [weight N [reverse|noreverse]], resolved at once against the vrrp_track_process blocks
 * defined so far; the entry takes the block's weight unless it gives one.
 */
export function trackProcessRef(a: KwArgs, owner: string, known: readonly VrrpTrackProcess[], refs: TrackRef[]): void {
  const name = a.need(0);
  const p = known.find((x) => x.name === name);
  if (!p) { a.error(`(${owner}) track process ${name} not found, ignoring...`); return; }
  if (refs.some((r) => r.name === name)) { a.error(`(${owner}) duplicate track_process ${name} - ignoring`); return; }
  let weight = p.weight;
  let reverse = p.reverse;
  if (a.size >= 2) {
    if (a.opt(1) !== 'weight') { a.error(`(${owner}) unknown track process option ${a.opt(1)!} - ignoring`); return; }
    if (a.size === 2) { a.error(`(${owner}) weight without value specified for track process ${name} - ignoring`); return; }
    const v = readInt(a, a.opt(2)!, -254, 254);
    if (v === undefined) a.error(`(${owner}) weight for track process ${name} must be in [-254..254] inclusive. Ignoring...`);
    else weight = v;
    const o = a.opt(3);
    if (o === 'reverse') reverse = true;
    else if (o === 'noreverse') reverse = false;
    else if (o !== undefined) a.error(`(${owner}) unknown track_process ${name} weight option ${o} - ignoring`);
  }
  const ref: TrackRef = { name, weight, reverse, pos: a.pos(0) };
  explicitWeight.add(ref);
  refs.push(ref);
}
