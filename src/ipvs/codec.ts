// IPVS messages: service / destination / daemon / timeout attributes built from types.ts values,
// and dump replies parsed back into them. Pure (Buffers in, Buffers out).
import { AF_INET, AF_INET6, CMD_ATTRS, DAEMON_ATTRS, DAEMON_STATE, FWD_MASK, INFO_ATTRS, SVC_ATTRS, SVC_F, DEST_ATTRS } from './constants.js';
import { decodeAttrs, encodeAttrs, type AttrValues, type SvcFlags } from './attrs.js';
import { nla, NLA_F_NESTED } from '../common/netlink.js';
import { bytesToIp, ipToBytes, type Af } from './ip.js';
import type { DestKey, IpvsDaemon, IpvsDest, IpvsService, IpvsTimeouts, SvcKey } from './types.js';

/** The attributes that name a service (used alone in DEL_SERVICE, GET_DEST, and dest commands). */
export function svcKeyAttrs(k: SvcKey): AttrValues {
  if (k.fwmark) return { af: k.af, fwmark: k.fwmark };
  return { af: k.af, protocol: k.protocol, addr: ipToBytes(k.addr), port: k.port };
}

/** A full service entry (NEW_SERVICE / SET_SERVICE). */
export function svcFullAttrs(s: IpvsService): AttrValues {
  const v: AttrValues = {
    ...svcKeyAttrs(s),
    schedName: s.sched,
    flags: { flags: s.flags, mask: 0xffffffff },
    timeout: s.timeout,
    netmask: s.netmask,
  };
  if (s.peName) v.peName = s.peName;
  return v;
}

export function destKeyAttrs(d: DestKey & { af: Af }): AttrValues {
  return { addr: ipToBytes(d.addr), port: d.port, addrFamily: d.af };
}

export function destFullAttrs(d: IpvsDest): AttrValues {
  const v: AttrValues = {
    addr: ipToBytes(d.addr), port: d.port, fwdMethod: d.fwd, weight: d.weight,
    uThresh: d.uThresh, lThresh: d.lThresh, addrFamily: d.af,
  };
  if (d.tunType !== undefined) {
    v.tunType = d.tunType;
    v.tunPort = d.tunPort ?? 0;
    v.tunFlags = d.tunFlags ?? 0;
  }
  return v;
}

const keyNestCache = new WeakMap<SvcKey, Buffer>();
/** IPVS_CMD_ATTR_SERVICE holding only the key, encoded once per service object (reused for its destinations). */
function svcKeyNest(k: SvcKey): Buffer {
  let b = keyNestCache.get(k);
  if (!b) { b = encodeAttrs(CMD_ATTRS, { service: svcKeyAttrs(k) }); keyNestCache.set(k, b); }
  return b;
}
const destNest = (v: AttrValues) => nla(CMD_ATTRS.dest.id | NLA_F_NESTED, encodeAttrs(DEST_ATTRS, v));

/** Payload (after the genl header) of each IPVS command we send. */
export const msg = {
  newService: (s: IpvsService) => encodeAttrs(CMD_ATTRS, { service: svcFullAttrs(s) }),
  setService: (s: IpvsService) => encodeAttrs(CMD_ATTRS, { service: svcFullAttrs(s) }),
  delService: (k: SvcKey) => svcKeyNest(k),
  newDest: (k: SvcKey, d: IpvsDest) => Buffer.concat([svcKeyNest(k), destNest(destFullAttrs(d))]),
  setDest: (k: SvcKey, d: IpvsDest) => Buffer.concat([svcKeyNest(k), destNest(destFullAttrs(d))]),
  delDest: (k: SvcKey, d: DestKey & { af: Af }) => Buffer.concat([svcKeyNest(k), destNest(destKeyAttrs(d))]),
  getDests: (k: SvcKey) => svcKeyNest(k),
  setTimeouts: (t: Partial<IpvsTimeouts>) =>
    encodeAttrs(CMD_ATTRS, { timeoutTcp: t.tcp, timeoutTcpFin: t.tcpfin, timeoutUdp: t.udp }),
  newDaemon: (d: IpvsDaemon) => encodeAttrs(CMD_ATTRS, { daemon: daemonAttrs(d) }),
  delDaemon: (state: IpvsDaemon['state']) =>
    encodeAttrs(CMD_ATTRS, { daemon: { state: state === 'master' ? DAEMON_STATE.MASTER : DAEMON_STATE.BACKUP } }),
  empty: () => Buffer.alloc(0),
};

export function daemonAttrs(d: IpvsDaemon): AttrValues {
  const v: AttrValues = {
    state: d.state === 'master' ? DAEMON_STATE.MASTER : DAEMON_STATE.BACKUP,
    mcastIfn: d.ifname,
    syncId: d.syncId,
  };
  if (d.maxlen !== undefined) v.syncMaxlen = d.maxlen;
  if (d.group !== undefined) {
    if (d.group.includes(':')) v.mcastGroup6 = ipToBytes(d.group); else v.mcastGroup = ipToBytes(d.group);
  }
  if (d.port !== undefined) v.mcastPort = d.port;
  if (d.ttl !== undefined) v.mcastTtl = d.ttl;
  return v;
}

