// Reload (SIGHUP) of a changed instance keeps its running state (root, netns prefix "kvr2"). r1 is
// the MASTER (first keepalived 2.2.7 itself, to pin the expected behaviour, then ours), r2 is a real
// keepalived BACKUP. Changing r1's priority, adding and removing a VIP causes no transition, no
// priority-0 advert and no VIP removal beyond the dropped one; the peer stays BACKUP. A priority drop
// below the peer hands over through the protocol (the peer's Master_Down runs out, r1 sees a higher
// advert), still without a priority-0 advert.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { assertWithin, MARGIN, masterDownMs } from '../../helpers/bounds.js';
import { isRoot } from '../../helpers/netns.js';
import { configText, type Daemon, type InstanceOpts, type Line, now, tail, VrrpLab } from './lab.js';

/** SIGHUP -> the new priority in r1's adverts: parse and apply, up to this long on the shared 2-core host. */
const RELOAD_APPLY_MS = 3 * MARGIN.busyLate;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Both routers skip the advert address check, so a VIP added on one side alone does not split them. */
const conf = (o: InstanceOpts) => configText([o]).replace('    virtual_router_id', '    skip_check_adv_addr\n    virtual_router_id');

for (const kind of ['keepalived', 'ours'] as const) {
  describe(`vrrp reload keeps a changed instance running (${kind} MASTER vs keepalived BACKUP, netns)`, function () {
    this.timeout(150000);
    let L: VrrpLab;
    before(function () { if (!isRoot()) this.skip(); L = new VrrpLab('kvr2').up(); });
    after(async () => { await L?.down(); });

    it('priority up, VIP added, VIP removed: no transition, no priority 0, VIPs by difference; priority below the peer hands over', async () => {
      const vips = ['10.199.0.100/24', '10.199.0.101/24'];
      const base: InstanceOpts = { name: 'VI_1', vrid: 51, priority: 150, vips };
      const path = L.writeConf('r1', conf(base));
      L.monitorAddrs('r1');
      const wire = L.collect('c', 'tcpdump', ['--immediate-mode', '-i', 'eth0', '-l', '-n', 'proto 112']);
      const r1 = L.start(kind, 'r1', path);
      await r1.waitLine('(VI_1) Entering MASTER STATE', 60000); // tsx start-up is slow on a loaded machine
      const r2 = L.start('keepalived', 'r2', L.writeConf('r2', conf({ ...base, priority: 100 })));
      await r2.waitLine('(VI_1) Entering BACKUP STATE (init)', 10000);
      await sleep(1500);
      const done = kind === 'ours' ? 'Reload finished' : 'Reload complete';
      const r1Lines = (after: number) => r1.lines.filter((l) => l.t >= after).map((l) => l.text);
      const wireAfter = (after: number) => wire.filter((l) => l.t >= after).map((l) => l.text);
      const addrEvents = (after: number) => L.addrMonitorLines('r1').filter((l) => l.t >= after).map((l) => l.text);
      const reload = async (o: InstanceOpts, settleMs = 2500): Promise<number> => {
        const t = now();
        writeFileSync(path, conf(o));
        r1.signal('SIGHUP');
        await r1.waitLine(done, 10000, t);
        await sleep(settleMs);
        return t;
      };
      const steady = (t: number, what: string, r2Also = true) => {
        const ctx = `${what}\nr1:\n${tail(r1, t)}\nr2:\n${tail(r2, t)}\nwire:\n  ${wireAfter(t).join('\n  ')}`;
        assert.ok(!r1Lines(t).some((l) => /^\(VI_1\) (Entering|removing VIPs|sent 0 priority)/.test(l)), ctx);
        assert.ok(!wireAfter(t).some((l) => / prio 0,/.test(l)), ctx);
        if (r2Also) assert.ok(!r2.has(/^\(VI_1\) Entering MASTER STATE/), ctx);
        return ctx;
      };

      // 1. priority 150 -> 160: adverts continue at 160
      const t1 = await reload({ ...base, priority: 160 });
      let ctx = steady(t1, 'priority 150 -> 160');
      assert.ok(r1Lines(t1).includes('(VI_1) setting VIPs.'), ctx);
      assert.ok(wireAfter(t1).filter((l) => / vrid 51, prio 160,/.test(l)).length >= 2, ctx);
      assert.deepEqual(addrEvents(t1), [], ctx);

      // 2. a VIP added: only it appears, every VIP GARPed
      const three = [...vips, '10.199.0.102/24'];
      const t2 = await reload({ ...base, priority: 160, vips: three });
      ctx = steady(t2, 'VIP added');
      const ev2 = addrEvents(t2);
      assert.equal(ev2.length, 1, ctx + `\naddr:\n${ev2.join('\n')}`);
      assert.ok(!ev2[0]!.startsWith('Deleted') && ev2[0]!.includes(' 10.199.0.102/24'), ev2.join('\n'));
      assert.ok(r1Lines(t2).includes('(VI_1) Sending/queueing gratuitous ARPs on eth0 for 10.199.0.102'), ctx);
      for (const v of ['10.199.0.100', '10.199.0.101', '10.199.0.102']) assert.ok(L.hasAddr('r1', v), v);

      // 3. a VIP removed: only it goes, with keepalived's line
      const t3 = await reload({ ...base, priority: 160, vips: ['10.199.0.100/24', '10.199.0.102/24'] });
      ctx = steady(t3, 'VIP removed');
      const ev3 = addrEvents(t3);
      assert.equal(ev3.length, 1, ctx + `\naddr:\n${ev3.join('\n')}`);
      assert.ok(ev3[0]!.startsWith('Deleted') && ev3[0]!.includes(' 10.199.0.101/24'), ev3.join('\n'));
      assert.ok(r1Lines(t3).includes('(VI_1) ip address 10.199.0.101/24 dev eth0, no longer exist'), ctx);
      assert.ok(L.hasAddr('r1', '10.199.0.100') && L.hasAddr('r1', '10.199.0.102') && !L.hasAddr('r1', '10.199.0.101'));

      // 4. priority 160 -> 90, below the peer's 100 (VIPs back to the peer's set: r1, not the current
      // master, checks the addresses of r2's adverts): nothing at the reload; the peer's Master_Down runs
      // out (it discards the lower adverts), r1 then sees a higher advert and becomes BACKUP
      const t4 = await reload({ ...base, priority: 90 }, 0);
      const m = await r2.waitLine('(VI_1) Entering MASTER STATE', 6000, t4);
      await r1.waitLine('(VI_1) Master received advert from 10.199.0.2 with higher priority 100, ours 90', 3000, t4);
      const b = await r1.waitLine('(VI_1) Entering BACKUP STATE', 1000, t4);
      ctx = `r1:\n${tail(r1, t4)}\nr2:\n${tail(r2, t4)}`;
      assert.ok(r2.has('(VI_1) received lower priority (90) advert from 10.199.0.1 - discarding', t4), ctx);
      // Master_Down of a priority-100 BACKUP after the last accepted advert, which r1 sent up to one
      // Adver_Int before the reload, or while it was applying it (RELOAD_APPLY_MS)
      assertWithin(m.t - t4, { min: masterDownMs(100) - 1000 - MARGIN.timerLate,
        max: masterDownMs(100) + RELOAD_APPLY_MS,
        formula: `Master_Down_Interval(100) - Adver_Int - ${MARGIN.timerLate} .. + ${RELOAD_APPLY_MS} (reload applied)` }, 'reload -> peer MASTER', ctx);
      // r1 gives way after the peer's takeover (line receive times of two processes: 100 ms slack)
      assert.ok(b.t >= m.t - 100, `r1 BACKUP ${(b.t - m.t).toFixed(0)} ms after the peer's MASTER\n${ctx}`);
      assert.ok(!wireAfter(t4).some((l) => / 10\.199\.0\.1 > .* prio 0,/.test(l)), ctx);
      await L.waitAddr('r1', '10.199.0.100', false, 2000, 5, t4);
      assert.ok(!r1Lines(t4).some((l) => /Entering (MASTER|FAULT)|sent 0 priority/.test(l)), ctx);
      for (const d of [r1, r2] as Daemon[]) d.signal('SIGTERM');
      await Promise.all([r1.exit(8000), r2.exit(8000)]);
    });
  });
}
