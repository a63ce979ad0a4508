// The typed configuration model: what one parse of keepalived.conf produces and every subsystem
// consumes. Values carry keepalived's defaults (applied by the parser). Times are in seconds
// (fractions allowed) unless a name says otherwise. Each object keeps `pos` (where it was declared)
// so cross-object checks and runtime messages can name the place.
//
// Ownership: the parser (src/parser) fills this model; subsystems only read it. Adding a field is
// fine (keep it optional or give it a default in the parser); renaming one touches every subsystem.

import type { SourcePos } from '../common/diagnostic.js';

export type IpFamily = 'inet' | 'inet6';

export interface ScriptSpec {
  /** argv after keepalived's quoted/escaped split (features doc §1.2, pass 2). */
  argv: string[];
  /** The raw command string as written. */
  raw: string;
  user?: string;
  group?: string;
  pos?: SourcePos;
}

export interface FifoSpec { path: string; user?: string; group?: string; script?: ScriptSpec }

/**
 * The IPVS sync daemon keepalived runs (global lvs_sync_daemon, or the deprecated vrrp_instance
 * lvs_sync_daemon_interface: `fromInstance`, which 2.2.7 runs with syncid 0 instead of the VRID and
 * which only its VRRP process sees). Unset numbers are the kernel's defaults.
 */
export interface LvsSyncDaemon {
  interface: string;
  /** The VRRP instance it follows (master/backup); none: the checker process runs both daemons. */
  instance?: string;
  syncId?: number;
  maxlen?: number;
  port?: number;
  ttl?: number;
  group?: string;
  fromInstance?: boolean;
}

