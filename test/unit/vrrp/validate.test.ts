// The receive validation ladder (RFC 3768/5798/9568 §7.1): one negative vector per rung, each
// mutated from a real captured keepalived 2.2.7 packet, with keepalived's counter and log line.
import assert from 'node:assert/strict';
import { decodeAdvert, encodeAdvert } from '../../../src/vrrp/packet.js';
import { validateAdvert, type LadderConfig, type RxPacket } from '../../../src/vrrp/validate.js';
import { parseFrame, vectors } from './helpers.js';

const v2frame = parseFrame(vectors.find((x) => x.kind === 'vrrp-v2-ipv4-prioN' && parseFrame(x.frame).payload[2] === 150)!.frame);
const v3frame = parseFrame(vectors.find((x) => x.kind === 'vrrp-v3-ipv4-prioN' && parseFrame(x.frame).payload[5] === 100)!.frame);
const v6frame = parseFrame(vectors.find((x) => x.kind === 'vrrp-v3-ipv6-prioN')!.frame);

const cfgV2: LadderConfig = { name: 'VI_1', vrid: 51, version: 2, family: 'inet', vips: ['10.198.0.100'], authType: 1, pass: 's3cret', advertIntCs: 100, checkAddrs: true };
const cfgV3: LadderConfig = { ...cfgV2, version: 3, authType: 0 };
delete (cfgV3 as { pass?: string }).pass;
const cfgV6: LadderConfig = { ...cfgV3, vrid: 61, family: 'inet6', vips: ['fe80::198:100'] };

function rx(f: ReturnType<typeof parseFrame>, mut?: (b: Uint8Array) => Uint8Array | void,
    over: Partial<RxPacket> = {}): RxPacket {
  let p: Uint8Array = f.payload.slice();
  if (mut) p = mut(p) ?? p;
  return { payload: p, ttl: f.ttl, src: f.src, dst: f.dst, ...over };
}
/** Re-checksum after a field mutation so the later rung is the one that fails. */
function fix(family: 'inet' | 'inet6', src: string, dst: string) {
  return (b: Uint8Array): Uint8Array => {
    const d = decodeAdvert(b, family);
    if (!d.ok) return b;
    return encodeAdvert(d.advert, { src, dst });
  };
}
const fx2 = fix('inet', v2frame.src, v2frame.dst);

describe('vrrp/validate: accepted captured packets', () => {
  it('v2 PASS advert passes every rung', () => {
    const r = validateAdvert(cfgV2, rx(v2frame));
    assert.ok(r.ok);
    assert.deepEqual(r.counters, ['advert_rcvd']);
  });
  it('v3 IPv4 pseudo-header checksum accepted and counted [RFC 5798 §5.2.8]', () => {
    const r = validateAdvert(cfgV3, rx(v3frame));
    assert.ok(r.ok);
    assert.equal(r.checksumForm, 'pseudo');
    assert.deepEqual(r.counters, ['advert_rcvd', 'v3_csum_pseudo_rcvd']);
  });
  it('v3 IPv4 message-only checksum (RFC 9568 form) accepted and counted separately', () => {
    const d = decodeAdvert(v3frame.payload, 'inet');
    assert.ok(d.ok);
    const plain = encodeAdvert(d.advert, { v3Ipv4Checksum: 'plain' });
    const r = validateAdvert(cfgV3, { ...rx(v3frame), payload: plain });
    assert.ok(r.ok);
    assert.equal(r.checksumForm, 'plain');
    assert.deepEqual(r.counters, ['advert_rcvd', 'v3_csum_plain_rcvd']);
  });
  it('v3 IPv6 accepted', () => assert.ok(validateAdvert(cfgV6, rx(v6frame)).ok));
  it('priority 0 counts pri_zero_rcvd', () => {
    const r = validateAdvert(cfgV2, rx(v2frame, (b) => { b[2] = 0; return fx2(b); }));
    assert.ok(r.ok);
    assert.deepEqual(r.counters, ['advert_rcvd', 'pri_zero_rcvd']);
  });
});

// a unicast instance whose peer is the captured packet's source
const uni: LadderConfig = { ...cfgV2, unicastPeers: [{ address: v2frame.src, minTtl: 0, maxTtl: 255 }] };

