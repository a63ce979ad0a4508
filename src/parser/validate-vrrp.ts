// End-of-parse checks of the VRRP instances and sync groups, in keepalived 2.2.7's wording and
// order (vrrp.c vrrp_complete_init): the minimum configuration of every instance, the sync groups'
// members, then each instance completed in turn (strict mode, VIPs, state and priority,
// authentication, unicast, VMAC, preemption, GARP and advert defaults, tracking weights in sync
// groups or of an address owner), duplicate VRIDs, the sync groups' own trackers. keepalived stops
// at the first instance it cannot use (later ones are not reported); we report the same lines,
// but keep normalising the model as before so the daemon still runs what it can. The model is
// left as keepalived leaves it: strict mode resolved, accept, down_timer_adverts,
// notify_priority_changes and the lower/higher priority advert and GARP options defaulted, what
// strict mode refuses cleared. This is the one place these rules are applied: the VRRP runtime
// (src/vrrp/params.ts) reads the completed model and logs only what needs run-time facts.
import type { GlobalDefs, KeepalivedConfig, TrackRef, VrrpInstance } from '../config/model.js';
import type { DiagCode, SourcePos, Severity } from '../common/diagnostic.js';
import type { ParseDiagnostic, Proc, PrefixStyle } from './reader.js';
import { keywordsGiven, unicastKeyword, v2WithIpv6 } from './keywords/vrrp-instance.js';
import { isLinkLocal6, parseIpv6 } from '../vrrp/addr.js';
import { DEFAULT_DOWN_TIMER_ADVERTS } from '../vrrp/timers.js';

export interface VrrpSink {
  add(message: string, opts?: { severity?: Severity; code?: DiagCode; pos?: SourcePos; prefix?: PrefixStyle;
    related?: SourcePos[] }): void;
  readonly proc: Proc;
}

const OWNER = 255;
const linkLocal = (a: string): boolean => { const b = parseIpv6(a); return !!b && isLinkLocal6(b); };
const fmt = (p: SourcePos | undefined): string => (p ? `${p.file}:${p.line}:${p.col}` : '?');
const fam = (vi: VrrpInstance): string => (vi.family === 'inet6' ? 'IPv6' : 'IPv4');
/** C printf("%f") / ("%.2f"). */
const f6 = (x: number): string => x.toFixed(6);
const f2 = (x: number): string => x.toFixed(2);

/**
 * Reports in keepalived's order and stops reporting after an instance keepalived cannot use
 * (vrrp_complete_init returns false there: nothing more is printed).
 */
class Reporter {
  stopped = false;
  /** Where the object being checked was declared: our `[file:line:col]` (keepalived prints no place). */
  at: SourcePos | undefined;
  constructor(private readonly s: VrrpSink) {}
  say(message: string, opts?: Parameters<VrrpSink['add']>[1]): void { if (!this.stopped) this.s.add(message, { pos: this.at, ...opts }); }
  /** Our own notes (severity info) are not keepalived's: always given. */
  note(message: string, opts: Parameters<VrrpSink['add']>[1]): void { this.s.add(message, opts); }
  stop(message: string): void { this.say(message); this.stopped = true; }
}

export function checkVrrp(cfg: KeepalivedConfig, s: VrrpSink): void {
  const r = new Reporter(s);
  const g = cfg.global;
  // Minimum configuration (chk_min_cfg): the virtual router id, then an interface.
  const usable = cfg.vrrpInstances.filter((vi) => {
    r.at = vi.pos;
    // 2.2.7 does not fall back to default_interface here.
    if (vi.virtualRouterId === undefined) { r.stop(`(${vi.name}) the virtual router id must be set`); return false; }
    if (vi.interface === undefined) { r.stop(`(${vi.name}) Unknown interface!`); return false; }
    return true;
  });
  cfg.vrrpInstances = usable;
  const groupOf = setSyncGroups(cfg, r);
  for (const vi of cfg.vrrpInstances) { r.at = vi.pos; completeInstance(vi, g, groupOf.get(vi.name), r); }
  checkVridConflicts(cfg, r);
  syncGroupTrackers(cfg, groupOf, r);
  if (r.stopped) cfg.vrrpUnusable = true;
}

type Group = KeepalivedConfig['vrrpSyncGroups'][number];

