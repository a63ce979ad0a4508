// The kernel's link and address events, turned into instance events as keepalived 2.2.7 does:
//  - an interface going down or up ("Netlink reports X down|up", "Linkbeat reports" when polled; the instance's own
// interface ->
//    'interface', a track_interface -> 'tracker');
//  - an interface deleted ("Interface X deleted": its instances lose their socket and go FAULT)
//    or created ("Interface X added"; an instance configured on that name takes it, with a new
//    socket, and leaves FAULT once it is up with an address);
//  - use_vmac: the VMAC is the instance's interface too (its up/down is logged and counts); deleted
//    with its base, it is made again when the base comes back (2.2.7's recreate_vmac_thread), "(VI_1)
//    interface eth1 is down" first when the base comes down;
//  - its primary address changing (-> 'primaryAddress'), its last own address going (-> FAULT) and
//    one coming back;
//  - one of our VIPs deleted by someone else while MASTER ("Netlink reflector reports IP A removed
//    from IF" -> 'vipDeleted': BACKUP, priority 0, VIPs removed, MASTER again after Skew_Time).
// Addresses that are VIPs of ours never count as the interface's own.
import type { Logger } from '../../common/log.js';
import { sameTracker, type TrackerRef, type VrrpEvent } from '../fsm-types.js';
import type { AddrInfo, KernelEvent, LinkInfo } from '../kernel/port.js';
import { macToString } from '../io/addr.js';
import type { InterfaceBinding } from './if-binding.js';
import { interfaceEvent, vipIfindex, vipList, type Inst } from './instance.js';
import { ifUp, type LinkTable } from './link-table.js';
import type { VipExecutor } from './vip-executor.js';

/** What the runtime does for link events beyond the instance's FSM. */
export interface LinkHooks {
  dispatch(inst: Inst, ev: VrrpEvent): void;
  /** use_vmac: the base interface appeared; make the VMAC. */
  baseAdded(inst: Inst): void;
  /** use_vmac: the VMAC was deleted (with its base, or by someone else). */
  vmacGone(inst: Inst): void;
  /** One of the configured static addresses (ours, like the VIPs: not the interface's own). */
  isStatic(address: string): boolean;
}

export class LinkEvents {
  private readonly dispatch: LinkHooks['dispatch'];

  constructor(private readonly links: LinkTable, private readonly insts: ReadonlyMap<string, Inst>,
    private readonly binding: InterfaceBinding,
    private readonly vips: VipExecutor, private readonly log: Logger, private readonly hooks: LinkHooks) {
    this.dispatch = (inst, ev) => hooks.dispatch(inst, ev);
  }

  handle(ev: KernelEvent): void {
    switch (ev.kind) {
      case 'addrAdded': this.onAddr(true, ev.addr); return;
      case 'addrDeleted': this.onAddr(false, ev.addr); return;
      case 'link': this.onLink(ev.link, ev.via); return;
      case 'linkDeleted': this.onLinkDeleted(ev.index, ev.name); return;
    }
  }

  private onLink(link: LinkInfo, via?: 'linkbeat'): void {
    const { prev, next, added, expected } = this.links.applyLink(link);
    if (expected) return;
    if (added) {
      this.log.detail(`Interface ${next.name} added`);
      for (const inst of this.insts.values()) {
        if (inst.ifname !== next.name) continue;
        this.binding.attach(inst, next);
        if (!inst.cfg.useVmac || inst.vmac) continue;
        if (!ifUp(next) && !inst.cfg.dontTrackPrimary) this.log.info(`(${inst.cfg.name}) interface ${next.name} is down`);
        this.hooks.baseAdded(inst);
      }
    } else {
      if (prev && !prev.mac.equals(next.mac)) this.log.detail(`(${next.name}) MAC Address changed from ${macToString(prev.mac)} to ${macToString(next.mac)}`);
      for (const inst of this.insts.values()) if (inst.link?.index === next.index) inst.link = next;
    }
    this.upDown(next, !added && ifUp(prev), ifUp(next), via);
  }

  private onLinkDeleted(index: number, name: string): void {
    const prev = this.links.removeLink(index);
    if (!prev) { this.log.detail(`Unknown interface ${name} deleted`); return; }
    const used = this.interfaceUsed(prev.name);
    if (used) this.log.info(`Interface ${prev.name} deleted`); else this.log.detail(`Interface ${prev.name} deleted`);
    const wasUp = ifUp(prev);
    for (const inst of this.insts.values()) {
      if (inst.vmac?.index === index) {
        this.hooks.vmacGone(inst);
        this.dispatch(inst, interfaceEvent(inst, this.links));
      }
      if (inst.link?.index !== index) continue;
      this.binding.detach(inst);
      this.dispatch(inst, interfaceEvent(inst, this.links));
    }
    if (wasUp) this.trackers(prev.name, false);
  }

