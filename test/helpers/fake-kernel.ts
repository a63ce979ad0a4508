// An in-memory KernelPort (src/vrrp/kernel/port.ts) for unit tests of the VRRP runtime without
// root: links with up/running flags, MACs and addresses; a log of every operation the runtime did
// (ops, in order, with the fake clock's time); events injected as the kernel would send them (link
// down/up, address added or deleted by someone else, interface deleted and re-created); an
// in-memory nf_tables (fake-nftables.ts) for the VIP firewall; and FakeSegments, simulated Ethernet
// segments that carry the VRRP messages one kernel's sockets send to the sockets of every other
// kernel attached to the same segment (two routers in one test).
// Events and packets are delivered through the injected Timers (0 ms by default), never inside the
// call that caused them, as the real kernel delivers them on a later turn of the event loop.
import type { Clock, Timers } from '../../src/common/clock.js';
import type { IpFamily, VirtualIp } from '../../src/config/model.js';
import { bytesToIp, ipToBytes, macToString } from '../../src/vrrp/io/addr.js';
import type { NftMsg } from '../../src/vrrp/firewall/nft-model.js';
import { FakeNftables } from './fake-nftables.js';
import { FakeRoutes } from './fake-routes.js';
import type {
  AddrInfo, IpvlanMode, KernelError, KernelEvent, KernelPort, KernelProblem, LinkInfo,
  VrrpChannel, VrrpRx, VrrpSocketOpts,
} from '../../src/vrrp/kernel/port.js';

type OpBody =
  | { op: 'addrAdd' | 'addrDel'; ifname: string; address: string; prefixLen: number; vip: VirtualIp }
  | { op: 'socketOpen' | 'socketClose'; ifname: string; family: IpFamily; group?: string; sendOnly: boolean }
  | { op: 'advert'; ifname: string; src: string; dst: string; ttl: number; payload: Buffer }
  | { op: 'garp' | 'na'; ifname: string; address: string; mac: string }
  | { op: 'linkCreate'; ifname: string; parent: string; mac: string; kind?: 'macvlan' | 'ipvlan'; mode?: IpvlanMode; master?: string }
  | { op: 'linkDelete'; ifname: string }
  | { op: 'sysctl'; key: string; value: string }
  | { op: 'nftBatch'; msgs: readonly NftMsg[] }
  | { op: 'nftTables'; table: string }
  | { op: 'rcvbuf'; ifname: string; family: IpFamily; bytes: number };

type OpWithoutTime = OpBody & { error?: string };

/** One operation the runtime asked of the kernel, at the fake clock's time. `error`: the errno name it got back. */
export type KernelOp = OpWithoutTime & { at: number };

/** The recorded operations of some kinds. */
export type OpOf<K extends KernelOp['op']> = KernelOp & { op: K };

export interface FakeLinkSpec {
  name: string;
  /** Addresses with prefix, e.g. '10.0.0.1/24', 'fe80::1/64'. */
  addrs?: string[];
  mac?: string;
  up?: boolean;
  running?: boolean;
  segment?: FakeSegment;
  index?: number;
  mtu?: number;
  /** What linkbeat's probes get from this link's driver (default: ETHTOOL answers, MII does not, as veth). */
  probes?: { mii?: boolean; ethtool?: boolean };
  /** The lower device of a macvlan: its carrier follows the lower one's, and it is deleted with it. */
  parent?: number;
  /** IFLA_INFO_KIND, e.g. 'vrf' (a VRF device), 'ipvlan'. */
  kind?: string;
  /** Enslaved to this link (e.g. a VRF), by name. */
  master?: string;
}

/** running = up && carrier (the carrier stays as set while the link is down). */
interface FakeLink { info: LinkInfo; carrier: boolean; addrs: AddrInfo[]; segment?: FakeSegment; probes?: FakeLinkSpec['probes']; parent?: number }

interface FakeSocket { kernel: FakeKernel; opts: VrrpSocketOpts; onRx: (rx: VrrpRx) => void;
  queue: VrrpRx[]; closed: boolean }

/** A simulated Ethernet segment: VRRP messages sent on one attached link reach the sockets of the others. */
export class FakeSegment {
  private readonly kernels = new Set<FakeKernel>();

