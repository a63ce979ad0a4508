// Thin adapter: the `netlink` package's Generic Netlink socket behind a small typed interface, with
// kernel errors returned as values (errno name + strerror text) instead of thrown strings.
import { getSystemErrorMap, getSystemErrorName } from 'node:util';
import { createRequire } from 'node:module';
import { malformedInput } from '../common/malformed.js';

export type GenlResult<T> = { ok: true; value: T } | { ok: false; errno: string; message: string };

export interface GenlTransport {
  /** CTRL_CMD_GETFAMILY. */
  resolveFamily(name: string): Promise<GenlResult<{ id: number; version: number }>>;
  /** Sends one request (ACK requested) and returns the payloads (after the genl header) of the reply messages. */
  request(family: number, cmd: number, version: number, data: Buffer, dump: boolean): Promise<GenlResult<Buffer[]>>;
  close(): void;
}

const NLM_F_DUMP = 0x300;
/** A request whose reply never comes (lost to a full receive buffer) fails after this. */
const REQUEST_TIMEOUT_MS = 30_000;

/** glibc's strerror(3) text where libuv's differs or is lower-case (the errnos IPVS returns). */
const GLIBC: Record<string, string> = {
  EEXIST: 'File exists', ENOENT: 'No such file or directory', ESRCH: 'No such process', EINVAL: 'Invalid argument',
  EPERM: 'Operation not permitted', ENOMEM: 'Cannot allocate memory', EBUSY: 'Device or resource busy',
  ENOPROTOOPT: 'Protocol not available', EAFNOSUPPORT: 'Address family not supported by protocol',
  EOPNOTSUPP: 'Operation not supported', ENODEV: 'No such device', ENOBUFS: 'No buffer space available',
  EACCES: 'Permission denied', EPROTONOSUPPORT: 'Protocol not supported',
};

/** strerror(3) wording for an errno name, e.g. ENOENT -> "No such file or directory". */
export function strerror(name: string): string {
  if (GLIBC[name]) return GLIBC[name];
  for (const [, [n, text]] of getSystemErrorMap()) {
    if (n === name) return text.charAt(0).toUpperCase() + text.slice(1);
  }
  return name;
}

function asError(e: unknown): { ok: false; errno: string; message: string } {
  const text = e instanceof Error ? e.message : String(e);
  if (text === 'Timeout has been reached') return { ok: false, errno: 'ETIMEDOUT', message: 'Connection timed out' };
  const m = /Request rejected: (\w+)/.exec(text);
  const errno = m ? m[1] : (e as NodeJS.ErrnoException)?.code ?? 'EIO';
  return { ok: false, errno, message: m || (e as NodeJS.ErrnoException)?.code ? strerror(errno) : text };
}

/** The package's NetlinkSocket (sequence numbers, reply routing) and raw socket, used for batching. */
export interface NlSocket {
  generateSeq(): number;
  makeRef(seq: number, cb: (err: Error | null, msgs: { type: number; data: Buffer }[]) => void): number;
  dropRef(seq: number): void;
  socket: { send(bufs: Buffer[], opts: { port: number; groups: number }, cb: (err?: Error) => void): void };
  on(ev: 'invalid' | 'message', f: (...args: unknown[]) => void): void;
  removeAllListeners(ev: 'message'): void;
}

/** The package's GenericNetlinkSocket as used here. */
export interface NlGenlSocket {
  ctrlRequest(cmd: number, msg: { familyName: string }, options?: { timeout?: number }): Promise<{ familyId?: number;
    version?: number }[]>;
  request(family: number, cmd: number, version: number, data: Uint8Array[],
    options?: { flags?: number; localPort?: number; timeout?: number }):
    Promise<[{ data: Buffer }[], unknown]>;
  socket: NlSocket & { close(): void; setSendBufferSize(n: number): void; address(): { port: number }; on(ev: 'error' | 'invalid' | 'message', f: (...args: unknown[]) => void): void };
}

