// rtnetlink VIP requests built by nl-addr.ts, byte for byte against keepalived 2.2.7's own requests
// for one VIP of each option (test/unit/vrrp/data/keepalived-2.2.7-addr-requests.txt, recorded with
// strace), and parsing of the kernel's ACK / error messages.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { VirtualIp } from '../../../../src/config/model.js';
import { parseConfigText } from '../../../../src/config/load.js';
import { encodeAddrRequest, parseAcks } from '../../../../src/vrrp/io/nl-addr.js';

const vip = (address: string, prefixLen: number, extra: Partial<VirtualIp> = {}): VirtualIp =>
  ({ address, prefixLen, family: address.includes(':') ? 'inet6' : 'inet', options: [], ...extra });

const FIXTURE = readFileSync(new URL('../data/keepalived-2.2.7-addr-requests.txt', import.meta.url), 'utf8').split('\n');
/** The recorded VIP lines (comment block) and requests ('add HEX' / 'del HEX'). */
const vipLines = FIXTURE.filter((l) => /^# {3}[0-9a-f]/.test(l)).map((l) => l.slice(4));
const recorded = FIXTURE.filter((l) => /^(add|del) /.test(l)).map((l) => ({ add: l.startsWith('add'), hex: l.slice(4) }));
const IFINDEX = 11;

function fixtureVips(): VirtualIp[] {
  const conf = ['vrrp_instance VI_1 {', ' interface eth1', ' virtual_router_id 51', ' virtual_ipaddress {', ...vipLines.slice(0, 6).map((l) => `  ${l}`), ' }',
    ' virtual_ipaddress_excluded {', ...vipLines.slice(6).map((l) => `  ${l}`), ' }', '}'].join('\n');
  const r = parseConfigText(conf, 'k.conf', { hostname: 'test' });
  const vi = r.config.vrrpInstances[0]!;
  return [...vi.virtualIpaddress, ...vi.virtualIpaddressExcluded];
}

describe('vrrp/io nl-addr', () => {
  const vips = fixtureVips();
  const [startDel, adds] = [recorded.slice(0, 13), recorded.slice(13, 26)];

  it('the fixture holds 13 VIPs, 13 start-up deletions and 13 additions', () => {
    assert.equal(vips.length, 13);
    assert.ok(startDel.every((r) => !r.add) && adds.every((r) => r.add));
  });

  vipLines.forEach((line, i) => {
    it(`add request as keepalived 2.2.7's: ${line}`, () => {
      assert.equal(encodeAddrRequest(vips[i]!, IFINDEX, true).toString('hex'), adds[i]!.hex);
    });
    it(`delete request as keepalived 2.2.7's: ${line}`, () => {
      const ours = encodeAddrRequest(vips[i]!, IFINDEX, false).toString('hex');
      if (!vips[i]!.peer || vips[i]!.family === 'inet6') { assert.equal(ours, startDel[i]!.hex); return; }
      // IPv4 peer VIP: 2.2.7 puts its own address in IFA_ADDRESS, the kernel finds no such address and
      // the VIP stays configured after 2.2.7 leaves MASTER; ours names the peer and removes it
      assert.equal(ours, startDel[i]!.hex.replace(/0a320066$/, '0a320909'));
    });
  });

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
    const dgram = Buffer.concat([msg(2, 7, err(0)), msg(20, 99, Buffer.alloc(5)),
      msg(2, 8, err(-17)), msg(2, 9, err(-99))]);
    assert.deepEqual(parseAcks(dgram), [[7, 0], [8, 17], [9, 99]]);
    assert.deepEqual(parseAcks(dgram.subarray(0, 36 + 10)), [[7, 0]]); // truncated second message ignored
    assert.deepEqual(parseAcks(Buffer.alloc(0)), []);
  });
});
