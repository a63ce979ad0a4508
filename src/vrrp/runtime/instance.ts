// One running vrrp_instance as the runtime holds it: its config, FSM, interface, advert source,
// socket, VMAC, timers and VIP queue, and the list of its VIPs (virtual_ipaddress, then
// virtual_ipaddress_excluded) with the interface each goes on.
import type { VirtualIp, VrrpInstance } from '../../config/model.js';
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
  link: LinkInfo;
  /** Source address of adverts; follows the interface's addresses unless unicast_src_ip is set. */
  primary: string;
  /** The interface still has an address for the primary (false: FAULT, as keepalived). */
  hasAddr: boolean;
  socket: PoolEntry;
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

export function vipList(cfg: VrrpInstance): VirtualIp[] { return [...cfg.virtualIpaddress, ...cfg.virtualIpaddressExcluded]; }

/** The interface a VIP goes on: its `dev`, else the VMAC, else the instance's interface. */
export function vipIfindex(inst: Inst, v: VirtualIp, links: LinkTable): number {
  return v.dev ? (links.get(v.dev)?.index ?? inst.link.index) : (inst.vmac?.index ?? inst.link.index);
}
