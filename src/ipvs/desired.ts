// Desired LVS state (src/common/lvs-desired.ts) -> the kernel objects keepalived would program:
// virtual_server_group expansion (IP ranges, fwmarks), service flags / persistence / netmask,
// real-server port rules (keepalived's "ports don't match - resetting"), tunnel options. Pure.
import type { DesiredDest, DesiredService, LvsDesiredState } from '../common/lvs-desired.js';
import type { IpFamily, LbKind, Protocol, VirtualServer } from '../config/model.js';
import { AF_INET, AF_INET6, FWD, IPPROTO, SVC_F, TUN_FLAG, TUN_TYPE } from './constants.js';
import { canonicalIp, expandRange, ipToBytes, type Af } from './ip.js';
import { destKeyString, svcKeyString, type IpvsDest, type IpvsService } from './types.js';

/** keepalived's IPVS_SVC_PERSISTENT_TIMEOUT: used when only persistence_granularity is given. */
export const DEFAULT_PERSISTENCE_TIMEOUT = 360;

export interface KernelEntry { svc: IpvsService; dests: Map<string, IpvsDest> }
/** Services by svcKeyString. */
export type KernelState = Map<string, KernelEntry>;

export const afFor = (f: IpFamily | undefined): Af => (f === 'inet6' ? AF_INET6 : AF_INET);
export const protoNum = (p: Protocol): number => IPPROTO[p] ?? IPPROTO.TCP;
export const fwdFor = (k: LbKind): number => (k === 'DR' ? FWD.DROUTE : k === 'TUN' ? FWD.TUNNEL : FWD.MASQ);

const SCHED_FLAG: Record<string, number> = {
  'flag-1': SVC_F.SCHED1, 'flag-2': SVC_F.SCHED2, 'flag-3': SVC_F.SCHED3,
  'sh-fallback': SVC_F.SCHED1, 'sh-port': SVC_F.SCHED2, 'mh-fallback': SVC_F.SCHED1, 'mh-port': SVC_F.SCHED2,
};

/** Wire netmask for persistence_granularity: IPv4 mask bytes as a LE u32, IPv6 prefix length. */
export function netmaskFor(af: Af, granularity: string | undefined): number {
  if (af === AF_INET6) {
    const n = granularity === undefined ? 128 : parseInt(granularity, 10);
    return Number.isFinite(n) && n >= 1 && n <= 128 ? n : 128;
  }
  if (granularity === undefined) return 0xffffffff;
  if (/^\d+$/.test(granularity)) { // a prefix length given for IPv4
    const len = Math.min(32, parseInt(granularity, 10));
    const v = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    const b = Buffer.alloc(4); b.writeUInt32BE(v); return b.readUInt32LE(0);
  }
  return ipToBytes(granularity).readUInt32LE(0);
}

export function serviceAttrs(vs: VirtualServer, key: { af: Af; protocol: number; addr: string; port: number;
    fwmark: number }): IpvsService {
  let flags = 0;
  let timeout = vs.persistenceTimeout ?? 0;
  if (!timeout && vs.persistenceGranularity !== undefined) timeout = DEFAULT_PERSISTENCE_TIMEOUT;
  if (timeout) flags |= SVC_F.PERSISTENT;
  if (vs.ops) flags |= SVC_F.ONEPACKET;
  for (const f of vs.schedFlags ?? []) flags |= SCHED_FLAG[f] ?? 0;
  const pe = vs.extra?.persistence_engine?.[0];
  // one literal of fixed shape (no spreads): thousands of these are compared on every reload
  const svc: IpvsService = {
    af: key.af, protocol: key.protocol, addr: key.addr, port: key.port, fwmark: key.fwmark,
    sched: vs.lbAlgo || 'wlc',
    flags,
    timeout,
    netmask: timeout ? netmaskFor(key.af, vs.persistenceGranularity) : netmaskFor(key.af, undefined),
  };
  if (pe) svc.peName = pe;
  return svc;
}

