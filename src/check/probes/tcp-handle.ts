// TCP connect-then-close for TCP_CHECK at scale. keepalived's check only needs "did connect()
// succeed within connect_timeout", so instead of a net.Socket (stream state, emitter, buffers,
// several closures) each check uses, in order of preference: the project addon's TcpProber
// (tcp-native.ts: a socket on a private epoll set, completions in batches, no libuv handle or JS
// object per check), or Node's tcp_wrap handle (one native handle and one connect request per
// check, a shared completion function), with no promise and no per-check timer either way.
// connect_timeout deadlines sit in one FIFO per timeout value (deadlines pushed in time order are
// already sorted), each served by a single timer. Without the addon and the binding (another
// runtime, a future Node without it) or for an address that is not a literal IP, net.Socket is used.
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import type { CheckError, Outcome } from '../core/checker-fsm.js';
import { BIND_ERR, loadTcpProber, type TcpProberNative } from './tcp-native.js';
import { connectStream, hasSockOpts, type SockOpts } from './sockopt.js';

export type Done = (o: Outcome) => void;

/** Shared, immutable outcomes (nothing downstream mutates an Outcome). */
export const TCP_OK: Outcome = Object.freeze({ ok: true });
export const TCP_FAILED: Outcome = Object.freeze({ ok: false, why: 'failed' });
export const TCP_TIMEOUT: Outcome = Object.freeze({ ok: false, why: 'timeout' });

const E = os.constants.errno;
/** connect() errors keepalived counts as a failed check (layer4.c); any other is connect_error. */
const CONNECT_FAIL: ReadonlySet<number> = new Set([E.ENETUNREACH, E.EHOSTUNREACH, E.ECONNREFUSED,
  112 /* EHOSTDOWN (Linux; not in os.constants) */, E.ENETDOWN, E.ECONNRESET, E.ECONNABORTED, E.ETIMEDOUT]);
export { CONNECT_FAIL as CONNECT_FAIL_ERRNOS };
/** glibc's strerror() for the errors bind() gives (keepalived logs `Checker bind failed: %s`). */
const STRERROR: Record<number, string> = {
  [E.EADDRINUSE]: 'Address already in use', [E.EADDRNOTAVAIL]: 'Cannot assign requested address', [E.EACCES]: 'Permission denied',
  [E.EINVAL]: 'Invalid argument', [E.EAFNOSUPPORT]: 'Address family not supported by protocol', [E.EPERM]: 'Operation not permitted',
};
/** The check could not be made because bind() failed (errno > 0). */
export function bindError(errno: number): CheckError {
  return { ok: false, why: 'error', errText: STRERROR[errno] ?? `Unknown error ${errno}` };
}
/** The positive errno of a Node socket error (0 when it has none). */
export function errnoOf(e: NodeJS.ErrnoException): number {
  return Math.abs(typeof e.errno === 'number' ? e.errno : 0);
}
/** socket() failed for want of a descriptor (errno > 0): the check is not made (keepalived reschedules it). */
export function socketFailed(errno: number): boolean { return errno === E.EMFILE || errno === E.ENFILE; }
export const NO_SOCKET: CheckError = Object.freeze({ ok: false, why: 'error', noSocket: true });
/** connect() refused at once: a failed check, or connect_error for local reasons (errno > 0). */
export function connectError(errno: number): Outcome {
  return socketFailed(errno) ? NO_SOCKET : CONNECT_FAIL.has(errno) ? TCP_FAILED : TCP_CONNECT_ERROR;
}
const TCP_CONNECT_ERROR: Outcome = Object.freeze({ ok: false, why: 'error' });

interface ConnectReq {
  oncomplete: (status: number, handle: unknown, req: ConnectReq) => void;
  attempt: Attempt | null;
}
interface TcpHandle {
  bind(addr: string, port: number): number;
  bind6(addr: string, port: number, flags: number): number;
  connect(req: ConnectReq, addr: string, port: number): number;
  connect6(req: ConnectReq, addr: string, port: number): number;
  getpeername(out: object): number;
  close(): void;
}
interface TcpBinding {
  TCP: new (type: number) => TcpHandle;
  TCPConnectWrap: new () => ConnectReq;
  constants: { SOCKET: number };
}