/** vrrp_sync_set_group: members that exist and are in no other group; empty groups removed. */
function setSyncGroups(cfg: KeepalivedConfig, r: Reporter): Map<string, Group> {
  const byName = new Map(cfg.vrrpInstances.map((v) => [v.name, v]));
  const groupOf = new Map<string, Group>();
  // Our note naming both groups of an instance listed twice.
  const firstGroup = new Map<string, Group>();
  for (const sg of cfg.vrrpSyncGroups) for (const n of sg.group) {
    if (!byName.has(n)) continue;
    const prev = firstGroup.get(n);
    if (prev && prev !== sg) r.note(`Virtual router ${n} cannot exist in more than one sync group; it is in ${prev.name} and ${sg.name}`, { severity: 'info', code: 'KPB_SYNC_DUP', pos: sg.pos });
    else firstGroup.set(n, sg);
  }
  cfg.vrrpSyncGroups = cfg.vrrpSyncGroups.filter((sg) => {
    r.at = sg.pos;
    if (sg.group.length === 0) { r.say(`Sync group ${sg.name} has no virtual router(s). removing`); return false; }
    const found: string[] = [];
    let state: 'INIT' | 'MASTER' | 'BACKUP' = 'INIT';
    for (const n of sg.group) {
      const vi = byName.get(n);
      if (!vi) {
        r.say(`Virtual router ${n} specified in sync group ${sg.name} doesn't exist - ignoring`, { related: sg.pos ? [sg.pos] : undefined });
        const near = [...byName.keys()].filter((x) => x.toLowerCase() === n.toLowerCase());
        r.note(`vrrp_sync_group ${sg.name} (${fmt(sg.pos)}) names ${n}, but no vrrp_instance ${n} is defined${near.length ? ` (did you mean ${near.join(', ')} at ${near.map((x) => fmt(byName.get(x)!.pos)).join(', ')}?)` : ''}`, {
          severity: 'info', code: 'KPB_SYNC_MISSING', pos: sg.pos,
        });
        continue;
      }
      if (groupOf.has(n)) { r.say(`Virtual router ${n} cannot exist in more than one sync group; ignoring ${sg.name}`); continue; }
      found.push(n);
      groupOf.set(n, sg);
      // The state and priority as written (keepalived has not derived the defaults yet).
      const given = keywordsGiven(vi);
      const want = given.has('state') ? vi.state : 'INIT';
      const owner = given.has('priority') && vi.priority === OWNER;
      if (state === 'MASTER' && want === 'BACKUP') r.say(`Sync group ${sg.name} has some member(s) as address owner and some not as address owner. This won't work.`);
      if (state !== 'BACKUP') state = want === 'MASTER' && owner ? 'MASTER' : 'BACKUP';
    }
    if (found.length === 0) { r.say(`Sync group ${sg.name}, no matching virtual router found in group declaration - removing`); return false; }
    if (found.length === 1) r.say(`Sync group ${sg.name} has only 1 virtual router(s) - this probably isn't what you want`);
    sg.group = found;
    return true;
  });
  return groupOf;
}

