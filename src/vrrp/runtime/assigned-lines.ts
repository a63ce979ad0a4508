// keepalived 2.2.7's "Assigned address A for interface X" (-D), for each interface an instance
// runs on: what it keeps as the interface's addresses, the first IPv4 one and the first IPv6
// link-local one, VIPs excepted; an ipvlan's is use_ipvlan's address. Pure: the link table's view in,
// lines out.
import type { AddrInfo, LinkInfo } from '../kernel/port.js';

export interface AssignedInputs {
  link(name: string): LinkInfo | undefined;
  addressesOf(index: number): readonly AddrInfo[];
  /** Every VIP (of the file and of the running instances). */
  vips: ReadonlySet<string>;
  /** use_ipvlan's address, by ipvlan name. */
  ipvlanAddr: ReadonlyMap<string, { address: string; family: 'inet' | 'inet6' }>;
}

export function assignedLines(names: readonly string[], io: AssignedInputs): string[] {
  const out: string[] = [];
  for (const name of new Set(names)) {
    const l = io.link(name);
    if (!l) continue;
    const own = io.addressesOf(l.index).filter((a) => !io.vips.has(a.address));
    const set = io.ipvlanAddr.get(name);
    const v4 = set?.family === 'inet' ? set : own.find((a) => a.family === 'inet');
    const v6 = set?.family === 'inet6' ? set : own.find((a) => a.family === 'inet6' && a.address.startsWith('fe80:'));
    for (const a of [v4, v6]) if (a) out.push(`Assigned address ${a.address} for interface ${name}`);
  }
  return out;
}