export interface GlobalDefs {
  routerId: string;                       // default: hostname
  notificationEmail: string[];
  notificationEmailFrom: string;          // default: keepalived@<hostname>
  smtpServer?: { host: string; port: number };
  smtpConnectTimeout: number;             // default 30
  smtpHeloName: string;                   // default: hostname
  smtpAlert?: boolean;
  smtpAlertVrrp?: boolean;
  smtpAlertChecker?: boolean;
  noEmailFaults: boolean;
  checkerLogAllFailures: boolean;
  noCheckerEmails: boolean;
  scriptUser?: { user: string; group?: string };
  enableScriptSecurity: boolean;
  vrrpVersion: 2 | 3;                     // default 2
  vrrpStrict: boolean;
  /** nftables [TABLE] (or vrrp_iptables, which means table "keepalived" on a build without iptables). */
  nftables?: string;
  /** nftables_priority: the firewall's base chains' priority; default -1 (reset by nftables / vrrp_iptables). */
  nftablesPriority?: number;
  nftablesCounters?: boolean;
  nftablesIfindex?: boolean;
  vrrpSkipCheckAdvAddr: boolean;
  vrrpCheckUnicastSrc: boolean;
  vrrpGarpMasterDelay: number;            // default 5
  vrrpGarpMasterRepeat: number;           // default 5
  vrrpGarpMasterRefresh: number;          // default 0 (off)
  vrrpGarpMasterRefreshRepeat: number;    // default 1
  vrrpGarpLowerPrioDelay?: number;        // default = master delay
  vrrpGarpLowerPrioRepeat?: number;       // default = master repeat
  vrrpGarpInterval: number;               // default 0
  vrrpGnaInterval: number;                // default 0
  vrrpMinGarp: boolean;
  /** vrrp_lower_prio_no_advert: default for instances that do not set lower_prio_no_advert. */
  vrrpLowerPrioNoAdvert: boolean;
  /** vrrp_higher_prio_send_advert: default for instances that do not set higher_prio_send_advert. */
  vrrpHigherPrioSendAdvert: boolean;
  /** vrrp_down_timer_adverts (1..100, default 3): default for instances without down_timer_adverts. */
  vrrpDownTimerAdverts: number;
  /** vrrp_notify_priority_changes: default for instances (and sync groups) that do not set it. */
  vrrpNotifyPriorityChanges: boolean;
  /** fifo_write_vrrp_states_on_reload: after a reload, unchanged states are written to the FIFOs again. */
  fifoWriteVrrpStatesOnReload: boolean;
  vrrpMcastGroup4: string;                // default 224.0.0.18
  vrrpMcastGroup6: string;                // default ff02::12
  defaultInterface: string;               // default eth0
  dynamicInterfaces: boolean;
  notifyFifo?: FifoSpec;
  vrrpNotifyFifo?: FifoSpec;
  lvsNotifyFifo?: FifoSpec;
  maxAutoPriority?: number;
  vrrpStartupDelay: number;
  /** lvs_sync_daemon IF [INSTANCE] [id N] [maxlen N] [port N] [ttl N] [group IP] (src/ipvs/syncd.ts runs it). */
  lvsSyncDaemon?: LvsSyncDaemon;
  lvsFlush: boolean;
  lvsFlushOnStop: boolean;
  lvsTimeouts?: { tcp?: number; tcpfin?: number; udp?: number };
  stateDumpFile?: string;
  statsDumpFile?: string;
  jsonDumpFile?: string;
  jsonVersion: 1 | 2;
  childWaitTime: number;                  // default 5
  /** process_name: the parent's /proc/PID/comm (at most 15 characters). */
  processName?: string;
  /** vrrp_process_name / checker_process_name (lvs_process_name); process_names sets both. */
  vrrpProcessName?: string;
  checkerProcessName?: string;
  /** vrrp_* / checker_* scheduling (vrrp_priority, vrrp_no_swap, vrrp_rt_priority, ...); absent = defaults. */
  vrrpSched?: ProcessSched;
  checkerSched?: ProcessSched;
  /** min_auto_priority_delay, usecs (default 1000000). */
  minAutoPriorityDelay?: number;
  /** startup_script / shutdown_script (parent, before the children start / after they stop) and their timeouts (s,
   *  default 10). */
  startupScript?: ScriptSpec;
  startupScriptTimeout?: number;
  shutdownScript?: ScriptSpec;
  shutdownScriptTimeout?: number;
  /** umask (global_defs): the daemon's file mode creation mask, unless -u gave one. */
  umask?: number;
  /** data_use_instance: data dump names carry the namespace and instance names. */
  dataUseInstance?: boolean;
  logFacility?: string;
  /** vrrp_garp_extra_if (alias vrrp_vmac_garp_intvl): the instances' default for garp_extra_if. */
  vrrpGarpExtraIf?: GarpExtraIf;
  /** vmac_prefix: name prefix of the VMACs use_vmac creates (default "vrrp"). */
  vmacPrefix?: string;
  /** vmac_addr_prefix: name prefix of the VMACs use_vmac_addr creates (default vmac_prefix, then "vrrp"). */
  vmacAddrPrefix?: string;
  /** disable_local_igmp: net.ipv4.igmp_link_local_mcast_reports set to 0 while running. */
  disableLocalIgmp?: boolean;
  /** log_unknown_vrids: log adverts for VRIDs no instance on that socket runs. */
  logUnknownVrids?: boolean;
  /** vrrp_rx_bufs_policy: how a VRRP socket's receive buffer is sized (absent: the kernel's default). */
  vrrpRxBufsPolicy?: RxBufsPolicy;
  /** vrrp_rx_bufs_multiplier (default 3): multiplies the MTU or advert length of the policy. */
  vrrpRxBufsMultiplier?: number;
  /** *_rcv_bufs / *_rcv_bufs_force: receive buffers of the daemon's netlink sockets (absent: keepalived's defaults). */
  netlinkRcvBufs?: Partial<Record<NetlinkBufKind, NetlinkRcvBuf>>;
  /** reload_check_config [LOGFILE]: a reload first runs `keepalived -t` with this log (bare keyword: /dev/null). */
  reloadCheckConfig?: string;
  /** reload_time_file FILE: a reload is scheduled at the time the file holds. */
  reloadTimeFile?: string;
  /** reload_repeat: a time-of-day reload_time_file is kept, so the reload repeats daily. */
  reloadRepeat?: boolean;
  /** reload_file [FILE]: exists while a reload reads the configuration (`true`: the default path). */
  reloadFile?: string | true;
  /** config_save_dir DIR (trailing / removed): copies of the configuration and each reload's before / after dumps. */
  configSaveDir?: string;
  /** tmp_config_directory DIR: where keepalived 2.2.7 keeps its consolidated configuration copy. */
  tmpConfigDirectory?: string;
  tmpConfigDirectoryPos?: SourcePos;
  /** rs_init_notifies: real servers that start alive get their notify_up / FIFO notifications. */
  rsInitNotifies?: boolean;
  /** random_seed N: accepted; keepalived 2.2.7 seeds ${_RANDOM} from the time regardless (measured). */
  randomSeed?: number;
  /** P2 keywords parsed and kept verbatim (name -> args), behaviour not implemented. */
  extra: Record<string, string[]>;
}