/** vrrp_complete_instance, in its order. */
function completeInstance(vi: VrrpInstance, g: GlobalDefs, sg: Group | undefined, r: Reporter): void {
  const n = vi.name;
  const given = keywordsGiven(vi);
  // strict_mode (also 'strict_mode off') wins over global_defs' vrrp_strict
  const strict = vi.strictMode ?? g.vrrpStrict;
  vi.strictMode = strict;
  if (vi.family === 'inet6' && strict && v2WithIpv6.has(vi)) r.say(`(${n}) cannot use IPv6 with VRRP version 2; setting version 3`);
  if (vi.family === 'inet6') vi.version = 3;

  if (vi.virtualIpaddress.length === 0 && !vi.noVirtualIpaddress) {
    if (vi.version === 3 || strict) { r.stop(`(${n}) No VIP specified; at least one is required`); return; }
    r.say(`(${n}) No VIP specified; at least one is sensible`);
  }

  const owner = vi.priority === OWNER;
  if (strict && given.has('state') && (vi.state === 'MASTER') !== owner) {
    r.say(`(${n}) State MASTER must match being address owner`);
    vi.state = owner ? 'MASTER' : 'BACKUP';
  }

  completeAuth(vi, strict, r);

  // (with unicast_fault_no_peer the instance goes to FAULT instead: the VRRP runtime logs that, as
  // 2.2.7 does, at start-up only)
  if (unicastKeyword.has(vi) && vi.unicastPeer.length === 0 && !vi.unicastFaultNoPeer) {
    r.say(`(${n}) A unicast keyword has been specified without any unicast peers. Defaulting to multicast. This usage is deprecated - please update your configuration.`);
  }
  const unicast = vi.unicastPeer.length > 0;

  if (strict && vi.useVmac?.mac !== undefined) {
    r.say(`(${n}): cannot specify MAC address with strict mode - clearing`);
    delete vi.useVmac.mac;
  }

  const first = vi.virtualIpaddress[0];
  if (vi.family === 'inet6' && !unicast && first && !linkLocal(first.address) && strict) {
    // (without strict mode keepalived only logs "should be link local" at start-up, not under -t)
    r.say(`(${n}) the first IPv6 VIP address must be link local`);
  }

  // vrf: kept only without `interface` in a unicast instance, which chk_min_cfg has refused already
  if (vi.vrf !== undefined) {
    r.say(`(${n}) vrf can only be specified with${vi.interface !== undefined ? 'out interface' : ' unicast'} - clearing`);
    delete vi.vrf;
  }

  completePreempt(vi, strict, r);

  // unset: global_defs' vrrp_down_timer_adverts (which strict mode refuses as well)
  vi.downTimerAdverts ??= g.vrrpDownTimerAdverts;
  if (vi.downTimerAdverts !== DEFAULT_DOWN_TIMER_ADVERTS && strict) {
    r.say(`(${n}) down_timer_adverts is incompatible with strict mode - resetting`);
    vi.downTimerAdverts = DEFAULT_DOWN_TIMER_ADVERTS;
  }

  if (vi.accept === undefined) vi.accept = owner ? true : !strict;
  if (vi.accept && !owner && strict && vi.version === 2) {
    r.say(`(${n}) warning - accept mode for VRRP version 2 does not comply with RFC3768 - resetting`);
    vi.accept = false;
  }

  if (unicast && vi.mcastDstIp !== undefined) {
    r.say(`(${n}) multicast destination specified with unicast - ignoring`);
    delete vi.mcastDstIp;
  }

  completeStrictAdverts(vi, g, strict, r);
  // unset: the sync group's, else global_defs' vrrp_notify_priority_changes
  vi.notifyPriorityChanges ??= sg?.notifyPriorityChanges ?? g.vrrpNotifyPriorityChanges;
  completeAdvertInt(vi, r);

  if (vi.useVmac && vi.vmacXmitBase && strict) {
    r.say(`(${n}) xmit_base is incompatible with strict mode - resetting`);
    vi.vmacXmitBase = false;
  }
  if ((vi.useVmac || vi.useIpvlan) && vi.promoteSecondaries) {
    r.say(`(${n}) promote_secondaries is automatically set for vmacs - ignoring`);
    vi.promoteSecondaries = false;
  }
  // (the VRRP runtime keeps such an instance in FAULT, silently: src/vrrp/params.ts)
  if (vi.useIpvlan && vi.family === 'inet' && !vi.useIpvlan.address) {
    r.say(`(${n}) IPv4 ipvlan requires a source ip address to be configured. setting instance to fault state`);
  }
  if (vi.vmacXmitBase && !vi.useVmac) {
    r.say(`(${n}) vmac_xmit_base is only valid with a vmac`);
    vi.vmacXmitBase = false;
  }

  completeTrackWeights(vi, sg, r);
}

function completeAuth(vi: VrrpInstance, strict: boolean, r: Reporter): void {
  const n = vi.name;
  const a = vi.authentication;
  if (!a || !a.type) { delete vi.authentication; return; }
  if (strict) r.say(`(${n}) Strict mode does not support authentication. Ignoring.`);
  else if (vi.version === 3) r.say(`(${n}) VRRP version 3 does not support authentication. Ignoring.`);
  else if (!a.pass) r.say(`(${n}) Authentication specified but no password given. Ignoring`);
  else if (vi.family === 'inet6' && a.type === 'AH') r.say(`(${n}) Cannot use AH authentication with IPv6. ignoring`);
  else {
    if (a.type === 'AH' && vi.state === 'MASTER' && vi.priority !== OWNER) {
      r.say(`(${n}) Initial state master is incompatible with AH authentication - clearing`);
      vi.state = 'BACKUP';
    }
    return;
  }
  delete vi.authentication;
}