/** A reply entry decoded, or why it was dropped (a short stable token, counted by the client). */
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

const isAf = (af: unknown): af is Af => af === AF_INET || af === AF_INET6;
const bad = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

/** Parses one GET_SERVICE reply payload: a known family, and a fwmark or protocol + address + port. */
export function parseService(payload: Buffer): Decoded<IpvsService> {
  const top = decodeAttrs(CMD_ATTRS, payload);
  const s = top.service as AttrValues | undefined;
  if (!s) return bad('service-missing');
  if (!isAf(s.af)) return bad('service-family');
  const af = s.af;
  const fwmark = (s.fwmark as number | undefined) ?? 0;
  if (!fwmark && (s.addr === undefined || s.protocol === undefined || s.port === undefined)) return bad('service-key');
  const flags = (s.flags as SvcFlags | undefined)?.flags ?? 0;
  return {
    ok: true,
    value: {
      af,
      protocol: fwmark ? 0 : s.protocol as number,
      addr: fwmark ? '' : bytesToIp(af, s.addr as Buffer),
      port: fwmark ? 0 : s.port as number,
      fwmark,
      sched: (s.schedName as string) ?? '',
      flags: flags & ~SVC_F.HASHED,
      timeout: (s.timeout as number) ?? 0,
      netmask: (s.netmask as number) ?? 0,
      ...(s.peName ? { peName: s.peName as string } : {}),
    },
  };
}

/** Parses one GET_DEST reply payload; `svcAf` is used when the kernel omits the dest family. */
export function parseDest(payload: Buffer, svcAf: Af): Decoded<IpvsDest> {
  const top = decodeAttrs(CMD_ATTRS, payload);
  const d = top.dest as AttrValues | undefined;
  if (!d) return bad('dest-missing');
  if (d.addr === undefined) return bad('dest-address');
  const af = d.addrFamily ?? svcAf;
  if (!isAf(af)) return bad('dest-family');
  const out: IpvsDest = {
    addr: bytesToIp(af, d.addr as Buffer), port: (d.port as number) ?? 0, af,
    fwd: ((d.fwdMethod as number) ?? 0) & FWD_MASK,
    weight: (d.weight as number) ?? 0, uThresh: (d.uThresh as number) ?? 0, lThresh: (d.lThresh as number) ?? 0,
  };
  if (d.tunType !== undefined && out.fwd === 2) {
    out.tunType = d.tunType as number; out.tunPort = (d.tunPort as number) ?? 0;
    out.tunFlags = (d.tunFlags as number) ?? 0;
  }
  return { ok: true, value: out };
}

export function parseTimeouts(payload: Buffer): IpvsTimeouts {
  const t = decodeAttrs(CMD_ATTRS, payload);
  return { tcp: (t.timeoutTcp as number) ?? 0, tcpfin: (t.timeoutTcpFin as number) ?? 0,
    udp: (t.timeoutUdp as number) ?? 0 };
}

export function parseInfo(payload: Buffer): { version: string; connTabSize: number } {
  const i = decodeAttrs(INFO_ATTRS, payload);
  const v = (i.version as number) ?? 0;
  return { version: `${v >>> 16}.${(v >> 8) & 0xff}.${v & 0xff}`, connTabSize: (i.connTabSize as number) ?? 0 };
}

export function parseDaemons(payload: Buffer): Decoded<IpvsDaemon> {
  const top = decodeAttrs(CMD_ATTRS, payload);
  const d = top.daemon as AttrValues | undefined;
  if (!d) return bad('daemon-missing');
  if (d.state !== DAEMON_STATE.MASTER && d.state !== DAEMON_STATE.BACKUP) return bad('daemon-state');
  const g4 = d.mcastGroup as Buffer | undefined, g6 = d.mcastGroup6 as Buffer | undefined;
  return {
    ok: true,
    value: {
      state: d.state === DAEMON_STATE.MASTER ? 'master' : 'backup',
      ifname: (d.mcastIfn as string) ?? '', syncId: (d.syncId as number) ?? 0,
      ...(d.syncMaxlen !== undefined ? { maxlen: d.syncMaxlen as number } : {}),
      ...(d.mcastPort !== undefined ? { port: d.mcastPort as number } : {}),
      ...(d.mcastTtl !== undefined ? { ttl: d.mcastTtl as number } : {}),
      ...(g6 && g6.some((x) => x !== 0) ? { group: bytesToIp(10, g6) } : g4 && g4.some((x) => x !== 0)
        ? { group: bytesToIp(AF_INET, g4) } : {}),
    },
  };
}

export { SVC_ATTRS, DEST_ATTRS, DAEMON_ATTRS };
