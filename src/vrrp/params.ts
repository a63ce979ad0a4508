// Derive the FSM parameters of one vrrp_instance from the config model (src/config/model.ts).
// The parser completed the model the way keepalived 2.2.7's vrrp_complete_instance does, and
// reported its lines (src/parser/validate-vrrp.ts: strict mode, authentication, advert_int
// rounding, owner and preemption rules, GARP / advert / down-timer / notify defaults, sync-group
// and owner tracker weights): this module only translates that model, and logs only what 2.2.7
// logs at start-up and not under -t (unicast_fault_no_peer going to FAULT, a track_process on both an
// instance and its sync group). Pure.

import type {
  GlobalDefs, TrackFile, TrackRef, VrrpInstance, VrrpScript, VrrpSyncGroup, VrrpTrackProcess,
} from '../config/model.js';
import { trackerKey, type TrackerParams, type VrrpFsmParams } from './fsm-types.js';
import { blocksVips } from './firewall/settings.js';
import { DEFAULT_DOWN_TIMER_ADVERTS } from './timers.js';
import { isLinkLocal6, parseIp } from './addr.js';

export interface ParamsContext {
  global: GlobalDefs;
  vrrpScripts: readonly VrrpScript[];
  trackFiles: readonly TrackFile[];
  trackProcesses?: readonly VrrpTrackProcess[];
  /** The sync group this instance belongs to, if any. */
  syncGroup?: VrrpSyncGroup;
  /** Our primary address on the instance interface (IPv4 primary / IPv6 link-local); runtime-supplied. */
  primaryAddress: string;
  /** The daemon runs with -V or -X (VrrpFsmParams.releaseVipsAlways). */
  releaseVipsAlways?: boolean;
  /** The interfaces this instance tracks through track_group blocks (src/vrrp/track-groups.ts). */
  groupInterfaces?: readonly string[];
}

export interface DerivedParams {
  params: VrrpFsmParams;
  /** keepalived's start-up lines for the adjustments made (exact text). */
  logs: string[];
}

/**
 * GARPs after a lower-priority advert (garp_lower_prio_delay / _repeat) of a completed instance
 * (the parser filled them in: the global vrrp_garp_lower_prio_*, else vrrp_garp_master_*; none in
 * strict mode). Also read by the dumps.
 */
export function lowerPrioGarp(inst: VrrpInstance, g: GlobalDefs): { delayS: number; repeat: number } {
  return { delayS: inst.garpLowerPrioDelay ?? g.vrrpGarpMasterDelay,
    repeat: inst.garpLowerPrioRepeat ?? g.vrrpGarpMasterRepeat };
}