  constructor(private readonly timers: Timers, readonly latencyMs = 0) {}

  /** @internal */
  join(k: FakeKernel): void { this.kernels.add(k); }

  /** @internal: delivers a message sent by `from` on one of its links of this segment. */
  carry(from: FakeKernel, rx: Omit<VrrpRx, 'ifindex'>): void {
    for (const k of this.kernels) {
      if (k === from) continue; // multicast loop is off; a router never hears itself
      for (const s of k.listeners(this, rx)) {
        const item: VrrpRx = { ...rx, ifindex: s.opts.ifindex };
        s.queue.push(item);
        this.timers.set(() => {
          const i = s.queue.indexOf(item);
          if (i < 0 || s.closed) return;
          s.queue.splice(i, 1);
          s.onRx(item);
        }, this.latencyMs);
      }
    }
  }
}

/** The per-interface sysctls a new link gets (value 0), as /proc/sys/net/ipv4/conf/NAME/ has them. */
const LINK_SYSCTLS = ['arp_ignore', 'arp_filter', 'arp_announce', 'promote_secondaries', 'rp_filter', 'accept_local'];
/** ... and in /proc/sys/net/ipv6/conf/NAME/. */
const LINK6_SYSCTLS = ['disable_ipv6', 'addr_gen_mode'];

const ERRNOS: Record<string, [number, string]> = {
  ENOENT: [2, 'No such file or directory'], ENXIO: [6, 'No such device or address'], EBADF: [9, 'Bad file descriptor'],
  EEXIST: [17, 'File exists'], ENODEV: [19, 'No such device'], EINVAL: [22, 'Invalid argument'],
  EADDRNOTAVAIL: [99, 'Cannot assign requested address'], ENETDOWN: [100, 'Network is down'],
  EOPNOTSUPP: [95, 'Operation not supported'], ENOBUFS: [105, 'No buffer space available'],
};

const err = (code: keyof typeof ERRNOS & string, message?: (text: string, errno: number) => string): KernelError => {
  const [errno, text] = ERRNOS[code]!;
  return { code, errno, text, message: message ? message(text, errno) : text };
};

export class FakeKernel implements KernelPort {
  readonly ops: KernelOp[] = [];
  readonly sysctls = new Map<string, string>();
  /** nf_tables of this kernel (the VIP firewall's table). */
  readonly nft = new FakeNftables();
  /** Channels reported as not openable by open(). */
  problems: KernelProblem[] = [];
  private readonly byIndex = new Map<number, FakeLink>();
  private readonly openSockets: FakeSocket[] = [];
  private monitorCb?: (ev: KernelEvent) => void;
  private monitorErr?: (e: KernelError) => void;
  /** Inside overrun(): events are dropped as a full receive buffer drops them. */
  private dropping = false;
  private nextIndex = 2;
  private nextFd = 10;
  private nlSeq = 0;
  /** Address requests to refuse once, by (add|del) and address: the errno name (e.g. EINVAL). */
  private readonly refusals = new Map<string, keyof typeof ERRNOS & string>();

  /** Route and rule tables (fake-routes.ts). */
  readonly routes: FakeRoutes;

  constructor(private readonly clock: Clock, private readonly timers: Timers) {
    this.routes = new FakeRoutes(timers, (index) => this.byIndex.get(index));
  }

  // ----------------------------------------------------------------------------------------------
  // test side: the world as `ip link` / `ip addr` would change it

