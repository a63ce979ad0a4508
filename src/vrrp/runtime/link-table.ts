// The interfaces and addresses as the VRRP runtime knows them: loaded from the kernel's dumps and
// kept current by its monitor events. Lookups by name and by ifindex, the instance primary address
// rule (advert source), and "does this interface have an address of its own" (VIPs excluded).
import type { IpFamily, VrrpInstance } from '../../config/model.js';
import type { AddrInfo, LinkInfo } from '../kernel/port.js';

/** Up and carrier: what keepalived calls an interface being up. */
export const ifUp = (l: LinkInfo | undefined): boolean => !!l && l.up && l.running;

/**
 * The address an instance advertises from: unicast_src_ip if set, else the interface's first IPv4
 * address (IPv6: its first link-local one) that is not one of the instance's VIPs. Stops at the
 * first match: an interface may carry thousands of addresses.
 */
export function primaryAddress(cfg: VrrpInstance, addrsOfLink: Iterable<AddrInfo>): string | undefined {
  if (cfg.unicastSrcIp) return cfg.unicastSrcIp;
  for (const a of addrsOfLink) {
    if (a.family !== cfg.family || (cfg.family === 'inet6' && !a.address.startsWith('fe80:'))) continue;
    if (!cfg.virtualIpaddress.some((v) => v.address === a.address)) return a.address;
  }
  return undefined;
}

const addrKey = (index: number, address: string): string => `${index}|${address}`;

export class LinkTable {
  private readonly byName = new Map<string, LinkInfo>();
  /** Addresses by ifindex|address, in the order the kernel reported them (a re-added one goes last). */
  private readonly addrs = new Map<string, AddrInfo>();
  /** Links the runtime is creating (VMACs, ipvlans): their events are applied silently until one shows them set up. */
  private readonly creating = new Set<string>();

  /** The runtime creates this link now (down, then set up): its events until it is up are not news. */
  expect(name: string): void { this.creating.add(name); }

  /** Its creation failed. */
  done(name: string): void { this.creating.delete(name); }

  load(links: readonly LinkInfo[], addrs: readonly AddrInfo[]): void {
    this.byName.clear();
    for (const l of links) this.byName.set(l.name, l);
    this.addrs.clear();
    for (const a of addrs) this.addrs.set(addrKey(a.index, a.address), a);
  }

  get(name: string): LinkInfo | undefined { return this.byName.get(name); }

  byIndex(index: number): LinkInfo | undefined {
    for (const l of this.byName.values()) if (l.index === index) return l;
    return undefined;
  }

  /** A link the runtime created itself (a VMAC, an ipvlan). */
  set(link: LinkInfo): void { this.byName.set(link.name, link); }

  delete(name: string): void { this.byName.delete(name); }

  addresses(): AddrInfo[] { return [...this.addrs.values()]; }

  addressesOf(index: number): AddrInfo[] { return [...this.ofLink(index)]; }

  private *ofLink(index: number): Generator<AddrInfo> {
    for (const a of this.addrs.values()) if (a.index === index) yield a;
  }

  primaryOf(cfg: VrrpInstance, link: LinkInfo): string | undefined {
    return primaryAddress(cfg, this.ofLink(link.index));
  }

  /** The interface has an address of `family` that is not a VIP (stops at the first). */
  hasOwnAddr(index: number, family: IpFamily, isVip: (address: string) => boolean): boolean {
    for (const a of this.addrs.values()) if (a.index === index && a.family === family && !isVip(a.address)) return true;
    return false;
  }

  /**
   * Applies RTM_NEWLINK: a link seen for the first time (`added`: keepalived marks it down until its
   * flags come, so an up link counts as coming up) or a change of flags, name or MAC.
   */
  applyLink(link: LinkInfo): { prev?: LinkInfo; next: LinkInfo; added: boolean; expected?: true } {
    const prev = this.byIndex(link.index);
    const next: LinkInfo = { ...link, name: link.name || prev?.name || '' };
    if (prev && prev.name !== next.name) this.byName.delete(prev.name);
    this.byName.set(next.name, next);
    if (this.creating.has(next.name)) {
      if (next.up) this.creating.delete(next.name);
      return { next, added: false, expected: true };
    }
    return { ...(prev ? { prev } : {}), next, added: !prev };
  }

  /** Applies RTM_DELLINK: the link and its addresses go; the link as it was, if known. */
  removeLink(index: number): LinkInfo | undefined {
    const prev = this.byIndex(index);
    if (prev) this.byName.delete(prev.name);
    for (const [k, a] of this.addrs) if (a.index === index) this.addrs.delete(k);
    return prev;
  }

  applyAddr(added: boolean, addr: AddrInfo): void {
    const k = addrKey(addr.index, addr.address);
    if (!added) this.addrs.delete(k);
    else if (!this.addrs.has(k)) this.addrs.set(k, addr);
  }
}