// [name, RFC rule, cfg, packet, reason, counter, keepalived log line]
type Row = [string, string, LadderConfig, RxPacket, string, string | undefined, string | undefined];
const rows: Row[] = [
  ['truncated header', 'RFC 3768 §7.1 (length)', cfgV2, rx(v2frame, (b) => b.slice(0, 6)), 'too_short', 'packet_len_err', '(VI_1) vrrp packet too short, length 6 and expect 8'],
  ['TTL 254', 'RFC 3768 §7.1 (TTL 255)', cfgV2, rx(v2frame, undefined, { ttl: 254 }), 'ttl', 'ip_ttl_err', '(VI_1) invalid TTL/HL. Received 254 and expect 255'],
  ['hop limit 1 (IPv6)', 'RFC 5798 §7.1 (hop limit 255)', cfgV6, rx(v6frame, undefined, { ttl: 1 }), 'ttl', 'ip_ttl_err', '(VI_1) invalid TTL/HL. Received 1 and expect 255'],
  ['v3 packet to a v2 instance', 'RFC 3768 §7.1 (version)', cfgV2, rx(v3frame), 'version', 'version_err', '(VI_1) wrong version. Received 3 and expect 2'],
  ['v2 packet to a v3 instance', 'RFC 5798 §7.1 (version)', cfgV3, rx(v2frame), 'version', 'version_err', '(VI_1) wrong version. Received 2 and expect 3'],
  ['version 4', 'RFC 5798 §7.1 (version)', cfgV3, rx(v3frame, (b) => { b[0] = 0x41; }), 'version', 'version_err', '(VI_1) wrong version. Received 4 and expect 3'],
  ['type 2', 'RFC 3768 §5.3.2 (type)', cfgV2, rx(v2frame, (b) => { b[0] = 0x22; }), 'type', 'invalid_type_rcvd', '(VI_1) Invalid packet type. 2 and expect 1'],
  ['other VRID', 'RFC 3768 §7.1 (VRID configured)', cfgV2, rx(v2frame, (b) => { b[1] = 52; }), 'vrid', 'vrid_err', undefined],
  ['count 0', 'RFC 5798 §5.2.5 / erratum 8299', cfgV3, rx(v3frame, (b) => { b[3] = 0; return b.slice(0, 8); }), 'count_zero', 'addr_list_err', '(VI_1) received an unexpected ip number count 0, expected 1!'],
  ['extra bytes', 'RFC 3768 §7.1 (length)', cfgV2, rx(v2frame, (b) => { const c = new Uint8Array(b.length + 4); c.set(b); return c; }), 'bad_length', 'packet_len_err', '(VI_1) vrrp packet too long, length 24 and expect 20'],
  ['count says 2, one address', 'RFC 3768 §7.1 (length)', cfgV2, rx(v2frame, (b) => { b[3] = 2; }), 'bad_length', 'packet_len_err', '(VI_1) vrrp packet too short, length 20 and expect 24'],
  ['count 2 vs our 1', 'RFC 3768 §7.1 (address list MAY)', cfgV3, rx(v3frame, (b) => { const c = new Uint8Array(16); c.set(b); c[3] = 2; c.set([10, 198, 0, 101], 12); return fix('inet', v3frame.src, v3frame.dst)(c); }), 'count_mismatch', 'addr_list_err', '(VI_1) expected 1 VIPs but received 2'],
  ['bad v2 checksum', 'RFC 3768 §7.1 (checksum)', cfgV2, rx(v2frame, (b) => { b[7] = b[7]! ^ 1; }), 'checksum', 'checksum_err', '(VI_1) Invalid VRRPv2 checksum'],
  ['bad v3 IPv4 checksum (neither form)', 'RFC 5798 §7.1 (checksum)', cfgV3, rx(v3frame, (b) => { b[6] = b[6]! ^ 0x80; }), 'checksum', 'checksum_err', '(VI_1) Invalid VRRPv3 checksum'],
  ['bad v3 IPv6 checksum', 'RFC 5798 §7.1 (checksum)', cfgV6, rx(v6frame, undefined, { src: 'fe80::1' }), 'checksum', 'checksum_err', '(VI_1) Invalid VRRPv3 checksum'],
  ['auth type 3', 'RFC 3768 §5.3.6 (auth type)', cfgV2, rx(v2frame, (b) => { b[4] = 3; return fx2(b); }), 'invalid_authtype', 'invalid_authtype', '(VI_1) Invalid auth type: 3'],
  ['auth type 0 vs local PASS', 'RFC 3768 §7.1 (auth type match)', cfgV2, rx(v2frame, (b) => { b[4] = 0; return fx2(b); }), 'authtype_mismatch', 'authtype_mismatch', '(VI_1) received a 0 auth, expecting 1!'],
  ['PASS vs local none', 'RFC 3768 §7.1 (auth type match)', { ...cfgV2, authType: 0 }, rx(v2frame), 'authtype_mismatch', 'authtype_mismatch', '(VI_1) received a 1 auth, expecting 0!'],
  ['wrong password', 'RFC 2338 §5.3.6.1 (simple text password)', { ...cfgV2, pass: 'secret' }, rx(v2frame), 'auth_failure', 'auth_failure', '(VI_1) received an invalid passwd!'],
  ['v3 interval 0', 'RFC 9568 erratum 8301', cfgV3, rx(v3frame, (b) => { b[4] = 0; b[5] = 0; return fix('inet', v3frame.src, v3frame.dst)(b); }), 'interval_zero', 'advert_interval_err', undefined],
  ['v2 interval mismatch (keepalived 2.2.7 drops it too)', 'RFC 3768 §7.1 (interval MUST match)', { ...cfgV2, advertIntCs: 200 }, rx(v2frame), 'advert_interval', 'advert_interval_err', "(VI_1) advertisement interval mismatch mine=2 sec rcv'd=1 sec"],
  ['other VIP', 'RFC 3768 §7.1 (address list)', { ...cfgV2, vips: ['10.198.0.101'] }, rx(v2frame), 'addr_list', 'addr_list_err', '(VI_1) ip address associated with VRID 51 not present in MASTER advert: 10.198.0.101'],
  // unicast (keepalived 2.2.7 vrrp_check_packet)
  ['multicast advert to a unicast instance', 'keepalived 2.2.7', uni, rx(v2frame), 'cast_mismatch', 'addr_list_err', '(VI_1) Expected unicast packet but received multicast packet'],
  ['unicast advert to a multicast instance', 'keepalived 2.2.7', cfgV2, rx(v2frame, undefined, { dst: '10.198.0.2' }), 'cast_mismatch', 'addr_list_err', '(VI_1) Expected multicast packet but received unicast packet'],
  ['check_unicast_src: not a peer (logged, no counter)', 'keepalived 2.2.7', { ...uni, checkUnicastSrc: true }, rx(v2frame, undefined, { dst: '10.198.0.2', src: '10.198.0.9' }), 'not_a_peer', undefined, '(VI_1) unicast source address 10.198.0.9 not a unicast peer'],
  ['check_unicast_src: TTL outside the peer\'s min_ttl..max_ttl', 'keepalived 2.2.7', { ...uni, checkUnicastSrc: true, unicastPeers: [{ address: v2frame.src, minTtl: 255, maxTtl: 255 }] }, rx(v2frame, undefined, { dst: '10.198.0.2', ttl: 254 }), 'ttl_range', 'ip_ttl_err', '(VI_1) TTL/HL 254 not in range 255 - 255'],
];

