// VRRP advertisement codec (RFC 3768 v2, RFC 5798/9568 v3; IPv4 and IPv6) plus an IPv4 header
// splitter for raw-socket reads. Pure: bytes in, typed values out, never throws. Decoding keeps every
// field (reserved bits, auth data, checksum) so a decoded packet re-encodes byte-identical.

import type { IpFamily } from '../config/model.js';
import { formatIp, parseIp } from './addr.js';
import { internetChecksum, ipv4PseudoSum, ipv6PseudoSum, IPPROTO_VRRP } from './checksum.js';

export const VRRP_TYPE_ADVERT = 1;
export const VRRP_HEADER_LEN = 8;
export const VRRP_AUTH_LEN = 8;

export interface VrrpAdvert {
  version: number;          // 4 bits as received (2 or 3 when valid)
  type: number;             // 4 bits (1 = advertisement)
  vrid: number;
  priority: number;
  /** The count field as on the wire (may disagree with addresses.length only in decoded garbage). */
  count: number;
  /** v2: Adver Int in seconds (8 bits). v3: Max Adver Int in centiseconds (12 bits). */
  adverInt: number;
  /** v3: the 4 reserved bits (0 on send). */
  rsvd: number;
  /** v2: auth type byte. */
  authType: number;
  /** v2: the 8 authentication bytes. */
  authData: Uint8Array;
  /** Checksum as on the wire (decode) or as computed (encode). */
  checksum: number;
  family: IpFamily;
  addresses: string[];
}

export type DecodeError =
  | { reason: 'too_short'; length: number; expect: number }
  | { reason: 'bad_length'; length: number; expect: number };

export type DecodeResult = { ok: true; advert: VrrpAdvert } | ({ ok: false } & DecodeError);

/** Length of a VRRP message with n addresses. */
export function advertLength(version: number, family: IpFamily, n: number): number {
  const alen = family === 'inet' ? 4 : 16;
  return VRRP_HEADER_LEN + n * alen + (version === 2 ? VRRP_AUTH_LEN : 0);
}

/**
 * Parse a VRRP message (IP header already stripped). Only the structure is checked here: at least
 * the 8-byte header, and exactly the length the version/count/family imply. Semantic checks live in
 * validate.ts. Unknown versions are parsed with the v3 layout (no auth trailer).
 */
export function decodeAdvert(payload: Uint8Array, family: IpFamily): DecodeResult {
  if (payload.length < VRRP_HEADER_LEN) return { ok: false, reason: 'too_short', length: payload.length, expect: VRRP_HEADER_LEN };
  const b0 = payload[0]!;
  const version = b0 >>> 4;
  const count = payload[3]!;
  const expect = advertLength(version === 2 ? 2 : 3, family, count);
  if (payload.length !== expect) return { ok: false, reason: 'bad_length', length: payload.length, expect };
  const alen = family === 'inet' ? 4 : 16;
  const addresses: string[] = [];
  for (let i = 0; i < count; i++) addresses.push(formatIp(payload, family, VRRP_HEADER_LEN + i * alen));
  const w = (payload[4]! << 8) | payload[5]!;
  const authData = version === 2 ? payload.slice(expect - VRRP_AUTH_LEN, expect) : new Uint8Array(VRRP_AUTH_LEN);
  return {
    ok: true,
    advert: {
      version, type: b0 & 0x0f, vrid: payload[1]!, priority: payload[2]!, count,
      adverInt: version === 2 ? payload[5]! : w & 0x0fff,
      rsvd: version === 2 ? 0 : w >>> 12,
      authType: version === 2 ? payload[4]! : 0,
      authData,
      checksum: (payload[6]! << 8) | payload[7]!,
      family, addresses,
    },
  };
}

/** How the checksum is computed. v2 and 'plain' sum the message only. */
export type ChecksumMode = 'plain' | 'pseudo';

export interface EncodeOpts {
  /** Source and destination addresses (needed for v3 pseudo-header checksums). */
  src?: string;
  dst?: string;
  /** v3 over IPv4: 'pseudo' (keepalived default) or 'plain' (RFC 9568). IPv6 v3 is always pseudo; v2 plain. */
  v3Ipv4Checksum?: ChecksumMode;
  /** Keep advert.checksum instead of computing one (re-encoding captured bytes verbatim). */
  keepChecksum?: boolean;
}