  addLink(spec: FakeLinkSpec): LinkInfo {
    const index = spec.index ?? this.nextIndex++;
    this.nextIndex = Math.max(this.nextIndex, index + 1);
    const mac = Buffer.from((spec.mac ?? `02:00:00:00:${(index >> 8).toString(16)}:${(index & 0xff).toString(16)}`).split(':').map((x) => parseInt(x, 16)));
    const carrier = spec.running ?? true;
    const master = spec.master !== undefined ? this.mustLink(spec.master).info.index : undefined;
    const info: LinkInfo = { index, name: spec.name, mac, up: spec.up ?? true,
      running: (spec.up ?? true) && carrier, mtu: spec.mtu ?? 1500,
      ...(spec.kind ? { kind: spec.kind } : {}), ...(master ? { master } : {}) };
    const l: FakeLink = { info, carrier, addrs: [], ...(spec.segment ? { segment: spec.segment } : {}),
      ...(spec.probes ? { probes: spec.probes } : {}),
      ...(spec.parent !== undefined ? { parent: spec.parent } : {}) };
    spec.segment?.join(this);
    this.byIndex.set(index, l);
    for (const k of LINK_SYSCTLS) this.sysctls.set(`net/ipv4/conf/${spec.name}/${k}`, '0');
    for (const k of LINK6_SYSCTLS) this.sysctls.set(`net/ipv6/conf/${spec.name}/${k}`, '0');
    this.emit({ kind: 'link', link: { ...info } });
    for (const a of spec.addrs ?? []) this.addAddress(spec.name, a);
    return { ...info };
  }

  /** `ip link set NAME up|down` (up) or a carrier change (running). */
  setLink(name: string, flags: { up?: boolean; running?: boolean }): void {
    const l = this.mustLink(name);
    const up = flags.up ?? l.info.up;
    if (flags.running !== undefined) l.carrier = flags.running;
    l.info = { ...l.info, up, running: up && l.carrier };
    if (!up) this.routes.linkDown(l.info.index); // the kernel drops the routes through a link going down
    this.emit({ kind: 'link', link: { ...l.info } });
    // a macvlan's carrier follows its lower device
    for (const c of this.children(l.info.index)) {
      if (c.carrier === l.info.running) continue;
      c.carrier = l.info.running;
      c.info = { ...c.info, running: c.info.up && c.carrier };
      this.emit({ kind: 'link', link: { ...c.info } });
    }
  }

  private children(index: number): FakeLink[] { return [...this.byIndex.values()].filter((c) => c.parent === index); }

  /** `ip link del NAME`: down, its addresses go, then its macvlans (as this: down, addresses, deleted), then the
   *  link. */
  deleteLink(name: string): void {
    const l = this.mustLink(name);
    if (l.info.up) this.setLink(name, { up: false });
    for (const a of [...l.addrs]) this.delAddress(name, a.address);
    for (const c of this.children(l.info.index)) this.deleteLink(c.info.name);
    this.byIndex.delete(l.info.index);
    for (const k of LINK_SYSCTLS) this.sysctls.delete(`net/ipv4/conf/${name}/${k}`);
    for (const k of LINK6_SYSCTLS) this.sysctls.delete(`net/ipv6/conf/${name}/${k}`);
    this.emit({ kind: 'linkDeleted', index: l.info.index, name });
  }

  /** `ip addr add CIDR dev NAME` by someone else. */
  addAddress(name: string, cidr: string): void {
    const l = this.mustLink(name);
    const [address, len] = cidr.split('/') as [string, string | undefined];
    const family: IpFamily = address.includes(':') ? 'inet6' : 'inet';
    const a: AddrInfo = { index: l.info.index, family, address, prefixLen: Number(len ?? (family === 'inet' ? 32 : 128)), scope: address.startsWith('fe80:') ? 253 : 0 };
    l.addrs.push(a);
    this.emit({ kind: 'addrAdded', addr: { ...a } });
  }

  /** `ip addr del ADDRESS dev NAME` by someone else. */
  delAddress(name: string, address: string): void {
    const l = this.mustLink(name);
    const a = l.addrs.find((x) => x.address === address);
    if (!a) throw new Error(`fake kernel: ${address} is not on ${name}`);
    l.addrs = l.addrs.filter((x) => x !== a);
    this.emit({ kind: 'addrDeleted', addr: { ...a } });
  }

  /**
   * The monitor socket overruns while `changes` runs: every event they cause is lost, and the
   * monitor then reports ENOBUFS, as the kernel does when its receive buffer was full.
   */
  overrun(changes: () => void): void {
    this.dropping = true;
    try { changes(); } finally { this.dropping = false; }
    const e = err('ENOBUFS', (text) => `netlink monitor: recvmsg: ${text}`);
    this.timers.set(() => this.monitorErr?.(e), 0);
  }

  /** ipvlan creation fails with EOPNOTSUPP (a kernel without CONFIG_IPVLAN). */
  refuseIpvlan = false;