/** The netlink sockets whose receive buffers global_defs sizes (keyword prefixes). */
export type NetlinkBufKind = 'vrrp_netlink_cmd' | 'vrrp_netlink_monitor' | 'process_monitor' | 'lvs_netlink_cmd' | 'lvs_netlink_monitor';
/** A *_rcv_bufs size (bytes; absent = not set) and its *_rcv_bufs_force (SO_RCVBUFFORCE). */
export interface NetlinkRcvBuf { size?: number; force?: boolean }

/** garp_extra_if: every intervalS while MASTER, one GARP/NA per extra interface (all: not only VMACs). */
export interface GarpExtraIf { intervalS: number; all: boolean }

/** vrrp_rx_bufs_policy: per instance on a socket, multiplier x MTU, multiplier x advert length, or a size. */
export type RxBufsPolicy = { kind: 'mtu' } | { kind: 'advert' } | { kind: 'size'; bytes: number };

/** A garp_group block: GARP/NA spacing shared by its interfaces (seconds; absent = not spaced). */
export interface GarpGroup {
  garpInterval?: number;
  gnaInterval?: number;
  interfaces: string[];
  /** Set for a group with an `interfaces` block (keepalived's aggregation group number, from 1). */
  aggregationGroup?: number;
  pos?: SourcePos;
}

/** linkbeat_interfaces entry: this interface's state is polled (MII, ETHTOOL or IOCTL; absent = probe). */
export interface LinkbeatInterface { name: string; type?: 'MII' | 'ETHTOOL' | 'IOCTL'; pos?: SourcePos }

/** interface_up_down_delays entry: link transitions of this interface take effect after these delays. */
export interface InterfaceDelay { name: string; downUs: number; upUs: number; pos?: SourcePos }

/** How a child process schedules itself (keepalived's set_process_priorities / set_process_cpu_affinity). */
export interface ProcessSched {
  /** *_priority: nice value, -20..19 (0 = unchanged). Applied only without a realtime priority. */
  nice: number;
  /** *_no_swap: mlockall. */
  noSwap: boolean;
  /** *_rt_priority: SCHED_RR priority, 0 = off. */
  rtPriority: number;
  /** *_cpu_affinity: CPUs to run on (empty = unchanged). */
  cpus: number[];
  /** *_rlimit_rttime: RLIMIT_RTTIME hard limit in usecs (soft = half); 0 = not set. Default 10000. */
  rlimitRttime: number;
}

export interface VirtualIp {
  address: string;                        // without prefix
  prefixLen: number;                      // default 32 / 128
  family: IpFamily;
  dev?: string;                           // default: the instance interface
  brd?: string;
  scope?: string;
  label?: string;
  peer?: string;
  noTrack?: boolean;
  /** Remaining options kept verbatim (home, -nodad, preferred_lft ...). */
  options: string[];
  pos?: SourcePos;
}

/**
 * An address or prefix of a route or rule as keepalived reads it: `default` / `any` / `all` are
 * `any: true` with the family's zero address and length 0 (the family is the route's).
 */
export interface RoutePrefix { family: IpFamily; address: string; prefixLen: number; any?: true }

