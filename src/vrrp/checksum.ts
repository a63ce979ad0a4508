// RFC 1071 Internet checksum and the pseudo-headers VRRP uses: v2 sums the message alone; v3 over
// IPv6 adds the RFC 8200 §8.1 pseudo-header; v3 over IPv4 adds an IPv4 pseudo-header the way
// keepalived, FRR, tcpdump and wireshark do (RFC 9568 says message only: both forms are accepted on
// receive, see validate.ts). Pure functions over bytes.

export const IPPROTO_VRRP = 112;

/** One's-complement sum of 16-bit big-endian words, folded, not yet complemented. */
export function onesSum(data: Uint8Array, start = 0, end = data.length, acc = 0): number {
  let sum = acc;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (data[i]! << 8) | data[i + 1]!;
  if (i < end) sum += data[i]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** The checksum of `data` as it goes on the wire (complemented). Zero the checksum field first. */
export function internetChecksum(data: Uint8Array, acc = 0): number {
  return ~onesSum(data, 0, data.length, acc) & 0xffff;
}

/** Folded sum of an IPv4 pseudo-header: src, dst, zero, protocol, 16-bit length. */
export function ipv4PseudoSum(src: Uint8Array, dst: Uint8Array, length: number, proto = IPPROTO_VRRP): number {
  let s = onesSum(src) + onesSum(dst) + proto + (length & 0xffff);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** Folded sum of an IPv6 pseudo-header: src, dst, 32-bit length, 3 zero bytes, next header. */
export function ipv6PseudoSum(src: Uint8Array, dst: Uint8Array, length: number, proto = IPPROTO_VRRP): number {
  let s = onesSum(src) + onesSum(dst) + ((length >>> 16) & 0xffff) + (length & 0xffff) + proto;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}
