// Creates the runtime side of a vrrp_instance: FSM parameters from the config and the interface's
// address, the FSM, deadline timers (a master-down expiry first reads the packets already queued),
// the VIP queue, the VMAC (use_vmac) or the ipvlan (use_ipvlan: then the instance's interface, its
// socket and advert source; the VIPs stay on the configured interface) and the socket. A VMAC or
// ipvlan on an interface enslaved to a VRF is enslaved to that VRF too. An instance whose interface does not exist yet
// (dynamic_interfaces) or has no address is created all the same and starts in FAULT, as keepalived
// 2.2.7's does; it takes the interface when it appears (if-binding.ts).
import type { Clock, Timers } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { GlobalDefs, KeepalivedConfig, VrrpInstance } from '../../config/model.js';
import type { VipFirewall } from '../firewall/vip-firewall.js';
import { VrrpFsm } from '../fsm.js';
import type { VrrpEvent, VrrpTimerName } from '../fsm-types.js';
import { DeadlineTimers } from '../io/deadline-timers.js';
import { createIpvlan } from '../io/ipvlan.js';
import { createVmac, vmacAddress, vmacName } from '../io/vmac.js';
import { isKernelError, type AddrInfo, type KernelPort, type LinkInfo } from '../kernel/port.js';
import { deriveFsmParams, type DerivedParams } from '../params.js';
import { trackGroups } from '../track-groups.js';
import type { InterfaceBinding } from './if-binding.js';
import { noAddress, vipList, type AddrVmac, type Inst, type Ipvlan, type Vmac } from './instance.js';
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
  /** Names the running instances' VMACs have (a new VMAC name must be another). */
  vmacNames(): Set<string>;
  /** -V / -X (VrrpFsmParams.releaseVipsAlways). */
  releaseVipsAlways?: boolean;
}

/** keepalived moves a VMAC's IGMP (IPv4, unless disable_local_igmp) / MLD reports to the base interface. */
export function vmacFirewalled(cfg: VrrpInstance, global: GlobalDefs): boolean {
  return cfg.family === 'inet6' || !global.disableLocalIgmp;
}

/** A VMAC as the VIP firewall sees it. */
export function fwVmac(cfg: VrrpInstance, ifindex: number, baseIfindex: number) {
  return { ifindex, baseIfindex, family: cfg.family,
    otherFamily: cfg.virtualIpaddressExcluded.some((v) => v.family !== cfg.family) };
}

export class InstanceFactory {
  constructor(private readonly d: FactoryDeps) {}

  /** A VMAC name: use_vmac's, else PREFIX.VRID not used by another VMAC of ours (nor by one made now). */
  private vmacName(prefix: string, cfg: VrrpInstance, family: VrrpInstance['family'], made: readonly string[]): string {
    const taken = this.d.vmacNames();
    for (const n of made) taken.add(n);
    return vmacName(prefix, cfg.virtualRouterId ?? 0, family, (n) => taken.has(n));
  }

  /** use_vmac's VMAC name: its own, else PREFIX.VRID (vmac_prefix). */
  useVmacName(cfg: VrrpInstance, global: GlobalDefs): string {
    return cfg.useVmac?.name ?? this.vmacName(global.vmacPrefix ?? 'vrrp', cfg, cfg.family, []);
  }

  /** The VRF `link` is enslaved to, if it is (2.2.7 enslaves the VMAC / ipvlan to it as well). */
  private vrfOf(link: LinkInfo): { vrf: number } | Record<string, never> {
    return link.master !== undefined && this.d.links.byIndex(link.master)?.kind === 'vrf' ? { vrf: link.master } : {};
  }

  /**
   * Creates (or adopts) an instance's use_vmac VMAC on its base interface, with its transmit socket.
   * `late`: made while running (its base appeared), so it counts as down until the kernel says it
   * is up ("Netlink reports vrrp.51 up", as 2.2.7 logs then); at start its creation is silent.
   */
  async createVmac(cfg: VrrpInstance, name: string, link: LinkInfo, primary: string, global: GlobalDefs,
      late = false): Promise<Vmac | undefined> {
    const { kernel, links, sysctl, firewall, log } = this.d;
    // IPv6 stays on an IPv4 VMAC that carries eVIPs of the other family
    const ipv6 = cfg.family === 'inet6' || vipList(cfg).some((v) => v.family !== cfg.family);
    const mac = vmacAddress(cfg);
    // keepalived 2.2.7 adopts a macvlan of that name and MAC (one left by -V) and removes its VIPs at start
    const found = !!links.get(name)?.mac.equals(mac);
    // 2.2.7 never logs its own VMAC's creation as an interface added, up or down
    if (!found && !late) links.expect(name);
    const l = await createVmac(kernel.links, { owner: cfg.name, name, mac, family: cfg.family, ipv6, found,
      ...this.vrfOf(link) }, link, sysctl, log);
    if (!l) { links.done(name); return undefined; }
    links.set(late ? { ...l, up: false, running: false } : l);
    if (vmacFirewalled(cfg, global)) firewall.vmac('add', fwVmac(cfg, l.index, link.index));
    const vm: Vmac = { index: l.index, name: l.name, mac: l.mac, ...(found ? { found } : {}) };
    if (cfg.vmacXmitBase) return vm;
    // adverts leave from the VMAC; an IPv6 one sends from the base's link-local address, which 2.2.7
    // copies onto the VMAC ("Assigned address fe80::... for interface vrrp.52", measured)
    if (cfg.family === 'inet6') {
      const ll = await this.copyLinkLocal(cfg.name, link, l);
      if (!ll) return vm;
      log.detail(`Assigned address ${ll.address} for interface ${l.name}`);
      primary = ll.address;
    }
    const tx = kernel.sockets.open({ family: cfg.family, ifname: l.name, ifindex: l.index, srcAddr: primary,
      sendOnly: true, ttl: cfg.unicastPeer.length ? (cfg.unicastTtl ?? 255) : 255 }, () => {}, () => {});
    if (isKernelError(tx)) log.error(`(${cfg.name}) cannot open VMAC socket on ${l.name}: ${tx.message}`);
    else vm.tx = tx;
    return vm;
  }