const MAX_BATCH = 256;
const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
const NLMSG_ERROR = 0x2;
type Pending = { family: number; cmd: number; version: number; data: Buffer; done: (r: GenlResult<Buffer[]>) => void };

/** A reply the kernel would never send (too short for its header): the request fails with EIO. */
const malformedReply = (reason: string, detail: string): GenlResult<never> => {
  malformedInput.note('ipvs', reason, detail);
  return { ok: false, errno: 'EIO', message: `malformed netlink reply (${reason})` };
};

/** What a non-dump request's reply messages mean: an ACK, a kernel error, or payloads after the genl header. */
export function replyResult(msgs: readonly { type: number; data: Buffer }[]): GenlResult<Buffer[]> {
  const m = msgs[0];
  if (m && m.type === NLMSG_ERROR) {
    if (m.data.length < 4) return malformedReply('error-length', `${m.data.length}-byte NLMSG_ERROR`);
    const errno = m.data.readInt32LE(0);
    return errno === 0 ? { ok: true, value: [] } : errnoResult(errno);
  }
  const short = msgs.find((x) => x.data.length < 4);
  if (short) return malformedReply('genl-header', `${short.data.length}-byte reply`);
  return { ok: true, value: msgs.map((x) => x.data.subarray(4)) };
}

/** errno: the negative error code of an NLMSG_ERROR. */
function errnoResult(errno: number): { ok: false; errno: string; message: string } {
  let name = `E${Math.abs(errno)}`;
  try { name = getSystemErrorName(errno < 0 ? errno : -errno); } catch { /* unknown errno */ }
  return { ok: false, errno: name, message: strerror(name) };
}

/**
 * Coalesces the non-dump requests issued within one turn of the event loop into a single sendmsg:
 * the kernel's netlink_rcv_skb runs every message of the datagram in order and ACKs each, so a
 * window of N pipelined requests costs one system call instead of N (the main per-operation cost
 * under a slow CPU). Replies are routed by sequence number through the package's request table.
 */
function batcher(nl: NlSocket, localPort: number, timeoutMs: number) {
  let queue: Pending[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    // At most MAX_BATCH messages per datagram (well under the 1 MiB send buffer); the rest next turn.
    const batch = queue.length > MAX_BATCH ? queue.splice(0, MAX_BATCH) : queue;
    if (batch === queue) queue = [];
    else { scheduled = true; setImmediate(flush); }
    const bufs: Buffer[] = [];
    const seqs: number[] = [];
    const waiting = new Map<number, Pending>();
    for (const p of batch) {
      const seq = nl.generateSeq();
      const pad = (4 - (p.data.length & 3)) & 3;
      const len = 16 + 4 + p.data.length + pad;
      const h = Buffer.allocUnsafe(20);
      h.writeUInt32LE(len, 0); h.writeUInt16LE(p.family, 4); h.writeUInt16LE(NLM_F_REQUEST | NLM_F_ACK, 6);
      h.writeUInt32LE(seq, 8); h.writeUInt32LE(localPort, 12);
      h.writeUInt8(p.cmd, 16); h.writeUInt8(p.version, 17); h.writeUInt16LE(0, 18);
      bufs.push(h, p.data);
      if (pad) bufs.push(Buffer.alloc(pad));
      seqs.push(seq);
      waiting.set(seq, p);
      nl.makeRef(seq, (err, msgs) => {
        if (!waiting.delete(seq)) return;
        nl.dropRef(seq);
        if (waiting.size === 0) clearTimeout(timer);
        if (err) { p.done(asError(err)); return; }
        p.done(replyResult(msgs));
      });
    }
    const fail = (r: GenlResult<Buffer[]>) => {
      for (const [seq, p] of waiting) { nl.dropRef(seq); p.done(r); }
      waiting.clear();
    };
    const timer = setTimeout(() => fail({ ok: false, errno: 'ETIMEDOUT', message: 'Connection timed out' }), timeoutMs);
    nl.socket.send(bufs, { port: 0, groups: 0 }, (err) => { if (err) { clearTimeout(timer); fail(asError(err)); } });
  };
  return (p: Pending) => {
    queue.push(p);
    if (!scheduled) { scheduled = true; setImmediate(flush); }
  };
}

