// Text forms keepalived uses for addresses in checker log lines and mails:
// RS/VS as `[ip]:tcp:port` (inet_sockaddrtotrio), `FWM n`, `[group]:port`, and `[ip]:port` (pair).
import type { RealServer, VirtualServer, Protocol } from '../config/model.js';

export function protoText(p: Protocol | undefined): string {
  return p === 'UDP' ? 'udp' : p === 'SCTP' ? 'sctp' : 'tcp';
}

/** `[ip]:proto:port` (joined: a flat string, kept per real server for its log lines) */
export function trio(address: string, proto: Protocol | undefined, port: number): string {
  return ['[', address, ']:', protoText(proto), ':', port].join('');
}

/** `[ip]:port` */
export function pair(address: string, port: number): string {
  return `[${address}]:${port}`;
}

export function fmtVs(vs: VirtualServer): string {
  const a = vs.vs;
  if (a.kind === 'ip') return trio(a.address, vs.protocol, a.port);
  if (a.kind === 'fwmark') return `FWM ${a.fwmark}`;
  return `[${a.group}]:0`;
}

export function fmtRs(rs: RealServer, vs: VirtualServer): string {
  return trio(rs.address, vs.protocol, rs.port);
}

/** Stable identity of a VS across reloads. */
export function vsKey(vs: VirtualServer): string {
  const a = vs.vs;
  if (a.kind === 'ip') return `ip/${vs.protocol}/${a.address}/${a.port}`;
  if (a.kind === 'fwmark') return `fwm/${a.fwmark}/${a.family ?? 'inet'}`;
  return `grp/${a.group}/${vs.protocol}`;
}

export function rsKey(rs: RealServer): string {
  return `${rs.address}/${rs.port}`;
}
