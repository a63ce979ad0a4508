// Executes an instance's VIP and GARP actions through its OpQueue: VIP add / remove / change by
// difference on reload, and gratuitous ARP / unsolicited NA bursts (sent and paced per interface
// group by garp-sender.ts). The add requests and the frames are prepared in advance
// (prepare()), so a takeover only writes them. An instance whose VIPs the firewall blocks (strict
// mode, no_accept) has them put in the firewall's sets before they are added and taken out after
// they are removed, as keepalived 2.2.7 does.
import type { Logger } from '../../common/log.js';
import type { VirtualIp } from '../../config/model.js';
import { fwInstance } from '../firewall/fw-instance.js';
import type { FwInstance } from '../firewall/plan.js';
import type { VipFirewall } from '../firewall/vip-firewall.js';
import { vipText } from '../io/vip-options.js';
import type { AddressOps, KernelError } from '../kernel/port.js';
import type { GarpSender } from './garp-sender.js';
import { configuredIfname, vipHome, vipIfindex, vipList, type Inst } from './instance.js';
import type { LinkTable } from './link-table.js';

export class VipExecutor {
  /** Our own VIP deletions whose RTM_DELADDR has not been seen yet, by `${ifindex} ${address}`. */
  private readonly ownDeletions = new Map<string, number>();

  constructor(private readonly addrs: AddressOps, private readonly garps: GarpSender, private readonly links: LinkTable,
    private readonly log: Logger, private readonly firewall: VipFirewall) {}

  /** The instance's VIPs as the firewall sees them (address, interface). */
  private fw(inst: Inst): FwInstance {
    // an interface that does not exist (yet) has index 0, as in keepalived
    return fwInstance(inst.cfg, (v) => {
      const idx = vipIfindex(inst, v, this.links) ?? 0;
      return { ifindex: idx, ifname: this.links.byIndex(idx)?.name ?? v.dev ?? configuredIfname(inst) };
    }, vipHome(inst, this.links) ?? 0);
  }

  private blocks(inst: Inst): boolean { return !!inst.fsm.params.firewall; }

  /** Encodes the VIP add/remove requests and builds the GARP/NA frames now, not on takeover. */
  prepare(inst: Inst): void {
    if (inst.cfg.noVirtualIpaddress) return;
    for (const v of vipList(inst.cfg)) {
      const idx = vipIfindex(inst, v, this.links);
      const link = idx === undefined ? undefined : this.links.byIndex(idx);
      if (idx === undefined || !link) continue;
      this.addrs.prepare(v, idx);
      this.garps.prepare(link, v.address);
    }
  }

  /**
   * The kernel's answer to a request, as keepalived 2.2.7 treats it: EEXIST on an add and
   * EADDRNOTAVAIL / ENODEV on a delete are expected and silent, anything else is logged.
   */
  private report(add: boolean): (e: KernelError | undefined) => void {
    return (e) => {
      if (!e || (add ? e.code === 'EEXIST' : e.code === 'EADDRNOTAVAIL' || e.code === 'ENODEV')) return;
      this.log.info(e.message);
    };
  }

  /** Adds every VIP (the requests are written now; the queue does not wait for the ACKs). */
  private addAll(inst: Inst, vips: readonly VirtualIp[]): void {
    const report = this.report(true);
    const acks: Promise<void>[] = [];
    for (const v of vips) {
      const idx = vipIfindex(inst, v, this.links);
      if (idx === undefined) { this.log.info(`Not adding address ${vipText(v)} to ${v.dev ?? configuredIfname(inst)} since interface doesn't exist`); continue; }
      acks.push(this.addrs.add(v, idx).then(report));
    }
    inst.queue.addAcks(acks);
  }

  /** Deletes one VIP; its RTM_DELADDR is then known to be ours (not someone else's deletion). */
  private async del(inst: Inst, v: VirtualIp): Promise<void> {
    const idx = vipIfindex(inst, v, this.links);
    if (idx === undefined) return; // the interface has gone, and its addresses with it
    const key = `${idx} ${v.address}`;
    this.ownDeletions.set(key, (this.ownDeletions.get(key) ?? 0) + 1);
    const e = await this.addrs.del(v, idx);
    if (e) this.dropOwnDeletion(key);
    this.report(false)(e);
  }

  /** An RTM_DELADDR for this address: true (and forgotten) if it answers a deletion of ours. */
  consumeOwnDeletion(index: number, address: string): boolean {
    const key = `${index} ${address}`;
    if (!this.ownDeletions.has(key)) return false;
    this.dropOwnDeletion(key);
    return true;
  }

  private dropOwnDeletion(key: string): void {
    const n = this.ownDeletions.get(key) ?? 0;
    if (n <= 1) this.ownDeletions.delete(key); else this.ownDeletions.set(key, n - 1);
  }

  /**
   * Takeover latency: the add requests are written here and the queue moves on without waiting for
   * their ACKs, so the GARPs queued next go out in the same tick (as keepalived, which does not wait
   * either): rtnetlink applies each request inside the write, and GARP frames are raw AF_PACKET
   * frames that do not need the address. Errors are still logged when the ACKs arrive.
   */
  add(inst: Inst): void {
    if (inst.cfg.noVirtualIpaddress) return;
    const vips = vipList(inst.cfg);
    inst.queue.run(() => {
      if (this.blocks(inst)) this.firewall.add(this.fw(inst));
      this.addAll(inst, vips);
    });
  }

  remove(inst: Inst): void {
    if (inst.cfg.noVirtualIpaddress) return;
    const vips = vipList(inst.cfg);
    inst.queue.run(async () => {
      await inst.queue.settledAcks();
      for (const v of vips) await this.del(inst, v);
      if (this.blocks(inst)) this.firewall.remove(this.fw(inst));
    });
  }

  /**
   * Reload while MASTER: VIPs no longer configured are removed (keepalived 2.2.7 logs "ip address
   * A/P dev IF, no longer exist" for each) and new ones added; the others are not touched.
   */
  change(inst: Inst, added: readonly string[], removed: readonly string[]): void {
    if (inst.cfg.noVirtualIpaddress) return;
    const pick =
      (list: readonly VirtualIp[], addrs: readonly string[]) => list.filter((v) => addrs.includes(v.address));
    const gone = pick(inst.prevVips ?? [], removed), fresh = pick(vipList(inst.cfg), added);
    for (const v of gone) {
      const dev = v.dev ?? inst.vmac?.name ?? configuredIfname(inst);
      this.log.info(`(${inst.cfg.name}) ip address ${v.address}/${v.prefixLen} dev ${dev}, no longer exist`);
    }
    inst.queue.run(async () => {
      for (const v of gone) await this.del(inst, v);
      this.firewall.reconcile(this.fw(inst), this.blocks(inst));
      this.addAll(inst, fresh);
    });
  }

  /**
   * Reload while MASTER with the same VIPs: the firewall follows a change of accept mode (and adds
   * nothing when there is none); after change() it finds nothing left to do.
   */
  reconcileFirewall(inst: Inst): void {
    inst.queue.run(() => this.firewall.reconcile(this.fw(inst), this.blocks(inst)));
  }

  /** Queues `count` GARPs / NAs for each of `vips` (garp-sender.ts paces them per interface group). */
  garp(inst: Inst, vips: readonly string[], count: number): void {
    inst.queue.run(() => this.garps.burst(inst, vips, count));
  }
}
