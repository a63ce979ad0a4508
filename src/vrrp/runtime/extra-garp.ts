// garp_extra_if (vmac_garp_intvl; global vrrp_garp_extra_if): while MASTER, keepalived 2.2.7 sends
// one more GARP/NA on each "extra" interface holding a VIP, at the first advert at least N seconds
// after becoming MASTER or after the last such GARP. Extra interfaces are those of VIPs not on the
// instance's own interface (its VMAC with use_vmac): VMACs keepalived made for VIPs (use_vmac_addr)
// always, other interfaces only with `all`; the instance's own interface too when vmac_xmit_base.
// One GARP per interface (its first VIP). Without such a VMAC and without `all` (or with no VIP
// elsewhere) the setting does nothing. Recorded: test/integration/vrrp/data/links-2.2.7/garp-extra-if.*,
// vmac-prefix-use-vmac-addr.*. Pure: times are arguments.
import type { GarpExtraIf, GlobalDefs, VrrpInstance } from '../../config/model.js';

/** Where one VIP is: its interface, and whether that is a VMAC the runtime made (use_vmac, use_vmac_addr). */
export interface VipPlace { readonly address: string; readonly ifindex: number; readonly ours: boolean }

/** The instance's setting, its own or the global default (keepalived: the global's `all` comes with it). */
export function extraIfSetting(cfg: VrrpInstance, global: GlobalDefs): GarpExtraIf | undefined {
  const s = cfg.garpExtraIf ?? global.vrrpGarpExtraIf;
  return s && s.intervalS > 0 ? s : undefined;
}

/**
 * The VIPs to send one GARP/NA for (the first on each extra interface), or [] when garp_extra_if is
 * off for this instance. `own`: the instance's interface (its VMAC with use_vmac).
 */
export function extraGarpVips(s: GarpExtraIf | undefined, places: readonly VipPlace[], own: number,
    xmitBase: boolean): string[] {
  if (!s) return [];
  const elsewhere = places.filter((p) => p.ifindex !== own);
  const viaVmac = elsewhere.some((p) => p.ours);
  if (!viaVmac && (!s.all || elsewhere.length === 0)) return [];
  const done = new Set<number>();
  const out: string[] = [];
  for (const p of places) {
    if (!p.ours && !s.all) continue;
    if (p.ifindex === own && !xmitBase) continue;
    if (done.has(p.ifindex)) continue;
    done.add(p.ifindex);
    out.push(p.address);
  }
  return out;
}

/** The per-instance timer: armed on becoming MASTER, checked at each advert sent as MASTER. */
export class ExtraGarpTimer {
  private due?: number;

  becameMaster(now: number, intervalMs: number): void { this.due = now + intervalMs; }

  leftMaster(): void { this.due = undefined; }

  /**
   * At an advert sent as MASTER: true when the extra GARPs are due (then re-armed). `slackMs`: our
   * adverts keep a fixed cadence while 2.2.7's drift later by their own processing time, so its
   * "at least N s later" always holds at the N-th advert; an advert this close to due counts.
   */
  advert(now: number, intervalMs: number, slackMs = 0): boolean {
    if (this.due === undefined || now + slackMs < this.due) return false;
    this.due = now + intervalMs;
    return true;
  }
}
