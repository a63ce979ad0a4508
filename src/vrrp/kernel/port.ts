// The VRRP runtime's one door to the kernel: every effect the runtime has on the system (link and
// address dumps and monitoring, VIP add/remove, VRRP sockets, gratuitous ARP / NA frames, macvlan
// links, sysctls, the VIP firewall's nf_tables batches, routes and rules) goes through a KernelPort.
// linux.ts is the real adapter (thin wrappers around src/vrrp/io/*, src/vrrp/firewall/nft-socket.ts
// and linux-routes.ts); test/helpers/fake-kernel.ts is an in-memory one with a simulated wire. Each
// concern is one member object, so further concerns are added as new members without touching the others.
import type { RcvBuf } from '../io/rcvbuf.js';
import type { IpFamily, VirtualIp, VirtualRoute, VirtualRule } from '../../config/model.js';
import type { NfFamily, NftMsg } from '../firewall/nft-model.js';
import type { IfindexOf, RouteEvent, RouteOp, RuleEvent } from '../io/nl-route.js';

export interface LinkInfo {
  index: number; name: string; mac: Buffer; up: boolean; running: boolean;
  /** The raw ifi_flags (IFF_*), when the source gives them (keepalived logs them in hex). */
  flags?: number;
  /** The MTU, when the source gives it (vrrp_rx_bufs_policy MTU). */
  mtu?: number;
  /** IFLA_INFO_KIND (veth, macvlan, ipvlan, vrf, ...), when the link has one. */
  kind?: string;
  /** IFLA_MASTER: the ifindex of the device this one is enslaved to (a VRF, a bridge, a bond). */
  master?: number;
}
export interface AddrInfo { index: number; family: IpFamily; address: string; prefixLen: number; scope: number }

/**
 * A failed kernel operation: the errno, its name (EEXIST, ENODEV, ...) and strerror text, and a
 * message naming the operation (for VIP requests, keepalived's "Netlink: error: ..." line).
 */
export interface KernelError { code: string; errno: number; text: string; message: string }

export function isKernelError(v: unknown): v is KernelError {
  return typeof v === 'object' && v !== null && 'code' in v && 'message' in v && typeof (v as KernelError).code === 'string';
}

/**
 * What the link/address monitor reports, as the kernel sends it: RTM_NEWLINK (a link appeared or its
 * flags or name changed; the runtime's link table tells which), RTM_DELLINK, RTM_NEWADDR, RTM_DELADDR.
 */
export type KernelEvent =
  | { kind: 'link'; link: LinkInfo; via?: 'linkbeat' }
  | { kind: 'linkDeleted'; index: number; name: string }
  | { kind: 'addrAdded'; addr: AddrInfo }
  | { kind: 'addrDeleted'; addr: AddrInfo };

/** A kernel channel that could not be opened at start (logged by the runtime; the rest still runs). */
export interface KernelProblem { channel: 'command' | 'frames' | 'routes'; message: string }

export interface NetState {
  links(): Promise<LinkInfo[]>;
  addresses(): Promise<AddrInfo[]>;
  /**
   * Subscribes to link and address events (one subscriber; events arrive asynchronously, in order).
   * `via: 'linkbeat'` marks a state the runtime's own polling found (link-gate.ts), never the kernel's.
   * `onError`: the monitor socket could not be read (ENOBUFS: the kernel dropped events because the
   * receive buffer was full; the socket stays open and later events still come).
   */
  monitor(cb: (ev: KernelEvent) => void, onError?: (e: KernelError) => void): void;
}

/**
 * VIP add/remove. Takeover fast path: add() writes its request synchronously (the kernel applies it
 * inside the write) and returns a promise of the kernel's answer, awaited later or never.
 */
export interface AddressOps {
  /** Encodes the add and remove requests for this VIP on this interface now, not at takeover. */
  prepare(vip: VirtualIp, ifindex: number): void;
  add(vip: VirtualIp, ifindex: number): Promise<KernelError | undefined>;
  del(vip: VirtualIp, ifindex: number): Promise<KernelError | undefined>;
}

/** A received VRRP message. */
export interface VrrpRx {
  family: IpFamily;
  /** VRRP message only (the IPv4 header is stripped). */
  payload: Buffer;
  /** Received TTL (IPv4 header) or hop limit (IPV6_HOPLIMIT cmsg). */
  ttl: number;
  src: string;
  dst: string;
  ifindex: number;
}

export interface VrrpSocketOpts {
  family: IpFamily;
  ifname: string;
  ifindex: number;
  /** Our source address (IPv4 primary, or IPv6 link-local). */
  srcAddr: string;
  /** Multicast group to join; undefined for unicast-only instances. */
  group?: string;
  /** TTL / hop limit to send with (255 unless unicast_ttl). */
  ttl?: number;
  /** Transmit-only socket (use_vmac: adverts leave through the macvlan, receive stays on the base). */
  sendOnly?: boolean;
}

