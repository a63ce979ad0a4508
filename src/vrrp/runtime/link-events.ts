// The kernel's link and address events, turned into instance events: an interface going down or
// up (keepalived's "Netlink reports X down|up"; the instance's own interface -> 'interface',
// a track_interface -> 'tracker'), its primary address changing (-> 'primaryAddress'), or its last
// own address going (-> FAULT, as keepalived) and coming back. Addresses that are VIPs of ours are
// recorded but never count as the interface's own.
import type { Logger } from '../../common/log.js';
import type { VrrpEvent } from '../fsm-types.js';
import type { KernelEvent } from '../kernel/port.js';
import type { Inst } from './instance.js';
import { ifUp, type LinkTable } from './link-table.js';

export class LinkEvents {
  constructor(private readonly links: LinkTable, private readonly insts: ReadonlyMap<string, Inst>, private readonly log: Logger,
    private readonly dispatch: (inst: Inst, ev: VrrpEvent) => void) {}

  handle(ev: KernelEvent): void {
    if (ev.kind === 'addrAdded' || ev.kind === 'addrDeleted') { this.onAddr(ev.kind === 'addrAdded', ev.addr); return; }
    const { prev, next } = this.links.applyLink(ev);
    for (const inst of this.insts.values()) if (inst.link.index === next.index) inst.link = next;
    const was = ifUp(prev), is = ifUp(next);
    if (was === is || !this.interfaceUsed(next.name)) return;
    this.log.info(`Netlink reports ${next.name} ${is ? 'up' : 'down'}`);
    for (const inst of this.insts.values()) {
      if (inst.link.index === next.index && !inst.cfg.dontTrackPrimary) this.dispatch(inst, { type: 'interface', up: is && inst.hasAddr });
      if (inst.fsm.params.trackers.some((t) => t.id === `interface:${next.name}`)) this.dispatch(inst, { type: 'tracker', id: `interface:${next.name}`, status: { ok: is } });
    }
  }

  private onAddr(added: boolean, addr: Extract<KernelEvent, { kind: 'addrAdded' }>['addr']): void {
    const l = this.links.byIndex(addr.index);
    const isVip = (a: string): boolean => this.isVip(a);
    const ours = isVip(addr.address);
    const had = this.links.hasOwnAddr(addr.index, addr.family, isVip);
    this.links.applyAddr(added, addr);
    // keepalived 2.2.7 logs only when the interface gains its first or loses its last address of a family
    if (l && !ours && this.interfaceUsed(l.name) && had !== this.links.hasOwnAddr(addr.index, addr.family, isVip)) {
      this.log.detail(added ? `Assigned address ${addr.address} for interface ${l.name}` : `Deassigned address ${addr.address} from interface ${l.name}`);
    }
    if (!ours) this.updatePrimaries(addr.index);
  }

  /**
   * After an address change on an interface: instances without unicast_src_ip follow the interface's
   * primary address (the FSM gets a primaryAddress event: advert source, checksum, tie-break); an
   * instance whose interface has no address left goes to FAULT and leaves it when one comes back.
   */
  private updatePrimaries(index: number): void {
    for (const inst of this.insts.values()) {
      if (inst.link.index !== index || inst.cfg.unicastSrcIp) continue;
      const p = this.links.primaryOf(inst.cfg, inst.link);
      if (p && p !== inst.primary) {
        inst.primary = p;
        this.dispatch(inst, { type: 'primaryAddress', address: p });
      }
      if (!!p !== inst.hasAddr) {
        inst.hasAddr = !!p;
        if (!inst.cfg.dontTrackPrimary) this.dispatch(inst, { type: 'interface', up: ifUp(inst.link) && inst.hasAddr });
      }
    }
  }

  /** An instance runs on it or tracks it. */
  interfaceUsed(name: string): boolean {
    for (const i of this.insts.values()) {
      if (i.link.name === name || i.fsm.params.trackers.some((t) => t.id === `interface:${name}`)) return true;
    }
    return false;
  }

  private isVip(address: string): boolean {
    for (const i of this.insts.values()) {
      if (i.cfg.virtualIpaddress.some((v) => v.address === address) || i.cfg.virtualIpaddressExcluded.some((v) => v.address === address)) return true;
    }
    return false;
  }
}
