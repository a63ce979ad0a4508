// VMAC names (vmac_prefix, vmac_addr_prefix) and use_vmac_addr's VMACs on a fake kernel, against
// keepalived 2.2.7's run of the same config (test/integration/vrrp/data/links-2.2.7/
// vmac-prefix-use-vmac-addr.*): the same VMACs on the same interfaces with the same MACs, the VIPs
// on them, the GARPs / NAs (garp_extra_if 2 without `all` repeats on the VIP VMACs), the same lines.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { vmacName } from '../../../../src/vrrp/io/vmac.js';
import { Lab } from './harness.js';

const DATA = new URL('../../../integration/vrrp/data/links-2.2.7/', import.meta.url).pathname;
const LINKS = [{ name: 'eth0', addrs: ['10.199.0.1/24', 'fe80::1/64'] }, { name: 'eth1', addrs: ['10.198.0.1/24', 'fe80::2/64'] }];
const NAME = 'vmac-prefix-use-vmac-addr';

function recordedLines(re: RegExp): string[] {
  return readFileSync(`${DATA}${NAME}.log`, 'utf8').split('\n').map((l) => l.replace(/^\d\d:\d\d:\d\d /, '')).filter((l) => re.test(l));
}

describe('vrrp/runtime: vmac_prefix, vmac_addr_prefix and use_vmac_addr (2.2.7 recording)', () => {
  it('use_vmac gets foo.51; the VIPs on eth1 and of the other family get bar.51 and bar6.51; all go on stop (vmac-prefix-use-vmac-addr)', async () => {
    const lab = new Lab();
    const r = lab.router('r1', LINKS);
    await r.start(readFileSync(`${DATA}${NAME}.conf`, 'utf8'));
    assert.deepEqual(r.ops(0, ['linkCreate']), ['linkCreate foo.51 on eth0 00:00:5e:00:01:33', 'linkCreate bar.51 on eth1 00:00:5e:00:01:33', 'linkCreate bar6.51 on eth0 00:00:5e:00:02:33']);
    assert.deepEqual(r.log(0, /VMAC interface/), recordedLines(/Success creating VMAC/));
    // IPv6 off on the IPv4 VIP VMAC; on for foo.51, which has an eVIP of the other family; no automatic link-local
    for (const [ifname, off] of [['foo.51', '0'], ['bar.51', '1'], ['bar6.51', '0']] as const) {
      assert.equal(r.kernel.sysctls.get(`net/ipv6/conf/${ifname}/disable_ipv6`), off, ifname);
      assert.equal(r.kernel.sysctls.get(`net/ipv6/conf/${ifname}/addr_gen_mode`), '1', ifname);
    }
    // bar6.51 carries eth0's link-local, deprecated, as 2.2.7's
    assert.deepEqual(r.kernel.addressesOf('bar6.51'), ['fe80::1/64']);
    await lab.advance(8000);
    assert.equal(r.state(), 'MASTER');
    assert.deepEqual(r.kernel.addressesOf('foo.51'), ['10.199.0.100/24']);
    assert.deepEqual(r.kernel.addressesOf('bar.51'), ['10.198.0.100/24']);
    assert.deepEqual(r.kernel.addressesOf('bar6.51'), ['fe80::1/64', '2001:db8::100/64']);
    // the burst, then garp_extra_if 2 (no `all`): the VIP VMACs every 2 s, not the instance's own
    assert.deepEqual(r.log(0, /Sending/), recordedLines(/Sending/));
    await r.stop();
    assert.deepEqual(r.log(0, /removing VMAC/), recordedLines(/removing VMAC/));
    for (const n of ['foo.51', 'bar.51', 'bar6.51']) assert.equal(r.kernel.link(n), undefined, n);
  });

  it('VMAC names: PREFIX.VRID, then PREFIX1.VRID ... (IPv6 PREFIX6.VRID first), cut to fit 15 characters', () => {
    const taken = (...names: string[]) => (n: string) => names.includes(n);
    assert.equal(vmacName('vrrp', 51, 'inet', taken()), 'vrrp.51');
    assert.equal(vmacName('vrrp', 51, 'inet', taken('vrrp.51', 'vrrp1.51')), 'vrrp2.51');
    assert.equal(vmacName('bar', 51, 'inet6', taken('bar.51')), 'bar6.51');
    assert.equal(vmacName('bar', 51, 'inet6', taken('bar.51', 'bar6.51', 'bar1.51', 'bar2.51', 'bar3.51', 'bar4.51', 'bar5.51')), 'bar7.51');
    assert.equal(vmacName('averylongprefix', 255, 'inet', taken()), 'averylongpr.255');
  });
});