function completePreempt(vi: VrrpInstance, strict: boolean, r: Reporter): void {
  const n = vi.name;
  if (vi.priority === OWNER && vi.nopreempt) {
    r.say(`(${n}) nopreempt is incompatible with priority ${OWNER}. resetting nopreempt`);
    vi.nopreempt = false;
  }
  if (vi.state === 'MASTER') {
    if (vi.nopreempt) { r.say(`(${n}) Warning - nopreempt will not work with initial state MASTER - clearing`); vi.nopreempt = false; }
    if (vi.preemptDelay) { r.say(`(${n}) Warning - preempt delay will not work with initial state MASTER - clearing`); vi.preemptDelay = 0; }
  }
  if (vi.preemptDelay) {
    if (strict) { r.say(`(${n}) preempt_delay is incompatible with strict mode - resetting`); vi.preemptDelay = 0; }
    if (vi.nopreempt && vi.preemptDelay) { r.say(`(${n}) preempt_delay is incompatible with nopreempt mode - resetting`); vi.preemptDelay = 0; }
  }
}

/** Lower-priority GARPs and adverts: strict mode's defaults, and what it refuses. */
function completeStrictAdverts(vi: VrrpInstance, g: GlobalDefs, strict: boolean, r: Reporter): void {
  const n = vi.name;
  // Unset: strict mode's 0, else global_defs' vrrp_garp_lower_prio_*, which default to vrrp_garp_master_* (not to the
  // instance's).
  if (vi.garpLowerPrioRepeat === undefined) vi.garpLowerPrioRepeat =
    strict ? 0 : g.vrrpGarpLowerPrioRepeat ?? g.vrrpGarpMasterRepeat;
  else if (strict && vi.garpLowerPrioRepeat) { r.say(`(${n}) Strict mode requires no repeat garps. resetting`); vi.garpLowerPrioRepeat = 0; }
  if (vi.garpLowerPrioDelay === undefined) vi.garpLowerPrioDelay =
    strict ? 0 : g.vrrpGarpLowerPrioDelay ?? g.vrrpGarpMasterDelay;
  else if (strict && vi.garpLowerPrioDelay) { r.say(`(${n}) Strict mode requires no repeat garp delay. resetting`); vi.garpLowerPrioDelay = 0; }
  if (vi.lowerPrioNoAdvert === undefined) vi.lowerPrioNoAdvert = strict || g.vrrpLowerPrioNoAdvert;
  else if (strict && !vi.lowerPrioNoAdvert) { r.say(`(${n}) Strict mode requires no lower priority advert. resetting`); vi.lowerPrioNoAdvert = true; }
  if (vi.higherPrioSendAdvert === undefined) vi.higherPrioSendAdvert = !strict && g.vrrpHigherPrioSendAdvert;
  else if (strict && vi.higherPrioSendAdvert) { r.say(`(${n}) strict mode requires higher_prio_send_advert to be clear. resetting`); vi.higherPrioSendAdvert = false; }
}

/** VRRPv2: whole seconds below 256; VRRPv3: centiseconds below 40.96 s. */
function completeAdvertInt(vi: VrrpInstance, r: Reporter): void {
  const n = vi.name;
  const t = vi.advertInt;
  if (vi.version === 2) {
    if (t >= 256) { r.say(`(${n}) VRRPv2 advertisement interval ${f2(t)}s is out of range. Must be less than 256s. Setting to 255s`); vi.advertInt = 255; }
    else if (!Number.isInteger(t)) { r.say(`(${n}) VRRPv2 advertisement interval ${f6(t)}s must be an integer. rounding`); vi.advertInt = Math.max(1, Math.round(t)); }
    return;
  }
  const cs = Math.round(t * 1e6) / 1e4;
  if (cs >= 4096) { r.say(`(${n}) VRRPv3 advertisement interval ${f2(t)}s is out of range. Must be less than 40.96s. Setting to 40.95s`); vi.advertInt = 40.95; }
  else if (!Number.isInteger(cs)) { r.say(`(${n}) VRRPv3 advertisement interval ${f6(t)}s must be in units of 10ms - rounding`); vi.advertInt = Math.max(1, Math.round(cs)) / 100; }
}

