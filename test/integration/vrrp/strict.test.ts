// Strict mode on upstream's default keepalived.conf (vrrp_strict, vrrp_garp_interval 0, PASS auth
// 1111, state MASTER, priority 100): ours beside keepalived 2.2.7 in both role orders (root;
// skipped otherwise). Measured first with two 2.2.7s: each logs "(VI_1) State MASTER must match
// being address owner" and "(VI_1) Strict mode does not support authentication. Ignoring.", starts
// BACKUP (init), the first becomes MASTER after 3.609 s, the other stays BACKUP; every advert on the
// wire is "authtype none" (tcpdump). Before, ours sent PASS "1111": two masters.
import assert from 'node:assert/strict';
import { labPerTest, now, tail } from './lab.js';

const CONF = `global_defs {
   router_id LVS_DEVEL
   vrrp_skip_check_adv_addr
   vrrp_strict
   vrrp_garp_interval 0
   vrrp_gna_interval 0
}
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass 1111
    }
    virtual_ipaddress {
        10.199.0.16
        10.199.0.17
    }
}
`;
const STRICT_LINES = ['(VI_1) State MASTER must match being address owner', '(VI_1) Strict mode does not support authentication. Ignoring.'];

describe('vrrp strict mode (upstream default keepalived.conf) with keepalived 2.2.7 (netns)', function () {
  const L = labPerTest(this, 'ks');

  for (const [first, second] of [['ours', 'keepalived'], ['keepalived', 'ours']] as const) {
    it(`${first} first, ${second} second: one master, "authtype none" on the wire from both, 2.2.7's strict lines`, async () => {
      const lab = L();
      const dump = lab.lab.spawn(lab.lab.ns('c'), 'tcpdump', ['--immediate-mode', '-i', 'eth0', '-l', '-n', '-v', 'proto 112']);
      let wire = '';
      dump.stdout!.on('data', (d) => { wire += d; });
      await new Promise((r) => setTimeout(r, 300));
      const a = lab.start(first, 'r1', lab.writeConf('r1', CONF));
      await a.waitLine('(VI_1) Entering BACKUP STATE (init)', 20000);
      await a.waitLine('(VI_1) Entering MASTER STATE', 6000);
      const t0 = now();
      const b = lab.start(second, 'r2', lab.writeConf('r2', CONF));
      await b.waitLine('(VI_1) Entering BACKUP STATE (init)', 20000, t0);
      // two Master_Down intervals: the second must stay BACKUP, the first MASTER
      await new Promise((r) => setTimeout(r, 7500));
      assert.ok(!b.has('(VI_1) Entering MASTER STATE'), tail(b));
      assert.ok(!a.has('(VI_1) Entering BACKUP STATE', t0), tail(a));
      assert.ok(!b.has(/received a \d auth|invalid passwd/) && !a.has(/received a \d auth|invalid passwd/), `${tail(a)}\n${tail(b)}`);
      assert.ok(lab.hasAddr('r1', '10.199.0.16') && !lab.hasAddr('r2', '10.199.0.16'));
      for (const d of [a, b]) for (const l of STRICT_LINES) assert.ok(d.has(l), `${d.kind}: ${l}\n${tail(d)}`);
      const adverts = wire.split('\n').filter((l) => l.includes('VRRPv2, Advertisement'));
      assert.ok(adverts.some((l) => l.includes('10.199.0.1 >')), wire);
      assert.ok(adverts.length >= 8 && adverts.every((l) => /authtype none/.test(l)), adverts.join('\n'));
      // SIGTERM of the master: the other takes over (priority 0, then Skew_Time)
      const t1 = now();
      a.signal('SIGTERM');
      await b.waitLine('(VI_1) Entering MASTER STATE', 3000, t1);
    });
  }
});
