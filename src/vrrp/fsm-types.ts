// Contract between the pure VRRP state machine (src/vrrp/fsm.ts) and the runtime that drives it
// (sockets, timers, netlink, notify). Events go in, an ordered list of actions comes out; the core
// does no I/O and reads time only from the injected Clock. Every timer carries a generation number:
// the runtime hands it back on expiry and the core ignores stale ones, so the runtime never has to
// race a cancel against a firing timer.
//
// Driving one instance (runtime side):
//   1. params = deriveFsmParams(instance, ctx).params  (src/vrrp/params.ts; log its `logs` lines)
//   2. fsm = new VrrpFsm(params, clock); feed the real initial statuses first ({type:'interface'},
//      {type:'tracker'}) - they are recorded silently while INIT - then {type:'startup'}.
//   3. Execute every returned action in order. setTimer replaces the slot's pending timer; on expiry
//      feed {type:'timer', timer, generation}. Feed every received VRRP message as {type:'packet'}
//      (IPv4: splitIpv4() from packet.ts gives ttl/src/dst/payload; IPv6: hop limit from the cmsg).
//   4. On SIGTERM feed {type:'shutdown'} and execute the actions (priority 0 + VIP removal) before exit.
//   5. On reload (SIGHUP), an instance that still exists with the same name/VRID/interface/family gets
//      {type:'reconfigure', params} (state kept, VIPs by difference); others are shut down / started.
//   Sync-group members are fed through SyncGroupCore.handle(instance, event) instead (sync-group.ts).

import type { LogLevel } from '../common/log.js';
import type { IpFamily } from '../config/model.js';
import type { VrrpAdvert } from './packet.js';

export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';

/** Timer slots an instance owns. At most one pending expiry per slot; a new setTimer replaces it. */
export type VrrpTimerName =
  | 'adver'        // MASTER: send the next advert
  | 'masterDown'   // BACKUP: Master_Down_Interval / Skew_Time / startup timer
  | 'garpDelay'    // MASTER: second GARP/NA burst garp_master_delay after becoming master
  | 'garpRefresh'  // MASTER: periodic GARP/NA refresh (garp_master_refresh)
  | 'garpLowerPrio'; // MASTER: delayed GARP burst after a lower-priority advert (garp_lower_prio_delay)

/** Authentication as the instance sends/checks it (VRRPv2 only). */
export interface VrrpAuthParams {
  /** 0 none, 1 PASS (simple text), 2 AH. */
  type: 0 | 1 | 2;
  /** PASS password, at most 8 bytes, NUL padded on the wire. */
  pass?: string;
}

export type TrackerKind = 'interface' | 'script' | 'file' | 'process' | 'bfd';

/** A tracked object: an interface, a vrrp_script, a track_file, a vrrp_track_process or a bfd, by name. */
export interface TrackerRef { kind: TrackerKind; name: string }

/**
 * The one string form of a tracker, for Map and Record keys ('interface:eth1', 'script:chk'): made
 * here only and never parsed back (the kind and the name travel as a TrackerRef).
 */
export function trackerKey(t: TrackerRef): string { return `${t.kind}:${t.name}`; }

export function sameTracker(a: TrackerRef, b: TrackerRef): boolean { return a.kind === b.kind && a.name === b.name; }

/** One tracked object as the instance sees it (resolved from track_* refs + the tracker's own weight). */
export interface TrackerParams extends TrackerRef {
  /** Effective weight after keepalived's rules (ref weight overrides object weight; 0 = failure means FAULT). */
  weight: number;
  reverse: boolean;
  /** Initial status before the first event (interfaces: up; scripts: unknown, or down with init_fail;
   *  files: init_file value or 0). */
  initial: TrackerStatus;
}

/** One unicast_peer as the receive checks use it. */
export interface UnicastPeerParams { address: string; minTtl: number; maxTtl: number }

/** A tracker's current status. Files report their integer value; the rest report up/down.
 *  `unknown` (a vrrp_script before its first result, without init_fail) adds no weight and no FAULT:
 *  keepalived 2.2.7 logs "Changing effective priority from 100 to 120" at a weight-20 script's first
 *  success and nothing at a first failure (checked against the real binary). */
export type TrackerStatus = { ok: boolean } | { value: number } | { unknown: true };

export interface GarpParams {
  /** Second burst delay after becoming MASTER (garp_master_delay), ms; 0 = no second burst. */
  masterDelayMs: number;
  /** GARPs/NAs per burst (garp_master_repeat). */
  masterRepeat: number;
  /** Refresh period while MASTER (garp_master_refresh), ms; 0 = off. */
  masterRefreshMs: number;
  masterRefreshRepeat: number;
  /** After a lower-priority advert (garp_lower_prio_delay / _repeat). */
  lowerPrioDelayMs: number;
  lowerPrioRepeat: number;
}

