// Who needs the VIP firewall and with which settings, as keepalived 2.2.7 decides when it loads a
// configuration: an instance blocks traffic to its VIPs (RFC 5798 Accept_Mode false) unless it is
// the address owner (priority 255) or in accept mode; accept defaults to "not strict" (vrrp_strict
// / strict_mode), and VRRPv2 in strict mode cannot accept. The nftables table is the one of
// `nftables [TABLE]` (or `vrrp_iptables`), else "keepalived" as soon as one instance is without
// accept mode (even the owner, which never uses it) or uses a VMAC ("use_vmac or no_accept/strict specified, but no
// firewall configured - using nftables"); without either there is no firewall at all. Pure.
import type { GlobalDefs, KeepalivedConfig, VrrpInstance } from '../../config/model.js';
import type { FirewallSettings } from './plan.js';

const OWNER_PRIORITY = 255;
const DEFAULT_TABLE = 'keepalived';

/** strict_mode, else vrrp_strict (the parser's completion has already resolved it: src/parser/validate-vrrp.ts). */
export function strictOf(inst: VrrpInstance, g: GlobalDefs): boolean { return inst.strictMode ?? g.vrrpStrict; }

/**
 * `accept` given on a non-owner VRRPv2 instance in strict mode: keepalived reports "warning - accept
 * mode for VRRP version 2 does not comply with RFC3768 - resetting" and clears it (validate.ts).
 */
export function acceptResetByStrictV2(inst: VrrpInstance, g: GlobalDefs): boolean {
  return inst.accept === true && inst.priority !== OWNER_PRIORITY && inst.version === 2 && strictOf(inst, g);
}

/** Accept mode after keepalived's defaults: as configured, else the owner accepts, others unless strict. */
export function acceptOf(inst: VrrpInstance, g: GlobalDefs): boolean {
  if (acceptResetByStrictV2(inst, g)) return false;
  return inst.accept ?? (inst.priority === OWNER_PRIORITY || !strictOf(inst, g));
}

/** The instance's VIPs go into the firewall's drop sets while it is MASTER. */
export function blocksVips(inst: VrrpInstance, g: GlobalDefs): boolean {
  return inst.priority !== OWNER_PRIORITY && !acceptOf(inst, g);
}

export interface FirewallDecision {
  /** Undefined: no firewall (no table is ever created). */
  settings?: FirewallSettings;
  /** keepalived's line when it picks the default table by itself. */
  logs: string[];
  /** The instance whose completion logs it (the first in the file that needs the firewall). */
  at?: string;
}

export function firewallSettings(cfg: KeepalivedConfig): FirewallDecision {
  const g = cfg.global;
  const logs: string[] = [];
  let table = g.nftables;
  const first = table === undefined ? cfg.vrrpInstances.find((i) => !acceptOf(i, g) || i.useVmac) : undefined;
  if (first) {
    logs.push('use_vmac or no_accept/strict specified, but no firewall configured - using nftables');
    table = DEFAULT_TABLE;
  }
  const at = first ? { at: first.name } : {};
  if (table === undefined) return { logs };
  return { settings: { table, priority: g.nftablesPriority ?? -1, counters: g.nftablesCounters ?? false,
    forceIfindex: g.nftablesIfindex ?? false }, logs, ...at };
}