/** The kernel service keys a virtual server stands for (one, or one per group member). */
export function serviceKeys(ds: DesiredService, state: LvsDesiredState): { af: Af; protocol: number; addr: string;
    port: number; fwmark: number }[] {
  const vs = ds.vs;
  const protocol = protoNum(vs.protocol);
  const a = vs.vs;
  if (a.kind === 'ip') return [{ af: afFor(a.family), protocol, addr: canonicalIp(a.address), port: a.port, fwmark: 0 }];
  if (a.kind === 'fwmark') {
    const af = afFor(a.family ?? vs.ipFamily ?? ds.destinations[0]?.family);
    return [{ af, protocol: 0, addr: '', port: 0, fwmark: a.fwmark }];
  }
  const g = state.groups[a.group];
  if (!g) return [];
  const out: { af: Af; protocol: number; addr: string; port: number; fwmark: number }[] = [];
  for (const e of g.entries) {
    if (e.kind === 'fwmark') {
      out.push({ af: afFor(e.family ?? vs.ipFamily ?? ds.destinations[0]?.family), protocol: 0, addr: '', port: 0, fwmark: e.fwmark });
    } else {
      for (const addr of expandRange(e.first, e.last)) out.push({ af: afFor(e.family), protocol, addr,
        port: e.port, fwmark: 0 });
    }
  }
  return out;
}

/** keepalived's port rules: NAT keeps the RS port (VS port when 0); DR/TUN use the VS port; fwmark DR/TUN use 0. */
export function destPort(fwd: number, rsPort: number, svc: { port: number; fwmark: number }): number {
  if (fwd === FWD.MASQ) return !svc.fwmark && !rsPort ? svc.port : rsPort;
  return svc.fwmark ? 0 : svc.port;
}

export function destAttrs(d: DesiredDest, svc: { port: number; fwmark: number }): IpvsDest {
  const fwd = fwdFor(d.fwdMethod);
  const out: IpvsDest = {
    addr: canonicalIp(d.address), port: destPort(fwd, d.port, svc), af: afFor(d.family), fwd,
    weight: d.weight, uThresh: d.uthreshold ?? 0, lThresh: d.lthreshold ?? 0,
  };
  if (fwd === FWD.TUNNEL && d.tunnel) {
    out.tunType = TUN_TYPE[d.tunnel.type] ?? 0;
    out.tunPort = d.tunnel.type === 'gue' ? d.tunnel.port ?? 0 : 0;
    out.tunFlags = d.tunnel.csum ? TUN_FLAG[d.tunnel.csum] : 0;
  }
  return out;
}

/** The kernel entries (key, entry) one desired service stands for: one, or one per group member. */
export function entriesFor(ds: DesiredService, state: LvsDesiredState): [string, KernelEntry][] {
  const out: [string, KernelEntry][] = [];
  for (const key of serviceKeys(ds, state)) {
    const svc = serviceAttrs(ds.vs, key);
    const dests = new Map<string, IpvsDest>();
    for (const d of ds.destinations) {
      const dest = destAttrs(d, key);
      dests.set(destKeyString(dest), dest);
    }
    out.push([svcKeyString(svc), { svc, dests }]);
  }
  return out;
}

/** Everything the desired state asks the kernel to hold (a later service wins a shared key). */
export function toKernelState(state: LvsDesiredState): KernelState {
  const out: KernelState = new Map();
  for (const ds of state.services) for (const [k, e] of entriesFor(ds, state)) out.set(k, e);
  return out;
}

/** How often to repair outside changes: the shortest delay_loop of the desired virtual servers (ms). */
export function repairIntervalFor(state: LvsDesiredState, fallbackSeconds = 60): number {
  const loops = state.services.map((s) => s.vs.delayLoop).filter((x) => Number.isFinite(x) && x > 0);
  return (loops.length ? Math.min(...loops) : fallbackSeconds) * 1000;
}
