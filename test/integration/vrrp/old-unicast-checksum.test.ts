// old_unicast_checksum (VRRPv3 over IPv4 unicast, checksum pseudo-header over the multicast group as
// keepalived <= 1.3.6 computed it), ours and keepalived 2.2.7 in both roles (root; skipped
// otherwise). Measured with two 2.2.7s first: the MASTER with old_unicast_checksum is accepted by a
// default BACKUP, which logs "(VI_1) Setting unicast VRRPv3 checksum to old version" at the first
// advert and stays BACKUP; SIGTERM of the master: the backup takes over.
import assert from 'node:assert/strict';
import { configText, labPerTest, now, tail } from './lab.js';

function conf(prio: number, src: string, peer: string, extra: string): string {
  return configText([{ priority: prio, version: 3, unicastSrc: src, unicastPeers: [peer], vips: ['10.199.0.100/24'], extra: [extra] }], '', src);
}

describe('vrrp VRRPv3 unicast old checksum vs keepalived 2.2.7 (netns)', function () {
  const L = labPerTest(this, 'kc');

  for (const [oldKind, newKind] of [['ours', 'keepalived'], ['keepalived', 'ours']] as const) {
    it(`${oldKind} with old_unicast_checksum as MASTER, ${newKind} default as BACKUP: switched, one master, failover`, async () => {
      const lab = L();
      const m = lab.start(oldKind, 'r1', lab.writeConf('r1', conf(150, '10.199.0.1', '10.199.0.2', 'old_unicast_checksum')));
      await m.waitLine('(VI_1) Entering MASTER STATE', 25000);
      const b = lab.start(newKind, 'r2', lab.writeConf('r2', conf(100, '10.199.0.2', '10.199.0.1', '')));
      await b.waitLine('(VI_1) Setting unicast VRRPv3 checksum to old version', 25000);
      await new Promise((r) => setTimeout(r, 4000));
      assert.equal(b.texts().filter((t) => t === '(VI_1) Setting unicast VRRPv3 checksum to old version').length, 1, tail(b));
      assert.ok(!b.has('(VI_1) Entering MASTER STATE') && !b.has('(VI_1) Invalid VRRPv3 checksum'), tail(b));
      const t0 = now();
      m.signal('SIGTERM');
      await b.waitLine('(VI_1) Backup received priority 0 advertisement', 3000, t0);
      await b.waitLine('(VI_1) Entering MASTER STATE', 3000, t0);
    });
  }
});