  /**
   * Puts the base's IPv6 link-local address on a VMAC (deprecated, no DAD), as 2.2.7 does, and
   * into the link table; the address, or undefined when the base has none or the kernel refused it.
   */
  private async copyLinkLocal(owner: string, base: LinkInfo,
      vmac: { index: number; name: string }): Promise<AddrInfo | undefined> {
    const { kernel, links, log } = this.d;
    const ll = links.addressesOf(base.index).find((a) => a.family === 'inet6' && a.address.startsWith('fe80:'));
    if (!ll) return undefined;
    const e = await kernel.addrs.add({ address: ll.address, prefixLen: ll.prefixLen, family: 'inet6', options: ['preferred_lft', '0'] }, vmac.index);
    if (e && e.code !== 'EEXIST') { log.info(`(${owner}) adding link-local address to ${vmac.name} failed`); return undefined; }
    const addr: AddrInfo = { ...ll, index: vmac.index };
    links.applyAddr(true, addr);
    return addr;
  }

  /**
   * use_vmac_addr: a VMAC for the VIPs on another interface or of the other family (one per base
   * interface and family; vmac_addr_prefix, else vmac_prefix, else "vrrp"), each VIP then going on
   * its VMAC. An IPv6 one gets its base's link-local address (deprecated, no DAD), as 2.2.7's.
   */
  private async createAddrVmacs(cfg: VrrpInstance, ifname: string, global: GlobalDefs): Promise<AddrVmac[]> {
    const { kernel, links, sysctl, firewall, log } = this.d;
    const out: AddrVmac[] = [];
    for (const v of vipList(cfg)) {
      const base = v.dev ?? ifname;
      if ((base === ifname && v.family === cfg.family) || out.some((a) => a.base === base
        && a.family === v.family)) continue;
      const baseLink = links.get(base);
      if (!baseLink) continue;
      const name = this.vmacName(global.vmacAddrPrefix ?? global.vmacPrefix ?? 'vrrp', cfg, v.family, out.map((a) => a.name));
      links.expect(name);
      const l = await createVmac(kernel.links, { owner: cfg.name, name, mac: vmacAddress(cfg, v.family), family: v.family, ipv6: v.family === 'inet6' }, baseLink, sysctl, log);
      if (!l) { links.done(name); continue; }
      links.set(l);
      out.push({ index: l.index, name, mac: l.mac, family: v.family, base, baseIndex: baseLink.index });
      if (vmacFirewalled({ ...cfg, family: v.family }, global)) firewall.vmac('add', { ifindex: l.index, baseIfindex: baseLink.index, family: v.family, otherFamily: false });
      if (v.family === 'inet6') await this.copyLinkLocal(cfg.name, baseLink, l);
    }
    return out;
  }

