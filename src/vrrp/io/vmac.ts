// VMACs as keepalived 2.2.7 makes them (vrrp_vmac.c, vrrp.c create_vmac_name): a macvlan in private
// mode with MAC 00:00:5e:00:01:VRID (:02: for IPv6) unless use_vmac names one, called as use_vmac
// says or PREFIX.VRID (vmac_prefix / vmac_addr_prefix, default "vrrp"; a taken name moves on to
// PREFIX1.VRID, PREFIX2.VRID ..., IPv6 trying PREFIX6.VRID first), created down, without an
// automatic IPv6 link-local address (addr_gen_mode none), with IPv6 off on an IPv4 VMAC that carries
// no eVIP of the other family, then set up. An IPv4 one gets arp_ignore 1, accept_local 1,
// rp_filter 0, promote_secondaries 1, and its base interface arp_ignore 1 and arp_filter 1, so only
// the VMAC answers ARP for the VIPs (2.2.7 leaves the base's set after stop). On a base
// enslaved to a VRF the VMAC is enslaved to the same VRF (measured in the qemu guest). Recorded:
// test/integration/vrrp/data/links-2.2.7/vmac-prefix-use-vmac-addr.*.
import type { Logger } from '../../common/log.js';
import type { IpFamily, VrrpInstance } from '../../config/model.js';
import type { LinkInfo, LinkOps } from '../kernel/port.js';
import type { SysctlStore } from '../runtime/sysctl-store.js';
import { macFromString } from './addr.js';

const IFNAMSIZ = 16;

/** 00:00:5e:00:01:VRID for IPv4, 00:00:5e:00:02:VRID for IPv6 (RFC 5798 §7.3). */
export function defaultVmacMac(vrid: number, family: IpFamily): Buffer {
  return Buffer.from([0, 0, 0x5e, 0, family === 'inet6' ? 2 : 1, vrid]);
}

/** The MAC of an instance's VMACs: use_vmac's, else the RFC one of `family` (the instance's by default). */
export function vmacAddress(cfg: VrrpInstance, family: IpFamily = cfg.family): Buffer {
  return (cfg.useVmac?.mac ? macFromString(cfg.useVmac.mac) : undefined)
    ?? defaultVmacMac(cfg.virtualRouterId ?? 0, family);
}

/** `${prefix}${n}.${vrid}`, the prefix cut so that it fits in an interface name. */
function candidate(prefix: string, n: string, vrid: number): string {
  const full = `${prefix}${n}.${vrid}`;
  if (Buffer.byteLength(full) < IFNAMSIZ) return full;
  return `${prefix.slice(0, prefix.length - (Buffer.byteLength(full) - IFNAMSIZ) - 1)}${n}.${vrid}`;
}

/** create_vmac_name: the first of PREFIX.VRID, PREFIX1.VRID ... (IPv6: PREFIX6.VRID first) not taken. */
export function vmacName(prefix: string, vrid: number, family: IpFamily, taken: (name: string) => boolean): string {
  let name = candidate(prefix, '', vrid);
  let num = 0;
  while (taken(name)) {
    if (family === 'inet6') num = num === 0 ? 6 : num === 6 ? 1 : num + 1 === 6 ? 7 : num + 1;
    else num++;
    name = candidate(prefix, String(num), vrid);
  }
  return name;
}

export interface VmacSpec {
  /** The instance making it (log lines). */
  owner: string;
  name: string;
  mac: Buffer;
  family: IpFamily;
  /** IPv6 left on (an IPv6 VMAC, or an IPv4 one carrying eVIPs of the other family). */
  ipv6: boolean;
  /** It exists already (left by a run with -V): adopted, logged as 2.2.7's "Found matching interface". */
  found?: boolean;
  /** The VRF the base interface is enslaved to (its ifindex): the VMAC is enslaved to it too. */
  vrf?: number;
}

/** Creates (or adopts) a VMAC on `base` and sets it up; undefined after logging on failure. */
export async function createVmac(links: LinkOps, spec: VmacSpec, base: LinkInfo, sysctl: SysctlStore,
    log: Logger): Promise<LinkInfo | undefined> {
  const { owner, name, mac } = spec;
  const r = await links.createMacvlan(base.index, name, mac,
    { down: true, ...(spec.vrf !== undefined ? { master: spec.vrf } : {}) });
  if (typeof r !== 'number') { log.info(`(${owner}): Unable to create VMAC interface ${name}`); return undefined; }
  if (spec.found) log.info(`(${owner}) Found matching interface ${name}`);
  else log.detail(`(${owner}): Success creating VMAC interface ${name}`);
  if (spec.family === 'inet') {
    for (const [k, v] of [['arp_ignore', '1'], ['accept_local', '1'], ['rp_filter', '0'], ['promote_secondaries', '1']] as const) sysctl.set(`net/ipv4/conf/${name}/${k}`, v);
    // 2.2.7 never puts these back: its "reset" writes the values it read after setting them
    // (measured in the qemu guest: 1 and 1 after stop, with and without a VRF)
    for (const k of ['arp_ignore', 'arp_filter']) sysctl.set(`net/ipv4/conf/${base.name}/${k}`, '1', { keep: true });
  }
  sysctl.set(`net/ipv6/conf/${name}/disable_ipv6`, spec.ipv6 ? '0' : '1');
  sysctl.set(`net/ipv6/conf/${name}/addr_gen_mode`, '1');
  const up = await links.setUp(r);
  if (up) log.error(`(${owner}) ${up.message}`);
  // a macvlan's carrier follows its base's
  return { index: r, name, mac, up: true, running: base.up && base.running, kind: 'macvlan', ...(base.mtu !== undefined ? { mtu: base.mtu } : {}), ...(spec.vrf !== undefined ? { master: spec.vrf } : {}) };
}