  /** The next add (or delete) request for `address` fails with `code`, as a kernel refusing it would. */
  refuseNext(op: 'add' | 'del', address: string, code: keyof typeof ERRNOS & string): void { this.refusals.set(`${op} ${address}`, code); }

  private failNext(add: boolean, address: string, nl: (text: string, errno: number) => string): KernelError
      | undefined {
    const key = `${add ? 'add' : 'del'} ${address}`;
    const code = this.refusals.get(key);
    if (!code) return undefined;
    this.refusals.delete(key);
    return err(code, nl);
  }

  link(name: string): LinkInfo | undefined { return this.find(name)?.info; }

  /** Addresses on an interface, as 'address/prefix'. */
  addressesOf(name: string): string[] { return (this.find(name)?.addrs ?? []).map((a) => `${a.address}/${a.prefixLen}`); }

  /** The operations recorded so far of the given kinds. */
  opsOf<K extends KernelOp['op']>(...kinds: K[]): OpOf<K>[] {
    return this.ops.filter((o): o is OpOf<K> => (kinds as string[]).includes(o.op));
  }

  // ----------------------------------------------------------------------------------------------
  // KernelPort

  open(): KernelProblem[] { return this.problems; }

  readonly net: KernelPort['net'] = {
    links: async () => [...this.byIndex.values()].map((l) => ({ ...l.info })),
    addresses: async () => [...this.byIndex.values()].flatMap((l) => l.addrs.map((a) => ({ ...a }))),
    monitor: (cb, onError) => { this.monitorCb = cb; this.monitorErr = onError; },
  };

  readonly addrs: KernelPort['addrs'] = {
    prepare: () => {},
    add: (vip, ifindex) => Promise.resolve(this.addrOp(vip, ifindex, true)),
    del: (vip, ifindex) => Promise.resolve(this.addrOp(vip, ifindex, false)),
  };

  readonly sockets: KernelPort['sockets'] = {
    open: (opts, onRx) => {
      const l = this.byIndex.get(opts.ifindex);
      const rec = { ifname: opts.ifname, family: opts.family, ...(opts.group ? { group: opts.group } : {}),
        sendOnly: !!opts.sendOnly };
      if (!l || l.info.name !== opts.ifname) {
        this.record({ op: 'socketOpen', ...rec, error: 'ENODEV' });
        return err('ENODEV', () => `SO_BINDTODEVICE ${opts.ifname}: No such device`);
      }
      this.record({ op: 'socketOpen', ...rec });
      const s: FakeSocket = { kernel: this, opts, onRx, queue: [], closed: false };
      this.openSockets.push(s);
      const ch: VrrpChannel = {
        fd: this.nextFd++,
        send: (payload, dst, src) => this.sendVrrp(s, Buffer.from(payload), dst, src ?? opts.srcAddr),
        drain: () => { while (s.queue.length && !s.closed) s.onRx(s.queue.shift()!); },
        setRcvBuf: (bytes) => { this.record({ op: 'rcvbuf', ifname: opts.ifname, family: opts.family, bytes }); return undefined; },
        close: () => {
          if (s.closed && !this.openSockets.includes(s)) return;
          s.closed = true;
          this.openSockets.splice(this.openSockets.indexOf(s), 1);
          this.record({ op: 'socketClose', ...rec });
        },
      };
      return ch;
    },
  };

  readonly frames: KernelPort['frames'] = {
    send: (frame, ifindex) => {
      const l = this.byIndex.get(ifindex);
      const arp = frame.readUInt16BE(12) === 0x0806;
      const address = bytesToIp(arp ? frame.subarray(38, 42) : frame.subarray(62, 78));
      const e = !l ? err('ENXIO', () => `sendFrame ifindex ${ifindex}: No such device or address`) : !l.info.up ? err('ENETDOWN', () => `sendFrame ifindex ${ifindex}: Network is down`) : undefined;
      this.record({ op: arp ? 'garp' : 'na', ifname: l?.info.name ?? `#${ifindex}`, address, mac: macToString(frame.subarray(6, 12)), ...(e ? { error: e.code } : {}) });
      return e;
    },
  };

