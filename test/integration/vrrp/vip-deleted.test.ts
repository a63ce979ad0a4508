// A VIP deleted from a MASTER by someone else (`ip addr del`), beside keepalived 2.2.7 (root, netns
// prefix "kvvd"): 2.2.7 logs "Netlink reflector reports IP A removed from IF" (-D), goes BACKUP at
// once, sends priority 0, removes its other VIPs and, with no other master heard, is MASTER again
// after Skew_Time with every VIP back. A no_track VIP deleted is left alone. Same lines, same timing
// (Skew_Time 0.609 s at priority 100), both implementations. In a sync group every MASTER member does
// the same (priority 0 from each, no "Syncing instances to BACKUP" line) and the group is MASTER
// again after Skew_Time.
import assert from 'node:assert/strict';
import { around, assertWithin, MARGIN, skewTimeMs } from '../../helpers/bounds.js';
import { isRoot } from '../../helpers/netns.js';
import { configText, now, tail, VrrpLab, type Daemon } from './lab.js';

const KINDS = ['keepalived', 'ours'] as const;
const NOISE = /gratuitous ARP|Sending\/queueing/;

describe('vrrp VIP deleted by someone else, as keepalived 2.2.7 (netns)', function () {
  this.timeout(120000);
  let L: VrrpLab;
  before(function () { if (!isRoot()) this.skip(); L = new VrrpLab('kvvd').up(); L.monitorAddrs('r1'); });
  after(async () => { if (L) await L.down(); });

  const ip = (...a: string[]) => L.lab.exec(L.lab.ns('r1'), 'ip', a);
  const since = (d: Daemon, t: number) => d.lines.filter((l) => l.t >= t && !NOISE.test(l.text)).map((l) => l.text);

  it('MASTER -> BACKUP (priority 0, VIPs removed) -> MASTER after Skew_Time with every VIP back; a no_track VIP is left alone', async () => {
    const seen: Record<string, { lines: string[]; backMs: number; noTrack: string[] }> = {};
    for (const kind of KINDS) {
      const d = L.start(kind, 'r1', L.writeConf('r1', configText([{ priority: 100, vips: ['10.199.0.100/24', '10.199.0.101/24', '10.199.0.102/24 no_track'] }])));
      try {
        await d.waitLine('(VI_1) Entering MASTER STATE', 30000);
        await L.waitAddr('r1', '10.199.0.102', true, 3000);
        await new Promise((r) => setTimeout(r, 300));
        const t = now();
        ip('addr', 'del', '10.199.0.101/24', 'dev', 'eth0');
        await d.waitLine('(VI_1) Entering MASTER STATE', 3000, t);
        const back = await L.waitAddr('r1', '10.199.0.101', true, 2000, 5, t);
        await L.waitAddr('r1', '10.199.0.100', true, 2000, 5, t);
        await d.waitLine('(VI_1) setting VIPs.', 1000, t);
        const lines = since(d, t);
        // no_track: deleted, nothing happens
        const t2 = now();
        ip('addr', 'del', '10.199.0.102/24', 'dev', 'eth0');
        await new Promise((r) => setTimeout(r, 1200));
        seen[kind] = { lines, backMs: back - t, noTrack: since(d, t2) };
        d.signal('SIGTERM');
        await d.exit(8000);
      } finally {
        if (!d.exited) d.signal('SIGKILL');
      }
      // BACKUP with its own priority-0 advert behind it: MASTER again after Skew_Time(100); the start
      // is stamped before `ip addr del` (a child process), the end by polling the address
      assertWithin(seen[kind]!.backMs, around(skewTimeMs(100), MARGIN.pipeLag, MARGIN.busyLate, 'Skew_Time(100)'), `${kind}: VIP back`, tail(d));
    }
    assert.deepEqual(seen.keepalived!.lines, [
      'Netlink reflector reports IP 10.199.0.101 removed from eth0', '(VI_1) Entering BACKUP STATE', '(VI_1) sent 0 priority', '(VI_1) removing VIPs.',
      '(VI_1) Receive advertisement timeout', '(VI_1) Entering MASTER STATE', '(VI_1) setting VIPs.',
    ]);
    assert.deepEqual(seen.ours!.lines, seen.keepalived!.lines);
    assert.deepEqual(seen.keepalived!.noTrack, []);
    assert.deepEqual(seen.ours!.noTrack, []);
  });

  it('sync group: every MASTER member sends priority 0 and leaves MASTER with the one whose VIP went; all MASTER again after Skew_Time', async () => {
    const group = 'vrrp_sync_group G1 {\n    group {\n        VI_1\n        VI_2\n    }\n}';
    const conf = configText([{ name: 'VI_1', vrid: 51, priority: 100, vips: ['10.199.0.100/32'] }, { name: 'VI_2', vrid: 52, priority: 100, vips: ['10.199.0.101/32'] }], group);
    const seen: Record<string, { lines: string[]; backMs: number }> = {};
    for (const kind of KINDS) {
      const d = L.start(kind, 'r1', L.writeConf('r1', conf));
      try {
        await d.waitLine('(VI_2) Entering MASTER STATE', 30000);
        await L.waitAddr('r1', '10.199.0.101', true, 3000);
        await new Promise((r) => setTimeout(r, 300));
        const t = now();
        ip('addr', 'del', '10.199.0.100/32', 'dev', 'eth0');
        await d.waitLine('(VI_2) Entering MASTER STATE', 3000, t);
        const back = await L.waitAddr('r1', '10.199.0.101', true, 2000, 5, t);
        await L.waitAddr('r1', '10.199.0.100', true, 2000, 5, t);
        await d.waitLine('(VI_2) setting VIPs.', 1000, t);
        seen[kind] = { lines: since(d, t), backMs: back - t };
        d.signal('SIGTERM');
        await d.exit(8000);
      } finally {
        if (!d.exited) d.signal('SIGKILL');
      }
      assertWithin(seen[kind]!.backMs, around(skewTimeMs(100), MARGIN.pipeLag, MARGIN.busyLate, 'Skew_Time(100)'), `${kind}: group's VIP back`, tail(d));
    }
    assert.deepEqual(seen.keepalived!.lines, [
      'Netlink reflector reports IP 10.199.0.100 removed from eth0',
      '(VI_1) Entering BACKUP STATE', '(VI_1) sent 0 priority', '(VI_1) removing VIPs.',
      '(VI_2) Entering BACKUP STATE', '(VI_2) sent 0 priority', '(VI_2) removing VIPs.',
      '(VI_2) Receive advertisement timeout', '(VI_1) Receive advertisement timeout', '(VI_1) Entering MASTER STATE', '(VI_1) setting VIPs.',
      'VRRP_Group(G1) Syncing instances to MASTER state', '(VI_2) Entering MASTER STATE', '(VI_2) setting VIPs.',
    ]);
    assert.deepEqual(seen.ours!.lines, seen.keepalived!.lines);
  });
});
