// The intermediate form every migration source is turned into: a small keepalived configuration
// (one VRRP instance, virtual servers, SMTP settings) plus the report of what each source setting
// became. emit.ts prints it as keepalived.conf text.
import { parseIpv4, parseIpv6 } from '../common/ip-text.js';

export interface ReportEntry {
  /** Where the setting came from: "file:line". */
  at: string;
  /** The source setting as written (key=value, or the line). */
  source: string;
  /** What it became in keepalived.conf, or null when it has no equivalent. */
  became: string | null;
  /** Why (for null), or a caveat. */
  note?: string;
}

/**
 * A problem in the input: where, what, and what the conversion did instead (`assumed`: the line or
 * item skipped, a default kept). A fatal one leaves nothing to convert (no input file, no ha.cf).
 * Without --strict the rest is converted and every problem reported; --strict refuses the input.
 */
export interface MigrationError { at: string; message: string; assumed?: string; fatal?: boolean }

export interface DraftCheck {
  type: 'TCP_CHECK' | 'HTTP_GET' | 'SSL_GET' | 'SMTP_CHECK' | 'DNS_CHECK' | 'PING_CHECK' | 'UDP_CHECK' | 'MISC_CHECK';
  urlPath?: string;
  /** HTTP body must match this regex (ldirectord receive=, piranha expect=). */
  regex?: string;
  /** MISC_CHECK command; {rip} and {rport} are replaced per real server. */
  miscPath?: string;
  virtualhost?: string;
  connectPort?: number;
  connectTimeout?: number;
  retry?: number;
  delayBeforeRetry?: number;
  dnsName?: string;
}

export interface DraftRealServer { address: string; port: number; weight: number; method?: 'NAT' | 'DR' | 'TUN'; check?: DraftCheck }

export interface DraftVirtualServer {
  /** "IP PORT" or "fwmark N". */
  address: string;
  port?: number;
  fwmark?: number;
  protocol: 'TCP' | 'UDP';
  lbAlgo: string;
  lbKind: 'NAT' | 'DR' | 'TUN';
  delayLoop?: number;
  persistenceTimeout?: number;
  persistenceGranularity?: string;
  inhibitOnFailure: boolean;
  sorryServer?: { address: string; port?: number };
  realServers: DraftRealServer[];
  check?: DraftCheck;
  smtpAlert?: boolean;
  comment?: string;
}

export interface DraftVip { address: string; prefixLen?: number; dev?: string; label?: string; brd?: string }

export interface DraftVrrp {
  name: string;
  interface: string;
  virtualRouterId: number;
  advertInt: number;
  version?: 3;
  /** Per-node priorities as @conditional lines (config-id -> priority); empty = one priority. */
  nodes: { configId: string; priority: number }[];
  nopreempt: boolean;
  authPass?: string;
  unicastSrcIp?: string;
  unicastPeers: string[];
  vips: DraftVip[];
  trackInterfaces: string[];
  /** Track the draft's ping scripts. */
  trackPing: boolean;
  notifyMaster?: string;
  notifyBackup?: string;
  notifyFault?: string;
  smtpAlert?: boolean;
}

export interface Draft {
  routerId?: string;
  notificationEmail: string[];
  notificationEmailFrom?: string;
  smtpServer?: string;
  mcastGroup4?: string;
  vrrps: DraftVrrp[];
  /** vrrp_script chk_ping_N: reachability checks (heartbeat ping nodes / ping_group with ipfail). */
  pingChecks: { command: string; weight: number }[];
  virtualServers: DraftVirtualServer[];
  /** true when a notify script is emitted (so script security is configured). */
  usesScripts: boolean;
}

export interface MigrationResult {
  config: string;
  report: ReportEntry[];
  errors: MigrationError[];
}

export function emptyDraft(): Draft {
  return { notificationEmail: [], vrrps: [], pingChecks: [], virtualServers: [], usesScripts: false };
}

/** ipvsadm/ldirectord scheduler names that keepalived accepts as lb_algo. */
export const KNOWN_SCHEDULERS = new Set(['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh']);

export function isIPv4(s: string): boolean {
  return parseIpv4(s) !== undefined;
}

/** An IPv6 address as keepalived reads one (no zone suffix). */
export function isIPv6(s: string): boolean {
  return !s.includes('%') && parseIpv6(s) !== undefined;
}

/** Netmask (255.255.255.0) or prefix length ("24") to a prefix length; undefined when invalid. */
export function prefixFromMask(mask: string): number | undefined {
  if (/^\d{1,3}$/.test(mask)) { const n = Number(mask); return n <= 128 ? n : undefined; }
  if (!isIPv4(mask)) return undefined;
  const bits = mask.split('.').map((o) => Number(o).toString(2).padStart(8, '0')).join('');
  if (!/^1*0*$/.test(bits)) return undefined;
  return bits.indexOf('0') === -1 ? 32 : bits.indexOf('0');
}