export function deriveFsmParams(inst: VrrpInstance, ctx: ParamsContext): DerivedParams {
  const logs: string[] = [];
  const n = inst.name;
  const g = ctx.global;
  const family = inst.family;

  // advert_int: whole seconds (v2) / 10 ms units (v3) once completed
  const advertIntCs = Math.max(1, Math.round(inst.advertInt * 100));

  let auth: VrrpFsmParams['auth'] = { type: 0 };
  if (inst.authentication?.type === 'PASS') auth = inst.authentication.pass !== undefined ? { type: 1, pass: inst.authentication.pass } : { type: 1 };
  else if (inst.authentication?.type === 'AH') auth = { type: 2 };

  const sec = (x: number | undefined, d: number): number => Math.round((x ?? d) * 1000);
  const lower = lowerPrioGarp(inst, g);
  const garp = {
    masterDelayMs: sec(inst.garpMasterDelay, g.vrrpGarpMasterDelay),
    masterRepeat: inst.garpMasterRepeat ?? g.vrrpGarpMasterRepeat,
    masterRefreshMs: sec(inst.garpMasterRefresh, g.vrrpGarpMasterRefresh),
    masterRefreshRepeat: inst.garpMasterRefreshRepeat ?? g.vrrpGarpMasterRefreshRepeat,
    lowerPrioDelayMs: Math.round(lower.delayS * 1000),
    lowerPrioRepeat: lower.repeat,
  };

  const vips = inst.virtualIpaddress.filter((v) => v.family === family).map((v) => v.address);
  const otherVips = [
    ...inst.virtualIpaddress.filter((v) => v.family !== family),
    ...inst.virtualIpaddressExcluded,
  ].map((v) => v.address);

  const unicastPeers = inst.unicastPeer.map((p) => ({ address: p.address, minTtl: p.minTtl ?? 0,
    maxTtl: p.maxTtl ?? 255 }));
  // RFC 5798 §5.2.9: the first IPv6 address in an advert is link-local. Strict mode refuses it at parse
  // time (validate-vrrp.ts); otherwise keepalived 2.2.7 only logs this at start-up (log_message, not -t).
  const first6 = family === 'inet6' && unicastPeers.length === 0 && !inst.strictMode ? parseIp(vips[0] ?? '', 'inet6') : undefined;
  if (first6 && !isLinkLocal6(first6)) logs.push(`(${n}) the first IPv6 VIP address should be link local`);
  // (the parser dropped mcast_dst_ip of a unicast instance)
  const destination = unicastPeers[0]?.address ?? inst.mcastDstIp ?? (family === 'inet' ? g.vrrpMcastGroup4 : g.vrrpMcastGroup6);
  let configFault: VrrpFsmParams['configFault'];
  if (unicastPeers.length === 0 && inst.unicastFaultNoPeer) {
    // keepalived 2.2.7 logs this at start-up (log_message), not under -t
    logs.push(`(${n}) Cannot use unicast without any peers - going to fault state`);
    configFault = 'unicastNoPeer';
  }
  // use_ipvlan on IPv4 without an address (the parse's "setting instance to fault state")
  if (inst.useIpvlan && family === 'inet' && !inst.useIpvlan.address) configFault = 'ipvlanNoAddress';

  const params: VrrpFsmParams = {
    name: n,
    vrid: inst.virtualRouterId ?? 0,
    version: inst.version,
    family,
    interface: inst.interface ?? g.defaultInterface,
    priority: inst.priority,
    initialState: inst.state,
    advertIntCs,
    preempt: !inst.nopreempt,
    preemptDelayMs: Math.round(inst.preemptDelay * 1000),
    primaryAddress: ctx.primaryAddress,
    destination,
    vips,
    otherVips,
    auth,
    garp,
    downTimerAdverts: inst.downTimerAdverts ?? DEFAULT_DOWN_TIMER_ADVERTS,
    lowerPrioNoAdvert: inst.lowerPrioNoAdvert ?? false,
    higherPrioSendAdvert: inst.higherPrioSendAdvert ?? false,
    skipCheckAdvAddr: inst.skipCheckAdvAddr || g.vrrpSkipCheckAdvAddr,
    v3Ipv4PseudoHeader: true,
    dontTrackPrimary: inst.dontTrackPrimary,
    ...(ctx.releaseVipsAlways ? { releaseVipsAlways: true } : {}),
    trackers: deriveTrackers(inst, ctx, logs),
    rejectLogPolicy: 'every',
    strict: inst.strictMode ?? false,
    unicastPeers,
    checkUnicastSrc: unicastPeers.length > 0 && (inst.checkUnicastSrc || g.vrrpCheckUnicastSrc),
    notifyPriorityChanges: inst.notifyPriorityChanges ?? false,
    notifyDeleted: inst.notifyDeleted !== undefined,
    unicastChecksum: inst.oldUnicastChecksum === 'config' ? 'group' : inst.oldUnicastChecksum === 'never' ? 'never' : 'peer',
    mcastGroup4: g.vrrpMcastGroup4,
    fifoWriteStateOnReload: g.fifoWriteVrrpStatesOnReload,
    ...(configFault ? { configFault } : {}),
    firewall: blocksVips(inst, g),
    ...(ctx.syncGroup ? { syncGroup: ctx.syncGroup.name } : {}),
    ...(inst.virtualRoutes.length + inst.virtualRules.length > 0 ? { routes: true } : {}),
  };
  return { params, logs };
}

