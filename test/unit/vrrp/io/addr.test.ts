import assert from 'node:assert/strict';
import { bytesToIp, ipToBytes, macFromString, macToString } from '../../../../src/vrrp/io/addr.js';

describe('vrrp/io addr', () => {
  const table: [string, string, string][] = [
    ['10.198.0.100', '0ac60064', '10.198.0.100'],
    ['fe80::198:100', 'fe800000000000000000000001980100', 'fe80::198:100'],
    ['ff02::12', 'ff020000000000000000000000000012', 'ff02::12'],
    ['::1', '00000000000000000000000000000001', '::1'],
    ['2001:db8:0:0:1:0:0:1', '20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
    ['::ffff:10.0.0.1', '00000000000000000000ffff0a000001', '::ffff:10.0.0.1'],
    ['fe80::1%eth0', 'fe800000000000000000000000000001', 'fe80::1'],
  ];
  for (const [text, hex, back] of table) {
    it(`${text} <-> ${hex}`, () => {
      assert.equal(ipToBytes(text)!.toString('hex'), hex);
      assert.equal(bytesToIp(Buffer.from(hex, 'hex')), back);
    });
  }
  it('rejects garbage', () => { assert.equal(ipToBytes('10.0.0.300'), undefined); assert.equal(ipToBytes('x'), undefined); });
  it('MAC text', () => {
    assert.equal(macToString(macFromString('00:00:5e:00:01:33')!), '00:00:5e:00:01:33');
    assert.equal(macFromString('00:00:5e:00:01'), undefined);
  });
});
