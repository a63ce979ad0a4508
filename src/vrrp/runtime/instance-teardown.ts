// What a stopping instance leaves behind, released in 2.2.7's order: its VMAC (transmit socket,
// the link, its firewall entry), its ipvlan, its address VMACs, then its firewall set, GARP pacing
// and its share of the socket pool. With -V (dontRelease) the VMACs and ipvlan stay, as 2.2.7 keeps
// them. Also a VMAC the kernel deleted under a running instance (with its base).
import type { Logger } from '../../common/log.js';
import type { GlobalDefs } from '../../config/model.js';
import type { LinkOps } from '../kernel/port.js';
import type { VipFirewall } from '../firewall/vip-firewall.js';
import type { GarpSender } from './garp-sender.js';
import { fwVmac, vmacFirewalled } from './instance-factory.js';
import type { Inst } from './instance.js';
import type { LinkTable } from './link-table.js';
import type { SocketPool } from './socket-pool.js';

export interface TeardownDeps {
  kernelLinks: Pick<LinkOps, 'delete'>;
  links: LinkTable;
  firewall: VipFirewall;
  garps: GarpSender;
  sockets: SocketPool;
  log: Logger;
  global(): GlobalDefs;
}

export class InstanceTeardown {
  constructor(private readonly d: TeardownDeps) {}

  /** Releases what `inst` holds (it has stopped: shutdown dispatched, queue idle, timers cancelled). */
  async release(inst: Inst, dontRelease: boolean): Promise<void> {
    const g = this.d.global();
    if (dontRelease) inst.vmac?.tx?.close();
    else if (inst.vmac) {
      inst.vmac.tx?.close();
      await this.deleteVmac(inst, inst.vmac);
      if (vmacFirewalled(inst.cfg, g)) this.d.firewall.vmac('del', fwVmac(inst.cfg, inst.vmac.index, inst.link?.index ?? 0));
    }
    if (!dontRelease && inst.ipvlan?.index) await this.deleteVmac(inst, inst.ipvlan);
    for (const a of dontRelease ? [] : inst.addrVmacs ?? []) {
      await this.deleteVmac(inst, a);
      if (vmacFirewalled({ ...inst.cfg, family: a.family }, g)) this.d.firewall.vmac('del', { ifindex: a.index, baseIfindex: a.baseIndex, family: a.family, otherFamily: false });
    }
    this.d.firewall.forget(inst.cfg.name);
    this.d.garps.forget(inst);
    this.d.sockets.release(inst.cfg.name);
  }

  /** use_vmac: the kernel deleted the VMAC (with its base): its socket and firewall entry go. */
  vmacGone(inst: Inst): void {
    const v = inst.vmac;
    if (!v) return;
    v.tx?.close();
    delete inst.vmac;
    if (vmacFirewalled(inst.cfg, this.d.global())) this.d.firewall.vmac('del', fwVmac(inst.cfg, v.index, inst.link?.index ?? 0));
  }

  /**
   * Deletes one of an instance's VMACs or its ipvlan ("(VI) Success removing VMAC interface X", as
   * 2.2.7 says for both). The link table keeps it until the kernel's RTM_DELLINK ("Interface X deleted").
   */
  private async deleteVmac(inst: Inst, v: { index: number; name: string }): Promise<void> {
    const e = await this.d.kernelLinks.delete(v.index);
    if (e && e.code !== 'ENODEV') this.d.log.info(`(${inst.cfg.name}) Error removing VMAC interface ${v.name}`);
    else if (!e) this.d.log.detail(`(${inst.cfg.name}) Success removing VMAC interface ${v.name}`);
    if (e) this.d.links.delete(v.name);
  }
}
