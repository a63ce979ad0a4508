// use_vmac: creates the macvlan keepalived would (name vrrp.VRID unless given, MAC
// 00:00:5e:00:01:VRID, or :02: for IPv6, mode private), sets arp_ignore/arp_filter on the base and
// the VMAC so only the VMAC answers ARP for the VIPs, and restores those sysctls on stop.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Logger } from '../../common/log.js';
import type { VrrpInstance } from '../../config/model.js';
import { macFromString } from './addr.js';
import type { LinkInfo, Rtnl } from './rtnl.js';

/** Writes /proc/sys values, remembering the first value seen so restore() puts it back. */
export class SysctlStore {
  private readonly saved = new Map<string, string>();

  constructor(private readonly log: Logger) {}

  set(key: string, value: string): void {
    const p = `/proc/sys/${key}`;
    try {
      if (!this.saved.has(key)) this.saved.set(key, readFileSync(p, 'utf8').trim());
      writeFileSync(p, value);
    } catch (e) { this.log.error(`cannot set ${key}: ${(e as Error).message}`); }
  }

  restore(): void {
    for (const [key, v] of this.saved) { try { writeFileSync(`/proc/sys/${key}`, v); } catch { /* interface gone */ } }
    this.saved.clear();
  }
}

export function vmacAddress(cfg: VrrpInstance): Buffer {
  const vrid = cfg.virtualRouterId ?? 0;
  return (cfg.useVmac?.mac ? macFromString(cfg.useVmac.mac) : undefined) ?? Buffer.from([0, 0, 0x5e, 0, cfg.family === 'inet6' ? 2 : 1, vrid]);
}

/** Creates (or adopts) the VMAC interface of an instance; undefined after logging on failure. */
export async function createVmac(rtnl: Rtnl, cfg: VrrpInstance, base: LinkInfo, sysctl: SysctlStore, log: Logger): Promise<LinkInfo | undefined> {
  const name = cfg.useVmac?.name ?? `vrrp.${cfg.virtualRouterId ?? 0}`;
  const mac = vmacAddress(cfg);
  const r = await rtnl.createMacvlan(base.index, name, mac);
  if (typeof r !== 'number') { log.error(`(${cfg.name}) cannot create VMAC interface ${name}: ${r.message}`); return undefined; }
  log.detail(`(${cfg.name}) Creating VMAC interface ${name}`);
  for (const ifn of [base.name, name]) for (const k of ['arp_ignore', 'arp_filter']) sysctl.set(`net/ipv4/conf/${ifn}/${k}`, '1');
  return { index: r, name, mac, up: true, running: true };
}
