// ipvlans as keepalived 2.2.7 makes them for use_ipvlan (vrrp_vmac.c netlink_link_add_ipvlan,
// measured in the qemu guest: test/vm/links/keepalived-2.2.7.txt): an L2 ipvlan on the instance's
// interface, named as use_ipvlan says or PREFIX.VRID like a VMAC, with the port flags of its type
// (bridge 0, private 1, vepa 2: the kernel keeps one set per parent, so the last ipvlan created on an
// interface sets them for all), created up, enslaved to the parent's VRF if the parent is in one.
// It keeps its automatic IPv6 link-local (no addr_gen_mode change) but IPv6 is turned off on an
// IPv4 one without eVIPs of the other family; use_ipvlan's address goes on it (IPv6: deprecated,
// nodad). The VRRP socket lives on the ipvlan, the VIPs stay on the parent.
import type { Logger } from '../../common/log.js';
import type { IpFamily, VirtualIp } from '../../config/model.js';
import type { AddressOps, IpvlanMode, LinkInfo, LinkOps } from '../kernel/port.js';
import type { SysctlStore } from '../runtime/sysctl-store.js';

export interface IpvlanSpec {
  /** The instance making it (log lines). */
  owner: string;
  name: string;
  mode: IpvlanMode;
  family: IpFamily;
  /** IPv6 left on (an IPv6 instance, or an IPv4 one with eVIPs of the other family). */
  ipv6: boolean;
  /** use_ipvlan's address. */
  address?: VirtualIp;
  /** The VRF the parent is enslaved to (its ifindex). */
  vrf?: number;
}

/** Creates (or adopts) the ipvlan on `base`, up, with its address; undefined after logging on failure. */
export async function createIpvlan(links: LinkOps, addrs: AddressOps, spec: IpvlanSpec, base: LinkInfo,
    sysctl: SysctlStore, log: Logger): Promise<LinkInfo | undefined> {
  const { owner, name } = spec;
  const r = await links.createIpvlan(base.index, name, { mode: spec.mode,
    ...(spec.vrf !== undefined ? { master: spec.vrf } : {}) });
  if (typeof r !== 'number') { log.info(`(${owner}): Unable to create ipvlan interface ${name}`); return undefined; }
  log.detail(`(${owner}): Success creating ipvlan interface ${name}`);
  sysctl.set(`net/ipv6/conf/${name}/disable_ipv6`, spec.ipv6 ? '0' : '1');
  if (spec.address) {
    const e = await addrs.add(spec.address, r);
    if (e) log.info(`${owner}: Failed to add interface address to ${name}`);
  }
  return { index: r, name, mac: base.mac, up: true, running: true, kind: 'ipvlan', ...(base.mtu !== undefined ? { mtu: base.mtu } : {}), ...(spec.vrf !== undefined ? { master: spec.vrf } : {}) };
}
