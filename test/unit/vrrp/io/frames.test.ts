// Frame builders against real keepalived 2.2.7 packets: GARP, unsolicited NA and the IPv4 header.
import assert from 'node:assert/strict';
import { buildGarp, buildIpv4Header, buildUnsolicitedNa, inetChecksum, multicastMac } from '../../../../src/vrrp/io/frames.js';
import { bytesToIp } from '../../../../src/vrrp/io/addr.js';
import { capturesAvailable, readCapture, readPcap } from './capture-bytes.js';

describe('vrrp/io frames', function () {
  before(function () { if (!capturesAvailable()) this.skip(); });

  it('every GARP in the v2 transition capture is rebuilt byte for byte', () => {
    const pkts = readPcap('vrrpv2-garp-after-transition.pcap').filter((p) => p.bytes.readUInt16BE(12) === 0x0806);
    assert.equal(pkts.length, 10); // two bursts of vrrp_garp_master_repeat 5
    assert.deepEqual(pkts[0]!.bytes, readCapture('vrrpv2-garp-after-transition.bytes.txt').find((p) => p.kind.startsWith('arp'))!.bytes);
    for (const [i, p] of pkts.entries()) {
      const mac = p.bytes.subarray(6, 12);
      const vip = bytesToIp(p.bytes.subarray(28, 32));
      assert.equal(vip, '10.198.0.100');
      assert.deepEqual(buildGarp(mac, vip), p.bytes, `GARP #${i}`);
    }
  });

  it('every unsolicited NA in the IPv6 capture is rebuilt byte for byte (incl. ICMPv6 checksum)', () => {
    const pkts = readPcap('vrrpv3-ipv6-ff02-12.pcap').filter((p) => p.bytes.readUInt16BE(12) === 0x86dd && p.bytes[20] === 58 && p.bytes[54] === 136);
    assert.ok(pkts.length >= 10, `found ${pkts.length}`);
    for (const p of pkts) {
      const mac = p.bytes.subarray(6, 12);
      const vip = bytesToIp(p.bytes.subarray(22, 38));
      assert.deepEqual(buildUnsolicitedNa(mac, vip), p.bytes, `NA at ${p.t}`);
    }
  });

  it('the IPv4 header of v2 adverts (incl. priority 0) matches keepalived: TOS c0, id, no DF, TTL 255', () => {
    const pkts = ['vrrpv2-pass-adverts.pcap', 'vrrpv2-prio0-shutdown.pcap', 'vrrpv3-ipv4-advint1s.pcap', 'vrrpv2-failover-full-sequence.pcap']
      .flatMap((n) => readPcap(n)).filter((p) => p.bytes.readUInt16BE(12) === 0x0800 && p.bytes[23] === 112);
    assert.ok(pkts.length >= 20, `found ${pkts.length}`);
    for (const p of pkts) {
      const ip = p.bytes.subarray(14, 34);
      const built = buildIpv4Header({ src: bytesToIp(ip.subarray(12, 16)), dst: bytesToIp(ip.subarray(16, 20)),
        payloadLen: p.bytes.length - 34, id: ip.readUInt16BE(4) });
      assert.deepEqual(built, Buffer.from(ip), `advert at ${p.t}`);
    }
  });

  it('multicast MACs and checksum edge cases', () => {
    assert.deepEqual(multicastMac('224.0.0.18'), Buffer.from([1, 0, 0x5e, 0, 0, 0x12]));
    assert.deepEqual(multicastMac('ff02::12'), Buffer.from([0x33, 0x33, 0, 0, 0, 0x12]));
    assert.equal(inetChecksum(Buffer.from([0xff, 0xff])), 0);
    assert.equal(inetChecksum(Buffer.from([0x01])), 0xfeff);
  });

  it('rejects malformed input with RangeError', () => {
    assert.throws(() => buildGarp(Buffer.alloc(6), 'fe80::1'), RangeError);
    assert.throws(() => buildUnsolicitedNa(Buffer.alloc(5), 'fe80::1'), RangeError);
  });
});