/**
 * In a sync group without sync_group_tracking_weight (or global_tracking), or for an address owner,
 * keepalived drops tracking weights: weighted scripts and files are no longer tracked (a file at
 * the default weight 1 becomes unweighted: non-zero = FAULT); an owner stops tracking a weighted
 * interface. A sync group member's weighted interface keeps its weight: keepalived 2.2.7 logs that
 * it ignores it, but the interface already tracks the instance with that weight, and its going down
 * lowers the priority (measured in namespaces: test/integration/vrrp/sync-weight.test.ts).
 */
function completeTrackWeights(vi: VrrpInstance, sg: Group | undefined, r: Reporter): void {
  const n = vi.name;
  const syncNoWeight = !!sg && !sg.trackingWeight;
  if (!syncNoWeight && vi.priority !== OWNER) return;
  const why = syncNoWeight ? 'SYNC group' : 'address_owner';
  vi.trackInterface = vi.trackInterface.filter((t) => {
    if (!t.weight) return true;
    r.say(`(${n}) ignoring ${t.name} tracked interface ${syncNoWeight ? 'weight ' : ''}due to ${syncNoWeight ? 'SYNC group' : 'address owner'}`);
    return syncNoWeight;
  });
  vi.trackScript = vi.trackScript.filter((t) => {
    if (!t.weight) return true;
    r.say(`(${n}) ignoring tracked script ${t.name} with weights due to ${why}`);
    return false;
  });
  vi.trackFile = vi.trackFile.filter((t) => {
    if (t.weight === 1) { // keepalived's default weight (it sees only the number)
      r.say(`(${n}) ignoring weight from tracked file ${t.name} due to ${why}. specify weight 0`);
      t.weight = 0;
      return true;
    }
    if (!t.weight) return true;
    r.say(`(${n}) ignoring tracked file ${t.name} with weight ${t.weight} due to ${why}`);
    return false;
  });
}

/** check_vrid_conflicts: one VRID per interface and address family. */
function checkVridConflicts(cfg: KeepalivedConfig, r: Reporter): void {
  const seen = new Map<string, VrrpInstance>();
  for (const vi of cfg.vrrpInstances) {
    const key = `${vi.interface}/${vi.family}/${vi.virtualRouterId}`;
    const prev = seen.get(key);
    if (!prev) { seen.set(key, vi); continue; }
    r.say(`${prev.name} and ${vi.name} both use VRID ${vi.virtualRouterId} with ${fam(vi)} on interface ${vi.interface}`, {
      code: 'KA_DUP_VRID', pos: vi.pos, related: prev.pos ? [prev.pos] : undefined,
    });
    r.note(`vrrp_instance ${vi.name} (${fmt(vi.pos)}) uses VRID ${vi.virtualRouterId} on ${vi.interface} (${fam(vi)}), already used by vrrp_instance ${prev.name} (${fmt(prev.pos)})`, {
      severity: 'info', code: 'KPB_DUP_VRID', pos: vi.pos, related: prev.pos ? [prev.pos] : undefined,
    });
  }
}

/** sync_group_tracking_init: a group with an address owner member cannot have weighted trackers. */
function syncGroupTrackers(cfg: KeepalivedConfig, groupOf: Map<string, Group>, r: Reporter): void {
  const byName = new Map(cfg.vrrpInstances.map((v) => [v.name, v]));
  for (const sg of cfg.vrrpSyncGroups) {
    r.at = sg.pos;
    const members =
      sg.group.filter((m) => groupOf.get(m) === sg).map((m) => byName.get(m)).filter((v): v is VrrpInstance => !!v);
    if (!members.some((v) => v.priority === OWNER)) continue;
    const clear = (refs: TrackRef[], what: string, tail: string): void => {
      for (const t of refs) if (t.weight) { r.say(`(${sg.name}) Cannot have weighted track ${what} '${t.name}' with member having priority ${OWNER} - ${tail}`); t.weight = 0; }
    };
    clear(sg.trackScript, 'script', 'clearing weight');
    clear(sg.trackFile, 'file', 'setting weight 0');
    clear(sg.trackProcess, 'process', 'setting weight 0');
    clear(sg.trackInterface, 'interface', 'clearing weight');
  }
}