declare global {
  namespace NodeJS {
    interface Process {
      /** Node's deprecated binding accessor (DEP0111): there at run time, not in @types/node; checked by valid(). */
      binding?(name: 'tcp_wrap'): TcpBinding | undefined;
    }
  }
}

const noWarning = (() => {}) as typeof process.emitWarning;

/** Node's tcp_wrap binding: internalBinding under --expose-internals, else process.binding. */
function loadBinding(): TcpBinding | null {
  const emit = process.emitWarning;
  process.emitWarning = noWarning; // both routes may warn that they are internal/deprecated
  try {
    if (process.execArgv.includes('--expose-internals')) {
      try {
        const req = createRequire(import.meta.url);
        const b = (req('internal/test/binding') as { internalBinding(n: string): TcpBinding }).internalBinding('tcp_wrap');
        if (valid(b)) return b;
      } catch { /* fall through */ }
    }
    if (typeof process.binding === 'function') { const b = process.binding('tcp_wrap'); if (valid(b)) return b; }
  } catch { /* unavailable */ } finally {
    process.emitWarning = emit;
  }
  return null;
}

function valid(b: TcpBinding | undefined): b is TcpBinding {
  return !!b && typeof b.TCP === 'function' && typeof b.TCPConnectWrap === 'function' && typeof b.constants?.SOCKET === 'number'
    && typeof b.TCP.prototype.connect === 'function' && typeof b.TCP.prototype.connect6 === 'function';
}

let binding: TcpBinding | null | undefined;
let prober: TcpProberNative | null | undefined;
export type TcpProbeImpl = 'native' | 'handle' | 'socket';
let forced: TcpProbeImpl | null = null;

/** Which implementation tcpStart uses: 'native' (addon), 'handle' (tcp_wrap) or 'socket' (net.Socket). */
export function tcpProbeImpl(): TcpProbeImpl {
  if (prober === undefined) prober = loadTcpProber(onBatch);
  if (binding === undefined) binding = loadBinding();
  const best: TcpProbeImpl = prober ? 'native' : binding ? 'handle' : 'socket';
  if (forced === 'native' && !prober) return best;
  if (forced === 'handle' && !binding) return 'socket';
  return forced ?? best;
}
/** Forces an implementation (benchmarks and tests compare them); null: the best available. */
export function setTcpProbeImpl(impl: TcpProbeImpl | null): void { forced = impl; }
/** Forces the net.Socket implementation (on) or the best available (off). */
export function forceSocketProbe(on: boolean): void { forced = on ? 'socket' : null; }

/** One check in flight. Owned by a probe and reused across its checks. */
export class Attempt {
  handle: TcpHandle | null = null;
  req: ConnectReq | null = null;
  /** Native prober: the socket in flight (-1: none) and its id. */
  fd = -1;
  id = -1;
  done: Done | null = null;
  deadline = 0;
  prev: Attempt | null = null;
  next: Attempt | null = null;
  fifo: DeadlineFifo | null = null;
}

/** Attempts with the same timeout, in deadline order; one timer for the head. */
class DeadlineFifo {
  head: Attempt | null = null;
  tail: Attempt | null = null;
  private timer: NodeJS.Timeout | null = null;
  constructor(readonly ms: number) {}

  push(a: Attempt, now: number): void {
    a.deadline = now + this.ms;
    a.fifo = this;
    a.prev = this.tail;
    a.next = null;
    if (this.tail) this.tail.next = a; else this.head = a;
    this.tail = a;
    if (this.timer === null) this.arm(now);
  }