  /**
   * use_ipvlan: the ipvlan on `base` (named as configured, else PREFIX.VRID), in the link table;
   * its link is undefined when it could not be made (the instance then stays in FAULT, as 2.2.7's).
   */
  private async createIpvlan(cfg: VrrpInstance, base: LinkInfo | undefined,
      global: GlobalDefs): Promise<{ ipvlan: Ipvlan; link?: LinkInfo }> {
    const u = cfg.useIpvlan!;
    // 2.2.7 checks this at parse time, with the interface's type in hand (our parser knows names only)
    const other = u.name !== undefined ? this.d.links.get(u.name) : undefined;
    if (other && other.kind !== 'ipvlan') this.d.log.info(`(${cfg.name}) interface ${u.name} already exists and is not an l2 ipvlan; ignoring ipvlan if_name`);
    const name = (!other || other.kind === 'ipvlan' ? u.name : undefined) ?? this.vmacName(global.vmacPrefix ?? 'vrrp', cfg, cfg.family, []);
    const ipvlan: Ipvlan = { index: 0, name, base: base?.name ?? cfg.interface ?? global.defaultInterface };
    if (!base) return { ipvlan };
    const { kernel, links, sysctl, log } = this.d;
    const ipv6 = cfg.family === 'inet6' || cfg.virtualIpaddressExcluded.some((v) => v.family !== cfg.family);
    links.expect(name);
    const l = await createIpvlan(kernel.links, kernel.addrs, { owner: cfg.name, name, mode: u.mode ?? 'bridge', family: cfg.family, ipv6,
      ...(u.address ? { address: u.address } : {}), ...this.vrfOf(base) }, base, sysctl, log);
    if (!l) { links.done(name); return { ipvlan }; }
    links.set(l);
    ipvlan.index = l.index;
    // 2.2.7 takes the address as the ipvlan's own at once and logs it as it starts tracking the ipvlan
    const a = u.address;
    if (a) {
      links.applyAddr(true, { index: l.index, family: a.family, address: a.address, prefixLen: a.prefixLen, scope: 0 });
      log.detail(`Assigned address ${a.address} for interface ${name}`);
    }
    return { ipvlan, link: l };
  }

  /** The primary address an instance starts with: its interface's, or (use_ipvlan, a new ipvlan has none yet, or no
   *  interface) the unicast_src_ip. */
  private primaryFor(cfg: VrrpInstance, link: LinkInfo | undefined): string | undefined {
    return cfg.useIpvlan || !link ? cfg.unicastSrcIp : this.d.links.primaryOf(cfg, link);
  }

  /** The instance's FSM parameters and 2.2.7's lines about them (logged by the caller, all instances' first). */
  derive(cfg: VrrpInstance, config: KeepalivedConfig): DerivedParams {
    const primary = this.primaryFor(cfg, this.d.links.get(cfg.interface ?? config.global.defaultInterface));
    const syncGroup = config.vrrpSyncGroups.find((g) => g.group.includes(cfg.name));
    return deriveFsmParams(cfg, {
      global: config.global, vrrpScripts: config.vrrpScripts, trackFiles: config.trackFiles,
      trackProcesses: config.trackProcesses,
      primaryAddress: primary ?? noAddress(cfg.family), releaseVipsAlways: !!this.d.releaseVipsAlways,
      ...(syncGroup ? { syncGroup } : {}),
      groupInterfaces: trackGroups(config).interfaces.get(cfg.name) ?? [],
    });
  }

  /** The instance from derive()'s parameters, or undefined (logged) when its socket cannot be opened. */
  async create(cfg: VrrpInstance, config: KeepalivedConfig, { params }: DerivedParams): Promise<Inst | undefined> {
    const { links, binding, log, clock, timers, dispatch } = this.d;
    const confIf = cfg.interface ?? config.global.defaultInterface;
    const confLink = links.get(confIf);
    const primary = this.primaryFor(cfg, confLink);
    // with use_ipvlan the instance runs on the ipvlan
    const ipv = cfg.useIpvlan ? await this.createIpvlan(cfg, confLink, config.global) : undefined;
    const ifname = ipv ? ipv.ipvlan.name : confIf;
    const link = ipv ? ipv.link : confLink;
    // promote_secondaries: set on the interface at start (2.2.7 ignores it with use_vmac, whose VMAC has it)
    if (cfg.promoteSecondaries && link && !cfg.useVmac) this.d.sysctl.set(`net/ipv4/conf/${link.name}/promote_secondaries`, '1');
    const vmacName = cfg.useVmac && !ipv ? this.useVmacName(cfg, config.global) : undefined;
    const vmac = vmacName && link ? await this.createVmac(cfg, vmacName, link, primary ?? noAddress(cfg.family),
      config.global) : undefined;
    const addrVmacs = cfg.useVmacAddr && link ? await this.createAddrVmacs(cfg, ifname, config.global) : [];
    const inst: Inst = {
      cfg, fsm: new VrrpFsm(params, clock), ifname, ...(link ? { link } : {}),
      primary: primary ?? noAddress(cfg.family), hasAddr: !!primary,
      ...(vmac ? { vmac } : {}), ...(vmacName ? { vmacName } : {}), ...(ipv ? { ipvlan: ipv.ipvlan } : {}),
      ...(addrVmacs.length ? { addrVmacs } : {}),
      peers: cfg.unicastPeer.map((p) => p.address),
      timers: new DeadlineTimers<VrrpTimerName>(clock, (name, generation) => dispatch(inst, { type: 'timer', timer: name, generation }),
        (name) => { if (name === 'masterDown') inst.socket?.channel.drain(); }, timers),
      queue: new OpQueue((e) => log.error(`(${cfg.name}) ${e instanceof Error ? e.message : String(e)}`)), lastTransitionMs: Date.now(),
    };
    const e = binding.openSocket(inst);
    if (e) { log.error(`(${cfg.name}) cannot open VRRP socket on ${ifname}: ${e.message}`); return undefined; }
    return inst;
  }
}
