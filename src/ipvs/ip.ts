// IP address text <-> bytes for IPVS (union nf_inet_addr), canonical IPv6 text (RFC 5952), and
// virtual_server_group range expansion. Pure.
import { isIPv4, isIPv6 } from 'node:net';
import { AF_INET, AF_INET6 } from './constants.js';

export type Af = typeof AF_INET | typeof AF_INET6;

export function afOf(addr: string): Af | null {
  if (isIPv4(addr)) return AF_INET;
  if (isIPv6(addr)) return AF_INET6;
  return null;
}

function v6Words(addr: string): number[] {
  let s = addr;
  const m = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (m) {
    const b = m.slice(1).map(Number);
    s = s.slice(0, m.index) + ((b[0] << 8) | b[1]).toString(16) + ':' + ((b[2] << 8) | b[3]).toString(16);
  }
  const parse = (x: string) => (x === '' ? [] : x.split(':').map((h) => parseInt(h, 16)));
  const dbl = s.indexOf('::');
  if (dbl < 0) return parse(s);
  const h = parse(s.slice(0, dbl)), r = parse(s.slice(dbl + 2));
  return [...h, ...new Array<number>(8 - h.length - r.length).fill(0), ...r];
}

const bytesCache = new Map<string, Buffer>();

/** 16 bytes: IPv4 in the first 4 (as the kernel's nf_inet_addr), IPv6 in all 16. The result is shared: do not modify it. */
export function ipToBytes(addr: string): Buffer {
  let b = bytesCache.get(addr);
  if (b) return b;
  b = parseIpBytes(addr);
  if (bytesCache.size > 65536) bytesCache.clear();
  bytesCache.set(addr, b);
  return b;
}

function parseIpBytes(addr: string): Buffer {
  const b = Buffer.alloc(16);
  if (isIPv4(addr)) { addr.split('.').forEach((x, i) => { b[i] = Number(x); }); return b; }
  if (!isIPv6(addr)) throw new TypeError(`not an IP address: ${addr}`);
  v6Words(addr).forEach((w, i) => b.writeUInt16BE(w, i * 2));
  return b;
}

export function bytesToIp(af: number, b: Buffer): string {
  if (af === AF_INET) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push(b.readUInt16BE(i * 2));
  // RFC 5952: compress the longest run (>= 2) of zero words, the first one on a tie.
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (w[i] !== 0) { i++; continue; }
    let j = i; while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(w);
  return `${hex(w.slice(0, best))}::${hex(w.slice(best + bestLen))}`;
}

const canonCache = new Map<string, string>();

/** Canonical text of an address (IPv6 compressed, lower case). */
export function canonicalIp(addr: string): string {
  let c = canonCache.get(addr);
  if (c !== undefined) return c;
  const af = afOf(addr);
  c = af === null ? addr : bytesToIp(af, ipToBytes(addr));
  if (canonCache.size > 65536) canonCache.clear();
  canonCache.set(addr, c);
  return c;
}

/**
 * Expands a virtual_server_group range. `last` may be a full address or, as keepalived writes it
 * (`10.0.0.1-10`), just the last byte (IPv4, decimal) or last 16-bit word (IPv6, hex).
 */
export function expandRange(first: string, last: string): string[] {
  const af = afOf(first);
  if (af === null) return [];
  const start = ipToBytes(first);
  let endVal: number;
  if (afOf(last) !== null) {
    const e = ipToBytes(last);
    endVal = af === AF_INET ? e[3] : e.readUInt16BE(14);
  } else {
    endVal = af === AF_INET ? parseInt(last, 10) : parseInt(last, 16);
  }
  const out: string[] = [];
  if (af === AF_INET) {
    for (let v = start[3]; v <= endVal && v <= 255; v++) { const b = Buffer.from(start); b[3] = v; out.push(bytesToIp(af, b)); }
  } else {
    for (let v = start.readUInt16BE(14); v <= endVal && v <= 0xffff; v++) {
      const b = Buffer.from(start); b.writeUInt16BE(v, 14); out.push(bytesToIp(af, b));
    }
  }
  return out;
}