  remove(a: Attempt): void {
    if (a.prev) a.prev.next = a.next; else this.head = a.next;
    if (a.next) a.next.prev = a.prev; else this.tail = a.prev;
    a.prev = a.next = null;
    a.fifo = null;
  }

  /** Heads only get later (FIFO), so an armed timer is never late; it may fire early and re-arm. */
  private arm(now: number): void {
    if (!this.head || this.timer !== null) return;
    const wait = Math.max(1, Math.ceil(this.head.deadline - now));
    this.timer = setTimeout(this.expire, wait);
    this.timer.unref(); // a pending connect keeps the loop alive by itself
  }

  private expire = (): void => {
    this.timer = null;
    const now = performance.now();
    // A check whose deadline is this close is due: Node fires timers on the loop's cached time.
    while (this.head && this.head.deadline <= now + 0.5) finish(this.head,
      connectedAnyway(this.head) ? TCP_OK : TCP_TIMEOUT);
    this.arm(now);
  };
}

const fifos = new Map<number, DeadlineFifo>();
function fifoFor(ms: number): DeadlineFifo {
  let f = fifos.get(ms);
  if (!f) { f = new DeadlineFifo(ms); fifos.set(ms, f); }
  return f;
}

const peer = {};
/**
 * After a stall of the event loop, timers run before the I/O phase that would report connects the
 * kernel completed long ago. keepalived's scheduler takes ready descriptors before timeouts; so
 * here a due check whose socket has a peer (getpeername succeeds) is a success, not a timeout.
 */
function connectedAnyway(a: Attempt): boolean {
  if (a.fd >= 0) return prober!.connected(a.fd) === 1;
  return a.req !== null && a.handle !== null && a.handle.getpeername(peer) === 0;
}

/** Native prober: attempts in flight by id (an id is the index of a free slot). */
const slots: (Attempt | null)[] = [];
const freeIds: number[] = [];

function releaseId(a: Attempt): void {
  if (a.id < 0) return;
  slots[a.id] = null;
  freeIds.push(a.id);
  a.id = -1;
}

/** A batch of completed connects; their sockets are closed already. */
function onBatch(ids: Int32Array, errs: Int32Array, n: number): void {
  // First detach every socket of the batch (closed by the addon), then report: an outcome may
  // start or cancel other checks, which must never touch a closed (maybe reused) fd number.
  for (let k = 0; k < n; k++) { const a = slots[ids[k]!]; if (a) a.fd = -1; }
  for (let k = 0; k < n; k++) {
    const a = slots[ids[k]!];
    if (!a) continue;
    releaseId(a);
    const err = errs[k]!;
    finish(a, err === 0 ? TCP_OK : err === E.ETIMEDOUT ? TCP_TIMEOUT : err === E.EADDRINUSE
      ? bindError(E.EADDRINUSE) : TCP_FAILED);
  }
}

function finish(a: Attempt, o: Outcome): void {
  if (a.fifo) a.fifo.remove(a);
  if (a.fd >= 0) { prober!.cancel(a.fd); a.fd = -1; }
  releaseId(a);
  const h = a.handle;
  a.handle = null;
  if (a.req) { a.req.attempt = null; a.req = null; }
  if (h) h.close(); // close(2): a FIN after a completed connect, as keepalived's close(fd)
  const cb = a.done;
  a.done = null;
  if (cb) cb(o);
}

function onConnect(status: number, _handle: unknown, req: ConnectReq): void {
  const a = req.attempt;
  // Finished already (timeout): libuv reports the cancelled request; nothing to do.
  if (!a) return;
  // libuv reports a bind() EADDRINUSE here (it defers that one to the connect).
  finish(a, status === 0 ? TCP_OK : status === -E.ETIMEDOUT ? TCP_TIMEOUT : status === -E.EADDRINUSE
    ? bindError(E.EADDRINUSE) : TCP_FAILED);
}

function finishWith(a: Attempt, o: Outcome): void { finish(a, o); }

