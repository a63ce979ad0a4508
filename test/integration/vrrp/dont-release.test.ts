// keepalived -V (--dont-release-vrrp), keepalived 2.2.7 then our daemon on the same config (root, netns
// prefix "kvdr"; our daemon needs dist/). Measured on 2.2.7 and held for both:
//  - start-up in BACKUP: "(VI) removing VIPs." twice for an instance on its own interface (the
//    start-up removal, then vrrp_init_state's, forced by -V), once for a use_vmac instance whose VMAC
//    is new;
//  - SIGTERM of a MASTER: no priority-0 advert on the wire (tcpdump), no "sent 0 priority", the VIPs
//    stay, the VMAC stays with its VIP;
//  - the next start without -V adopts that VMAC ("(VI_2) Found matching interface vrrp.52") and
//    removes its VIP once; its SIGTERM sends priority 0 and removes VIPs and VMAC as usual.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { isRoot, waitFor } from '../../helpers/netns.js';
import { configText, now, tail, VrrpLab, type Daemon, type Line } from './lab.js';

const CONF = configText([
  { name: 'VI_1', vrid: 51, priority: 150, version: 3, advertInt: 0.2, vips: ['10.199.0.100/24'] },
  { name: 'VI_2', vrid: 52, priority: 150, version: 3, advertInt: 0.2, vips: ['10.199.0.101/24'], extra: ['use_vmac'] },
]);

describe('vrrp -V, dont_release_vrrp (netns, keepalived 2.2.7 and ours)', function () {
  this.timeout(90000);
  let L: VrrpLab;
  const wire: Line[] = [];
  before(function () {
    if (!isRoot()) this.skip();
    L = new VrrpLab('kvdr').up();
    L.collect('c', 'tcpdump', ['--immediate-mode', '-l', '-n', '-i', 'eth0', 'proto 112'], wire);
  });
  after(async () => { await L?.down(); });

  const count = (d: Daemon, text: string, after = 0): number => d.lines.filter((l) => l.t >= after
    && l.text === text).length;
  const prioZero = (after: number): string[] => wire.filter((l) => l.t >= after && /prio 0,/.test(l.text)).map((l) => l.text);
  const links = (): string => L.lab.exec(L.lab.ns('r1'), 'ip', ['-o', 'link'], { allowFail: true });

  async function runToMaster(kind: 'keepalived' | 'daemon', args: string[]): Promise<Daemon> {
    const d = L.start(kind, 'r1', L.writeConf('r1', CONF), args);
    await d.waitLine('(VI_1) Entering MASTER STATE', 60000);
    await d.waitLine('(VI_2) Entering MASTER STATE', 5000);
    await L.waitAddr('r1', '10.199.0.101', true, 3000);
    await waitFor(() => wire.some((l) => l.text.includes('vrid 52, prio 150')), 3000);
    return d;
  }

  async function stop(d: Daemon): Promise<number> {
    const t = now();
    d.signal('SIGTERM');
    await d.exit(10000);
    await new Promise((r) => setTimeout(r, 500)); // a late priority-0 advert would be on the wire by now
    return t;
  }

  for (const kind of ['keepalived', 'daemon'] as const) {
    it(`${kind}: -V sends no priority 0 at stop and leaves VIPs and VMAC; the next start adopts the VMAC`, async function () {
      if (kind === 'daemon' && !existsSync(new URL('../../../dist/daemon/main.js', import.meta.url))) this.skip();
      const d1 = await runToMaster(kind, ['-V']);
      assert.equal(count(d1, '(VI_1) removing VIPs.'), 2, tail(d1));
      assert.equal(count(d1, '(VI_2) removing VIPs.'), 1, tail(d1));
      const t1 = await stop(d1);
      assert.deepEqual(prioZero(t1), []);
      assert.ok(!d1.has(/sent 0 priority/), tail(d1, t1));
      assert.ok(!d1.has(/removing VIPs\./, t1), tail(d1, t1));
      assert.ok(L.hasAddr('r1', '10.199.0.100') && L.hasAddr('r1', '10.199.0.101'), 'VIPs kept');
      assert.match(links(), /vrrp\.52@eth0/);

      const d2 = await runToMaster(kind, []);
      assert.ok(d2.has('(VI_2) Found matching interface vrrp.52'), tail(d2));
      assert.ok(!d2.has(/Success creating VMAC interface/), tail(d2));
      assert.equal(count(d2, '(VI_1) removing VIPs.'), 1, tail(d2));
      assert.equal(count(d2, '(VI_2) removing VIPs.'), 1, tail(d2));
      const t2 = await stop(d2);
      assert.equal(prioZero(t2).length, 2, wire.map((l) => l.text).join('\n'));
      assert.ok(!L.hasAddr('r1', '10.199.0.100') && !L.hasAddr('r1', '10.199.0.101'), 'VIPs removed');
      assert.doesNotMatch(links(), /vrrp\.52/);
    });
  }
});
