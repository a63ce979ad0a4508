// After the kernel dropped link / address events (the monitor socket overran: ENOBUFS), the
// runtime asks for fresh dumps and turns the difference between what it knew and what the kernel
// now holds into the events it missed, so the rest (VIP deleted by someone else, an interface
// gone down, a primary address changed) acts as if they had arrived. keepalived 2.2.7 logs the
// overrun and carries on with what it knew; this is our addition. Pure: dumps in, events out.
import type { AddrInfo, KernelEvent, LinkInfo } from '../kernel/port.js';

export interface NetView { links: readonly LinkInfo[]; addrs: readonly AddrInfo[] }

const addrKey = (a: AddrInfo): string => `${a.index}|${a.family}|${a.address}`;

/** The fields of a link whose change the runtime acts on (name, flags, MAC, MTU, master). */
function linkChanged(a: LinkInfo, b: LinkInfo): boolean {
  return a.name !== b.name || a.up !== b.up || a.running !== b.running || (a.flags ?? -1) !== (b.flags ?? -1)
    || !a.mac.equals(b.mac) || a.mtu !== b.mtu || a.master !== b.master;
}

/**
 * The events that take `known` to `now`, in an order the runtime can apply: links that appeared or
 * changed, then new addresses before the ones gone (an interface whose address was replaced while
 * the events were lost never looks addressless: the order of the lost events is unknown, and no
 * transition is made up for a moment that is over), and last links gone (with their addresses).
 */
export function resyncEvents(known: NetView, now: NetView): KernelEvent[] {
  const out: KernelEvent[] = [];
  const knownLinks = new Map(known.links.map((l) => [l.index, l]));
  const nowLinks = new Map(now.links.map((l) => [l.index, l]));
  for (const l of now.links) {
    const k = knownLinks.get(l.index);
    if (!k || linkChanged(k, l)) out.push({ kind: 'link', link: l });
  }
  const nowAddrs = new Set(now.addrs.map(addrKey));
  const knownAddrs = new Set(known.addrs.map(addrKey));
  // addresses of a link that is gone go with its RTM_DELLINK
  for (const a of now.addrs) if (!knownAddrs.has(addrKey(a))) out.push({ kind: 'addrAdded', addr: a });
  for (const a of known.addrs) if (!nowAddrs.has(addrKey(a)) && nowLinks.has(a.index)) out.push({ kind: 'addrDeleted', addr: a });
  for (const l of known.links) if (!nowLinks.has(l.index)) out.push({ kind: 'linkDeleted', index: l.index, name: l.name });
  return out;
}