describe('vrrp/validate: one negative vector per rung', () => {
  for (const [name, rule, cfg, pkt, reason, counter, log] of rows) {
    it(`${name} -> ${reason} [${rule}]`, () => {
      const r = validateAdvert(cfg, pkt);
      assert.equal(r.ok, false, `expected rejection, got ${JSON.stringify(r)}`);
      if (r.ok) return;
      assert.equal(r.reason, reason);
      assert.equal(r.counter, counter);
      assert.equal(r.log, log);
    });
  }
  it('unicast: any TTL is accepted (peers may be routed hops away); check_unicast_src with min/max_ttl in range accepts', () => {
    for (const ttl of [254, 64, 1]) assert.ok(validateAdvert(uni, rx(v2frame, undefined, { dst: '10.198.0.2', ttl })).ok, String(ttl));
    assert.ok(validateAdvert({ ...uni, checkUnicastSrc: true, unicastPeers: [{ address: v2frame.src, minTtl: 250, maxTtl: 254 }] }, rx(v2frame, undefined, { dst: '10.198.0.2', ttl: 254 })).ok);
    // without check_unicast_src a non-peer is accepted (keepalived 2.2.7)
    assert.ok(validateAdvert(uni, rx(v2frame, undefined, { dst: '10.198.0.2', src: '10.198.0.9' })).ok);
    // with skip_check_adv_addr in force for this source, neither the peer nor its TTL is checked
    assert.ok(validateAdvert({ ...uni, checkUnicastSrc: true, checkAddrs: false }, rx(v2frame, undefined, { dst: '10.198.0.2', src: '10.198.0.9' })).ok);
  });
  it('skip_check_adv_addr: other VIP and count accepted when address checks are off', () => {
    assert.ok(validateAdvert({ ...cfgV2, vips: ['10.198.0.101', '10.198.0.102'], checkAddrs: false }, rx(v2frame)).ok);
  });
});
