// Checker socket options bind_if (SO_BINDTODEVICE) and fwmark (SO_MARK), as keepalived 2.2.7 sets
// them on each check's socket (core/layer4.c): socket_bind_connect() (TCP_CHECK, HTTP_GET, SSL_GET,
// SMTP_CHECK, DNS_CHECK) sets the mark, then the device, then binds and connects; udp_bind_connect()
// (UDP_CHECK) sets the mark only; PING_CHECK sets neither. A failed setsockopt is logged and the check
// is not made (connect_error). Node can set neither option: a stream socket is made by the kanet addon
// with them and handed to net.Socket by its fd; a datagram socket gets them on Node's own fd.
import net from 'node:net';
import type dgram from 'node:dgram';
import type { CheckError, Outcome } from '../core/checker-fsm.js';
import { C, loadKanet, isNativeError, type Kanet } from '../../vrrp/io/native.js';

const SO_MARK = 36;
const SOCK_STREAM = 1;

export interface SockOpts {
  bindIf?: string;
  fwmark?: number;
}

/** True when the checker asks for a socket option Node cannot set itself. */
export function hasSockOpts(o: SockOpts): boolean { return !!o.bindIf || !!o.fwmark; }

function kanet(): Kanet | string {
  const k = loadKanet();
  return isNativeError(k) ? k.message : k;
}

/**
 * Sets SO_MARK (when fwmark is non-zero) then SO_BINDTODEVICE (when bind_if is set and `device`)
 * on fd. Returns null, or keepalived's line for the option that failed.
 */
export function applySockOpts(k: Kanet, fd: number, o: SockOpts, device = true): string | null {
  if (o.fwmark) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(o.fwmark >>> 0);
    const r = k.setsockopt(fd, C.SOL_SOCKET, SO_MARK, b);
    if (r < 0) return `Error setting fwmark ${o.fwmark >>> 0} to socket: ${k.strerror(-r)}`;
  }
  if (device && o.bindIf) {
    const r = k.setsockopt(fd, C.SOL_SOCKET, C.SO_BINDTODEVICE, Buffer.from(`${o.bindIf}\0`, 'latin1'));
    if (r < 0) return `Checker can't bind to device ${o.bindIf}: ${k.strerror(-r)}`;
  }
  return null;
}

/** The check could not be made: the socket options failed (keepalived's connect_error). */
export function sockOptError(line: string): CheckError { return { ok: false, why: 'error', errLine: line }; }

export interface StreamTarget { host: string; port: number; bindto?: string; bindPort?: number }

/**
 * net.connect() for a checker: with bind_if / fwmark, a socket made with them (kanet) and then bound
 * and connected by Node; without, plain net.connect. An Outcome when the options could not be set.
 */
export function connectStream(t: StreamTarget, o: SockOpts): net.Socket | CheckError {
  const opts = { host: t.host, port: t.port, localAddress: t.bindto, localPort: t.bindPort };
  if (!hasSockOpts(o)) return net.connect(opts);
  const k = kanet();
  if (typeof k === 'string') return sockOptError(k);
  const fd = k.socket(t.host.includes(':') ? C.AF_INET6 : C.AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return sockOptError(`socket: ${k.strerror(-fd)}`);
  const err = applySockOpts(k, fd, o);
  if (err !== null) { k.close(fd); return sockOptError(err); }
  const sock = new net.Socket({ fd, readable: true, writable: true });
  return sock.connect(opts);
}

/** The fd of a bound dgram socket (Node keeps its handle behind a symbol). */
function dgramFd(sock: dgram.Socket): number {
  const sym = Object.getOwnPropertySymbols(sock).find((s) => s.description === 'state symbol');
  const state: unknown = sym ? Reflect.get(sock, sym) : undefined;
  const handle: unknown = typeof state === 'object' && state !== null && 'handle' in state ? state.handle : undefined;
  return typeof handle === 'object' && handle !== null && 'fd' in handle && typeof handle.fd === 'number' ? handle.fd : -1;
}

/**
 * Binds a checker's dgram socket (to bindto/bind_port, or the wildcard address, which connect()
 * would pick anyway) and sets the options on it before it connects. `device` false: UDP_CHECK,
 * whose udp_bind_connect() sets no SO_BINDTODEVICE. `go(null)` runs once bound and set up;
 * `go(line)` when the options failed. Bind errors come as the socket's 'error' event, as before.
 */
export function bindDgram(sock: dgram.Socket, bindto: string | undefined, bindPort: number | undefined, o: SockOpts,
  device: boolean, go: (err: string | null) => void): void {
  const useOpts = !!o.fwmark || (device && !!o.bindIf);
  if (!useOpts) {
    if (bindto || bindPort) sock.bind({ address: bindto, port: bindPort ?? 0 }, () => go(null)); else go(null);
    return;
  }
  sock.bind({ address: bindto, port: bindPort ?? 0 }, () => {
    const k = kanet();
    if (typeof k === 'string') { go(k); return; }
    const fd = dgramFd(sock);
    go(fd < 0 ? 'socket options: no descriptor' : applySockOpts(k, fd, o, device));
  });
}
