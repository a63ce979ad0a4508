// Codec golden vectors: every VRRP frame keepalived 2.2.7 put on the wire in the captures decodes,
// verifies its checksum and re-encodes byte-identical (RFC 3768 §5.3, RFC 5798 §5.2).
import assert from 'node:assert/strict';
import { compareIp, formatIpv6, parseIpv6 } from '../../../src/vrrp/addr.js';
import { computeChecksum, decodeAdvert, encodeAdvert, makeAdvert } from '../../../src/vrrp/packet.js';
import { hex, parseFrame, toHex, vectors } from './helpers.js';

describe('vrrp/packet: captured keepalived 2.2.7 vectors', () => {
  it('has vectors for v2, v3/IPv4 and v3/IPv6', () => {
    const kinds = new Set(vectors.map((v) => v.kind.split('-').slice(0, 3).join('-')));
    assert.deepEqual([...kinds].sort(), ['vrrp-v2-ipv4', 'vrrp-v3-ipv4', 'vrrp-v3-ipv6']);
    assert.ok(vectors.length >= 30);
  });

  for (const v of vectors) {
    it(`${v.file} #${v.packet} (${v.kind}) decodes and re-encodes byte-identical [RFC 3768 §5.3 / RFC 5798 §5.2]`, () => {
      const fr = parseFrame(v.frame);
      assert.equal(fr.ttl, 255);
      const d = decodeAdvert(fr.payload, fr.family);
      assert.ok(d.ok, JSON.stringify(d));
      const a = d.advert;
      assert.equal(a.type, 1);
      assert.equal(a.version, v.kind.includes('-v2-') ? 2 : 3);
      assert.equal(a.priority === 0, v.kind.endsWith('prio0'));
      // verbatim (keep checksum) and recomputed checksum both reproduce the bytes
      assert.equal(toHex(encodeAdvert(a, { keepChecksum: true })), toHex(fr.payload));
      assert.equal(toHex(encodeAdvert(a, { src: fr.src, dst: fr.dst })), toHex(fr.payload));
      assert.equal(computeChecksum(fr.payload, a.version, fr.family, fr.src, fr.dst), a.checksum);
    });
  }

  it('v2 PASS advert fields (r1: VRID 51, prio 150, s3cret, 10.198.0.100)', () => {
    const v = vectors.find((x) => x.kind === 'vrrp-v2-ipv4-prioN' && parseFrame(x.frame).payload[2] === 150)!;
    const d = decodeAdvert(parseFrame(v.frame).payload, 'inet');
    assert.ok(d.ok);
    assert.equal(d.advert.vrid, 51);
    assert.equal(d.advert.priority, 150);
    assert.equal(d.advert.authType, 1);
    assert.equal(d.advert.adverInt, 1);
    assert.equal(Buffer.from(d.advert.authData).toString('latin1').replace(/\0+$/, ''), 's3cret');
    assert.deepEqual(d.advert.addresses, ['10.198.0.100']);
  });

  it('v3 IPv4 at 100 ms carries max_adver_int 10 cs', () => {
    const v = vectors.find((x) => x.file === 'vrrpv3-ipv4-advint100ms.pcap' && x.kind.endsWith('prioN'))!;
    const d = decodeAdvert(parseFrame(v.frame).payload, 'inet');
    assert.ok(d.ok);
    assert.equal(d.advert.adverInt, 10);
  });

  it('v3 IPv6 advert carries the link-local VIP and verifies over the IPv6 pseudo-header [RFC 5798 §5.2.8]', () => {
    const v = vectors.find((x) => x.kind.startsWith('vrrp-v3-ipv6'))!;
    const fr = parseFrame(v.frame);
    assert.equal(fr.dst, 'ff02::12');
    const d = decodeAdvert(fr.payload, 'inet6');
    assert.ok(d.ok);
    assert.deepEqual(d.advert.addresses, ['fe80::198:100']);
    assert.notEqual(computeChecksum(fr.payload, 3, 'inet6'), d.advert.checksum, 'plain sum must differ');
  });
});

