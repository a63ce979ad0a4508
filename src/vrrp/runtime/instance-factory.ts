// Creates the runtime side of a vrrp_instance: FSM parameters from the config and the interface's
// address, the FSM, deadline timers (a master-down expiry first reads the packets already queued),
// the VIP queue, the VMAC (use_vmac) and the socket. An instance whose interface does not exist yet
// (dynamic_interfaces) or has no address is created all the same and starts in FAULT, as keepalived
// 2.2.7's does; it takes the interface when it appears (if-binding.ts).
import type { Clock, Timers } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { GlobalDefs, KeepalivedConfig, VrrpInstance } from '../../config/model.js';
import type { VipFirewall } from '../firewall/vip-firewall.js';
import { VrrpFsm } from '../fsm.js';
import type { VrrpEvent, VrrpTimerName } from '../fsm-types.js';
import { DeadlineTimers } from '../io/deadline-timers.js';
import { createVmac } from '../io/vmac.js';
import { isKernelError, type KernelPort, type LinkInfo } from '../kernel/port.js';
import { deriveFsmParams } from '../params.js';
import type { InterfaceBinding } from './if-binding.js';
import { noAddress, type Inst, type Vmac } from './instance.js';
import type { LinkTable } from './link-table.js';
import { OpQueue } from './op-queue.js';
import type { SysctlStore } from './sysctl-store.js';

export interface FactoryDeps {
  kernel: KernelPort;
  links: LinkTable;
  binding: InterfaceBinding;
  sysctl: SysctlStore;
  firewall: VipFirewall;
  log: Logger;
  clock: Clock;
  timers: Timers;
  dispatch(inst: Inst, ev: VrrpEvent): void;
}

/** keepalived moves a VMAC's IGMP (IPv4, unless disable_local_igmp) / MLD reports to the base interface. */
export function vmacFirewalled(cfg: VrrpInstance, global: GlobalDefs): boolean {
  return cfg.family === 'inet6' || global.extra['disable_local_igmp'] === undefined;
}

/** A VMAC as the VIP firewall sees it. */
export function fwVmac(cfg: VrrpInstance, ifindex: number, baseIfindex: number) {
  return { ifindex, baseIfindex, family: cfg.family, otherFamily: cfg.virtualIpaddressExcluded.some((v) => v.family !== cfg.family) };
}

export class InstanceFactory {
  constructor(private readonly d: FactoryDeps) {}

  private async createVmac(cfg: VrrpInstance, link: LinkInfo, primary: string, global: GlobalDefs): Promise<Vmac | undefined> {
    const { kernel, links, sysctl, firewall, log } = this.d;
    const l = await createVmac(kernel.links, cfg, link, sysctl, log);
    if (!l) return undefined;
    links.set(l);
    if (vmacFirewalled(cfg, global)) firewall.vmac('add', fwVmac(cfg, l.index, link.index));
    const vm: Vmac = { index: l.index, name: l.name, mac: l.mac };
    // IPv6 adverts need a link-local source on the sending interface: they keep using the base.
    if (!cfg.vmacXmitBase && cfg.family === 'inet') {
      const tx = kernel.sockets.open({ family: 'inet', ifname: l.name, ifindex: l.index, srcAddr: primary, sendOnly: true, ttl: cfg.unicastPeer.length ? (cfg.unicastTtl ?? 255) : 255 }, () => {}, () => {});
      if (isKernelError(tx)) log.error(`(${cfg.name}) cannot open VMAC socket on ${l.name}: ${tx.message}`);
      else vm.tx = tx;
    }
    return vm;
  }

  /** The instance, or undefined (logged) when its socket cannot be opened. */
  async create(cfg: VrrpInstance, config: KeepalivedConfig): Promise<Inst | undefined> {
    const { links, binding, log, clock, timers, dispatch } = this.d;
    const ifname = cfg.interface ?? config.global.defaultInterface;
    const link = links.get(ifname);
    const primary = link ? links.primaryOf(cfg, link) : cfg.unicastSrcIp;
    const syncGroup = config.vrrpSyncGroups.find((g) => g.group.includes(cfg.name));
    const { params, logs } = deriveFsmParams(cfg, {
      global: config.global, vrrpScripts: config.vrrpScripts, trackFiles: config.trackFiles, trackProcesses: config.trackProcesses,
      primaryAddress: primary ?? noAddress(cfg.family), ...(syncGroup ? { syncGroup } : {}),
    });
    for (const l of logs) log.info(l);
    // promote_secondaries: set on the interface at start (2.2.7 ignores it with use_vmac, whose VMAC has it)
    if (cfg.promoteSecondaries && link && !cfg.useVmac) this.d.sysctl.set(`net/ipv4/conf/${link.name}/promote_secondaries`, '1');
    const vmac = cfg.useVmac && link ? await this.createVmac(cfg, link, primary ?? noAddress(cfg.family), config.global) : undefined;
    const inst: Inst = {
      cfg, fsm: new VrrpFsm(params, clock), ifname, ...(link ? { link } : {}), primary: primary ?? noAddress(cfg.family), hasAddr: !!primary,
      ...(vmac ? { vmac } : {}), peers: cfg.unicastPeer.map((p) => p.address),
      timers: new DeadlineTimers<VrrpTimerName>(clock, (name, generation) => dispatch(inst, { type: 'timer', timer: name, generation }),
        (name) => { if (name === 'masterDown') inst.socket?.channel.drain(); }, timers),
      queue: new OpQueue((e) => log.error(`(${cfg.name}) ${e instanceof Error ? e.message : String(e)}`)), lastTransitionMs: Date.now(),
    };
    const e = binding.openSocket(inst);
    if (e) { log.error(`(${cfg.name}) cannot open VRRP socket on ${ifname}: ${e.message}`); return undefined; }
    return inst;
  }
}
