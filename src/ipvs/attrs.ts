// Netlink attribute (struct nlattr) encoder / decoder driven by the tables in constants.ts.
// Pure functions over Buffers; attribute order on the wire is the table's declaration order.
import type { AttrKind, AttrSpec, AttrTable } from './constants.js';

export const NLA_F_NESTED = 0x8000;
export const NLA_TYPE_MASK = 0x3fff;

export interface SvcFlags { flags: number; mask: number }
export type AttrValue = number | bigint | string | Buffer | SvcFlags | AttrValues;
export interface AttrValues { [name: string]: AttrValue | undefined }

const align4 = (n: number) => (n + 3) & ~3;

/** One attribute: 4-byte header (len, type) + payload, zero-padded to 4 bytes. */
export function nla(type: number, payload: Buffer): Buffer {
  const len = 4 + payload.length;
  const buf = Buffer.alloc(align4(len));
  buf.writeUInt16LE(len, 0);
  buf.writeUInt16LE(type, 2);
  payload.copy(buf, 4);
  return buf;
}

function encodePayload(kind: AttrKind, v: AttrValue, spec: AttrSpec): Buffer {
  switch (kind) {
    case 'u8': { const b = Buffer.alloc(1); b.writeUInt8(v as number); return b; }
    case 'u16': { const b = Buffer.alloc(2); b.writeUInt16LE(v as number); return b; }
    case 'be16': { const b = Buffer.alloc(2); b.writeUInt16BE(v as number); return b; }
    case 'u32': { const b = Buffer.alloc(4); b.writeUInt32LE((v as number) >>> 0); return b; }
    case 'u64': { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v as bigint | number)); return b; }
    case 'string': return Buffer.concat([Buffer.from(v as string, 'latin1'), Buffer.alloc(1)]);
    case 'addr': case 'in6_addr': { const b = Buffer.alloc(16); (v as Buffer).copy(b); return b; }
    case 'in_addr': { const b = Buffer.alloc(4); (v as Buffer).copy(b, 0, 0, 4); return b; }
    case 'flags': {
      const f = v as SvcFlags; const b = Buffer.alloc(8);
      b.writeUInt32LE(f.flags >>> 0, 0); b.writeUInt32LE(f.mask >>> 0, 4); return b;
    }
    case 'nested': return encodeAttrs(spec.nested!, v as AttrValues);
  }
}

/** Encodes the present values of `values` following `table` (declaration order). Unknown keys are an error value. */
export function encodeAttrs(table: AttrTable, values: AttrValues): Buffer {
  const parts: Buffer[] = [];
  for (const key of Object.keys(values)) {
    if (!(key in table)) throw new TypeError(`ipvs: no attribute '${key}' in table`); // programming error
  }
  for (const [name, spec] of Object.entries(table)) {
    const v = values[name];
    if (v === undefined) continue;
    const type = spec.kind === 'nested' ? spec.id | NLA_F_NESTED : spec.id;
    parts.push(nla(type, encodePayload(spec.kind, v, spec)));
  }
  return Buffer.concat(parts);
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
    o += align4(len);
  }
  return out;
}

function decodePayload(spec: AttrSpec, p: Buffer): AttrValue | undefined {
  switch (spec.kind) {
    case 'u8': return p.length >= 1 ? p.readUInt8(0) : undefined;
    case 'u16': return p.length >= 2 ? p.readUInt16LE(0) : undefined;
    case 'be16': return p.length >= 2 ? p.readUInt16BE(0) : undefined;
    case 'u32': return p.length >= 4 ? p.readUInt32LE(0) : undefined;
    case 'u64': return p.length >= 8 ? p.readBigUInt64LE(0) : undefined;
    case 'string': { const z = p.indexOf(0); return p.subarray(0, z < 0 ? p.length : z).toString('latin1'); }
    case 'addr': case 'in6_addr': { const b = Buffer.alloc(16); p.copy(b, 0, 0, Math.min(16, p.length)); return b; }
    case 'in_addr': { const b = Buffer.alloc(4); p.copy(b, 0, 0, Math.min(4, p.length)); return b; }
    case 'flags': return p.length >= 8 ? { flags: p.readUInt32LE(0), mask: p.readUInt32LE(4) } : undefined;
    case 'nested': return decodeAttrs(spec.nested!, p);
  }
}

/** Decodes the attributes of `buf` known to `table`; unknown ids are ignored. */
export function decodeAttrs(table: AttrTable, buf: Buffer): AttrValues {
  const raw = splitAttrs(buf);
  const out: AttrValues = {};
  for (const [name, spec] of Object.entries(table)) {
    const p = raw.get(spec.id);
    if (p === undefined) continue;
    const v = decodePayload(spec, p);
    if (v !== undefined) out[name] = v;
  }
  return out;
}