/** Everything the FSM needs to know about one vrrp_instance (built by src/vrrp/params.ts). */
export interface VrrpFsmParams {
  name: string;
  vrid: number;
  version: 2 | 3;
  family: IpFamily;
  /** Interface name used in log lines ("Sending/queueing gratuitous ARPs on %s"). */
  interface: string;
  /** Configured (base) priority, 1..255. */
  priority: number;
  /** Initial state after keepalived's clearing rules (only a 255 owner starts MASTER at once). */
  initialState: 'MASTER' | 'BACKUP';
  /** Advertisement interval in centiseconds (v2: a multiple of 100). */
  advertIntCs: number;
  /** false when nopreempt. */
  preempt: boolean;
  /** preempt_delay in ms (0 = none). */
  preemptDelayMs: number;
  /** Our primary address on the interface (v4 primary / v6 link-local); tie-break and advert source. */
  primaryAddress: string;
  /** Multicast (or first unicast) destination used for the default advert encoding (checksum pseudo-header). */
  destination: string;
  /** VIPs carried in adverts and checked on receive (in config order, family = instance family). */
  vips: string[];
  /** VIPs on other families / excluded VIPs: added/removed with the others but never in adverts. */
  otherVips: string[];
  auth: VrrpAuthParams;
  garp: GarpParams;
  /** down_timer_adverts (3 by default). */
  downTimerAdverts: number;
  /** vrrp_lower_prio_no_advert / lower_prio_no_advert. */
  lowerPrioNoAdvert: boolean;
  /** higher_prio_send_advert. */
  higherPrioSendAdvert: boolean;
  /** skip_check_adv_addr (do not compare the advert's address list with ours). */
  skipCheckAdvAddr: boolean;
  /** v3 over IPv4: send with the IPv4 pseudo-header (keepalived's default; false = RFC 9568 message-only). */
  v3Ipv4PseudoHeader: boolean;
  /** dont_track_primary: our own interface going down does not mean FAULT. */
  dontTrackPrimary: boolean;
  /** -V (--dont-release-vrrp) or -X (--release-vips): every move out of MASTER, and the start-up in
   *  BACKUP or FAULT, removes the VIPs whether or not they were set (keepalived 2.2.7's
   *  vrrp_restore_interface), so a start logs "removing VIPs." a second time. */
  releaseVipsAlways?: boolean;
  trackers: TrackerParams[];
  /** 'every' = keepalived 2.2.7 (each rejected advert logs its line, as captured); 'once' = log a rejection
   *  kind once until the next state change or accepted advert (keepalived HEAD). */
  rejectLogPolicy: 'every' | 'once';
  /** keepalived quirk: a MASTER re-arms its advert timer on every packet received for its VRID, even
   *  invalid ones (vrrp_init_instance_sands after each receive). Default true (as captured). */
  rearmAdverOnRx?: boolean;
  /** vrrp_strict / strict_mode (its effects are already applied to the other params by params.ts). */
  strict?: boolean;
  /** unicast_peer list (empty = multicast), with each peer's accepted TTL range (min_ttl 0 / max_ttl 255). */
  unicastPeers?: UnicastPeerParams[];
  /** check_unicast_src / vrrp_check_unicast_src (unicast only): adverts from a non-peer are rejected, and
   *  a peer's TTL must lie in its min_ttl..max_ttl. */
  checkUnicastSrc?: boolean;
  /** VRRPv3 over IPv4 unicast: the checksum's pseudo-header destination. 'peer' (default) = the peer
   *  address, switching to the multicast group for good when a peer's advert only verifies that way
   *  ("Setting unicast VRRPv3 checksum to old version"); 'never' = the peer, no switch (old_unicast_checksum
   *  never); 'group' = always the group (old_unicast_checksum, keepalived <= 1.3.6). */
  unicastChecksum?: 'peer' | 'never' | 'group';
  /** The group the old unicast checksum uses (vrrp_mcast_group4). */
  mcastGroup4?: string;
  /** notify_priority_changes: an effective priority change is notified as MASTER_PRIORITY / BACKUP_PRIORITY. */
  notifyPriorityChanges?: boolean;
  /** notify_deleted: removed by a reload, the instance reports DELETED (else FAULT). */
  notifyDeleted?: boolean;
  /** fifo_write_vrrp_states_on_reload: a reload that leaves a BACKUP / FAULT instance in its state
   *  writes that state to the FIFOs again (a MASTER is not re-announced, as in 2.2.7). */
  fifoWriteStateOnReload?: boolean;
  /** A configuration fault that holds the instance in FAULT for as long as it runs
   *  (unicast_fault_no_peer without unicast peers; use_ipvlan on IPv4 without an address). */
  configFault?: 'unicastNoPeer' | 'ipvlanNoAddress';
  /** The VIP firewall blocks this instance's VIPs (not the owner, no accept mode): -D logs "setting/removing firewall
   *  drop rule". */
  firewall?: boolean;
  /** Member of a sync group: a Master_Down expiry then only marks the instance as wanting MASTER and
   *  SyncGroupCore decides (all members must want it); set it for every member of a vrrp_sync_group. */
  syncGroup?: string;
  /** The instance has virtual_routes or virtual_rules: the FSM emits its 'routes' actions. */
  routes?: boolean;
}

