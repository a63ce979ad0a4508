// Loader and typed surface of the project's N-API addon (native/src/kanet.cc): raw IP sockets,
// setsockopt with Buffers, recvmsg with TTL/hop-limit/pktinfo, AF_PACKET frame send, uv_poll
// readiness. Calls return -errno on failure; `check()` turns those into error values.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RecvResult {
  n: number;
  truncated: boolean;
  src: Buffer | null;
  dst: Buffer | null;
  /** IP_TTL / IPV6_HOPLIMIT from ancillary data, -1 if not enabled. */
  ttl: number;
  ifindex: number;
}

export interface KanetPoller { stop(): void }

/** TCP_CHECK's connect-then-close prober (native/src/tcp-prober.cc; driven by src/check/probes/tcp-handle.ts). */
export interface KanetTcpProber {
  /** fd (>= 0), -errno (socket/connect), or -(errno + BIND_ERR) when bind() failed. */
  start(id: number, family: 4 | 6, host: string, port: number, bindto: string | null, bindPort: number): number;
  /** Closes an fd still in flight (deadline passed); nothing is reported for it. */
  cancel(fd: number): void;
  /** 1 when the kernel completed the connect (getpeername succeeds), else 0. */
  connected(fd: number): number;
  close(): void;
}
/** Completions of a batch: ids[i] finished with errs[i] (0 or an errno), for i < n. */
export type KanetTcpBatch = (ids: Int32Array, errs: Int32Array, n: number) => void;

export interface Kanet {
  socket(family: number, type: number, protocol: number): number;
  close(fd: number): number;
  setsockopt(fd: number, level: number, name: number, value: Buffer): number;
  bind(fd: number, family: number, addr: Buffer, scope: number): number;
  /** `len`: send only the first len bytes of data. */
  sendto(fd: number, data: Buffer, family: number, addr: Buffer, scope: number, len?: number): number;
  sendFrame(fd: number, frame: Buffer, ifindex: number): number;
  recv(fd: number, buf: Buffer): RecvResult | number;
  /** recv(2) into buf: bytes read or -errno (no addresses, no ancillary data). */
  recvPlain(fd: number, buf: Buffer): number;
  strerror(errno: number): string;
  /** linkbeat probes (native/src/linkbeat.cc): kind 0 MII, 1 ETHTOOL, 2 FLAGS -> status or -errno. */
  linkProbe(ifname: string, kind: number): number;
  Poller: new (fd: number, onReadable: (status: number) => void) => KanetPoller;
  /** Absent from an addon built before it (the checker then uses Node's tcp_wrap). */
  TcpProber?: new (onBatch: KanetTcpBatch) => KanetTcpProber;
}

/** Linux constants used by the adapters (x86_64/aarch64 values; identical on both). */
export const C = {
  AF_INET: 2, AF_INET6: 10, AF_PACKET: 17,
  SOCK_RAW: 3,
  SOL_SOCKET: 1, SO_BINDTODEVICE: 25, SO_RCVBUF: 8,
  IPPROTO_IP: 0, IPPROTO_IPV6: 41, IPPROTO_VRRP: 112,
  IP_TOS: 1, IP_TTL: 2, IP_HDRINCL: 3, IP_PKTINFO: 8, IP_RECVTTL: 12,
  IP_MULTICAST_IF: 32, IP_MULTICAST_TTL: 33, IP_MULTICAST_LOOP: 34, IP_ADD_MEMBERSHIP: 35, IP_DROP_MEMBERSHIP: 36,
  IPV6_UNICAST_HOPS: 16, IPV6_MULTICAST_IF: 17, IPV6_MULTICAST_HOPS: 18, IPV6_MULTICAST_LOOP: 19,
  IPV6_ADD_MEMBERSHIP: 20, IPV6_DROP_MEMBERSHIP: 21, IPV6_RECVPKTINFO: 49, IPV6_RECVHOPLIMIT: 51, IPV6_TCLASS: 67,
  EAGAIN: 11,
} as const;

export interface NativeError { errno: number; message: string; op: string }

const ERRNO_NAMES: Record<number, string> = {
  1: 'EPERM', 2: 'ENOENT', 9: 'EBADF', 11: 'EAGAIN', 13: 'EACCES', 17: 'EEXIST', 19: 'ENODEV', 22: 'EINVAL', 95: 'EOPNOTSUPP',
  99: 'EADDRNOTAVAIL', 100: 'ENETDOWN', 101: 'ENETUNREACH', 105: 'ENOBUFS', 113: 'EHOSTUNREACH',
};

/** The name of an errno (EEXIST, ENODEV, ...), or E<number> for one not in the table. */
export function errnoName(errno: number): string { return ERRNO_NAMES[errno] ?? `E${errno}`; }

/** The errno of a name in the table (EIO for one not in it). */
export function errnoOf(name: string): number {
  for (const [n, v] of Object.entries(ERRNO_NAMES)) if (v === name) return Number(n);
  return 5;
}

/** strerror(3) through the addon, or the errno's name when it is not built. */
export function strerror(errno: number): string {
  const k = loadKanet();
  return isNativeError(k) ? errnoName(errno) : k.strerror(errno);
}

let cached: Kanet | undefined;

/** Path of the built addon (npm run build:native). */
export function addonPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // src/vrrp/io -> repo root; dist/src/vrrp/io and .cache/kc-bench/src/vrrp/io (bench/checkers.ts's
  // compiled copy) -> repo root
  for (const up of ['../../..', '../../../..', '../../../../..']) {
    const p = path.resolve(here, up, 'native', 'build', 'Release', 'kanet.node');
    if (existsSync(p)) return p;
  }
  return path.resolve(here, '../../..', 'native', 'build', 'Release', 'kanet.node');
}

/** Loads the addon once; an error value if it was not built. */
export function loadKanet(): Kanet | NativeError {
  if (cached) return cached;
  const p = addonPath();
  if (!existsSync(p)) return { errno: 2, op: 'load', message: `native addon not built (${p}); run npm run build:native` };
  cached = createRequire(import.meta.url)(p) as Kanet;
  return cached;
}

export function isNativeError(v: unknown): v is NativeError {
  return typeof v === 'object' && v !== null && 'errno' in v && 'op' in v;
}

/** Maps a -errno return to an error value, or undefined on success. */
export function check(k: Kanet, r: number, op: string): NativeError | undefined {
  return r < 0 ? { errno: -r, op, message: `${op}: ${k.strerror(-r)}` } : undefined;
}

export function intOpt(v: number): Buffer { const b = Buffer.alloc(4); b.writeInt32LE(v); return b; }
