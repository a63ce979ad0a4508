// Thin adapter: the `netlink` package's Generic Netlink socket behind a small typed interface, with
// kernel errors returned as values (errno name + strerror text) instead of thrown strings.
import { getSystemErrorMap } from 'node:util';
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

interface NlGenlSocket {
  ctrlRequest(cmd: number, msg: { familyName: string }): Promise<{ familyId?: number; version?: number }[]>;
  request(family: number, cmd: number, version: number, data: Uint8Array[], options?: { flags?: number; localPort?: number; timeout?: number }):
    Promise<[{ data: Buffer }[], unknown]>;
  socket: { close(): void; setSendBufferSize(n: number): void; address(): { port: number }; on(ev: 'error', f: (e: Error) => void): void };
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
    // One recvmsg per datagram into a 64 KiB buffer instead of the package's default peek + read.
    sock = nl.createGenericNetlink({ messagePeeking: false, msgBufferSize: 1 << 16, recvBufferSize: 4 << 20 });
    localPort = sock.socket.address().port;
    // A receive error (ENOBUFS when replies overflow the socket buffer) must not become an uncaught
    // 'error' event; the lost replies surface as request timeouts, and the sink then re-dumps.
    sock.socket.on('error', () => { /* reported through the timed-out requests */ });
    GET_FAMILY = nl.genl.Commands.GET_FAMILY;
    try { sock.socket.setSendBufferSize(1 << 20); } catch { /* best effort */ }
  } catch (e) {
    return asError(e);
  }
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
