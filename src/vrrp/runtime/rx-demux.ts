// Which instances a received VRRP packet is for. A socket of the pool is shared by every instance
// on its (interface, family, multicast | unicast): the packet goes to the users with its VRID.
// keepalived binds an IPv4 socket to its group (multicast) or to unicast_src_ip (unicast), so the
// other kind never reaches it; ours are not bound, so such a packet is dropped here, silently as
// the kernel would. A packet that reached the socket for a VRID none of its users runs is reported
// (log_unknown_vrids) when it holds at least a VRRP header. Pure.
import type { VrrpRx } from '../kernel/port.js';

/** What the demultiplexing reads of an instance: its VRID, source address (unicast) and group (multicast). */
export interface RxUser {
  readonly primary: string;
  readonly fsm: { readonly params: { readonly vrid: number; readonly destination: string } };
}

export interface Demuxed<I> {
  /** The instances the packet is for, in the users' order. */
  to: I[];
  /** The VRID when the packet reached the socket's instances and none runs it (a VRRP header at least). */
  unknownVrid?: number;
}

/** `users`: the names of the socket's users, `lookup` their instances (one that is gone is skipped). */
export function demuxAdvert<I extends RxUser>(rx: Pick<VrrpRx, 'payload' | 'family' | 'dst'>, unicast: boolean, users: Iterable<string>,
  lookup: (name: string) => I | undefined): Demuxed<I> {
  if (rx.payload.length < 2) return { to: [] };
  const vrid = rx.payload[1]!;
  const to: I[] = [];
  let received = false;
  for (const name of users) {
    const i = lookup(name);
    if (!i || (rx.family === 'inet' && rx.dst !== (unicast ? i.primary : i.fsm.params.destination))) continue;
    received = true;
    if (i.fsm.params.vrid === vrid) to.push(i);
  }
  return received && to.length === 0 && rx.payload.length >= 8 ? { to, unknownVrid: vrid } : { to };
}