/** A gateway or source address (no length); its family may differ from the route's (RTA_VIA). */
export interface RouteAddress { family: IpFamily; address: string }

/** Lightweight tunnel encapsulation of a route or nexthop (`encap ip|ip6|mpls|ila ...`). */
export type RouteEncap =
  | { kind: 'ip' | 'ip6'; id?: bigint; dst?: string; src?: string; tos?: number; ttl?: number; flags?: number }
  | { kind: 'mpls'; labels: number[] }
  | { kind: 'ila'; locator: bigint };

/** One `nexthop` of a multipath route (or a gateway of the deprecated `or` form). */
export interface RouteNexthop {
  via?: RouteAddress;
  dev?: string;
  /** As written (1..256); the kernel gets weight - 1. */
  weight?: number;
  onlink: boolean;
  realms?: number;
  encap?: RouteEncap;
}

/** Route metrics (RTAX_*) that keepalived passes in RTA_METRICS; times in the kernel's units. */
export interface RouteMetrics {
  mtu?: number; hoplimit?: number; advmss?: number; window?: number; cwnd?: number; ssthresh?: number;
  reordering?: number; initcwnd?: number; initrwnd?: number; quickack?: number; fastopenNoCookie?: number;
  /** 1/8 ms */ rtt?: number;
  /** 1/4 ms */ rttvar?: number;
  /** ms */ rtoMin?: number;
  /** RTAX_FEATURE_* bits (ecn = 1). */
  features?: number;
  congctl?: string;
  /** Bit (1 << RTAX_x) for each metric given with `lock`. */
  lock: number;
}

/**
 * One line of virtual_routes / static_routes, as keepalived 2.2.7's alloc_route() reads it
 * (ip-route syntax). Numbers are the kernel's (rt_tables names resolved at parse time).
 */
export interface VirtualRoute {
  family: IpFamily;
  dst: RoutePrefix;
  /** `from PFX` (IPv6 source routing). */
  src?: RoutePrefix;
  /** `src IP`: preferred source address. */
  prefSrc?: RouteAddress;
  via?: RouteAddress;
  dev?: string;
  table: number;                          // default 254 (main)
  /** RTN_* (unicast 1, local 2, broadcast 3, anycast 4, multicast 5, blackhole 6, unreachable 7, prohibit 8, throw 9,
   *  nat 10). */
  type: number;
  /** RTPROT_*; a tracked route always has 18 (keepalived). */
  protocol?: number;
  scope?: number;
  metric?: number;
  tos?: number;
  onlink: boolean;
  realms?: number;
  expires?: number;
  /** ICMPV6_ROUTER_PREF_* (low 3, medium 0, high 1). */
  pref?: number;
  ttlPropagate?: boolean;
  metrics: RouteMetrics;
  encap?: RouteEncap;
  nexthops: RouteNexthop[];
  /**
   * How the route is added: kernel prepend (no flags, default), `add` (NLM_F_EXCL) or `append`. In
   * keepalived 2.2.7 a written type (`blackhole`, even `unicast`) sets the same bit as `add` (so it
   * is 'add' unless a later `prepend` / `append` clears it), and a delete request carries the type
   * only when that bit is set.
   */
  addMode: 'prepend' | 'add' | 'append';
  /** Not tracked: `no_track`, or no `dev` (keepalived cannot track it then). */
  noTrack: boolean;
  trackGroup?: string;
  pos?: SourcePos;
}

/** FR_ACT_*: what a rule does. */
export type RuleAction =
  | { kind: 'table'; table: number }
  | { kind: 'goto'; target: number }
  | { kind: 'nop' } | { kind: 'blackhole' } | { kind: 'unreachable' } | { kind: 'prohibit' }
  | { kind: 'l3mdev' };