/**
 * The instance's trackers and its sync group's. The parser reported and removed references to
 * objects that do not exist and the instance's own interface, resolved each reference's weight,
 * and applied the sync-group and address-owner weight rules.
 */
function deriveTrackers(inst: VrrpInstance, ctx: ParamsContext, logs: string[]): TrackerParams[] {
  const n = inst.name;
  const out: TrackerParams[] = [];
  const seen = new Set<string>();
  const sg = ctx.syncGroup;
  const add = (t: TrackerParams): void => { const k = trackerKey(t); if (!seen.has(k)) { seen.add(k); out.push(t); } };

  const ifaceRefs: TrackRef[] = [...inst.trackInterface, ...(sg?.trackInterface ?? [])];
  for (const r of ifaceRefs) {
    if (r.name === inst.interface) continue; // tracked as the instance's own interface already
    add({ kind: 'interface', name: r.name, weight: r.weight, reverse: r.reverse, initial: { ok: true } });
  }

  // a tracked virtual route's `dev` and a tracked virtual rule's iif / oif are tracked interfaces too
  // (keepalived's TRACK_ROUTE / TRACK_RULE): down puts the instance in FAULT
  const own = inst.interface ?? ctx.global.defaultInterface;
  const viaRoutes = [...inst.virtualRoutes.flatMap((r) => (r.noTrack || r.dev === undefined ? [] : [r.dev])),
    ...inst.virtualRules.flatMap((r) => (r.noTrack ? [] : [r.iif, r.oif].filter((d): d is string => d !== undefined)))];
  for (const dev of viaRoutes) if (dev !== own) add({ kind: 'interface', name: dev, weight: 0, reverse: false, initial: { ok: true } });
  // track_group: the interfaces of the static addresses, routes and rules naming a group the instance is in
  for (const dev of ctx.groupInterfaces ?? []) if (dev !== own) add({ kind: 'interface', name: dev, weight: 0, reverse: false, initial: { ok: true } });

  for (const r of [...inst.trackScript, ...(sg?.trackScript ?? [])]) {
    const s = ctx.vrrpScripts.find((x) => x.name === r.name);
    if (!s || s.insecure) continue;
    add({ kind: 'script', name: r.name, weight: r.weight, reverse: r.reverse, initial: s.initFail ? { ok: false } : { unknown: true } });
  }
  for (const r of [...inst.trackFile, ...(sg?.trackFile ?? [])]) {
    const f = ctx.trackFiles.find((x) => x.name === r.name);
    if (!f) continue;
    add({ kind: 'file', name: r.name, weight: r.weight, reverse: r.reverse, initial: { value: f.initFile?.value ?? 0 } });
  }

  // track_process: the instance's own entries, then the sync group's (keepalived's add_vrrp_to_track_process:
  // one also on the instance keeps the instance's entry, with the group's weight unless it was unweighted)
  const procs: TrackerParams[] = [];
  const procEntry = (r: TrackRef, group: boolean): void => {
    // unknown processes were dropped by the parser; a sync group's weights with an owner member were
    // cleared by completion (validate-vrrp.ts), and on an owner itself a weight has no effect (track.ts)
    if (!ctx.trackProcesses?.some((x) => x.name === r.name)) return;
    const weight = r.weight;
    const mine = procs.find((t) => t.name === r.name);
    if (!mine) { procs.push({ kind: 'process', name: r.name, weight, reverse: r.reverse, initial: { ok: true } }); return; }
    if (!group) return;
    logs.push(`(${n}) track_process ${r.name} is configured on VRRP instance and sync group. Remove vrrp instance config`);
    if (mine.weight) mine.weight = weight;
  };
  for (const r of inst.trackProcess) procEntry(r, false);
  for (const r of sg?.trackProcess ?? []) procEntry(r, true);
  procs.forEach(add);
  return out;
}
