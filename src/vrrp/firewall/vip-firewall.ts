// The VIP firewall the VRRP runtime drives (strict mode, no_accept, nftables, vrrp_iptables,
// use_vmac): the planner's batches applied through the kernel port's FirewallOps. The runtime calls
// add() before a new MASTER's VIPs are added, remove() after a leaving MASTER's VIPs are removed,
// reconcile() on a reload while MASTER, vmac() when a VMAC comes or goes and stop() at the end
// (the table is deleted). Settings are taken from each configuration loaded (configure()), as
// keepalived 2.2.7 reads them: a reload that leaves no instance needing the firewall leaves the
// table as it is, as 2.2.7 does. A batch the kernel refuses is logged and forgotten (the planner
// goes back to before it); when nf_tables is not there at all, one error is logged and the
// firewall stays off while VRRP goes on.
import type { Logger } from '../../common/log.js';
import type { KeepalivedConfig } from '../../config/model.js';
import { isKernelError, type FirewallOps, type KernelError } from '../kernel/port.js';
import type { NfFamily, NftBatch, NftMsg } from './nft-model.js';
import { NftPlanner, type FirewallSettings, type FwInstance, type FwVmac } from './plan.js';
import { delTable } from './ruleset.js';
import { firewallSettings } from './settings.js';

/** Errors that mean nf_tables cannot be used here at all (not built, not loaded, no permission). */
const UNAVAILABLE = new Set(['EPROTONOSUPPORT', 'EAFNOSUPPORT', 'EOPNOTSUPP', 'EPERM', 'EACCES']);

export class VipFirewall {
  private readonly plan = new NftPlanner();
  private settings?: FirewallSettings;
  private off = false;

  constructor(private readonly ops: FirewallOps, private readonly log: Logger) {}

  /**
   * Takes the firewall settings of a configuration being loaded (start, reload); keepalived's line
   * about them is the caller's to log, as the completion of instance `at` (2.2.7's place for it).
   */
  configure(cfg: KeepalivedConfig): { logs: readonly string[]; at?: string } {
    const d = firewallSettings(cfg);
    this.settings = d.settings;
    return { logs: d.logs, ...(d.at !== undefined ? { at: d.at } : {}) };
  }

  /** A MASTER blocks its VIPs: those not in a set yet go in (the first time also creates the table). */
  add(inst: FwInstance): void { this.run((s) => this.plan.update(s, inst, 'add')); }

  /** The VIPs of an instance leaving MASTER (or stopping) come out of the sets. */
  remove(inst: FwInstance): void { this.run((s) => this.plan.update(s, inst, 'del')); }

  /**
   * Reload of a MASTER (keepalived's clear_diff_vrrp_vip then restore_vrrp_state): VIPs the new
   * configuration dropped come out; then all the rest come out if the instance now accepts, or the
   * new ones go in if it blocks. Each step is its own batch, as in 2.2.7.
   */
  reconcile(inst: FwInstance, blocks: boolean): void {
    const keep = new Set(inst.addrs.map((a) => a.id));
    this.run((s) => this.plan.removeAddrs(s, inst.name, this.plan.members(inst.name).filter((a) => !keep.has(a.id))));
    if (!blocks) this.run((s) => this.plan.removeAddrs(s, inst.name, this.plan.members(inst.name)));
    else this.add(inst);
  }

  /** An instance removed by a reload: its set membership is forgotten (its VIPs were removed first). */
  forget(name: string): void { this.plan.forget(name); }

  /** A VMAC created (replacing `old`) or deleted: the IGMP/MLD maps. */
  vmac(cmd: 'add' | 'del', v: FwVmac, old?: FwVmac): void { this.run((s) => this.plan.vmac(s, cmd, v, old)); }

  /** Stop: the tables are deleted. */
  stop(): void { this.run((s) => this.plan.cleanup(s)); }

  private run(step: (s: FirewallSettings) => NftBatch | undefined): void {
    const s = this.settings;
    if (!s || this.off) return;
    const memo = this.plan.memo();
    const b = step(s);
    if (!b) return;
    let msgs: NftMsg[] = b.msgs;
    if (b.deleteStale) {
      const found = this.ops.tables(b.deleteStale);
      if (isKernelError(found)) { this.plan.restore(memo); this.fail(found, s); return; }
      const stale = (['ip', 'ip6'] as NfFamily[]).filter((f) => found.includes(f));
      for (const f of stale) this.log.info(`Deleting old ${f} ${b.deleteStale} table`);
      msgs = [...stale.map((f) => delTable(f, b.deleteStale!)), ...msgs];
    }
    const e = this.ops.apply(msgs);
    if (e) { this.plan.restore(memo); this.fail(e, s); }
  }

  private fail(e: KernelError, s: FirewallSettings): void {
    if (UNAVAILABLE.has(e.code)) {
      this.off = true;
      this.log.error(`VIP firewall: nftables cannot be used (${e.message}) - VIPs are not blocked for instances without accept mode`);
      return;
    }
    this.log.error(`VIP firewall: nftables table ${s.table}: ${e.message}`);
  }
}
