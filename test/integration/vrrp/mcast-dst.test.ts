// mcast_dst_ip: adverts go to the instance's own group (224.0.0.99 here, not 224.0.0.18) and are heard
// there; ours beside keepalived 2.2.7 in both role orders (root; skipped otherwise). Measured with
// 2.2.7: adverts "> 224.0.0.99" on the wire, one master, priority 0 at SIGTERM hands over.
import assert from 'node:assert/strict';
import { waitFor } from '../../helpers/netns.js';
import { configText, labPerTest, now, tail } from './lab.js';

function conf(prio: number): string {
  return configText([{ priority: prio, vips: ['10.199.0.100/24'], extra: ['mcast_dst_ip 224.0.0.99'] }], '', `r${prio}`);
}

describe('vrrp mcast_dst_ip vs keepalived 2.2.7 (netns)', function () {
  const L = labPerTest(this, 'km');

  for (const [mk, bk] of [['ours', 'keepalived'], ['keepalived', 'ours']] as const) {
    it(`${mk} MASTER, ${bk} BACKUP on group 224.0.0.99: one master, adverts to the group, failover`, async () => {
      const lab = L();
      const dump = lab.lab.spawn(lab.lab.ns('c'), 'tcpdump', ['--immediate-mode', '-i', 'eth0', '-l', '-n', 'proto 112']);
      let wire = '';
      dump.stdout!.on('data', (d) => { wire += d; });
      const m = lab.start(mk, 'r1', lab.writeConf('r1', conf(150)));
      await m.waitLine('(VI_1) Entering MASTER STATE', 25000);
      const b = lab.start(bk, 'r2', lab.writeConf('r2', conf(100)));
      await b.waitLine('(VI_1) Entering BACKUP STATE (init)', 25000);
      await new Promise((r) => setTimeout(r, 4000));
      assert.ok(!b.has('(VI_1) Entering MASTER STATE'), tail(b));
      const adverts = wire.split('\n').filter((l) => l.includes('VRRPv2'));
      assert.ok(adverts.length >= 4 && adverts.every((l) => l.includes('> 224.0.0.99:')), wire);
      const t0 = now();
      m.signal('SIGTERM');
      await b.waitLine('(VI_1) Entering MASTER STATE', 3000, t0);
      await waitFor(() => wire.split('\n').some((l) => l.includes('10.199.0.2 > 224.0.0.99')), 2000).catch(() => assert.fail(wire));
    });
  }
});
