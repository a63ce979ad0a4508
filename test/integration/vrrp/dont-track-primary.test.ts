// dont_track_primary, keepalived 2.2.7 then ours on the same config (root, netns prefix "kvdt").
// Measured on 2.2.7 and held for both: the option ignores the interface going down, not a missing
// address: started on an interface without IPv4 address the instance is in FAULT ("(VI_1) entering
// FAULT state (no IPv4 address for interface)"), the address coming makes it BACKUP then MASTER, the
// link going down leaves it MASTER, and the address going away puts it in FAULT.
import assert from 'node:assert/strict';
import { isRoot } from '../../helpers/netns.js';
import { configText, now, tail, VrrpLab } from './lab.js';

describe('vrrp dont_track_primary (netns, keepalived 2.2.7 and ours)', function () {
  this.timeout(120000);
  let L: VrrpLab;
  before(function () { if (!isRoot()) this.skip(); L = new VrrpLab('kvdt').up(); });
  after(async () => { await L?.down(); });

  for (const kind of ['keepalived', 'ours'] as const) {
    it(`${kind}: no address -> FAULT; address -> BACKUP -> MASTER; link down ignored; address gone -> FAULT`, async () => {
      const ip = (...a: string[]) => L.lab.exec(L.lab.ns('r1'), 'ip', a);
      ip('addr', 'flush', 'dev', 'eth0', 'scope', 'global');
      const conf = configText([{ priority: 150, vips: ['10.199.0.100/32'], extra: ['dont_track_primary'] }]);
      const d = L.start(kind, 'r1', L.writeConf('r1', conf));
      try {
        await d.waitLine('(VI_1) entering FAULT state', 60000);
        assert.ok(d.has('(VI_1) entering FAULT state (no IPv4 address for interface)'), tail(d));
        assert.ok(!d.has(/Entering BACKUP STATE/), tail(d));

        let t = now();
        ip('addr', 'add', '10.199.0.1/24', 'dev', 'eth0');
        await d.waitLine('(VI_1) Entering BACKUP STATE', 3000, t);
        await d.waitLine('(VI_1) Entering MASTER STATE', 6000, t);
        await L.waitAddr('r1', '10.199.0.100', true, 2000);

        t = now();
        ip('link', 'set', 'eth0', 'down');
        await d.waitLine('Netlink reports eth0 down', 2000, t);
        await new Promise((r) => setTimeout(r, 1500));
        ip('link', 'set', 'eth0', 'up');
        await d.waitLine('Netlink reports eth0 up', 2000, t);
        assert.ok(!d.has(/Entering (FAULT|BACKUP) STATE/, t), tail(d, t));
        assert.ok(L.hasAddr('r1', '10.199.0.100'), 'still MASTER with its VIP');

        t = now();
        ip('addr', 'del', '10.199.0.1/24', 'dev', 'eth0');
        await d.waitLine('(VI_1) Entering FAULT STATE', 3000, t);
        await L.waitAddr('r1', '10.199.0.100', false, 2000);
        assert.ok(d.has('Deassigned address 10.199.0.1 from interface eth0', t), tail(d, t));
      } finally {
        d.signal('SIGTERM');
        await d.exit(10000).catch(() => undefined);
        ip('addr', 'replace', '10.199.0.1/24', 'dev', 'eth0');
      }
    });
  }
});