/** One line of virtual_rules / static_rules, as keepalived 2.2.7's alloc_rule() reads it (ip-rule syntax). */
export interface VirtualRule {
  family: IpFamily;
  action: RuleAction;
  /** Always set: rules without `preference` get one counted down from 16384 (per family). */
  preference: number;
  invert: boolean;
  from?: RoutePrefix;
  to?: RoutePrefix;
  tos: number;
  fwmark?: number;
  /** Present when written as MARK/MASK. */
  fwmask?: number;
  realms?: number;
  suppressPrefixlen?: number;
  suppressIfgroup?: number;
  iif?: string;
  oif?: string;
  tunnelId?: bigint;
  uidRange?: { start: number; end: number };
  /** FRA_PROTOCOL; a tracked rule always has 18 (keepalived). */
  protocol?: number;
  ipProto?: number;
  sport?: { start: number; end: number };
  dport?: { start: number; end: number };
  noTrack: boolean;
  trackGroup?: string;
  pos?: SourcePos;
}

export interface TrackRef { name: string; weight: number; reverse: boolean; pos?: SourcePos }

export type VrrpStateName = 'MASTER' | 'BACKUP';

export interface VrrpInstance {
  name: string;
  pos?: SourcePos;
  state: VrrpStateName;                   // default: MASTER if priority 255 else BACKUP
  interface?: string;
  /** Where `interface` was given (keepalived's "WARNING - interface X ... doesn't exist" names that line). */
  interfacePos?: SourcePos;
  virtualRouterId?: number;               // required 1..255
  priority: number;                       // default 100
  advertInt: number;                      // seconds, default 1
  version: 2 | 3;                         // default from global vrrp_version; IPv6 forces 3
  family: IpFamily;                       // from the VIPs (IPv6 VIPs -> inet6)
  nativeIpv6: boolean;
  authentication?: { type: 'PASS' | 'AH'; pass?: string };
  virtualIpaddress: VirtualIp[];
  virtualIpaddressExcluded: VirtualIp[];
  virtualRoutes: VirtualRoute[];
  virtualRules: VirtualRule[];
  trackInterface: TrackRef[];
  trackScript: TrackRef[];
  trackFile: TrackRef[];
  trackProcess: TrackRef[];
  dontTrackPrimary: boolean;
  nopreempt: boolean;
  preemptDelay: number;                   // seconds, default 0
  unicastSrcIp?: string;
  unicastPeer: { address: string; minTtl?: number; maxTtl?: number }[];
  unicastTtl?: number;
  useVmac?: { name?: string; mac?: string };
  /**
   * use_ipvlan [IFNAME] [ADDRESS[/PREFIX]] [bridge|private|vepa]: an L2 ipvlan on the interface
   * (named IFNAME, else as a VMAC: PREFIX.VRID), holding ADDRESS (also the advert source), on which
   * the adverts are sent and received; the VIPs stay on the interface. `mode` absent: bridge.
   */
  useIpvlan?: { name?: string; address?: VirtualIp; mode?: 'bridge' | 'private' | 'vepa' };
  /** vrf NAME, as 2.2.7 keeps it: only without `interface` in a unicast instance (which 2.2.7 then refuses). */
  vrf?: string;
  vmacXmitBase: boolean;
  accept?: boolean;
  /** strict_mode; unset = global vrrp_strict. */
  strictMode?: boolean;
  skipCheckAdvAddr: boolean;
  checkUnicastSrc: boolean;
  promoteSecondaries: boolean;
  noVirtualIpaddress: boolean;
  garpMasterDelay?: number;
  garpMasterRepeat?: number;
  garpMasterRefresh?: number;
  garpMasterRefreshRepeat?: number;
  garpLowerPrioDelay?: number;
  garpLowerPrioRepeat?: number;
  /** lower_prio_no_advert; unset = global vrrp_lower_prio_no_advert (true in strict mode). */
  lowerPrioNoAdvert?: boolean;
  /** higher_prio_send_advert; unset = global vrrp_higher_prio_send_advert (false in strict mode). */
  higherPrioSendAdvert?: boolean;
  /** down_timer_adverts (1..100); unset = global vrrp_down_timer_adverts. */
  downTimerAdverts?: number;
  /** notify_priority_changes; unset = the sync group's, else global vrrp_notify_priority_changes. */
  notifyPriorityChanges?: boolean;
  /** notify_deleted [SCRIPT]: a deleted instance (reload) reports DELETED instead of FAULT, running SCRIPT. */
  notifyDeleted?: { script?: ScriptSpec };
  /** unicast_fault_no_peer: without unicast peers the instance stays in FAULT (not multicast). */
  unicastFaultNoPeer: boolean;
  /** old_unicast_checksum [never]: VRRPv3 unicast checksum over the multicast group ('config'), or never
   *  auto-detected. */
  oldUnicastChecksum?: 'config' | 'never';
  /** mcast_dst_ip: multicast destination of this instance's adverts (default vrrp_mcast_group4/6). */
  mcastDstIp?: string;
  notifyMaster?: ScriptSpec;
  notifyBackup?: ScriptSpec;
  notifyFault?: ScriptSpec;
  notifyStop?: ScriptSpec;
  notify?: ScriptSpec;
  notifyMasterRxLowerPri?: ScriptSpec;
  smtpAlert?: boolean;                    // resolved default: smtp_alert_vrrp, then smtp_alert, else false
  debug?: number;
  /** garp_extra_if / vmac_garp_intvl (default: the global vrrp_garp_extra_if). */
  garpExtraIf?: GarpExtraIf;
  /** use_vmac_addr: VIPs on other interfaces or of the other family get VMACs of their own. */
  useVmacAddr?: boolean;
  /** track_src_ip (accepted; keepalived 2.2.7's check never matches, so it has no effect). */
  trackSrcIp?: boolean;
  /** kernel_rx_buf_size: this instance's share of its socket's receive buffer (bytes). */
  kernelRxBufSize?: number;
  /** linkbeat_use_polling in the instance (deprecated in 2.2.7): poll this instance's interface. */
  linkbeatUsePolling?: boolean;
  extra: Record<string, string[]>;
}

