// use_vmac: creates the macvlan keepalived would (name vrrp.VRID unless given, MAC
// 00:00:5e:00:01:VRID, or :02: for IPv6, mode private) and sets arp_ignore/arp_filter on the base and
// the VMAC so only the VMAC answers ARP for the VIPs (the SysctlStore restores them on stop).
import type { Logger } from '../../common/log.js';
import type { VrrpInstance } from '../../config/model.js';
import type { LinkInfo, LinkOps } from '../kernel/port.js';
import type { SysctlStore } from '../runtime/sysctl-store.js';
import { macFromString } from './addr.js';

export function vmacAddress(cfg: VrrpInstance): Buffer {
  const vrid = cfg.virtualRouterId ?? 0;
  return (cfg.useVmac?.mac ? macFromString(cfg.useVmac.mac) : undefined) ?? Buffer.from([0, 0, 0x5e, 0, cfg.family === 'inet6' ? 2 : 1, vrid]);
}

/** Creates (or adopts) the VMAC interface of an instance; undefined after logging on failure. */
export async function createVmac(links: LinkOps, cfg: VrrpInstance, base: LinkInfo, sysctl: SysctlStore, log: Logger): Promise<LinkInfo | undefined> {
  const name = cfg.useVmac?.name ?? `vrrp.${cfg.virtualRouterId ?? 0}`;
  const mac = vmacAddress(cfg);
  const r = await links.createMacvlan(base.index, name, mac);
  if (typeof r !== 'number') { log.error(`(${cfg.name}) cannot create VMAC interface ${name}: ${r.message}`); return undefined; }
  log.detail(`(${cfg.name}) Creating VMAC interface ${name}`);
  for (const ifn of [base.name, name]) for (const k of ['arp_ignore', 'arp_filter']) sysctl.set(`net/ipv4/conf/${ifn}/${k}`, '1');
  return { index: r, name, mac, up: true, running: true };
}
