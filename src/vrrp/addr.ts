// IP address text <-> bytes by family for the VRRP codec (the text rules are common/ip-text.ts's),
// and the unsigned network-order comparison used by the equal-priority tie-break (RFC 5798/9568
// §6.4.3). Pure; never throws (bad text -> undefined).

import type { IpFamily } from '../config/model.js';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../common/ip-text.js';

export { formatIpv4, formatIpv6, parseIpv4, parseIpv6 };

export function parseIp(s: string, family: IpFamily): Uint8Array | undefined {
  return family === 'inet' ? parseIpv4(s) : parseIpv6(s);
}

export function formatIp(b: Uint8Array, family: IpFamily, off = 0): string {
  return family === 'inet' ? formatIpv4(b, off) : formatIpv6(b, off);
}

/** Unsigned comparison in network byte order: <0, 0, >0. Unparsable addresses sort lowest. */
export function compareIp(a: string, b: string, family: IpFamily): number {
  const x = parseIp(a, family);
  const y = parseIp(b, family);
  if (!x || !y) return (x ? 1 : 0) - (y ? 1 : 0);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

export function isLinkLocal6(b: Uint8Array, off = 0): boolean {
  return b[off] === 0xfe && (b[off + 1]! & 0xc0) === 0x80;
}
