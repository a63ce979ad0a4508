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
import type { LinkTable } from './link-table.js';
import type { OpQueue } from './op-queue.js';
import type { PoolEntry } from './socket-pool.js';

export interface Vmac { index: number; name: string; mac: Buffer; tx?: VrrpChannel }

export interface Inst {
  cfg: VrrpInstance;
  fsm: VrrpFsm;
  /** The configured interface (interface, else global default_interface). */
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
  /** use_vmac: the macvlan and its transmit socket (unless vmac_xmit_base). */
  vmac?: Vmac;
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

export function vipList(cfg: VrrpInstance): VirtualIp[] { return [...cfg.virtualIpaddress, ...cfg.virtualIpaddressExcluded]; }

/** The interface a VIP goes on: its `dev`, else the VMAC, else the instance's interface; undefined if missing. */
export function vipIfindex(inst: Inst, v: VirtualIp, links: LinkTable): number | undefined {
  return v.dev ? links.get(v.dev)?.index : (inst.vmac?.index ?? inst.link?.index);
}

/** The instance's own interface is up, with an address for the adverts. */
export const instanceUp = (inst: Inst): boolean => !!inst.link && inst.link.up && inst.link.running && inst.hasAddr;
