// keepalived's sockpool: one raw VRRP socket per (interface, family, multicast|unicast), shared by
// every instance that uses that combination. Received packets are handed on with the entry they
// arrived on, whose users are the instances to consider. A socket closes with its last user.
import type { Logger } from '../../common/log.js';
import type { GlobalDefs, IpFamily } from '../../config/model.js';
import { isKernelError, type KernelError, type VrrpChannel, type VrrpRx, type VrrpSockets } from '../kernel/port.js';

export interface SocketKey { ifindex: number; family: IpFamily; unicast: boolean;
  /** multicast group joined (mcast_dst_ip or the global one) */ group?: string }

export interface PoolEntry {
  readonly key: SocketKey;
  readonly channel: VrrpChannel;
  /** Names of the instances using it. */
  readonly users: Set<string>;
  /** The local address a unicast socket stands for (keepalived binds it there). */
  readonly srcAddr: string;
}

export interface SocketSpec { ifname: string; srcAddr: string; group?: string; ttl: number }

/** Map index of a key (looked up only, never parsed back). */
const slot = (k: SocketKey): string => `${k.ifindex} ${k.family} ${k.unicast ? 'u' : `m ${k.group ?? ''}`}`;

export class SocketPool {
  private readonly entries = new Map<string, PoolEntry>();
  /** SO_RCVBUF last set per entry (rx-bufs.ts). */
  private readonly rcvBuf = new Map<PoolEntry, number>();

  /** `share`: a user's part of its socket's receive buffer (0: none); the socket gets the sum. */
  constructor(private readonly sockets: VrrpSockets, private readonly log: Logger,
    private readonly onRx: (entry: PoolEntry, rx: VrrpRx) => void,
      private readonly share?: (user: string, key: SocketKey) => number) {}

  /** Sets the entry's receive buffer to the sum of its users' shares, when there is one and it changed. */
  private resize(entry: PoolEntry): void {
    if (!this.share) return;
    let sum = 0;
    for (const u of entry.users) sum += this.share(u, entry.key);
    if (sum === 0 || sum === this.rcvBuf.get(entry)) return;
    this.rcvBuf.set(entry, sum);
    const e = entry.channel.setRcvBuf(sum);
    if (e) this.log.info(`vrrp set receive socket buffer size error ${e.code}`);
  }

  /** The entry for `key`, opened now if it is the first user; an error value if it cannot be opened. */
  acquire(key: SocketKey, spec: SocketSpec, user: string): PoolEntry | KernelError {
    let entry = this.entries.get(slot(key));
    if (!entry) {
      let self: PoolEntry | undefined; // set once open: packets cannot arrive before
      const ch = this.sockets.open(
        { family: key.family, ifname: spec.ifname, ifindex: key.ifindex, srcAddr: spec.srcAddr,
          ...(spec.group ? { group: spec.group } : {}), ttl: spec.ttl },
        (rx) => { if (self) this.onRx(self, rx); }, (e) => this.log.error(`VRRP socket error on ${spec.ifname}: ${e.message}`));
      if (isKernelError(ch)) return ch;
      entry = { key, channel: ch, users: new Set(), srcAddr: spec.srcAddr };
      self = entry;
      this.entries.set(slot(key), entry);
    }
    entry.users.add(user);
    this.resize(entry);
    return entry;
  }

  /** Drops `user` from every entry; entries left without users are closed. */
  release(user: string): void {
    for (const [k, e] of this.entries) {
      e.users.delete(user);
      if (e.users.size === 0) { e.channel.close(); this.entries.delete(k); this.rcvBuf.delete(e); }
    }
  }

  /**
   * keepalived's -D "VRRP sockpool" line for each of `keys` (the started instances' sockets, in their
   * order, once each); an instance without a socket (its interface missing) shows as ifindex 0, fd -1.
   * 2.2.7 writes "fd(12,13) multicast, address(224.0.0.18)" and "fd(12,13) , unicast, address(10.199.2.1)".
   */
  /** `fd`: the descriptor to show for an entry that is not the pool's (a VMAC's transmit socket). */
  logSockpool(keys: readonly (SocketKey & { fd?: number })[], global: GlobalDefs): void {
    const seen = new Set<string>();
    for (const key of keys) {
      if (seen.has(slot(key))) continue;
      seen.add(slot(key));
      const entry = this.entries.get(slot(key));
      const fd = key.fd ?? entry?.channel.fd ?? -1;
      const addr = key.unicast ? (entry?.srcAddr ?? '') : key.group ?? (key.family === 'inet' ? global.vrrpMcastGroup4 : global.vrrpMcastGroup6);
      this.log.detail(`VRRP sockpool: [ifindex(${String(key.ifindex).padStart(3)}), family(${key.family === 'inet' ? 'IPv4' : 'IPv6'}), proto(112), fd(${fd},${fd}) ${key.unicast ? ', unicast' : 'multicast'}, address(${addr})]`);
    }
  }
}