  readonly links: KernelPort['links'] = {
    createMacvlan: async (parent, name, mac, opts) => {
      const p = this.byIndex.get(parent);
      if (!p) return err('ENODEV', () => `create macvlan ${name}: No such device`);
      const master = this.masterName(opts?.master);
      this.record({ op: 'linkCreate', ifname: name, parent: p.info.name, mac: macToString(mac), ...(master ? { master } : {}) });
      const existing = this.find(name);
      if (existing) return existing.info.index;
      return this.addLink({ name, mac: macToString(mac), up: !opts?.down, running: p.info.running, parent, kind: 'macvlan', ...(p.segment ? { segment: p.segment } : {}), ...(master ? { master } : {}) }).index;
    },
    // An L2 ipvlan shares its parent's MAC; the kernel then gives it an IPv6 link-local address
    // (after DAD: 1 s here) unless IPv6 is off on it by then.
    createIpvlan: async (parent, name, opts) => {
      const p = this.byIndex.get(parent);
      if (!p) return err('ENODEV', () => `create ipvlan ${name}: No such device`);
      if (this.refuseIpvlan) return err('EOPNOTSUPP', (t, n) => `Netlink: error: ${t}(${n}), type=RTM_NEWLINK(16), seq=${++this.nlSeq}, pid=0`);
      const master = this.masterName(opts.master);
      const mac = macToString(p.info.mac);
      this.record({ op: 'linkCreate', ifname: name, parent: p.info.name, mac, kind: 'ipvlan', mode: opts.mode, ...(master ? { master } : {}) });
      const existing = this.find(name);
      if (existing) return existing.info.kind === 'ipvlan' ? existing.info.index : err('EEXIST', () => `create ipvlan ${name}: File exists`);
      const l = this.addLink({ name, mac, kind: 'ipvlan', ...(p.segment ? { segment: p.segment } : {}), ...(master ? { master } : {}) });
      this.timers.set(() => {
        if (this.byIndex.get(l.index)?.info.name === name && this.sysctls.get(`net/ipv6/conf/${name}/disable_ipv6`) !== '1') this.addAddress(name, `fe80::ff:fe00:${l.index.toString(16)}/64`);
      }, 1000);
      return l.index;
    },
    setUp: async (index) => {
      const l = this.byIndex.get(index);
      if (!l) return err('ENODEV', () => `set link ${index} up: No such device`);
      if (!l.info.up) this.setLink(l.info.name, { up: true });
      return undefined;
    },
    delete: async (index) => {
      const l = this.byIndex.get(index);
      if (!l) return err('ENODEV', () => `delete link ${index}: No such device`);
      this.record({ op: 'linkDelete', ifname: l.info.name });
      this.deleteLink(l.info.name);
      return undefined;
    },
  };

  readonly sysctl: KernelPort['sysctl'] = {
    read: (key) => this.sysctls.get(key) ?? err('ENOENT', () => `ENOENT: no such file or directory, open '/proc/sys/${key}'`),
    write: (key, value) => {
      if (!this.sysctls.has(key)) return err('ENOENT', () => `ENOENT: no such file or directory, open '/proc/sys/${key}'`);
      this.sysctls.set(key, value);
      this.record({ op: 'sysctl', key, value });
      return undefined;
    },
  };

  readonly firewall: KernelPort['firewall'] = {
    tables: (name) => {
      const r = this.nft.tablesNamed(name);
      this.record({ op: 'nftTables', table: name, ...('code' in r ? { error: r.code } : {}) });
      return r;
    },
    apply: (msgs) => {
      const e = this.nft.apply(msgs);
      this.record({ op: 'nftBatch', msgs, ...(e ? { error: e.code } : {}) });
      return e;
    },
  };

  /** linkbeat probes as a veth answers them: MII unsupported, ETHTOOL = carrier, the flags. */
  readonly linkbeat: KernelPort['linkbeat'] = {
    probe: (ifname, kind) => {
      const l = this.find(ifname);
      if (!l) return err('ENODEV', (t) => `${kind} probe of ${ifname}: ${t}`);
      const { up, running } = l.info;
      if (kind === 'FLAGS') return (up ? 0x1003 : 0x1002) | (up && running ? 0x10040 : 0);
      const supported = kind === 'MII' ? l.probes?.mii ?? false : l.probes?.ethtool ?? true;
      if (!supported) return err('EOPNOTSUPP', (t) => `${kind} probe of ${ifname}: ${t}`);
      return up && running ? 1 : 0;
    },
  };

