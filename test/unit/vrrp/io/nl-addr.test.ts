// rtnetlink VIP requests built by nl-addr.ts: bytes of RTM_NEWADDR / RTM_DELADDR (the same layout the
// netlink library wrote before, seen with strace: ifaddrmsg, IFA_LOCAL, IFA_ADDRESS, then
// IFA_BROADCAST / IFA_LABEL for IPv4) and parsing of the kernel's ACK / error messages.
import assert from 'node:assert/strict';
import type { VirtualIp } from '../../../../src/config/model.js';
import { encodeAddrRequest, parseAcks } from '../../../../src/vrrp/io/nl-addr.js';

const vip = (address: string, prefixLen: number, extra: Partial<VirtualIp> = {}): VirtualIp =>
  ({ address, prefixLen, family: address.includes(':') ? 'inet6' : 'inet', options: [], ...extra });

const hex = (s: string) => s.replace(/\s+/g, '');

describe('vrrp/io nl-addr', () => {
  const cases: { name: string; vip: VirtualIp; ifindex: number; add: boolean; bytes: string }[] = [
    { name: 'IPv4 add /24 (CREATE|EXCL|REQUEST|ACK)', vip: vip('10.199.0.100', 24), ifindex: 0x70a, add: true,
      bytes: '28000000 1400 0506 00000000 00000000  02 18 00 00 0a070000  0800 0200 0ac70064  0800 0100 0ac70064' },
    { name: 'IPv4 delete', vip: vip('10.199.0.100', 24), ifindex: 0x70a, add: false,
      bytes: '28000000 1500 0500 00000000 00000000  02 18 00 00 0a070000  0800 0200 0ac70064  0800 0100 0ac70064' },
    { name: 'IPv4 with brd, label, scope host and a peer', vip: vip('10.1.2.3', 32, { brd: '10.1.2.255', label: 'eth0:1', scope: 'host', peer: '10.9.9.9' }), ifindex: 3, add: true,
      bytes: '3c000000 1400 0506 00000000 00000000  02 20 00 fe 03000000  0800 0200 0a010203  0800 0100 0a090909  0800 0400 0a0102ff  0b00 0300 657468303a3100 00' },
    { name: 'IPv6 link-local: nodad, scope link', vip: vip('fe80::1', 64), ifindex: 2, add: true,
      bytes: '40000000 1400 0506 00000000 00000000  0a 40 02 fd 02000000  1400 0200 fe800000000000000000000000000001  1400 0100 fe800000000000000000000000000001' },
    { name: 'IPv6 global: nodad, scope global', vip: vip('fd00::10', 128), ifindex: 2, add: true,
      bytes: '40000000 1400 0506 00000000 00000000  0a 80 02 00 02000000  1400 0200 fd000000000000000000000000000010  1400 0100 fd000000000000000000000000000010' },
  ];
  for (const c of cases) {
    it(`request bytes: ${c.name}`, () => {
      assert.equal(encodeAddrRequest(c.vip, c.ifindex, c.add).toString('hex'), hex(c.bytes));
    });
  }

  it('a bad address is a RangeError, not a malformed request', () => {
    assert.throws(() => encodeAddrRequest(vip('10.0.0.300', 24), 1, true), RangeError);
  });

  it('ACKs: sequence numbers and errnos of every NLMSG_ERROR in a datagram; other messages skipped', () => {
    const msg = (type: number, seq: number, body: Buffer) => {
      const h = Buffer.alloc(16);
      h.writeUInt32LE(16 + body.length, 0); h.writeUInt16LE(type, 4); h.writeUInt32LE(seq, 8);
      return Buffer.concat([h, body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
    };
    const err = (e: number) => { const b = Buffer.alloc(20); b.writeInt32LE(e, 0); return b; };
    const dgram = Buffer.concat([msg(2, 7, err(0)), msg(20, 99, Buffer.alloc(5)), msg(2, 8, err(-17)), msg(2, 9, err(-99))]);
    assert.deepEqual(parseAcks(dgram), [[7, 0], [8, 17], [9, 99]]);
    assert.deepEqual(parseAcks(dgram.subarray(0, 36 + 10)), [[7, 0]]); // truncated second message ignored
    assert.deepEqual(parseAcks(Buffer.alloc(0)), []);
  });
});