export interface VrrpScript {
  name: string;
  pos?: SourcePos;
  script: ScriptSpec;
  interval: number;                       // default 1
  timeout?: number;                       // default = interval
  weight: number;                         // default 0
  weightReverse: boolean;
  rise: number;                           // default 1
  fall: number;                           // default 1
  user?: { user: string; group?: string };
  initFail: boolean;
  /** Set when enable_script_security disabled it ("Disabling track script X due to insecure"). */
  insecure?: boolean;
}

export interface TrackFile {
  name: string; pos?: SourcePos; file: string; weight: number; reverse: boolean;
  /** init_file [VALUE] [overwrite]: written at start (value default 0); `endPos` is the block's closing line. */
  initFile?: { value?: number; overwrite: boolean; endPos?: SourcePos };
}

export interface VrrpTrackProcess {
  name: string; pos?: SourcePos;
  /** The process name (or argv[0] with full_command) and its parameters. */
  process: string[];
  weight: number; reverse: boolean;
  quorum: number;
  quorumMax?: number;                     // unset: no maximum
  /** Seconds (terminate_delay / fork_delay; `delay` sets both). */
  terminateDelay?: number;
  forkDelay?: number;
  /** Parameters given, or param_match: compare them ('exact' unless param_match initial|partial). */
  paramMatch?: 'exact' | 'initial' | 'partial';
  fullCommand: boolean;
}

export interface VrrpSyncGroup {
  name: string;
  pos?: SourcePos;
  group: string[];
  notifyMaster?: ScriptSpec;
  notifyBackup?: ScriptSpec;
  notifyFault?: ScriptSpec;
  notifyStop?: ScriptSpec;
  notify?: ScriptSpec;
  smtpAlert?: boolean;
  trackInterface: TrackRef[];
  trackScript: TrackRef[];
  trackFile: TrackRef[];
  trackProcess: TrackRef[];
  /** sync_group_tracking_weight (or the deprecated global_tracking): members keep weighted trackers. */
  trackingWeight: boolean;
  /** notify_priority_changes of the group: default for its members. */
  notifyPriorityChanges?: boolean;
  extra: Record<string, string[]>;
}