/** One open raw VRRP socket (an entry of keepalived's sockpool). */
export interface VrrpChannel {
  /** File descriptor (the sockpool dump line prints it). */
  readonly fd: number;
  /** Sends one VRRP message to `dst` (group or unicast peer), from `src` (IPv4) or the bound address. */
  send(payload: Uint8Array, dst: string, src?: string): KernelError | undefined;
  /** Delivers the messages already queued on the socket now (before a master-down expiry). */
  drain(): void;
  /** SO_RCVBUF (keepalived's kernel_rx_buf_size / vrrp_rx_bufs_policy; the kernel doubles it). */
  setRcvBuf(bytes: number): KernelError | undefined;
  close(): void;
}

export interface VrrpSockets {
  open(opts: VrrpSocketOpts, onRx: (rx: VrrpRx) => void, onError: (e: KernelError) => void): VrrpChannel | KernelError;
}

/** Gratuitous ARP / unsolicited NA frames (built by src/vrrp/io/frames.ts), sent on an interface. */
export interface FrameOps {
  send(frame: Buffer, ifindex: number): KernelError | undefined;
}

/** ipvlan's port flags (IFLA_IPVLAN_FLAGS): use_ipvlan's bridge (0), private (1), vepa (2). */
export type IpvlanMode = 'bridge' | 'private' | 'vepa';

/** Links the runtime creates (use_vmac macvlans, use_ipvlan ipvlans) and deletes. */
export interface LinkOps {
  /**
   * A macvlan in private mode on `parent`, set up (unless `down`: then setUp() it once configured);
   * its ifindex. An existing one of that name is adopted. `master`: enslaved to that device (the
   * parent's VRF).
   */
  createMacvlan(parent: number, name: string, mac: Buffer, opts?: { down?: boolean;
    master?: number }): Promise<number | KernelError>;
  /**
   * An L2 ipvlan on `parent` with the port flags of `mode`, created up, enslaved to `master` if
   * given; its ifindex. An existing one of that name is adopted.
   */
  createIpvlan(parent: number, name: string, opts: { mode: IpvlanMode;
    master?: number }): Promise<number | KernelError>;
  setUp(index: number): Promise<KernelError | undefined>;
  delete(index: number): Promise<KernelError | undefined>;
}

/** /proc/sys values by key, e.g. 'net/ipv4/conf/eth0/arp_ignore'. */
export interface SysctlOps {
  read(key: string): string | KernelError;
  write(key: string, value: string): KernelError | undefined;
}

/** The probes linkbeat polling uses (MII registers, ETHTOOL_GLINK, the interface flags). */
export interface LinkbeatOps {
  /** MII / ETHTOOL: 0 (down) or 1 (up); FLAGS: the interface flags; or why the probe failed. */
  probe(ifname: string, kind: 'MII' | 'ETHTOOL' | 'FLAGS'): number | KernelError;
}

/**
 * nf_tables, for the VIP firewall (src/vrrp/firewall): the kernel answers both requests within the
 * call (nfnetlink runs them in the sender's context), so they are synchronous, and a firewall
 * change lands before the VIP add requests that follow it.
 */
export interface FirewallOps {
  /** The families (ip, ip6) that have a table of this name. */
  tables(name: string): NfFamily[] | KernelError;
  /** Applies one batch of messages, all or nothing. */
  apply(msgs: readonly NftMsg[]): KernelError | undefined;
}

/** The route / rule groups to listen to (keepalived turns each on when a tracked entry needs it). */
export interface RouteGroups { routes4: boolean; routes6: boolean; rules4: boolean; rules6: boolean }

/** A route or rule notification; `own`: caused by a request of this port (keepalived skips those, but additions of
 *  routes). */
export type RouteRuleEvent = { kind: 'route'; ev: RouteEvent; own: boolean } | { kind: 'rule'; ev: RuleEvent; own: boolean };

/**
 * Routes and rules (virtual_routes / virtual_rules, static_routes / static_rules). A request is
 * written when called (so it follows the VIP requests written before it) and answered later.
 */
export interface RouteOps {
  /** `message` of an error: keepalived's "Netlink: error: ..." line. */
  route(op: RouteOp, route: VirtualRoute, ifindexOf: IfindexOf): Promise<KernelError | undefined>;
  rule(op: 'add' | 'del', rule: VirtualRule): Promise<KernelError | undefined>;
  /** Subscribes to route / rule notifications of these groups (one subscriber). */
  monitor(groups: RouteGroups, cb: (ev: RouteRuleEvent) => void): void;
}

export interface KernelPort {
  /** Opens the channels; those that could not be opened are reported (their operations then fail). */
  open(): KernelProblem[];
  readonly net: NetState;
  readonly addrs: AddressOps;
  readonly sockets: VrrpSockets;
  readonly frames: FrameOps;
  readonly links: LinkOps;
  readonly sysctl: SysctlOps;
  readonly firewall: FirewallOps;
  readonly linkbeat: LinkbeatOps;
  readonly routes: RouteOps;
  /**
   * Receive buffers of the rtnetlink command sockets and monitor sockets (vrrp_netlink_cmd_rcv_bufs,
   * vrrp_netlink_monitor_rcv_bufs): set now and on sockets opened later; failures as log lines.
   * Optional: ports without netlink sockets (the in-memory fake) have nothing to size.
   */
  setNetlinkRcvBufs?(cmd: RcvBuf, monitor: RcvBuf, log: (line: string) => void): void;
  close(): void;
}
