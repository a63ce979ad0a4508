// IP text <-> bytes and group range expansion.
import { strict as assert } from 'node:assert';
import { bytesToIp, canonicalIp, expandRange, ipToBytes } from '../../../src/ipvs/ip.js';

describe('ipvs ip helpers', () => {
  const table: [string, string][] = [
    ['10.1.2.3', '10.1.2.3'], ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'], ['::1', '::1'], ['::', '::'],
    ['2001:db8:0:1:0:0:0:0', '2001:db8:0:1::'], ['1:0:0:2:0:0:0:3', '1:0:0:2::3'], ['::ffff:10.0.0.1', '::ffff:10.0.0.1'],
    ['fe80:0:0:0:1:2:3:4', 'fe80::1:2:3:4'], ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'], ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
  ];
  for (const [inp, out] of table) it(`${inp} -> ${out}`, () => assert.equal(canonicalIp(inp), out));
  it('IPv4 goes in the first 4 of 16 bytes', () => assert.equal(ipToBytes('1.2.3.4').toString('hex'), '01020304' + '0'.repeat(24)));
  it('round trip', () => assert.equal(bytesToIp(10, ipToBytes('2001:db8::10')), '2001:db8::10'));
  it('ranges', () => {
    assert.deepEqual(expandRange('10.0.0.250', '252'), ['10.0.0.250', '10.0.0.251', '10.0.0.252']);
    assert.deepEqual(expandRange('2001:db8::9', 'b'), ['2001:db8::9', '2001:db8::a', '2001:db8::b']);
    assert.deepEqual(expandRange('10.0.0.1', '10.0.0.1'), ['10.0.0.1']);
  });
});
