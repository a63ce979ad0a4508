// Interfaces the configuration names that do not exist when VRRP starts (pure). keepalived 2.2.7
// (measured in namespaces): without global dynamic_interfaces its VRRP process logs a config error
// for each reference ("(FILE: Line N) WARNING - interface eth1 for vrrp_instance VI_1 doesn't
// exist", "(VI_1) tracked interface eth9 doesn't exist", "WARNING - interface eth9 for ip address
// 10.0.0.1/24 doesn't exist"), then "Non-existent interface specified in configuration", and exits
// with KEEPALIVED_EXIT_CONFIG, which stops the whole daemon. With dynamic_interfaces it logs
// "Configuration specifies interface eth1 which doesn't currently exist - will use if created" once
// per interface and runs: the instance waits in FAULT for the interface.
import type { SourcePos } from '../../common/diagnostic.js';
import type { KeepalivedConfig, VirtualIp } from '../../config/model.js';

export interface InterfaceCheck {
  /** Some reference names an interface that does not exist. */
  missing: boolean;
  /** The lines keepalived logs for them (config errors, or the dynamic_interfaces notes). */
  lines: string[];
}

export const NON_EXISTENT_INTERFACE = 'Non-existent interface specified in configuration';

const at = (pos: SourcePos | undefined, msg: string): string => (pos ? `(${pos.file}: Line ${pos.line}) ${msg}` : msg);

/** The address as keepalived quotes it: with its prefix unless a host one. */
const vipWord = (v: VirtualIp): string => (v.prefixLen === (v.family === 'inet6' ? 128 : 32) ? v.address : `${v.address}/${v.prefixLen}`);

export function checkInterfaces(config: KeepalivedConfig, exists: (name: string) => boolean): InterfaceCheck {
  const dynamic = config.global.dynamicInterfaces;
  const lines: string[] = [];
  const noted = new Set<string>();
  let missing = false;
  const ref = (name: string, pos: SourcePos | undefined, error: string | undefined): void => {
    if (exists(name)) return;
    missing = true;
    if (dynamic) {
      if (!noted.has(name)) lines.push(`Configuration specifies interface ${name} which doesn't currently exist - will use if created`);
      noted.add(name);
    } else if (error) lines.push(at(pos, error));
  };
  for (const vi of config.vrrpInstances) {
    if (vi.interface !== undefined) ref(vi.interface, vi.interfacePos ?? vi.pos, `WARNING - interface ${vi.interface} for vrrp_instance ${vi.name} doesn't exist`);
    else ref(config.global.defaultInterface, undefined, undefined);
    for (const t of vi.trackInterface) ref(t.name, t.pos, `(${vi.name}) tracked interface ${t.name} doesn't exist`);
    for (const v of [...vi.virtualIpaddress, ...vi.virtualIpaddressExcluded]) {
      if (v.dev !== undefined) ref(v.dev, v.pos, `WARNING - interface ${v.dev} for ip address ${vipWord(v)} doesn't exist`);
    }
  }
  for (const g of config.vrrpSyncGroups) {
    for (const t of g.trackInterface) ref(t.name, t.pos, `(${g.name}) tracked interface ${t.name} doesn't exist`);
  }
  // routes, rules and static addresses (the parser keeps them at run time: no interface checks there)
  const routes = [...config.staticRoutes, ...config.vrrpInstances.flatMap((vi) => vi.virtualRoutes)];
  for (const r of routes) {
    for (const dev of [r.dev, ...r.nexthops.map((n) => n.dev)]) if (dev !== undefined) ref(dev, r.pos, `WARNING - interface ${dev} for VROUTE nexthop doesn't exist`);
  }
  for (const r of [...config.staticRules, ...config.vrrpInstances.flatMap((vi) => vi.virtualRules)]) {
    for (const dev of [r.iif, r.oif]) if (dev !== undefined) ref(dev, r.pos, `WARNING - interface ${dev} for rule doesn't exist`);
  }
  for (const v of config.staticIpaddress) if (v.dev !== undefined) ref(v.dev, v.pos, `WARNING - interface ${v.dev} for ip address ${vipWord(v)} doesn't exist`);
  return { missing, lines };
}
