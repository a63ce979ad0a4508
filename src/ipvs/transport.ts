// Thin adapter: the `netlink` package's Generic Netlink socket behind a small typed interface, with
// kernel errors returned as values (errno name + strerror text) instead of thrown strings.
import { getSystemErrorMap, getSystemErrorName } from 'node:util';
import { createRequire } from 'node:module';

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
interface NlSocket {
  generateSeq(): number;
  makeRef(seq: number, cb: (err: Error | null, msgs: { type: number; data: Buffer }[]) => void): number;
  dropRef(seq: number): void;
  socket: { send(bufs: Buffer[], opts: { port: number; groups: number }, cb: (err?: Error) => void): void };
}

interface NlGenlSocket {
  ctrlRequest(cmd: number, msg: { familyName: string }): Promise<{ familyId?: number; version?: number }[]>;
  request(family: number, cmd: number, version: number, data: Uint8Array[], options?: { flags?: number; localPort?: number; timeout?: number }):
    Promise<[{ data: Buffer }[], unknown]>;
  socket: NlSocket & { close(): void; setSendBufferSize(n: number): void; address(): { port: number }; on(ev: 'error', f: (e: Error) => void): void };
}

const MAX_BATCH = 256;
const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
const NLMSG_ERROR = 0x2;
type Pending = { family: number; cmd: number; version: number; data: Buffer; done: (r: GenlResult<Buffer[]>) => void };

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
function batcher(nl: NlSocket, localPort: number) {
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
        const m = msgs[0];
        if (m && m.type === NLMSG_ERROR) {
          const errno = m.data.readInt32LE(0);
          p.done(errno === 0 ? { ok: true, value: [] } : errnoResult(errno));
          return;
        }
        p.done({ ok: true, value: msgs.map((x) => x.data.subarray(4)) });
      });
    }
    const fail = (r: GenlResult<Buffer[]>) => {
      for (const [seq, p] of waiting) { nl.dropRef(seq); p.done(r); }
      waiting.clear();
    };
    const timer = setTimeout(() => fail({ ok: false, errno: 'ETIMEDOUT', message: 'Connection timed out' }), REQUEST_TIMEOUT_MS);
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
  let localPort = 0;
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
    localPort = sock.socket.address().port;
    // A receive error (ENOBUFS when replies overflow the socket buffer) must not become an uncaught
    // 'error' event; the lost replies surface as request timeouts, and the sink then re-dumps.
    sock.socket.on('error', () => { /* reported through the timed-out requests */ });
    GET_FAMILY = nl.genl.Commands.GET_FAMILY;
    try { sock.socket.setSendBufferSize(1 << 20); } catch { /* best effort */ }
  } catch (e) {
    return asError(e);
  }
  const enqueue = batcher(sock.socket, localPort);
  return {
    ok: true,
    value: {
      async resolveFamily(name) {
        try {
          const [fam] = await sock.ctrlRequest(GET_FAMILY, { familyName: name });
          if (!fam || fam.familyId === undefined) return { ok: false, errno: 'ENOENT', message: strerror('ENOENT') };
          return { ok: true, value: { id: fam.familyId, version: fam.version ?? 1 } };
        } catch (e) { return asError(e); }
      },
      async request(family, cmd, version, data, dump) {
        if (!dump) return new Promise((done) => enqueue({ family, cmd, version, data, done }));
        try {
          // localPort given: the package otherwise calls getsockname() for every message.
          const [msgs] = await sock.request(family, cmd, version, [data],
            dump ? { flags: NLM_F_DUMP, localPort, timeout: REQUEST_TIMEOUT_MS } : { localPort, timeout: REQUEST_TIMEOUT_MS });
          return { ok: true, value: msgs.map((m) => m.data) };
        } catch (e) { return asError(e); }
      },
      close() { try { sock.socket.close(); } catch { /* already closed */ } },
    },
  };
}