/** Encode an advert. Addresses that do not parse are written as zeros (params.ts rejects them earlier). */
export function encodeAdvert(a: VrrpAdvert, opts: EncodeOpts = {}): Uint8Array {
  const v2 = a.version === 2;
  const n = a.addresses.length;
  const len = advertLength(v2 ? 2 : 3, a.family, n);
  const out = new Uint8Array(len);
  out[0] = ((a.version & 0x0f) << 4) | (a.type & 0x0f);
  out[1] = a.vrid & 0xff;
  out[2] = a.priority & 0xff;
  out[3] = n & 0xff;
  if (v2) { out[4] = a.authType & 0xff; out[5] = a.adverInt & 0xff; }
  else { const w = ((a.rsvd & 0x0f) << 12) | (a.adverInt & 0x0fff); out[4] = w >>> 8; out[5] = w & 0xff; }
  const alen = a.family === 'inet' ? 4 : 16;
  for (let i = 0; i < n; i++) {
    const bytes = parseIp(a.addresses[i]!, a.family);
    if (bytes) out.set(bytes, VRRP_HEADER_LEN + i * alen);
  }
  if (v2) out.set(a.authData.subarray(0, VRRP_AUTH_LEN), len - VRRP_AUTH_LEN);
  const ck = opts.keepChecksum ? a.checksum : computeChecksum(out, a.version, a.family, opts.src, opts.dst, opts.v3Ipv4Checksum ?? 'pseudo');
  out[6] = ck >>> 8; out[7] = ck & 0xff;
  return out;
}

/**
 * The checksum a message should carry (its checksum field is treated as zero). v3 needs src/dst
 * for the pseudo-header; without them (or if they do not parse) the plain form is used.
 */
export function computeChecksum(msg: Uint8Array, version: number, family: IpFamily, src?: string, dst?: string, v3Ipv4: ChecksumMode = 'pseudo'): number {
  const copy = msg.slice();
  copy[6] = 0; copy[7] = 0;
  if (version === 2) return internetChecksum(copy);
  const s = src !== undefined ? parseIp(src, family) : undefined;
  const d = dst !== undefined ? parseIp(dst, family) : undefined;
  if (family === 'inet6') {
    if (!s || !d) return internetChecksum(copy);
    return internetChecksum(copy, ipv6PseudoSum(s, d, copy.length));
  }
  if (v3Ipv4 === 'plain' || !s || !d) return internetChecksum(copy);
  return internetChecksum(copy, ipv4PseudoSum(s, d, copy.length));
}

/** Build the advert an instance sends. */
export function makeAdvert(p: {
  version: 2 | 3; vrid: number; priority: number; family: IpFamily; addresses: string[];
  adverInt: number; authType?: number; pass?: string;
}): VrrpAdvert {
  const authData = new Uint8Array(VRRP_AUTH_LEN);
  if (p.version === 2 && p.authType === 1 && p.pass) {
    const bytes = new TextEncoder().encode(p.pass).subarray(0, VRRP_AUTH_LEN);
    authData.set(bytes);
  }
  return {
    version: p.version, type: VRRP_TYPE_ADVERT, vrid: p.vrid, priority: p.priority, count: p.addresses.length,
    adverInt: p.adverInt, rsvd: 0, authType: p.version === 2 ? (p.authType ?? 0) : 0, authData,
    checksum: 0, family: p.family, addresses: p.addresses.slice(),
  };
}

export interface Ipv4Split {
  ttl: number; protocol: number; src: string; dst: string; totalLength: number; payload: Uint8Array;
}

/** Split a raw IPv4 datagram (as a raw socket returns it) into header facts and payload. */
export function splitIpv4(buf: Uint8Array): Ipv4Split | undefined {
  if (buf.length < 20 || buf[0]! >>> 4 !== 4) return undefined;
  const ihl = (buf[0]! & 0x0f) * 4;
  if (ihl < 20 || buf.length < ihl) return undefined;
  const totalLength = (buf[2]! << 8) | buf[3]!;
  const end = Math.min(buf.length, Math.max(totalLength, ihl));
  return {
    ttl: buf[8]!, protocol: buf[9]!, src: formatIp(buf, 'inet', 12), dst: formatIp(buf, 'inet', 16), totalLength,
    payload: buf.subarray(ihl, end),
  };
}

export { IPPROTO_VRRP };
