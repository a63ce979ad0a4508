// A stand-in for the netlink package's RawNetlinkSocket (the one piece that touches the kernel): the
// package's own NetlinkSocket / GenericNetlinkSocket / RtNetlinkSocket run on top of it unchanged,
// so recorded (and mutated) kernel datagrams go through the same framing, multipart and request
// code as on a real socket. Requests written to it are kept; datagrams are delivered with deliver().
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type * as Netlink from 'netlink';
import { malformedInput, type MalformedSource } from '../../src/common/malformed.js';
import type { NlGenlSocket } from '../../src/ipvs/transport.js';
import { mutate, type Rng } from './harness.js';

const required = createRequire(import.meta.url)('netlink');
export const netlinkPkg = required as typeof Netlink;
/**
 * The package's classes as these fakes use them: a NetlinkSocket over a FakeRawSocket (it calls only the
 * raw-socket methods FakeRawSocket has), a GenericNetlinkSocket as the NlGenlSocket the transport declares
 * (makeRef / dropRef are protected in the package's typings, public at run time).
 */
const overFake = required as {
  NetlinkSocket: new (raw: FakeRawSocket) => Netlink.NetlinkSocket;
  GenericNetlinkSocket: new (s: Netlink.NetlinkSocket) => NlGenlSocket;
};

export class FakeRawSocket extends EventEmitter {
  readonly sent: Buffer[] = [];
  constructor(readonly port = 4242) { super(); }
  send(data: Uint8Array | Uint8Array[], _opts?: unknown, cb?: (e?: Error) => void): void {
    this.sent.push(Buffer.concat((Array.isArray(data) ? data : [data]).map((d) => Buffer.from(d))));
    cb?.();
  }
  /** Sequence number of the last request written. */
  lastSeq(): number { const b = this.sent[this.sent.length - 1]; return b && b.length >= 12 ? b.readUInt32LE(8) : 0; }
  deliver(datagram: Buffer): void { this.emit('message', datagram, { port: 0, groups: 0 }); }
  ref(): void {}
  unref(): void {}
  address(): { port: number; groups: number } { return { port: this.port, groups: 0 }; }
  close(): void {}
  getRecvBufferSize(): number { return 0; }
  setRecvBufferSize(): void {}
  setSendBufferSize(): void {}
  addMembership(): void {}
  dropMembership(): void {}
}

/** A NetlinkSocket of the package over a fake raw socket. */
export function packageSocketOver(raw: FakeRawSocket): Netlink.NetlinkSocket {
  return new overFake.NetlinkSocket(raw);
}

/** The package's GenericNetlinkSocket over a fake raw socket, as the transport sees it. */
export function genlSocketOver(raw: FakeRawSocket): NlGenlSocket {
  return new overFake.GenericNetlinkSocket(packageSocketOver(raw));
}

/** Offsets of the netlink messages in a datagram (as long as the lengths hold). */
export function messageOffsets(d: Buffer): number[] {
  const out: number[] = [];
  for (let o = 0; o + 16 <= d.length;) {
    const len = d.readUInt32LE(o);
    if (len < 16 || o + len > d.length) break;
    out.push(o);
    o += (len + 3) & ~3;
  }
  return out;
}

/** A copy of the datagram with every message's sequence number and port set (to answer a request). */
export function readdressed(d: Buffer, seq: number, port: number): Buffer {
  const b = Buffer.from(d);
  for (const o of messageOffsets(b)) { b.writeUInt32LE(seq, o + 8); b.writeUInt32LE(port, o + 12); }
  return b;
}

/** Length fields of a datagram for the mutators: nlmsg_len of each message, nla_len of the attributes after `hdr`
 *  bytes. */
export function lengthFields(d: Buffer, hdr: number): { at: number; width: 2 | 4 }[] {
  const out: { at: number; width: 2 | 4 }[] = [];
  for (const o of messageOffsets(d)) {
    out.push({ at: o, width: 4 });
    const end = o + d.readUInt32LE(o);
    const walk = (from: number, to: number, depth: number): void => {
      for (let a = from; a + 4 <= to;) {
        const len = d.readUInt16LE(a);
        if (len < 4 || a + len > to) break;
        out.push({ at: a, width: 2 });
        if (depth < 2 && (d.readUInt16LE(a + 2) & 0x8000 || len > 8)) walk(a + 4, a + len, depth + 1);
        a += (len + 3) & ~3;
      }
    };
    walk(o + 16 + hdr, end, 0);
  }
  return out;
}

export const immediate = (): Promise<void> => new Promise((r) => setImmediate(r));
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A reply's datagrams, mutated: unchanged (5 %), one lost at the end (5 %), one of another reply
 * put in (5 %), then one datagram mutated with its netlink length fields as lie targets (`hdr`:
 * the family header's size after the nlmsghdr).
 */
export function mutateDatagrams(rng: Rng, reply: readonly Buffer[], all: readonly Buffer[], hdr: number): Buffer[] {
  let datagrams: Buffer[] = reply.map((d) => Buffer.from(d));
  const r = rng.next();
  if (r < 0.05) return datagrams;
  if (r < 0.1) datagrams = datagrams.slice(0, rng.int(datagrams.length));
  else if (r < 0.15) datagrams.splice(rng.int(datagrams.length + 1), 0, rng.pick(all));
  const i = rng.int(Math.max(1, datagrams.length));
  if (datagrams[i]) datagrams[i] = mutate(rng, datagrams[i]!,
    { donors: all, lengthAt: lengthFields(datagrams[i]!, hdr), max: 3 })[0];
  return datagrams;
}

/** The malformed-input reasons of `source` noted since `before` (a snapshot), sorted. */
export function notedSince(before: Record<string, number>, source: MalformedSource): string[] {
  const after = malformedInput.snapshot();
  return Object.keys(after).filter((k) => after[k] !== before[k] && k.startsWith(`${source}:`)).map((k) => k.slice(source.length + 1)).sort();
}