export type LbKind = 'NAT' | 'DR' | 'TUN';
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface HttpUrl {
  path: string;
  digest?: string;                        // lowercase hex MD5
  statusCode?: { from: number; to: number }[]; // default [200-299]
  virtualhost?: string;
  regex?: string;
  regexNoMatch?: boolean;
  /** PCRE2 option names (regex_options), as written. */
  regexOptions?: string[];
  /** regex_min_offset / regex_max_offset: where a match may start (bytes from the response's start). */
  regexMinOffset?: number;
  regexMaxOffset?: number;
  /** regex_stack START MAX (PCRE2 JIT stack sizes). */
  regexStack?: [number, number];
}

/** Keywords every checker shares; undefined = inherit from real_server, then virtual_server, then checker default. */
export interface CheckerCommon {
  connectIp?: string;
  connectPort?: number;
  bindto?: string;
  bindPort?: number;
  bindIf?: string;
  connectTimeout?: number;
  fwmark?: number;
  retry?: number;
  delayBeforeRetry?: number;
  warmup?: number;
  delayLoop?: number;
  alpha?: boolean;
  logAllFailures?: boolean;
  pos?: SourcePos;
}

/** SMTP_CHECK's deprecated host{} block: one more connection to check (keepalived makes it a checker). */
export type SmtpHost = Pick<CheckerCommon, 'connectIp' | 'connectPort' | 'bindto' | 'bindPort' | 'bindIf' | 'connectTimeout' | 'fwmark' | 'pos'>;

export type Checker =
  | ({ type: 'TCP_CHECK' } & CheckerCommon)
  | ({ type: 'HTTP_GET' | 'SSL_GET'; urls: HttpUrl[]; virtualhost?: string; httpProtocol?: '1.0' | '1.0C' | '1.1'; enableSni?: boolean; sniName?: string; fastRecovery?: boolean; tlsCompliant?: boolean } & CheckerCommon)
  | ({ type: 'SMTP_CHECK'; heloName?: string; hosts?: SmtpHost[] } & CheckerCommon)
  | ({ type: 'MISC_CHECK'; miscPath: ScriptSpec; miscTimeout?: number; miscDynamic: boolean; user?: { user: string; group?: string } } & CheckerCommon)
  | ({ type: 'DNS_CHECK'; queryType: string; name: string } & CheckerCommon)
  | ({ type: 'UDP_CHECK'; payload?: string; requireReply?: string | true; minReplyLength?: number; maxReplyLength?: number } & CheckerCommon)
  | ({ type: 'PING_CHECK' } & CheckerCommon)
  /** weight undefined: the track_file block's weight and reverse apply. */
  | ({ type: 'FILE_CHECK'; trackFile: string; weight?: number; reverse: boolean } & CheckerCommon)
  | ({ type: 'BFD_CHECK'; name: string } & CheckerCommon);

export interface RealServer {
  address: string;
  port: number;                           // 0 when omitted
  family: IpFamily;
  pos?: SourcePos;
  weight: number;                         // default = VS weight (1)
  inhibitOnFailure?: boolean;
  notifyUp?: ScriptSpec;
  notifyDown?: ScriptSpec;
  lvsMethod?: LbKind;
  /** The real server's own `lvs_method TUN [type ...]` (with lvsMethod 'TUN'). */
  tunnel?: VirtualServer['tunnel'];
  smtpAlert?: boolean;
  alpha?: boolean;
  retry?: number;
  delayBeforeRetry?: number;
  warmup?: number;
  connectTimeout?: number;
  delayLoop?: number;
  virtualhost?: string;
  uthreshold?: number;
  lthreshold?: number;
  checkers: Checker[];
  extra: Record<string, string[]>;
}

export type VsAddress =
  | { kind: 'ip'; address: string; port: number; family: IpFamily }
  | { kind: 'fwmark'; fwmark: number; family?: IpFamily }
  | { kind: 'group'; group: string };