describe('vrrp/packet: v3 over IPv4 checksum forms [RFC 5798 §5.2.8, RFC 9568]', () => {
  it('keepalived sends the pseudo-header form; the plain (RFC 9568) form differs and both encode', () => {
    const v = vectors.find((x) => x.kind === 'vrrp-v3-ipv4-prioN')!;
    const fr = parseFrame(v.frame);
    const d = decodeAdvert(fr.payload, 'inet');
    assert.ok(d.ok);
    const pseudo = encodeAdvert(d.advert, { src: fr.src, dst: fr.dst, v3Ipv4Checksum: 'pseudo' });
    const plain = encodeAdvert(d.advert, { src: fr.src, dst: fr.dst, v3Ipv4Checksum: 'plain' });
    assert.equal(toHex(pseudo), toHex(fr.payload));
    assert.notEqual(toHex(plain), toHex(pseudo));
    // the plain form verifies as a message-only sum
    assert.equal(computeChecksum(plain, 3, 'inet', undefined, undefined, 'plain'), (plain[6]! << 8) | plain[7]!);
  });
});

describe('vrrp/packet: independent reference vectors (holo-vrrp, peers doc §3.5)', () => {
  it('v2 VRID 51 prio 30 10.0.1.5 -> checksum 0xb5c5', () => {
    const a = makeAdvert({ version: 2, vrid: 51, priority: 30, family: 'inet', addresses: ['10.0.1.5'], adverInt: 1 });
    const b = encodeAdvert(a);
    assert.equal((b[6]! << 8) | b[7]!, 0xb5c5);
  });
  it('encode v3 IPv6 round trip with 2001:db8::370:7334', () => {
    const a = makeAdvert({ version: 3, vrid: 1, priority: 22, family: 'inet6', addresses: ['2001:db8::370:7334'], adverInt: 100 });
    const b = encodeAdvert(a, { src: 'fe80::1', dst: 'ff02::12' });
    const d = decodeAdvert(b, 'inet6');
    assert.ok(d.ok);
    assert.deepEqual(d.advert.addresses, ['2001:db8::370:7334']);
    assert.equal(computeChecksum(b, 3, 'inet6', 'fe80::1', 'ff02::12'), d.advert.checksum);
  });
});

describe('vrrp/packet: structure errors are values', () => {
  const table: [string, string, 'inet' | 'inet6', string][] = [
    ['empty', '', 'inet', 'too_short'],
    ['7 bytes', '21330a01010001', 'inet', 'too_short'],
    ['v2 missing auth', '2133960101010000' + '0ac60064', 'inet', 'bad_length'],
    ['v2 extra byte', '2133960101010000' + '0ac60064' + '0000000000000000' + '00', 'inet', 'bad_length'],
    ['v3 v6 short address', '3101640100640000' + '00'.repeat(8), 'inet6', 'bad_length'],
  ];
  for (const [name, h, fam, reason] of table) {
    it(name, () => {
      const d = decodeAdvert(hex(h), fam);
      assert.equal(d.ok, false);
      if (!d.ok) assert.equal(d.reason, reason);
    });
  }
});

describe('vrrp/addr', () => {
  const six: [string, string][] = [
    ['fe80::198:100', 'fe80::198:100'], ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], ['::', '::'],
    ['::1', '::1'], ['ff02::12', 'ff02::12'], ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'], ['::ffff:10.0.0.1', '::ffff:10.0.0.1'],
  ];
  for (const [inp, out] of six) it(`IPv6 ${inp} -> ${out}`, () => assert.equal(formatIpv6(parseIpv6(inp)!), out));
  it('rejects bad text', () => {
    for (const s of ['1::2::3', 'fe80:::1', '12345::', 'g::1', '1:2:3:4:5:6:7:8:9']) assert.equal(parseIpv6(s), undefined, s);
  });
  it('compares in network byte order', () => {
    assert.ok(compareIp('10.198.0.2', '10.198.0.10', 'inet') < 0);
    assert.ok(compareIp('10.198.1.1', '10.198.0.200', 'inet') > 0);
    assert.ok(compareIp('fe80::2', 'fe80::10', 'inet6') < 0);
    assert.ok(compareIp('fe80::1:0', 'fe80::ffff', 'inet6') > 0);
  });
});