/** Opens an AF_NETLINK/NETLINK_GENERIC socket. Returns an error value if the socket cannot be created. */
export function openGenlTransport(): GenlResult<GenlTransport> {
  let sock: NlGenlSocket;
  let GET_FAMILY: number;
  try {
    const require = createRequire(import.meta.url);
    const nl = require('netlink') as {
      createGenericNetlink(o: { messagePeeking: boolean; msgBufferSize: number; recvBufferSize: number }): NlGenlSocket;
      genl: { Commands: { GET_FAMILY: number } };
    };
    // One recvmsg per datagram instead of the package's default peek + read. The package allocates
    // (and zero-fills) this many bytes for every datagram, and every ACK is one: 8 KiB, not 64 KiB.
    // Dumps still fit: the kernel sizes dump datagrams to the largest buffer a recvmsg offered
    // (at least NLMSG_GOODSIZE, under 4 KiB with 4 KiB pages).
    sock = nl.createGenericNetlink({ messagePeeking: false, msgBufferSize: 8192, recvBufferSize: 4 << 20 });
    // A receive error (ENOBUFS when replies overflow the socket buffer) must not become an uncaught
    // 'error' event; the lost replies surface as request timeouts, and the sink then re-dumps.
    sock.socket.on('error', () => { /* reported through the timed-out requests */ });
    GET_FAMILY = nl.genl.Commands.GET_FAMILY;
    try { sock.socket.setSendBufferSize(1 << 20); } catch { /* best effort */ }
  } catch (e) {
    return asError(e);
  }
  return { ok: true, value: genlTransportOver(sock, GET_FAMILY) };
}

/**
 * The transport over a GenericNetlinkSocket of the package (the real one, or one over a fake raw
 * socket in the fuzz tests). Messages that are no reply to a request of ours, and datagrams the
 * package cannot frame, are noted as malformed instead of reaching the package's own parser of
 * unsolicited messages, which throws on a message shorter than a genl header.
 */
export function genlTransportOver(sock: NlGenlSocket, getFamilyCmd: number,
    opts: { timeoutMs?: number } = {}): GenlTransport {
  const timeoutMs = opts.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const localPort = sock.socket.address().port;
  sock.socket.removeAllListeners('message');
  sock.socket.on('message', (msgs) => { malformedInput.note('ipvs', 'unexpected-message', `${(msgs as unknown[]).length} message(s) answering no request`); });
  sock.socket.on('invalid', (e) => { malformedInput.note('ipvs', 'framing', e instanceof Error ? e.message : String(e)); });
  const enqueue = batcher(sock.socket, localPort, timeoutMs);
  return {
    async resolveFamily(name) {
      try {
        // with a timeout: a reply that never comes (lost, or not one the package can match) must not stall the start
        const [fam] = await sock.ctrlRequest(getFamilyCmd, { familyName: name }, { timeout: timeoutMs });
        if (!fam || fam.familyId === undefined) return { ok: false, errno: 'ENOENT', message: strerror('ENOENT') };
        return { ok: true, value: { id: fam.familyId, version: fam.version ?? 1 } };
      } catch (e) { return asError(e); }
    },
    async request(family, cmd, version, data, dump) {
      if (!dump) return new Promise((done) => enqueue({ family, cmd, version, data, done }));
      try {
        // localPort given: the package otherwise calls getsockname() for every message.
        const [msgs] = await sock.request(family, cmd, version, [data],
          { flags: NLM_F_DUMP, localPort, timeout: timeoutMs });
        return { ok: true, value: msgs.map((m) => m.data) };
      } catch (e) {
        const r = asError(e);
        // not a kernel error nor a timeout: the package could not make sense of the reply
        if (r.errno === 'EIO' && !(e as NodeJS.ErrnoException)?.code) malformedInput.note('ipvs', 'dump-reply', r.message);
        return r;
      }
    },
    close() { try { sock.socket.close(); } catch { /* already closed */ } },
  };
}
