// Keywords whose effect is in the VRRP runtime (the keyword ledger, src/parser/ledger.ts, names
// these tests): config text -> runtime on a fake kernel -> what it asks of the kernel, and when.
import assert from 'node:assert/strict';
import { instanceConf, Lab } from './harness.js';

const R1 = [{ name: 'eth0', addrs: ['10.0.0.1/24'] }];
const R1V6 = [{ name: 'eth0', addrs: ['fe80::1/64'] }];

describe('vrrp/runtime: keywords on a fake kernel', () => {
  it('vrrp_mcast_group4: the socket joins that group and the adverts go to it', async () => {
    const lab = new Lab();
    const r = lab.router('r1', R1);
    await r.start(instanceConf({ priority: 100, global: ['vrrp_mcast_group4 224.0.0.19'] }));
    await lab.advance(4000);
    assert.deepEqual(r.ops(0, ['socketOpen']), ['socketOpen eth0 inet 224.0.0.19']);
    assert.deepEqual(r.ops(0, ['advert']).slice(0, 1), ['advert eth0 10.0.0.1>224.0.0.19 prio 100']);
  });

  it('vrrp_mcast_group6: an IPv6 instance joins that group and adverts to it', async () => {
    const lab = new Lab();
    const r = lab.router('r1', R1V6);
    await r.start(instanceConf({ priority: 100, vips: ['fe80::100/64'], global: ['vrrp_mcast_group6 ff02::13'] }));
    await lab.advance(4000);
    assert.deepEqual(r.ops(0, ['socketOpen']), ['socketOpen eth0 inet6 ff02::13']);
    assert.deepEqual(r.ops(0, ['advert']).slice(0, 1), ['advert eth0 fe80::1>ff02::13 prio 100']);
  });

  it('vrrp_garp_interval: the GARPs of a burst are that far apart (0: all at once)', async () => {
    for (const [global, gaps] of [[[], [0, 0, 0, 0]], [['vrrp_garp_interval 0.01'], [10, 10, 10, 10]]] as const) {
      const lab = new Lab();
      const r = lab.router('r1', R1);
      await r.start(instanceConf({ priority: 100, global: [...global] }));
      await lab.advance(4000);
      const at = r.kernel.opsOf('garp').map((o) => o.at);
      assert.deepEqual(at.slice(1).map((t, i) => t - at[i]!), gaps, global.join());
    }
  });

  it('vrrp_gna_interval: the unsolicited neighbour adverts of a burst are that far apart', async () => {
    const lab = new Lab();
    const r = lab.router('r1', R1V6);
    await r.start(instanceConf({ priority: 100, vips: ['fe80::100/64'], global: ['vrrp_gna_interval 0.02'] }));
    await lab.advance(4000);
    const at = r.kernel.opsOf('na').map((o) => o.at);
    assert.deepEqual(at.slice(1).map((t, i) => t - at[i]!), [20, 20, 20, 20]);
  });

  it('vmac_xmit_base: with use_vmac the adverts go out on the base interface, the VIP stays on the VMAC', async () => {
    const lab = new Lab();
    const r = lab.router('r1', R1);
    await r.start(instanceConf({ priority: 100, extra: ['use_vmac', 'vmac_xmit_base'] }));
    await lab.advance(4000);
    assert.equal(r.state(), 'MASTER');
    assert.equal(r.kernel.opsOf('advert')[0]!.ifname, 'eth0');
    assert.deepEqual(r.ops(0, ['addrAdd']), ['addrAdd 10.0.0.100/24 vrrp.51']);
  });
});
