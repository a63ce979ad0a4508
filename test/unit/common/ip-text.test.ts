// The one IP text module (src/common/ip-text.ts) against glibc's inet_ntop, recorded as data, and the
// three users that format through it (VRRP codec, VRRP I/O, IPVS) agreeing on every row.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { formatIpv6, parseIpv6 } from '../../../src/common/ip-text.js';
import { formatIp } from '../../../src/vrrp/addr.js';
import { bytesToIp as ioBytesToIp, ipToBytes as ioIpToBytes } from '../../../src/vrrp/io/addr.js';
import { bytesToIp as ipvsBytesToIp, canonicalIp } from '../../../src/ipvs/ip.js';

const { rows } = JSON.parse(readFileSync(new URL('./data-inet-ntop.json', import.meta.url), 'utf8')) as { rows: [string, string][] };

describe('common/ip-text: inet_ntop text for IPv6', () => {
  it(`formats ${rows.length} recorded addresses as glibc inet_ntop does, and parses its text back`, () => {
    for (const [hex, text] of rows) {
      const b = Buffer.from(hex, 'hex');
      assert.equal(formatIpv6(b), text, hex);
      assert.equal(Buffer.from(parseIpv6(text)!).toString('hex'), hex, text);
    }
  });
  it('VRRP codec, VRRP I/O and IPVS print the same text', () => {
    for (const [hex, text] of rows) {
      const b = Buffer.from(hex, 'hex');
      assert.equal(formatIp(b, 'inet6'), text);
      assert.equal(ioBytesToIp(b), text);
      assert.equal(ipvsBytesToIp(10, b), text);
      assert.equal(canonicalIp(text.toUpperCase()), text);
      assert.equal(ioIpToBytes(text)!.toString('hex'), hex);
    }
  });
});
