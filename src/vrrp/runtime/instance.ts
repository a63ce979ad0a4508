// One running vrrp_instance as the runtime holds it: its config, FSM, interface (which may be
// missing, with dynamic_interfaces, or deleted and created again), advert source, socket, VMAC,
// timers and VIP queue, and the list of its VIPs (virtual_ipaddress, then
// virtual_ipaddress_excluded) with the interface each goes on.
import type { IpFamily, VirtualIp, VrrpInstance } from '../../config/model.js';
import type { VrrpTimerName } from '../fsm-types.js';
import type { VrrpFsm } from '../fsm.js';
import type { SyncGroupCore } from '../sync-group.js';
import type { DeadlineTimers } from '../io/deadline-timers.js';
import type { LinkInfo, VrrpChannel } from '../kernel/port.js';
import { ifUp, type LinkTable } from './link-table.js';
import type { OpQueue } from './op-queue.js';
import type { PoolEntry } from './socket-pool.js';

export interface Vmac {
  index: number; name: string; mac: Buffer; tx?: VrrpChannel;
  /** It existed before this start (left by a run with -V) and was adopted: it may carry VIPs. */
  found?: boolean;
}

/** use_ipvlan's ipvlan: the instance's interface (`link`); `base` is the configured interface, where the VIPs go. */
export interface Ipvlan { index: number; name: string; base: string }

/** A VMAC made for VIPs on another interface or of the other family (use_vmac_addr). */
export interface AddrVmac { index: number; name: string; mac: Buffer; family: IpFamily;
  base: string; baseIndex: number }

export interface Inst {
  cfg: VrrpInstance;
  fsm: VrrpFsm;
  /** The configured interface (interface, else global default_interface); with use_ipvlan, the ipvlan's name. */
  ifname: string;
  /** The interface as it is now; undefined while it does not exist. */
  link?: LinkInfo;
  /**
   * Source address of adverts; follows the interface's addresses unless unicast_src_ip is set. Kept
   * when the last address goes (the priority-0 advert on entering FAULT still leaves from it, as in
   * keepalived); NO_ADDRESS until one is known.
   */
  primary: string;
  /** The interface has an address for the primary (false: FAULT, as keepalived). */
  hasAddr: boolean;
  /** Open while the interface exists (IPv6: once it has a link-local address). */
  socket?: PoolEntry;
  /** use_vmac: the macvlan and its transmit socket (unless vmac_xmit_base); undefined while its base is missing. */
  vmac?: Vmac;
  /** use_vmac: the VMAC's name, chosen at start as 2.2.7 does (also while the base interface is missing). */
  vmacName?: string;
  /** use_vmac_addr: the VMACs of its VIPs on other interfaces or of the other family. */
  addrVmacs?: AddrVmac[];
  /** use_ipvlan: the ipvlan (inst.link once it exists). */
  ipvlan?: Ipvlan;
  peers: string[];
  group?: SyncGroupCore;
  timers: DeadlineTimers<VrrpTimerName>;
  queue: OpQueue;
  /** Wall-clock time of the last state change (dumps). */
  lastTransitionMs: number;
  /** VIPs (and eVIPs) of the config before the reload in progress: where a changeVips removal looks. */
  prevVips?: VirtualIp[];
}

/** The advert source of an instance that has never had an address (no advert leaves without one). */
export const noAddress = (family: IpFamily): string => (family === 'inet' ? '0.0.0.0' : '::');

export function vipList(cfg: VrrpInstance): VirtualIp[] { return [...cfg.virtualIpaddress,
  ...cfg.virtualIpaddressExcluded]; }

/**
 * The interface a VIP goes on, as 2.2.7 places it: its use_vmac_addr VMAC if it has one; else its
 * `dev` when that is another interface; else the instance's VMAC for a VIP of the instance's family,
 * the instance's interface otherwise. Undefined while that interface is missing.
 */
export function vipIfindex(inst: Inst, v: VirtualIp, links: LinkTable): number | undefined {
  const home = configuredIfname(inst);
  const base = v.dev ?? home;
  const addr = inst.addrVmacs?.find((a) => a.family === v.family && a.base === base);
  if (addr) return addr.index;
  if (v.dev && v.dev !== home) return links.get(v.dev)?.index;
  if (v.family === inst.cfg.family && inst.vmac) return inst.vmac.index;
  return configuredIfindex(inst, links);
}

/** The interface the configuration names (use_ipvlan's base; the instance's interface otherwise). */
export const configuredIfname = (inst: Inst): string => inst.ipvlan?.base ?? inst.ifname;

/**
 * Where the instance's own VIPs go: its VMAC, else its configured interface (with use_ipvlan the
 * ipvlan's base, as 2.2.7 places them); undefined while that is missing.
 */
export function vipHome(inst: Inst, links: LinkTable): number | undefined {
  return inst.vmac?.index ?? configuredIfindex(inst, links);
}

/** The configured interface's ifindex (use_ipvlan: the ipvlan's base), undefined while it is missing. */
export function configuredIfindex(inst: Inst, links: LinkTable): number | undefined {
  return inst.ipvlan ? links.get(inst.ipvlan.base)?.index : inst.link?.index;
}

/**
 * The FSM's 'interface' event for the instance's interface as it is now (the FSM applies
 * dont_track_primary): up when the interface is up and running, and with use_vmac its VMAC as well
 * (2.2.7's instance interface is the VMAC: a missing one, while its base is missing, is down).
 */
export function interfaceEvent(inst: Inst, links: LinkTable): { type: 'interface'; up: boolean; addr: boolean } {
  const up = ifUp(inst.link) && (!inst.cfg.useVmac || (!!inst.vmac && ifUp(links.get(inst.vmac.name))));
  return { type: 'interface', up, addr: inst.hasAddr };
}

/** The instance's own interface (and VMAC) is up, with an address for the adverts. */
export const instanceUp = (inst: Inst, links: LinkTable): boolean => { const e = interfaceEvent(inst, links);
  return e.up && e.addr; };

/** The base interface of the interface a VIP is on (a VMAC counts as its parent), for GARP spacing. */
export function baseIfname(inst: Inst, ifindex: number, links: LinkTable): string {
  if (inst.vmac && ifindex === inst.vmac.index && inst.link) return inst.link.name;
  const addr = inst.addrVmacs?.find((a) => a.index === ifindex);
  if (addr) return addr.base;
  return links.byIndex(ifindex)?.name ?? inst.link?.name ?? inst.ifname;
}

/** The interface is a VMAC the runtime made for this instance (use_vmac, use_vmac_addr). */
export function isOurVmac(inst: Inst, ifindex: number): boolean {
  return (!!inst.vmac && ifindex === inst.vmac.index) || !!inst.addrVmacs?.some((a) => a.index === ifindex);
}
