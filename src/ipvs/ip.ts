// IP address text <-> bytes for IPVS (union nf_inet_addr), canonical text (inet_ntop's, from
// common/ip-text.ts), and virtual_server_group range expansion. Pure.
import { isIPv4, isIPv6 } from 'node:net';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../common/ip-text.js';
import { AF_INET, AF_INET6 } from './constants.js';

export type Af = typeof AF_INET | typeof AF_INET6;

export function afOf(addr: string): Af | null {
  if (isIPv4(addr)) return AF_INET;
  if (isIPv6(addr)) return AF_INET6;
  return null;
}

const bytesCache = new Map<string, Buffer>();

/** 16 bytes: IPv4 in the first 4 (as the kernel's nf_inet_addr), IPv6 in all 16. The result is shared: do not modify
 *  it. */
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
  if (isIPv4(addr)) { b.set(parseIpv4(addr)!); return b; }
  if (!isIPv6(addr)) throw new TypeError(`not an IP address: ${addr}`);
  b.set(parseIpv6(addr)!);
  return b;
}

/** inet_ntop() text of the address in `b` (common/ip-text.ts). */
export function bytesToIp(af: number, b: Buffer): string {
  return af === AF_INET ? formatIpv4(b) : formatIpv6(b);
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
    for (let v = start[3]; v <= endVal && v <= 255; v++) { const b = Buffer.from(start); b[3] = v;
      out.push(bytesToIp(af, b)); }
  } else {
    for (let v = start.readUInt16BE(14); v <= endVal && v <= 0xffff; v++) {
      const b = Buffer.from(start); b.writeUInt16BE(v, 14); out.push(bytesToIp(af, b));
    }
  }
  return out;
}
