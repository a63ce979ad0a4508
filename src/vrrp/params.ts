// Derive the FSM parameters of one vrrp_instance from the config model (src/config/model.ts) the
// way keepalived 2.2.7 post-processes an instance: version/auth clean-up, advert_int rounding (v2
// whole seconds, v3 10 ms units), owner (255) rules, nopreempt / preempt_delay vs initial state
// MASTER, GARP defaults from global_defs, tracker weights. Returns the keepalived log lines these
// rules print at start-up. Pure.

import type {
  GlobalDefs, TrackFile, TrackRef, VrrpInstance, VrrpScript, VrrpSyncGroup, VrrpTrackProcess,
} from '../config/model.js';
import type { TrackerParams, VrrpFsmParams } from './fsm-types.js';
import { V3_MAX_ADVER_INT_CS } from './timers.js';

export interface ParamsContext {
  global: GlobalDefs;
  vrrpScripts: readonly VrrpScript[];
  trackFiles: readonly TrackFile[];
  trackProcesses?: readonly VrrpTrackProcess[];
  /** The sync group this instance belongs to, if any. */
  syncGroup?: VrrpSyncGroup;
  /** Our primary address on the instance interface (IPv4 primary / IPv6 link-local); runtime-supplied. */
  primaryAddress: string;
}

export interface DerivedParams {
  params: VrrpFsmParams;
  /** keepalived's start-up lines for the adjustments made (exact text). */
  logs: string[];
}

/** C printf("%f"). */
function f6(x: number): string { return x.toFixed(6); }
function f2(x: number): string { return x.toFixed(2); }

export function deriveFsmParams(inst: VrrpInstance, ctx: ParamsContext): DerivedParams {
  const logs: string[] = [];
  const n = inst.name;
  const g = ctx.global;
  const family = inst.family;
  const version: 2 | 3 = family === 'inet6' ? 3 : inst.version;
  const priority = inst.priority;
  const owner = priority === 255;

  // advert_int
  let advertIntCs: number;
  if (version === 2) {
    let secs = inst.advertInt;
    if (secs >= 256) {
      logs.push(`(${n}) VRRPv2 advertisement interval ${f2(secs)}s is out of range. Must be less than 256s. Setting to 255s`);
      secs = 255;
    }
    if (!Number.isInteger(secs)) {
      logs.push(`(${n}) VRRPv2 advertisement interval ${f6(secs)}s must be an integer. rounding`);
      secs = Math.max(1, Math.round(secs));
    }
    advertIntCs = secs * 100;
  } else {
    let cs = inst.advertInt * 100;
    if (cs > V3_MAX_ADVER_INT_CS) {
      logs.push(`(${n}) VRRPv3 advertisement interval ${f2(inst.advertInt)}s is out of range. Must be less than ${f2((V3_MAX_ADVER_INT_CS + 1) / 100)}s. Setting to ${f2(V3_MAX_ADVER_INT_CS / 100)}s`);
      cs = V3_MAX_ADVER_INT_CS;
    }
    if (Math.abs(cs - Math.round(cs)) > 1e-9) {
      logs.push(`(${n}) VRRPv3 advertisement interval ${f6(inst.advertInt)}s must be in units of 10ms - rounding`);
    }
    advertIntCs = Math.max(1, Math.round(cs));
  }

  // authentication
  let auth: VrrpFsmParams['auth'] = { type: 0 };
  let initialState = inst.state;
  if (inst.authentication) {
    if (version === 3) {
      logs.push(`(${n}) VRRP version 3 does not support authentication. Ignoring.`);
    } else if (inst.authentication.type === 'PASS') {
      auth = inst.authentication.pass !== undefined ? { type: 1, pass: inst.authentication.pass } : { type: 1 };
    } else {
      auth = { type: 2 };
      if (initialState === 'MASTER') {
        logs.push(`(${n}) Initial state master is incompatible with AH authentication - clearing`);
        initialState = 'BACKUP';
      }
    }
  }

  // preemption
  let preempt = !inst.nopreempt;
  let preemptDelayMs = Math.round(inst.preemptDelay * 1000);
  if (owner && !preempt) {
    logs.push(`(${n}) nopreempt is incompatible with priority 255. resetting nopreempt`);
    preempt = true;
  }
  if (!preempt && preemptDelayMs > 0) {
    logs.push(`(${n}) preempt_delay is incompatible with nopreempt mode - resetting`);
    preemptDelayMs = 0;
  }
  if (initialState === 'MASTER' && !owner) {
    if (!preempt) {
      logs.push(`(${n}) Warning - nopreempt will not work with initial state MASTER - clearing`);
      preempt = true;
    }
    if (preemptDelayMs > 0) {
      logs.push(`(${n}) Warning - preempt delay will not work with initial state MASTER - clearing`);
      preemptDelayMs = 0;
    }
  }

  // GARP
  const sec = (x: number | undefined, d: number): number => Math.round((x ?? d) * 1000);
  const masterDelayMs = sec(inst.garpMasterDelay, g.vrrpGarpMasterDelay);
  const masterRepeat = inst.garpMasterRepeat ?? g.vrrpGarpMasterRepeat;
  const garp = {
    masterDelayMs,
    masterRepeat,
    masterRefreshMs: sec(inst.garpMasterRefresh, g.vrrpGarpMasterRefresh),
    masterRefreshRepeat: inst.garpMasterRefreshRepeat ?? g.vrrpGarpMasterRefreshRepeat,
    lowerPrioDelayMs: sec(inst.garpLowerPrioDelay ?? g.vrrpGarpLowerPrioDelay, masterDelayMs / 1000),
    lowerPrioRepeat: inst.garpLowerPrioRepeat ?? g.vrrpGarpLowerPrioRepeat ?? masterRepeat,
  };

  const vips = inst.virtualIpaddress.filter((v) => v.family === family).map((v) => v.address);
  const otherVips = [
    ...inst.virtualIpaddress.filter((v) => v.family !== family),
    ...inst.virtualIpaddressExcluded,
  ].map((v) => v.address);

  const destination = inst.unicastPeer[0]?.address ?? (family === 'inet' ? g.vrrpMcastGroup4 : g.vrrpMcastGroup6);

  const trackers = deriveTrackers(inst, ctx, owner, logs);

  const params: VrrpFsmParams = {
    name: n,
    vrid: inst.virtualRouterId ?? 0,
    version,
    family,
    interface: inst.interface ?? g.defaultInterface,
    priority,
    initialState,
    advertIntCs,
    preempt,
    preemptDelayMs,
    primaryAddress: ctx.primaryAddress,
    destination,
    vips,
    otherVips,
    auth,
    garp,
    downTimerAdverts: 3,
    lowerPrioNoAdvert: inst.lowerPrioNoAdvert,
    higherPrioSendAdvert: inst.higherPrioSendAdvert,
    skipCheckAdvAddr: inst.skipCheckAdvAddr || g.vrrpSkipCheckAdvAddr,
    v3Ipv4PseudoHeader: true,
    dontTrackPrimary: inst.dontTrackPrimary,
    trackers,
    rejectLogPolicy: 'every',
    strict: inst.strictMode || g.vrrpStrict,
    ...(ctx.syncGroup ? { syncGroup: ctx.syncGroup.name } : {}),
    ...(inst.virtualRoutes.length + inst.virtualRules.length > 0 ? { routes: true } : {}),
  };
  return { params, logs };
}

