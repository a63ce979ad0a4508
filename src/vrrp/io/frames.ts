// Byte-exact builders for what keepalived 2.2.7 puts on the wire besides the VRRP payload:
// the gratuitous ARP request (42 bytes), the IPv6 unsolicited Neighbour Advertisement (86 bytes)
// and the IPv4 header keepalived writes itself (IP_HDRINCL: TOS 0xc0, no DF, TTL 255, proto 112).
import { ipToBytes } from './addr.js';
import { onesSum } from '../checksum.js';

/** RFC 1071 checksum over `parts` (each summed as if padded to an even length), as on the wire. */
export function inetChecksum(...parts: Uint8Array[]): number {
  let sum = 0;
  for (const p of parts) sum = onesSum(p, 0, p.length, sum);
  return ~sum & 0xffff;
}

const BROADCAST = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

/** Gratuitous ARP as keepalived sends it: broadcast request, sha = our MAC, spa = tpa = VIP, tha =
 *  ff:ff:ff:ff:ff:ff. */
export function buildGarp(mac: Uint8Array, vip: string): Buffer {
  const ip = ipToBytes(vip);
  if (!ip || ip.length !== 4 || mac.length !== 6) throw new RangeError(`buildGarp: bad input ${vip}`);
  const f = Buffer.alloc(42);
  BROADCAST.copy(f, 0);
  Buffer.from(mac).copy(f, 6);
  f.writeUInt16BE(0x0806, 12);
  f.writeUInt16BE(1, 14);      // htype Ethernet
  f.writeUInt16BE(0x0800, 16); // ptype IPv4
  f[18] = 6; f[19] = 4;
  f.writeUInt16BE(1, 20);      // op request
  Buffer.from(mac).copy(f, 22);
  ip.copy(f, 28);
  BROADCAST.copy(f, 32);
  ip.copy(f, 38);
  return f;
}

/** Unsolicited NA: src = the VIP, dst ff02::1, hop limit 255, flags O=1, target = VIP, TLLA option = MAC. */
export function buildUnsolicitedNa(mac: Uint8Array, vip: string): Buffer {
  const ip = ipToBytes(vip);
  if (!ip || ip.length !== 16 || mac.length !== 6) throw new RangeError(`buildUnsolicitedNa: bad input ${vip}`);
  const dst = ipToBytes('ff02::1')!;
  const f = Buffer.alloc(86);
  Buffer.from([0x33, 0x33, 0, 0, 0, 1]).copy(f, 0);
  Buffer.from(mac).copy(f, 6);
  f.writeUInt16BE(0x86dd, 12);
  f.writeUInt32BE(0x60000000, 14);
  f.writeUInt16BE(32, 18);     // payload length
  f[20] = 58;                  // ICMPv6
  f[21] = 255;
  ip.copy(f, 22);
  dst.copy(f, 38);
  const icmp = f.subarray(54);
  icmp[0] = 136;               // Neighbour Advertisement
  icmp.writeUInt32BE(0x20000000, 4); // R=0 S=0 O=1
  ip.copy(icmp, 8);
  icmp[24] = 2; icmp[25] = 1;  // target link-layer address, 8 bytes
  Buffer.from(mac).copy(icmp, 26);
  const pseudo = Buffer.alloc(40);
  ip.copy(pseudo, 0); dst.copy(pseudo, 16);
  pseudo.writeUInt32BE(32, 32); pseudo[39] = 58;
  icmp.writeUInt16BE(inetChecksum(pseudo, icmp), 2);
  return f;
}

/** IPv4 header keepalived builds for adverts (20 bytes): 45 c0 len id 0000 ttl 70 csum src dst. */
export function buildIpv4Header(o: { src: string; dst: string; payloadLen: number; id: number; ttl?: number;
    tos?: number }): Buffer {
  const src = ipToBytes(o.src), dst = ipToBytes(o.dst);
  if (!src || src.length !== 4 || !dst || dst.length !== 4) throw new RangeError(`buildIpv4Header: bad address ${o.src} -> ${o.dst}`);
  const h = Buffer.alloc(20);
  writeIpv4Header(h, src, dst, o.payloadLen, o.id, o.ttl ?? 255, o.tos ?? 0xc0);
  return h;
}

/** Writes that header into the first 20 bytes of `h` (a reused transmit buffer), checksum included. */
export function writeIpv4Header(h: Uint8Array, src: Uint8Array, dst: Uint8Array, payloadLen: number, id: number,
    ttl: number, tos = 0xc0): void {
  const len = 20 + payloadLen;
  h[0] = 0x45; h[1] = tos;
  h[2] = len >>> 8; h[3] = len & 0xff;
  h[4] = (id >>> 8) & 0xff; h[5] = id & 0xff;
  h[6] = 0; h[7] = 0;
  h[8] = ttl; h[9] = 112;
  h[10] = 0; h[11] = 0;
  for (let i = 0; i < 4; i++) { h[12 + i] = src[i]!; h[16 + i] = dst[i]!; }
  const ck = ~onesSum(h, 0, 20) & 0xffff;
  h[10] = ck >>> 8; h[11] = ck & 0xff;
}

/** Ethernet multicast MAC of an IPv4 (01:00:5e) or IPv6 (33:33) group, for frames we build ourselves. */
export function multicastMac(group: string): Buffer {
  const b = ipToBytes(group)!;
  return b.length === 4 ? Buffer.from([1, 0, 0x5e, b[1]! & 0x7f, b[2]!, b[3]!])
    : Buffer.from([0x33, 0x33, b[12]!, b[13]!, b[14]!, b[15]!]);
}