/**
 * Starts one connect-then-close check; `done` is called exactly once, never synchronously.
 * `a` must not be in use (check `a.done === null`), or pass a fresh Attempt.
 */
export function tcpStart(a: Attempt, host: string, family: 4 | 6 | 0, port: number, timeoutMs: number,
  done: Done, bindto?: string, bindPort?: number, sockOpts?: SockOpts): void {
  // bind_if / fwmark: a socket made with them, connected by net.Socket (sockopt.ts).
  if (sockOpts && hasSockOpts(sockOpts)) { socketStart(host, port, timeoutMs, done, bindto,
    bindPort, sockOpts); return; }
  const impl = family ? tcpProbeImpl() : 'socket';
  if (impl === 'native') { nativeStart(a, host, family as 4 | 6, port, timeoutMs, done, bindto, bindPort); return; }
  const b = impl === 'handle' ? binding! : null;
  if (!b) { socketStart(host, port, timeoutMs, done, bindto, bindPort); return; }
  const h = new b.TCP(b.constants.SOCKET);
  a.handle = h;
  a.done = done;
  fifoFor(timeoutMs).push(a, performance.now());
  if (bindto !== undefined || bindPort !== undefined) {
    const err = family === 6 ? h.bind6(bindto ?? '::', bindPort ?? 0, 0) : h.bind(bindto ?? '0.0.0.0', bindPort ?? 0);
    if (err !== 0) { process.nextTick(finishWith, a, bindError(-err)); return; }
  }
  const req = new b.TCPConnectWrap();
  req.oncomplete = onConnect;
  req.attempt = a;
  a.req = req;
  const err = family === 6 ? h.connect6(req, host, port) : h.connect(req, host, port);
  // connect refused at once (ENETUNREACH, EADDRNOTAVAIL...): reported asynchronously.
  if (err !== 0) process.nextTick(finishWith, a, connectError(-err));
}

function nativeStart(a: Attempt, host: string, family: 4 | 6, port: number, timeoutMs: number, done: Done,
  bindto?: string, bindPort?: number): void {
  const id = freeIds.length ? freeIds.pop()! : slots.length;
  slots[id] = a;
  a.id = id;
  a.done = done;
  fifoFor(timeoutMs).push(a, performance.now());
  const r = prober!.start(id, family, host, port, bindto ?? null, bindPort ?? 0);
  if (r >= 0) { a.fd = r; return; }
  // socket/bind/connect refused at once: reported asynchronously, as the other routes do.
  process.nextTick(finishWith, a, r <= -BIND_ERR ? bindError(-r - BIND_ERR) : connectError(-r));
}

/** The net.Socket route (fallback; also what the engine used before tcp_wrap). */
function socketStart(host: string, port: number, timeoutMs: number, done: Done, bindto?: string, bindPort?: number,
  sockOpts: SockOpts = {}): void {
  let fired = false;
  const sock = connectStream({ host, port, bindto, bindPort }, sockOpts);
  if (!(sock instanceof net.Socket)) { process.nextTick(done, sock); return; }
  const end = (o: Outcome): void => {
    if (fired) return;
    fired = true;
    clearTimeout(timer);
    sock.destroy();
    done(o);
  };
  const timer = setTimeout(end, timeoutMs, TCP_TIMEOUT);
  sock.once('connect', () => end(TCP_OK));
  sock.once('error', (e: NodeJS.ErrnoException) => {
    const errno = errnoOf(e);
    // net.Socket reports immediate and later connect errors alike: both count as failed here.
    end(socketFailed(errno) ? NO_SOCKET : e.syscall === 'bind' ? bindError(errno) : errno === E.ETIMEDOUT ? TCP_TIMEOUT : TCP_FAILED);
  });
}

/** 4, 6, or 0 when `host` is not a literal address (then net.Socket resolves it). */
export function ipFamily(host: string): 4 | 6 | 0 {
  const f = net.isIP(host);
  return f === 4 ? 4 : f === 6 ? 6 : 0;
}