// ---------------------------------------------------------------------------------------------------
// Events (runtime -> core)

export type ShutdownReason = 'stop' | 'deleted';

export type VrrpEvent =
  /** Start the instance (after vrrp_startup_delay). Logs "removing VIPs." then BACKUP(init) / MASTER; or,
   *  with a FAULT reason, "(VI_1) entering FAULT state" then "removing VIPs." (the runtime logs the
   *  reasons first, as keepalived 2.2.7). removeVips false: the interface did not exist, nothing to remove. */
  | { type: 'startup'; removeVips?: boolean; step?: StartupStep; reload?: boolean }
  /** A received VRRP message: the VRRP payload only (IP header stripped), with IP-level facts. */
  | { type: 'packet'; payload: Uint8Array; ttl: number; src: string; dst: string; family: IpFamily }
  /** A timer the core asked for has fired; stale generations are ignored. */
  | { type: 'timer'; timer: VrrpTimerName; generation: number }
  /** A tracker changed. */
  | { type: 'tracker'; tracker: TrackerRef; status: TrackerStatus }
  /**
   * The instance's own interface: `up` = exists, up and running (ignored with dontTrackPrimary);
   * `addr` = it has an address to send adverts from (no address is FAULT even with dont_track_primary,
   * as keepalived 2.2.7: "(VI_1) entering FAULT state (no IPv4 address for interface)", measured).
   */
  | { type: 'interface'; up: boolean; addr?: boolean }
  /** Our primary address changed (e.g. interface re-addressed). */
  | { type: 'primaryAddress'; address: string }
  /** Someone else deleted one of our VIPs while MASTER (keepalived 2.2.7: BACKUP at once, priority 0
   *  sent, VIPs removed, and MASTER again after Skew_Time unless another master is heard). */
  | { type: 'vipDeleted' }
  /** SIGTERM ('stop', the default) or an instance no longer in the config at a reload ('deleted'): a
   *  MASTER sends priority 0 and removes its VIPs (dontRelease, -V: neither, as 2.2.7). 'stop' notifies STOP;
   *  'deleted' notifies DELETED with notify_deleted, else FAULT (nothing when already in FAULT), as
   *  keepalived 2.2.7. */
  | { type: 'shutdown'; reason?: ShutdownReason; dontRelease?: boolean }
  /** Sync-group commands (issued by src/vrrp/sync-group.ts, not by the runtime directly). */
  | { type: 'sync'; to: 'MASTER' | 'BACKUP' | 'FAULT' | 'CLEAR_FAULT' }
  /** Reload (SIGHUP) of an instance that still exists with the same name, VRID, interface and family:
   *  the running state is kept and the new params apply from now on (keepalived 2.2.7, checked in
   *  namespaces). A MASTER logs "setting VIPs.", changes its VIPs by difference (changeVips), sends one
   *  advert with the new params at once and GARPs every VIP when one was added; a new priority then
   *  acts only through the normal protocol rules. Params whose name/vrid/family/interface differ are
   *  refused (a log line, nothing changed): the runtime removes and re-adds such an instance.
   *  `statuses`: trackers whose status the reload read anew, by trackerKey (2.2.7 reads them again; others keep
   *  theirs). An instance the reload puts in FAULT logs "(VI) entering FAULT state" (no priority 0;
   *  a MASTER logs "setting VIPs." then "removing VIPs.", measured). With step 'apply' only the new
   *  settings and statuses are taken (and a MASTER's reload advert sent); 'reloaded' events do the rest.
   */
  | { type: 'reconfigure'; params: VrrpFsmParams; statuses?: Readonly<Record<string, TrackerStatus>>; step?: 'apply' }
  /** The later steps of a reload whose 'reconfigure' came with step 'apply' (see the FSM's onReloaded). */
  | { type: 'reloaded'; step: ReloadStep };

/** The steps of an instance's start-up, as keepalived 2.2.7 runs each for every instance before the next. */
export type StartupStep = 'track' | 'fault' | 'removal' | 'state';