export interface VirtualServer {
  vs: VsAddress;
  pos?: SourcePos;
  lbAlgo: string;                         // default wlc
  lbKind: LbKind;                         // default NAT
  tunnel?: { type: 'ipip' | 'gue' | 'gre'; port?: number; csum?: 'nocsum' | 'csum' | 'remcsum' };
  protocol: Protocol;                     // default TCP
  delayLoop: number;                      // default 60
  persistenceTimeout?: number;
  persistenceGranularity?: string;
  connectTimeout?: number;                // default 5 (applied at checker level)
  retry?: number;
  delayBeforeRetry?: number;
  warmup?: number;
  inhibitOnFailure: boolean;
  sorryServer?: { address: string; port: number; family: IpFamily; lvsMethod?: LbKind; tunnel?: VirtualServer['tunnel']; inhibit?: boolean };
  quorum: number;                         // default 1
  hysteresis: number;                     // default 0
  quorumUp?: ScriptSpec;
  quorumDown?: ScriptSpec;
  alpha: boolean;
  omega: boolean;
  virtualhost?: string;
  smtpAlert?: boolean;
  haSuspend: boolean;
  weight: number;                         // default 1
  ops: boolean;
  schedFlags: string[];                   // flag-1/2/3, sh-port, sh-fallback, mh-port, mh-fallback
  ipFamily?: IpFamily;
  realServers: RealServer[];
  extra: Record<string, string[]>;
}

export type VsGroupEntry =
  | { kind: 'range'; first: string; last: string; port: number; family: IpFamily; pos?: SourcePos }
  | { kind: 'fwmark'; fwmark: number; family?: IpFamily; pos?: SourcePos };

export interface VirtualServerGroup { name: string; pos?: SourcePos; entries: VsGroupEntry[] }

export interface StaticAddress extends VirtualIp {}

export interface KeepalivedConfig {
  /** Every file read, in order (the main file first). */
  files: string[];
  /** For each included file (by the name source positions use), the include directive that read it. */
  includedBy?: Record<string, { pattern: string; file: string; line: number }>;
  /** net_namespace NAME: the network namespace the daemon runs in (-s overrides it). */
  netNamespace?: string;
  /** net_namespace_ipvs [NAME]: IPVS is driven in this network namespace ('' = the initial one, /proc/1/ns/net). */
  netNamespaceIpvs?: string;
  /** namespace_with_ipsets: accepted; Debian's 2.2.7 has no ipsets, so it changes nothing there either. */
  namespaceWithIpsets?: boolean;
  /** instance NAME: pid files, syslog ident (and data dumps with data_use_instance) carry the name. */
  instanceName?: string;
  /** use_pid_dir (also set by instance and net_namespace): pid files in /run/keepalived/. */
  usePidDir?: boolean;
  global: GlobalDefs;
  vrrpScripts: VrrpScript[];
  trackFiles: TrackFile[];
  trackProcesses: VrrpTrackProcess[];
  vrrpInstances: VrrpInstance[];
  /**
   * 2.2.7's vrrp_complete_init failed (an instance it cannot use, e.g. "(VI_1) Unknown interface!"):
   * its VRRP process then stops with a configuration error, which ends the daemon (measured).
   */
  vrrpUnusable?: boolean;
  vrrpSyncGroups: VrrpSyncGroup[];
  virtualServerGroups: VirtualServerGroup[];
  virtualServers: VirtualServer[];
  staticIpaddress: StaticAddress[];
  staticRoutes: VirtualRoute[];
  staticRules: VirtualRule[];
  /** garp_group blocks, in order. */
  garpGroups?: GarpGroup[];
  /** linkbeat_interfaces entries. */
  linkbeatInterfaces?: LinkbeatInterface[];
  /** Top-level linkbeat_use_polling: every interface a VRRP instance uses is polled. */
  linkbeatUsePolling?: boolean;
  /** interface_up_down_delays entries. */
  interfaceUpDownDelays?: InterfaceDelay[];
  /** Top-level P2 blocks kept verbatim (bfd_instance, garp_group, ...). */
  extra: { keyword: string; args: string[]; pos?: SourcePos; lines?: string[][] }[];
}