  close(): void { this.monitorCb = undefined; this.routes.close(); }

  // ----------------------------------------------------------------------------------------------

  /** @internal: the open receiving sockets of this kernel that a message on `seg` reaches. */
  listeners(seg: FakeSegment, rx: Omit<VrrpRx, 'ifindex'>): FakeSocket[] {
    return this.openSockets.filter((s) => {
      const l = this.byIndex.get(s.opts.ifindex);
      if (!l || l.segment !== seg || !l.info.up || !l.info.running || s.closed || s.opts.sendOnly
        || s.opts.family !== rx.family) return false;
      return isMulticast(rx.dst) ? s.opts.group === rx.dst : l.addrs.some((a) => a.address === rx.dst);
    });
  }

  private sendVrrp(s: FakeSocket, payload: Buffer, dst: string, src: string): KernelError | undefined {
    const l = this.byIndex.get(s.opts.ifindex);
    const ttl = s.opts.ttl ?? 255;
    const e = s.closed ? err('EBADF', () => 'send: socket closed') : !l ? err('ENODEV', () => `sendto ${dst}: No such device`)
      : !l.info.up ? err('ENETDOWN', () => `sendto ${dst}: Network is down`) : undefined;
    this.record({ op: 'advert', ifname: s.opts.ifname, src, dst, ttl, payload, ...(e ? { error: e.code } : {}) });
    // no carrier: the frame is sent and lost
    if (!e && l!.info.running) l!.segment?.carry(this, { family: s.opts.family, payload, ttl, src, dst });
    return e;
  }

  private addrOp(vip: VirtualIp, ifindex: number, add: boolean): KernelError | undefined {
    const l = this.byIndex.get(ifindex);
    const have = l?.addrs.find((a) => a.address === vip.address);
    const seq = ++this.nlSeq;
    const nl = (text: string, errno: number) => `Netlink: error: ${text}(${errno}), type=${add ? 'RTM_NEWADDR(20)' : 'RTM_DELADDR(21)'}, seq=${seq}, pid=0`;
    const e = !l ? err('ENODEV', nl) : add && have ? err('EEXIST', nl) : !add && !have ? err('EADDRNOTAVAIL', nl) : this.failNext(add, vip.address, nl);
    this.record({ op: add ? 'addrAdd' : 'addrDel', ifname: l?.info.name ?? `#${ifindex}`, address: vip.address, prefixLen: vip.prefixLen, vip, ...(e ? { error: e.code } : {}) });
    if (e || !l) return e;
    if (add) {
      const a: AddrInfo = { index: ifindex, family: vip.family, address: vip.address, prefixLen: vip.prefixLen, scope: vip.address.startsWith('fe80:') ? 253 : 0 };
      l.addrs.push(a);
      this.emit({ kind: 'addrAdded', addr: { ...a } });
    } else {
      l.addrs = l.addrs.filter((a) => a !== have);
      this.emit({ kind: 'addrDeleted', addr: { ...have! } });
    }
    return undefined;
  }

  private record(op: OpWithoutTime): void {
    this.ops.push({ at: this.clock.now(), ...op } as KernelOp);
  }

  private emit(ev: KernelEvent): void {
    if (this.dropping) return;
    this.timers.set(() => this.monitorCb?.(ev), 0);
  }

  private masterName(index: number | undefined): string | undefined {
    return index === undefined ? undefined : this.byIndex.get(index)?.info.name ?? `#${index}`;
  }

  private find(name: string): FakeLink | undefined {
    for (const l of this.byIndex.values()) if (l.info.name === name) return l;
    return undefined;
  }

  private mustLink(name: string): FakeLink {
    const l = this.find(name);
    if (!l) throw new Error(`fake kernel: no link ${name}`);
    return l;
  }
}

function isMulticast(ip: string): boolean {
  const b = ipToBytes(ip);
  return !!b && (b.length === 4 ? (b[0]! & 0xf0) === 0xe0 : b[0] === 0xff);
}
