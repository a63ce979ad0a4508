// The receive validation ladder (RFC 3768/5798/9568 §7.1 as keepalived 2.2.7 applies it). One call
// per received message: returns the accepted advert or the first failed rung, with the counter it
// bumps and keepalived's exact log line. Never throws. Rungs, in keepalived's order:
//   length(header) -> TTL/hop limit -> version -> type -> VRID -> address count -> length(total)
//   -> checksum -> v2 auth type valid -> v2 auth type match -> v2 PASS -> v2 interval -> addresses
// A v2 interval mismatch is logged and the advert discarded (RFC 3768 §7.1; keepalived 2.2.7 does the
// same: verified against the real binary in namespaces, the Master_Down timer is not reset by it, so
// logs/mismatch-advint2-r2.log, which ends before r2's 6.6 s timer, does not show the takeover).
// Unicast (keepalived 2.2.7 vrrp_check_packet): no TTL rung (peers may be routed hops away); a
// multicast advert to a unicast instance, or a unicast one to a multicast instance, is refused; with
// check_unicast_src / vrrp_check_unicast_src (and the address list checked) the source must be a
// unicast_peer and the TTL within that peer's min_ttl..max_ttl.

import type { IpFamily } from '../config/model.js';
import { parseIp } from './addr.js';
import { computeChecksum, decodeAdvert, type VrrpAdvert, VRRP_AUTH_LEN } from './packet.js';
import type { UnicastPeerParams } from './fsm-types.js';
import type { VrrpStatName } from './stats.js';

export const VRRP_TTL = 255;

export type RejectReason =
  | 'too_short' | 'ttl' | 'version' | 'type' | 'vrid' | 'count_zero' | 'count_mismatch' | 'bad_length'
  | 'checksum' | 'invalid_authtype' | 'authtype_mismatch' | 'auth_failure' | 'interval_zero'
  | 'advert_interval' | 'addr_list' | 'cast_mismatch' | 'not_a_peer' | 'ttl_range';

/** What the local instance expects (a subset of VrrpFsmParams). */
export interface LadderConfig {
  name: string;
  vrid: number;
  version: 2 | 3;
  family: IpFamily;
  /** Our VIPs (the ones carried in adverts). */
  vips: readonly string[];
  /** v2 auth: 0 none, 1 PASS, 2 AH. */
  authType: number;
  /** PASS password (up to 8 bytes). */
  pass?: string;
  /** Our advert interval in centiseconds (v2 compares whole seconds). */
  advertIntCs: number;
  /** Compare the advert's address list with ours (false when skip_check_adv_addr applies). */
  checkAddrs: boolean;
  /** unicast_peer list; non-empty = a unicast instance. */
  unicastPeers?: readonly UnicastPeerParams[];
  /** check_unicast_src / vrrp_check_unicast_src. */
  checkUnicastSrc?: boolean;
  /** v3 IPv4 unicast checksum: 'peer' (try the packet's destination, then the group), 'peerOnly', or
   *  'group' (old_unicast_checksum / switched to it); the group is `mcastGroup4`. */
  unicastChecksum?: 'peer' | 'peerOnly' | 'group';
  mcastGroup4?: string;
}

export interface Rejection {
  ok: false;
  reason: RejectReason;
  /** The counter it bumps (none where keepalived counts nothing: a non-peer source). */
  counter?: VrrpStatName;
  /** keepalived's exact line, or undefined where keepalived drops silently (other VRID). */
  log?: string;
  /** Decoded header fields where the rung got that far. */
  advert?: VrrpAdvert;
}

export interface Acceptance {
  ok: true;
  advert: VrrpAdvert;
  /** Counters to bump: always advert_rcvd; pri_zero_rcvd; which v3 IPv4 checksum form. */
  counters: VrrpStatName[];
  /** v3 over IPv4: the checksum form that verified ('oldUnicast': pseudo-header with the multicast group
   *  as destination, keepalived <= 1.3.6's unicast checksum). */
  checksumForm?: 'pseudo' | 'plain' | 'oldUnicast';
}

export type LadderResult = Acceptance | Rejection;

export interface RxPacket { payload: Uint8Array; ttl: number; src: string; dst: string }

function reject(reason: RejectReason, counter: VrrpStatName | undefined, log: string | undefined,
    advert?: VrrpAdvert): Rejection {
  const r: Rejection = { ok: false, reason, log };
  if (counter) r.counter = counter;
  if (advert) r.advert = advert;
  return r;
}

/** A multicast address of its family (224.0.0.0/4, ff00::/8). */
export function isMulticast(addr: string, family: IpFamily): boolean {
  const b = parseIp(addr, family);
  if (!b) return false;
  return family === 'inet' ? (b[0]! & 0xf0) === 0xe0 : b[0] === 0xff;
}