  /** The link went up or down: log it when used, tell its instances and the instances tracking it. */
  private upDown(link: LinkInfo, was: boolean, is: boolean, via?: 'linkbeat'): void {
    if (was === is || !this.interfaceUsed(link.name)) return;
    // a polled interface's change comes from link-gate.ts's linkbeat poll
    this.log.info(`${via === 'linkbeat' ? 'Linkbeat' : 'Netlink'} reports ${link.name} ${is ? 'up' : 'down'}`);
    for (const inst of this.insts.values()) {
      if (inst.link?.index === link.index || inst.vmac?.index === link.index) this.dispatch(inst,
        interfaceEvent(inst, this.links));
    }
    this.trackers(link.name, is);
  }

  private trackers(name: string, up: boolean): void {
    const tracker: TrackerRef = { kind: 'interface', name };
    for (const inst of this.insts.values()) {
      if (inst.fsm.params.trackers.some((t) => sameTracker(t, tracker))) this.dispatch(inst, { type: 'tracker', tracker, status: { ok: up } });
    }
  }

  private onAddr(added: boolean, addr: AddrInfo): void {
    const l = this.links.byIndex(addr.index);
    const own = !added && this.vips.consumeOwnDeletion(addr.index, addr.address);
    const isVip = (a: string): boolean => this.isVip(a);
    const ours = isVip(addr.address);
    const had = this.links.hasOwnAddr(addr.index, addr.family, isVip);
    this.links.applyAddr(added, addr);
    // keepalived 2.2.7 logs only when the interface gains its first or loses its last address of a family
    // (nor for the static addresses it installs itself)
    if (l && !ours && !this.hooks.isStatic(addr.address) && this.interfaceUsed(l.name)
        && had !== this.links.hasOwnAddr(addr.index, addr.family, isVip)) {
      this.log.detail(added ? `Assigned address ${addr.address} for interface ${l.name}` : `Deassigned address ${addr.address} from interface ${l.name}`);
    }
    if (!ours) this.updatePrimaries(addr.index);
    else if (!added && l && !own) this.vipDeleted(addr, l);
  }

  /** Someone else deleted one of our VIPs: the MASTER that owns it there goes BACKUP (no_track VIPs excepted). */
  private vipDeleted(addr: AddrInfo, link: LinkInfo): void {
    for (const inst of this.insts.values()) {
      if (inst.fsm.state !== 'MASTER' || inst.cfg.noVirtualIpaddress) continue;
      const vip = vipList(inst.cfg).find((v) => v.address === addr.address
        && vipIfindex(inst, v, this.links) === addr.index);
      if (!vip) continue;
      if (vip.noTrack) return;
      this.log.detail(`Netlink reflector reports IP ${addr.address} removed from ${link.name}`);
      this.dispatch(inst, { type: 'vipDeleted' });
      return;
    }
  }

  /**
   * After an address change on an interface: instances without unicast_src_ip follow the interface's
   * primary address (the FSM gets a primaryAddress event: advert source, checksum, tie-break); an
   * instance whose interface has no address left goes to FAULT and leaves it when one comes back.
   */
  private updatePrimaries(index: number): void {
    for (const inst of this.insts.values()) {
      if (inst.link?.index !== index || inst.cfg.unicastSrcIp) continue;
      const { changed, hadAddr } = this.binding.refreshPrimary(inst);
      if (changed) this.dispatch(inst, { type: 'primaryAddress', address: inst.primary });
      if (hadAddr !== inst.hasAddr) this.dispatch(inst, interfaceEvent(inst, this.links));
    }
  }

  /** An instance runs on it (or on its VMAC) or tracks it. */
  interfaceUsed(name: string): boolean {
    for (const i of this.insts.values()) {
      if (i.ifname === name || i.vmac?.name === name || i.ipvlan?.base === name || i.fsm.params.trackers.some((t) => t.kind === 'interface' && t.name === name)) return true;
    }
    return false;
  }

  private isVip(address: string): boolean {
    for (const i of this.insts.values()) {
      if (i.cfg.virtualIpaddress.some((v) => v.address === address)
        || i.cfg.virtualIpaddressExcluded.some((v) => v.address === address)) return true;
    }
    return false;
  }
}