/** The steps of a reload after 'apply', likewise. */
export type ReloadStep = 'track' | 'fault' | 'vips' | 'init';

// ---------------------------------------------------------------------------------------------------
// Actions (core -> runtime), executed in order

/** What a notify action reports: a state, or one of keepalived's events (a lower-priority advert seen
 *  while MASTER; an effective priority change with notify_priority_changes, by the current state). */
export type NotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED' | 'MASTER_RX_LOWER_PRI' | 'MASTER_PRIORITY' | 'BACKUP_PRIORITY';

/** How a notification is delivered: 'all' (scripts, FIFOs, mail as the state wants) or 'fifo' (FIFO lines
 *  only: fifo_write_vrrp_states_on_reload re-announcing a state a reload did not change). */
export type NotifyDelivery = 'all' | 'fifo';

export type VrrpAction =
  /** Send one advert. `payload` is encoded for params.destination; for other unicast peers re-encode
   *  `advert` with encodeAdvert(advert, { src, dst }) (the v3 checksum covers the addresses), unless
   *  `checksumDst` is set: then the checksum covers that address and `payload` goes to every peer. */
  | { kind: 'sendAdvert'; advert: VrrpAdvert; payload: Uint8Array; checksumDst?: string }
  /** Add every VIP (and eVIP) of the instance. The matching log line is a separate 'log' action. */
  | { kind: 'addVips' }
  | { kind: 'removeVips' }
  /** Reload while MASTER: remove the VIPs no longer configured, add the new ones (addresses as in
   *  params.vips/otherVips; removed ones are looked up in the previous config). */
  | { kind: 'changeVips'; added: string[]; removed: string[] }
  /** The instance's virtual_routes / virtual_rules, where keepalived 2.2.7 touches them: 'startup'
   *  with the start-up VIP removal (left-over rules deleted), 'add' on becoming MASTER (after the
   *  VIPs), 'remove' on leaving it (before the VIPs), 'init' at start-up and at a reload of a
   *  non-MASTER (the ones still set are deleted), 'reload' at a reload of a MASTER (every route
   *  added again, rules not set added). */
  | { kind: 'routes'; step: 'startup' | 'init' | 'add' | 'remove' | 'reload' }
  /** Send `count` gratuitous ARPs (IPv4) / unsolicited NAs (IPv6) per VIP, spaced by vrrp_garp/gna_interval. */
  | { kind: 'garp'; vips: string[]; count: number; reason: 'master' | 'delayed' | 'refresh' | 'lowerPrio' }
  /** (Re)arm a timer slot; when it fires, feed { type:'timer', timer, generation }. */
  | { kind: 'setTimer'; timer: VrrpTimerName; delayMs: number; generation: number }
  | { kind: 'cancelTimer'; timer: VrrpTimerName }
  /** Run notify scripts / FIFO / SMTP for this state with this priority (effective priority). */
  | { kind: 'notify'; state: NotifyState; priority: number; delivery?: NotifyDelivery }
  /** A log line, exact keepalived text. detail = only with -D (Logger.detail). */
  | { kind: 'log'; level: LogLevel; msg: string; detail?: 1 | 2 }
  /** The state changed (for sync groups, stats, dumps). */
  | { kind: 'stateChange'; from: VrrpState; to: VrrpState };

/**
 * Why an instance is in FAULT: a configuration fault, its own interface down (without
 * dont_track_primary), no address on it, a tracker, or (FSM's view only) its sync group.
 */
export type FaultReason =
  | { kind: 'config'; fault: NonNullable<VrrpFsmParams['configFault']> }
  | { kind: 'interface'; ifname: string }
  | { kind: 'address'; ifname: string }
  | { kind: 'tracker'; tracker: TrackerRef }
  | { kind: 'syncGroup' };

/**
 * A FAULT reason as the view shows it ('config:unicastNoPeer', 'interface:eth0', 'address:eth0',
 * 'script:chk', 'sync_group').
 */
export function faultReasonText(r: FaultReason): string {
  switch (r.kind) {
    case 'config': return `config:${r.fault}`;
    case 'interface': return `interface:${r.ifname}`;
    case 'address': return `address:${r.ifname}`;
    case 'tracker': return trackerKey(r.tracker);
    case 'syncGroup': return 'sync_group';
  }
}

/** A snapshot for dumps and tests. */
export interface VrrpInstanceView {
  name: string;
  state: VrrpState;
  basePriority: number;
  effectivePriority: number;
  masterAdverIntCs: number;
  /** Primary address of the current master as last seen (BACKUP), or ours (MASTER). */
  masterAddress?: string;
  faultReasons: string[];
}