export function validateAdvert(cfg: LadderConfig, rx: RxPacket): LadderResult {
  const n = cfg.name;
  const p = rx.payload;
  if (p.length < 8) return reject('too_short', 'packet_len_err', `(${n}) vrrp packet too short, length ${p.length} and expect 8`);
  const peers = cfg.unicastPeers ?? [];
  const unicast = peers.length > 0;
  if (!unicast && rx.ttl !== VRRP_TTL) return reject('ttl', 'ip_ttl_err', `(${n}) invalid TTL/HL. Received ${rx.ttl} and expect ${VRRP_TTL}`);
  const version = p[0]! >>> 4;
  if (version !== cfg.version) return reject('version', 'version_err', `(${n}) wrong version. Received ${version} and expect ${cfg.version}`);
  const type = p[0]! & 0x0f;
  if (type !== 1) return reject('type', 'invalid_type_rcvd', `(${n}) Invalid packet type. ${type} and expect 1`);
  if (p[1] !== cfg.vrid) return reject('vrid', 'vrid_err', undefined);
  const count = p[3]!;
  if (count === 0) return reject('count_zero', 'addr_list_err', `(${n}) received an unexpected ip number count ${count}, expected ${cfg.vips.length}!`);
  const dec = decodeAdvert(p, cfg.family);
  if (!dec.ok) {
    const word = dec.length < dec.expect ? 'short' : 'long';
    return reject('bad_length', 'packet_len_err', `(${n}) vrrp packet too ${word}, length ${dec.length} and expect ${dec.expect}`);
  }
  const a = dec.advert;
  if (count !== cfg.vips.length && cfg.checkAddrs) {
    return reject('count_mismatch', 'addr_list_err', `(${n}) expected ${cfg.vips.length} VIPs but received ${count}`, a);
  }
  // checksum
  let checksumForm: Acceptance['checksumForm'];
  if (cfg.version === 2) {
    if (computeChecksum(p, 2, cfg.family) !== a.checksum) return reject('checksum', 'checksum_err', `(${n}) Invalid VRRPv2 checksum`, a);
  } else if (cfg.family === 'inet6') {
    if (computeChecksum(p, 3, 'inet6', rx.src, rx.dst) !== a.checksum) return reject('checksum', 'checksum_err', `(${n}) Invalid VRRPv3 checksum`, a);
  } else {
    const group = cfg.mcastGroup4 ?? '224.0.0.18';
    const mode = (cfg.unicastPeers?.length ?? 0) > 0 ? cfg.unicastChecksum ?? 'peer' : 'peerOnly';
    const valid = parseIp(rx.src, 'inet') && parseIp(rx.dst, 'inet');
    const pseudo = (dst: string): boolean => !!valid && computeChecksum(p, 3, 'inet', rx.src, dst, 'pseudo') === a.checksum;
    if (pseudo(mode === 'group' ? group : rx.dst)) checksumForm = mode === 'group' && rx.dst !== group ? 'oldUnicast' : 'pseudo';
    else if (mode === 'peer' && rx.dst !== group && pseudo(group)) checksumForm = 'oldUnicast';
    else if (computeChecksum(p, 3, 'inet', undefined, undefined, 'plain') === a.checksum) checksumForm = 'plain';
    else return reject('checksum', 'checksum_err', `(${n}) Invalid VRRPv3 checksum`, a);
  }
  // v2 authentication
  if (cfg.version === 2) {
    if (a.authType > 2) return reject('invalid_authtype', 'invalid_authtype', `(${n}) Invalid auth type: ${a.authType}`, a);
    if (a.authType !== cfg.authType) return reject('authtype_mismatch', 'authtype_mismatch', `(${n}) received a ${a.authType} auth, expecting ${cfg.authType}!`, a);
    if (cfg.authType === 1) {
      const want = new Uint8Array(VRRP_AUTH_LEN);
      if (cfg.pass) want.set(new TextEncoder().encode(cfg.pass).subarray(0, VRRP_AUTH_LEN));
      for (let i = 0; i < VRRP_AUTH_LEN; i++) {
        if (a.authData[i] !== want[i]) return reject('auth_failure', 'auth_failure', `(${n}) received an invalid passwd!`, a);
      }
    }
  } else if (a.adverInt === 0) {
    return reject('interval_zero', 'advert_interval_err', undefined, a);
  }
  if (cfg.version === 2) {
    const mine = Math.round(cfg.advertIntCs / 100);
    if (a.adverInt !== mine) {
      return reject('advert_interval', 'advert_interval_err', `(${n}) advertisement interval mismatch mine=${mine} sec rcv'd=${a.adverInt} sec`, a);
    }
  }
  if (isMulticast(rx.dst, cfg.family) === unicast) {
    return reject('cast_mismatch', 'addr_list_err', `(${n}) Expected ${unicast ? 'un' : 'mult'}icast packet but received ${unicast ? 'mult' : 'un'}icast packet`, a);
  }
  if (cfg.checkAddrs) {
    for (const vip of cfg.vips) {
      const want = parseIp(vip, cfg.family);
      const found = want !== undefined && a.addresses.some((x) => sameIp(x, want, cfg.family));
      if (!found) return reject('addr_list', 'addr_list_err', `(${n}) ip address associated with VRID ${cfg.vrid} not present in MASTER advert: ${vip}`, a);
    }
    if (unicast && cfg.checkUnicastSrc) {
      const src = parseIp(rx.src, cfg.family);
      const peer = src && peers.find((x) => sameIp(x.address, src, cfg.family));
      if (!peer) return reject('not_a_peer', undefined, `(${n}) unicast source address ${rx.src} not a unicast peer`, a);
      if (rx.ttl < peer.minTtl || rx.ttl > peer.maxTtl) {
        return reject('ttl_range', 'ip_ttl_err', `(${n}) TTL/HL ${rx.ttl} not in range ${peer.minTtl} - ${peer.maxTtl}`, a);
      }
    }
  }
  const counters: VrrpStatName[] = ['advert_rcvd'];
  if (a.priority === 0) counters.push('pri_zero_rcvd');
  if (checksumForm === 'pseudo' || checksumForm === 'oldUnicast') counters.push('v3_csum_pseudo_rcvd');
  if (checksumForm === 'plain') counters.push('v3_csum_plain_rcvd');
  return checksumForm ? { ok: true, advert: a, counters, checksumForm } : { ok: true, advert: a, counters };
}

function sameIp(text: string, want: Uint8Array, family: IpFamily): boolean {
  const b = parseIp(text, family);
  if (!b) return false;
  for (let i = 0; i < b.length; i++) if (b[i] !== want[i]) return false;
  return true;
}
