// Settings a reload cannot change (keepalived 2.2.7's reload_config): the network namespace, the
// IPVS network namespace, the instance name, the VRRP nftables table, tmp_config_directory and disable_local_igmp. Each
// change is logged, and when there is one the whole reload is abandoned: the running configuration stays
// and the children are not reloaded (measured with tmp_config_directory:
// test/unit/daemon/data/config-save-2.2.7.md).
import type { KeepalivedConfig } from '../../config/model.js';

/** The lines for what `next` tries to change, in 2.2.7's order; empty when the reload may go on. */
export function unsupportedReloadChanges(old: KeepalivedConfig, next: KeepalivedConfig,
    ns: { running?: string; wanted?: string }): string[] {
  const out: string[] = [];
  const say = (what: string) => out.push(`Cannot change ${what} at a reload - please restart keepalived`);
  if (ns.wanted !== ns.running) say('network namespace');
  if (next.netNamespaceIpvs !== old.netNamespaceIpvs) say('IPVS network namespace');
  if (next.instanceName !== old.instanceName) say('instance name');
  if (next.global.nftables !== old.global.nftables) say('nftables table name');
  if (next.global.tmpConfigDirectory !== old.global.tmpConfigDirectory) say('config_directory');
  if (!!next.global.disableLocalIgmp !== !!old.global.disableLocalIgmp) say('disable_local_igmp');
  return out;
}
