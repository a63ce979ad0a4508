// Netlink framing, the one copy for every netlink user (rtnetlink VIPs / routes / links, IPVS generic
// netlink, nf_tables): struct nlmsghdr requests and the walk over the messages of a datagram, and
// struct nlattr attributes (4-byte header, payload padded to 4 bytes). Pure functions over Buffers;
// host byte order (little-endian, as on every machine keepalived-ts runs on).

// linux/netlink.h values (a list of constants: alike in shape to other such lists, e.g. vip-options.ts's IFA_F_*)
export const NLMSG_HDRLEN = 16;
export const NLMSG_ERROR = 2;
export const NLM_F_REQUEST = 0x1;
export const NLM_F_ACK = 0x4;
export const NLA_F_NESTED = 0x8000;
export const NLA_TYPE_MASK = 0x3fff;

/** NLMSG_ALIGN / NLA_ALIGN. */
export const nlAlign = (n: number): number => (n + 3) & ~3;

/** One attribute: 4-byte header (len, type) + payload, zero-padded to 4 bytes. */
export function nla(type: number, payload: Uint8Array): Buffer {
  const len = 4 + payload.length;
  const buf = Buffer.alloc(nlAlign(len));
  buf.writeUInt16LE(len, 0);
  buf.writeUInt16LE(type, 2);
  buf.set(payload, 4);
  return buf;
}

/** Splits a buffer of attributes into (type without flags) -> payload. Stops at a malformed header. */
export function splitAttrs(buf: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let o = 0;
  while (o + 4 <= buf.length) {
    const len = buf.readUInt16LE(o);
    const type = buf.readUInt16LE(o + 2) & NLA_TYPE_MASK;
    if (len < 4 || o + len > buf.length) break;
    out.set(type, buf.subarray(o + 4, o + len));
    o += nlAlign(len);
  }
  return out;
}

/** One request: nlmsghdr { len, type, flags, seq 0 (the sender writes it at offset 8), pid 0 } + body. */
export function nlRequest(type: number, flags: number, body: readonly Uint8Array[]): Buffer {
  const h = Buffer.alloc(NLMSG_HDRLEN);
  const out = Buffer.concat([h, ...body]);
  out.writeUInt32LE(out.length, 0);
  out.writeUInt16LE(type, 4);
  out.writeUInt16LE(flags, 6);
  return out;
}

/** The netlink messages of one datagram (header included); `rest` counts the bytes after the last whole one. */
export function splitMessages(buf: Uint8Array): Buffer[] & { rest?: number } {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: Buffer[] & { rest?: number } = [];
  let off = 0;
  while (off + NLMSG_HDRLEN <= b.length) {
    const len = b.readUInt32LE(off);
    if (len < NLMSG_HDRLEN || off + len > b.length) break;
    out.push(b.subarray(off, off + len));
    off += nlAlign(len);
  }
  if (off < b.length) out.rest = b.length - off;
  return out;
}

/** nlmsghdr fields of one message from splitMessages(). */
export const msgType = (m: Buffer): number => m.readUInt16LE(4);
export const msgSeq = (m: Buffer): number => m.readUInt32LE(8);

/** The errno of an NLMSG_ERROR message (0: an ACK), undefined for another type or a short one. */
export function ackErrno(m: Buffer): number | undefined {
  return msgType(m) === NLMSG_ERROR && m.length >= 20 ? -m.readInt32LE(16) | 0 : undefined;
}
