// The kernel's view of IPVS as plain data: services keyed by (af, protocol, addr, port) or
// (af, fwmark), destinations keyed by (addr, port). The reconciler compares these; codec.ts maps
// them to and from netlink attributes.
import type { Af } from './ip.js';

export interface SvcKey {
  af: Af;
  /** 0 for fwmark services (the kernel reports TCP for them; ignored in keys). */
  protocol: number;
  /** Canonical text; '' for fwmark services. */
  addr: string;
  port: number;
  /** 0 for address services. */
  fwmark: number;
}

export interface IpvsService extends SvcKey {
  sched: string;
  /** IP_VS_SVC_F_* without HASHED (the kernel sets it on every service). */
  flags: number;
  /** Persistence timeout in seconds (0 = not persistent). */
  timeout: number;
  /** Wire value: IPv4 netmask bytes read as a little-endian u32 (0xffffffff = /32), IPv6 prefix length. */
  netmask: number;
  peName?: string;
}

export interface DestKey { addr: string; port: number }

export interface IpvsDest extends DestKey {
  af: Af;
  /** FWD.MASQ / FWD.DROUTE / FWD.TUNNEL ... */
  fwd: number;
  weight: number;
  uThresh: number;
  lThresh: number;
  tunType?: number;
  tunPort?: number;
  tunFlags?: number;
}

export interface IpvsTimeouts { tcp: number; tcpfin: number; udp: number }

export interface IpvsDaemon {
  state: 'master' | 'backup';
  ifname: string;
  syncId: number;
  maxlen?: number;
  port?: number;
  ttl?: number;
  group?: string;
}

export function svcKeyString(k: SvcKey): string {
  return k.fwmark ? `${k.af}/fwm/${k.fwmark}` : `${k.af}/${k.protocol}/${k.addr}/${k.port}`;
}
export function destKeyString(k: DestKey): string { return `${k.addr}/${k.port}`; }

/** ipvsadm-style text for logs: TCP 10.0.0.1:80 / FWM 5 / TCP [::1]:80. */
export function svcText(k: SvcKey): string {
  if (k.fwmark) return `FWM ${k.fwmark}${k.af === 10 ? ' IPv6' : ''}`;
  const p = k.protocol === 6 ? 'TCP' : k.protocol === 17 ? 'UDP' : k.protocol === 132 ? 'SCTP' : String(k.protocol);
  return `${p} ${k.af === 10 ? `[${k.addr}]` : k.addr}:${k.port}`;
}