function deriveTrackers(inst: VrrpInstance, ctx: ParamsContext, owner: boolean, logs: string[]): TrackerParams[] {
  const n = inst.name;
  const out: TrackerParams[] = [];
  const seen = new Set<string>();
  const sg = ctx.syncGroup;
  const add = (t: TrackerParams): void => { if (!seen.has(t.id)) { seen.add(t.id); out.push(t); } };

  const ifaceRefs: TrackRef[] = [...inst.trackInterface, ...(sg?.trackInterface ?? [])];
  for (const r of ifaceRefs) {
    if (r.name === inst.interface) {
      logs.push(`(${n}) Ignoring track_interface ${r.name} since own interface`);
      continue;
    }
    let weight = r.weight;
    if (owner && weight !== 0) {
      logs.push(`(${n}) Cannot have weighted track interface '${r.name}' with member having priority 255 - clearing weight`);
      weight = 0;
    }
    add({ id: `interface:${r.name}`, kind: 'interface', weight, reverse: r.reverse, initial: { ok: true } });
  }

  // a tracked virtual route's `dev` and a tracked virtual rule's iif / oif are tracked interfaces too
  // (keepalived's TRACK_ROUTE / TRACK_RULE): down puts the instance in FAULT
  const own = inst.interface ?? ctx.global.defaultInterface;
  const viaRoutes = [...inst.virtualRoutes.flatMap((r) => (r.noTrack || r.dev === undefined ? [] : [r.dev])),
    ...inst.virtualRules.flatMap((r) => (r.noTrack ? [] : [r.iif, r.oif].filter((d): d is string => d !== undefined)))];
  for (const dev of viaRoutes) if (dev !== own) add({ id: `interface:${dev}`, kind: 'interface', weight: 0, reverse: false, initial: { ok: true } });

  for (const r of [...inst.trackScript, ...(sg?.trackScript ?? [])]) {
    const s = ctx.vrrpScripts.find((x) => x.name === r.name);
    if (!s) { logs.push(`(${n}) track script ${r.name} not found, ignoring...`); continue; }
    if (s.insecure) continue;
    const weight = r.weight !== 0 ? r.weight : s.weight;
    const reverse = r.weight !== 0 ? r.reverse : (r.reverse || s.weightReverse);
    if (owner && weight !== 0) {
      logs.push(`(${n}) Cannot have weighted track script '${r.name}' with priority 255`);
      continue;
    }
    add({ id: `script:${r.name}`, kind: 'script', weight, reverse, initial: s.initFail ? { ok: false } : { unknown: true } });
  }

  for (const r of [...inst.trackFile, ...(sg?.trackFile ?? [])]) {
    const f = ctx.trackFiles.find((x) => x.name === r.name);
    if (!f) { logs.push(`(${n}) track file ${r.name} not found, ignoring...`); continue; }
    let weight = r.weight !== 0 ? r.weight : f.weight;
    const reverse = r.weight !== 0 ? r.reverse : (r.reverse || f.reverse);
    if (owner && weight !== 0) {
      logs.push(`(${n}) Cannot have weighted track file '${r.name}' with member having priority 255 - setting weight 0`);
      weight = 0;
    }
    add({ id: `file:${r.name}`, kind: 'file', weight, reverse, initial: { value: f.initFile?.value ?? 0 } });
  }

  for (const r of inst.trackProcess) {
    const pr = ctx.trackProcesses?.find((x) => x.name === r.name);
    if (!pr) { logs.push(`(${n}) track process ${r.name} not found, ignoring...`); continue; }
    let weight = r.weight !== 0 ? r.weight : pr.weight;
    const reverse = r.weight !== 0 ? r.reverse : (r.reverse || pr.reverse);
    if (owner && weight !== 0) {
      logs.push(`(${n}) Cannot have weighted track process '${r.name}' with member having priority 255 - setting weight 0`);
      weight = 0;
    }
    add({ id: `process:${r.name}`, kind: 'process', weight, reverse, initial: { ok: true } });
  }
  return out;
}
