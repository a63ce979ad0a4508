// IP address text <-> bytes for the I/O adapters (IPv4 dotted quad, IPv6 with :: and embedded v4;
// the text rules are common/ip-text.ts's), and MAC address text.
import { isIPv4, isIPv6 } from 'node:net';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../../common/ip-text.js';

/** Network-order bytes (4 or 16) of an address; undefined when node:net does not take it for one. */
export function ipToBytes(ip: string): Buffer | undefined {
  const bare = ip.split('%')[0]!;
  const b = isIPv4(bare) ? parseIpv4(bare) : isIPv6(bare) ? parseIpv6(bare) : undefined;
  return b && Buffer.from(b.buffer, b.byteOffset, b.length);
}

/** inet_ntop() text of 4 or 16 bytes. */
export function bytesToIp(b: Uint8Array): string {
  return b.length === 4 ? formatIpv4(b) : formatIpv6(b);
}

export function macToString(m: Uint8Array): string {
  return Array.from(m).map((x) => x.toString(16).padStart(2, '0')).join(':');
}

export function macFromString(s: string): Buffer | undefined {
  const p = s.split(':');
  if (p.length !== 6 || p.some((x) => !/^[0-9a-fA-F]{1,2}$/.test(x))) return undefined;
  return Buffer.from(p.map((x) => parseInt(x, 16)));
}
