// The process-event connector socket behind a small interface (ConnectorPort; a fake in the unit
// tests), on the project's addon (native/src/proc-connector.cc, kanet's Poller for readiness).
// The kernel answers this socket only in the initial network namespace, so with net_namespace the
// keepalived parent opens it before it switches namespace and hands it to the VRRP child as an
// inherited descriptor, named by the KEEPALIVED_TS_PROC_CONNECTOR_FD environment variable
// (adoptInheritedConnector); without net_namespace the VRRP child opens its own.
import { loadKanet, isNativeError, C, type Kanet, type KanetPoller, type RecvResult } from '../io/native.js';
import { listenRequest } from './connector-codec.js';
import { setRcvBuf } from '../io/rcvbuf.js';

export const INHERITED_CONNECTOR_ENV = 'KEEPALIVED_TS_PROC_CONNECTOR_FD';
const AF_NETLINK = 16;

export type RecvOutcome = { n: number; namelen: number; pid: number } | { errno: number };

export interface ConnectorPort {
  /** Sends PROC_CN_MCAST_LISTEN (true) or _IGNORE; an errno on failure. */
  listen(enable: boolean): number | undefined;
  recv(buf: Buffer): RecvOutcome;
  /** Calls `fn` whenever the socket is readable, until stopReading(). */
  startReading(fn: () => void): void;
  stopReading(): void;
  /** SO_RCVBUF as getsockopt reports it, or an errno. */
  rcvBuf(): { size: number } | { errno: number };
  setRcvBuf(size: number, force: boolean): number | undefined;
  close(): void;
}

export const EAGAIN = C.EAGAIN;
export const EINTR = 4;
export const EBADF = 9;
export const ENOBUFS = 105;
export const EPROTONOSUPPORT = 93;

/** strerror text for log lines ("errno 111 - Connection refused"). */
export function errnoText(errno: number): string {
  const k = loadKanet();
  return isNativeError(k) ? `errno ${errno}` : k.strerror(errno);
}

interface ConnectorAddon extends Kanet {
  procConnectorOpen(): number;
  setCloexec(fd: number): number;
  getsockoptInt(fd: number, level: number, name: number): number;
}

class FdPort implements ConnectorPort {
  private poller?: KanetPoller;
  constructor(private readonly k: ConnectorAddon, private fd: number) {}
  listen(enable: boolean): number | undefined {
    const r = this.k.sendto(this.fd, listenRequest(enable, process.pid), AF_NETLINK, Buffer.alloc(0), 0);
    return r < 0 ? -r : undefined;
  }
  recv(buf: Buffer): RecvOutcome {
    const r = this.k.recv(this.fd, buf) as number | (RecvResult & { nlPid?: number; namelen?: number });
    return typeof r === 'number' ? { errno: -r } : { n: r.n, namelen: r.namelen ?? 0, pid: r.nlPid ?? -1 };
  }
  startReading(fn: () => void): void {
    if (!this.poller && this.fd >= 0) this.poller = new this.k.Poller(this.fd, () => fn());
  }
  stopReading(): void { this.poller?.stop(); this.poller = undefined; }
  rcvBuf(): { size: number } | { errno: number } {
    const r = this.k.getsockoptInt(this.fd, C.SOL_SOCKET, C.SO_RCVBUF);
    return r < 0 ? { errno: -r } : { size: r };
  }
  setRcvBuf(size: number, force: boolean): number | undefined { return setRcvBuf(this.fd, { size, force }); }
  close(): void { this.stopReading(); if (this.fd >= 0) this.k.close(this.fd); this.fd = -1; }
}

function addon(): ConnectorAddon | { errno: number } {
  const k = loadKanet();
  return isNativeError(k) ? { errno: k.errno } : (k as ConnectorAddon);
}

export type OpenFailure = { errno: number; op: 'socket' | 'bind' };

/** A process-event socket in this thread's network namespace (bound, not yet listening), as a descriptor. */
export function openConnectorFd(): { fd: number } | OpenFailure {
  const k = addon();
  if ('errno' in k) return { errno: k.errno, op: 'socket' };
  const r = k.procConnectorOpen();
  // the addon reports a failed bind as -(errno + 0x10000), so the two log lines stay apart
  if (r < -0xffff) return { errno: -r - 0x10000, op: 'bind' };
  if (r < 0) return { errno: -r, op: 'socket' };
  return { fd: r };
}

export function openConnector(): ConnectorPort | OpenFailure {
  const r = openConnectorFd();
  if ('errno' in r) return r;
  const k = addon();
  return 'errno' in k ? { errno: k.errno, op: 'socket' } : new FdPort(k, r.fd);
}

let inherited: number | undefined;

/**
 * Takes the descriptor the parent passed (environment variable named above), so it is neither
 * handed on to the scripts we run (close-on-exec) nor named in their environment. Call once, early.
 */
export function adoptInheritedConnector(env: NodeJS.ProcessEnv = process.env): void {
  const v = env[INHERITED_CONNECTOR_ENV];
  if (v === undefined) return;
  delete env[INHERITED_CONNECTOR_ENV];
  const fd = Number.parseInt(v, 10);
  const k = addon();
  if (!Number.isInteger(fd) || fd < 0 || 'errno' in k) return;
  k.setCloexec(fd);
  inherited = fd;
}

/** The inherited socket (once), else a new one. */
export function connectorForThisProcess(): ConnectorPort | OpenFailure {
  if (inherited !== undefined) {
    const k = addon();
    if (!('errno' in k)) { const fd = inherited; inherited = undefined; return new FdPort(k, fd); }
  }
  return openConnector();
}
