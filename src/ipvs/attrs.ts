// IPVS attribute values encoder / decoder driven by the tables in constants.ts (the nlattr framing
// is common/netlink.ts's).
// Pure functions over Buffers; attribute order on the wire is the table's declaration order.
import type { AttrKind, AttrSpec, AttrTable } from './constants.js';
import { NLA_F_NESTED, nlAlign as align4, splitAttrs } from '../common/netlink.js';

export interface SvcFlags { flags: number; mask: number }
export type AttrValue = number | bigint | string | Buffer | SvcFlags | AttrValues;
export interface AttrValues { [name: string]: AttrValue | undefined }

const entriesCache = new WeakMap<AttrTable, [string, AttrSpec][]>();
function entriesOf(table: AttrTable): [string, AttrSpec][] {
  let e = entriesCache.get(table);
  if (!e) { e = Object.entries(table); entriesCache.set(table, e); }
  return e;
}

function payloadLen(spec: AttrSpec, v: AttrValue): number {
  switch (spec.kind) {
    case 'u8': return 1;
    case 'u16': case 'be16': return 2;
    case 'u32': case 'in_addr': return 4;
    case 'u64': case 'flags': return 8;
    case 'string': return Buffer.byteLength(v as string, 'latin1') + 1;
    case 'addr': case 'in6_addr': return 16;
    case 'nested': return encodedLen(spec.nested!, v as AttrValues);
  }
}

function encodedLen(table: AttrTable, values: AttrValues): number {
  let n = 0;
  for (const [name, spec] of entriesOf(table)) {
    const v = values[name];
    if (v !== undefined) n += align4(4 + payloadLen(spec, v));
  }
  return n;
}

/** Writes the attributes into `buf` (zero-filled) at `off`; returns the offset after them. */
function writeAttrs(table: AttrTable, values: AttrValues, buf: Buffer, off: number): number {
  for (const [name, spec] of entriesOf(table)) {
    const v = values[name];
    if (v === undefined) continue;
    const len = 4 + payloadLen(spec, v);
    buf.writeUInt16LE(len, off);
    buf.writeUInt16LE(spec.kind === 'nested' ? spec.id | NLA_F_NESTED : spec.id, off + 2);
    const p = off + 4;
    switch (spec.kind) {
      case 'u8': buf.writeUInt8(v as number, p); break;
      case 'u16': buf.writeUInt16LE(v as number, p); break;
      case 'be16': buf.writeUInt16BE(v as number, p); break;
      case 'u32': buf.writeUInt32LE((v as number) >>> 0, p); break;
      case 'u64': buf.writeBigUInt64LE(BigInt(v as bigint | number), p); break;
      case 'string': buf.write(v as string, p, 'latin1'); break; // the NUL is the zero fill
      case 'addr': case 'in6_addr': (v as Buffer).copy(buf, p, 0, Math.min(16, (v as Buffer).length)); break;
      case 'in_addr': (v as Buffer).copy(buf, p, 0, 4); break;
      case 'flags': buf.writeUInt32LE((v as SvcFlags).flags >>> 0, p); buf.writeUInt32LE((v as SvcFlags).mask >>> 0, p + 4); break;
      case 'nested': writeAttrs(spec.nested!, v as AttrValues, buf, p); break;
    }
    off += align4(len);
  }
  return off;
}

/**
 * Encodes the present values of `values` following `table` (declaration order) into one buffer
 * (sized first, then written in place: no per-attribute allocations). Unknown keys are a programming error.
 */
export function encodeAttrs(table: AttrTable, values: AttrValues): Buffer {
  for (const key in values) {
    if (!(key in table)) throw new TypeError(`ipvs: no attribute '${key}' in table`); // programming error
  }
  const buf = Buffer.alloc(encodedLen(table, values));
  writeAttrs(table, values, buf, 0);
  return buf;
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
