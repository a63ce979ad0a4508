// Chaos tier, a HUP storm: 20 reloads in 10 s (SIGHUP to every router's parent every 500 ms) with an
// unchanged config and stable roles. Pass: zero state transitions, zero VIP changes (the monitor's
// 50 ms samples), no daemon crash, and every router still answers with its role afterwards. IPVS
// operations cannot be counted here (no IPVS in this kernel, see the platform notes): for our r1,
// which runs a checker child with a virtual server, the check is that no real server or service is
// re-created (no new "Activating healthchecker" / quorum lines) and the checker child stays the same.
import assert from 'node:assert/strict';
import { now } from '../vrrp/lab.js';
import { chaosLabPerFile, formatFigures, INSTANCES, kindsFromEnv, ROUTERS } from './lab.js';
import { sleep } from './faults.js';

describe('chaos (processes): HUP storm with stable roles', function () {
  const kinds = kindsFromEnv();
  // ours: r1 also runs a checker child (a MISC_CHECK virtual server, monitoring mode without IPVS)
  const lab = chaosLabPerFile(this, 'chhup', kinds, (r) => ({ virtualServer: r === 'r1' && kinds[r] === 'daemon' }));

  before(async () => {
    if (kinds.r1 === 'daemon') await lab().daemon('r1').waitLine(/^Misc check for .* succeeded\.$/, 10_000);
  });

  it('20 SIGHUPs in 10 s to every router: zero transitions, zero VIP changes, no crash', async () => {
    const checker = lab().pids('r1').checker;
    const t0 = now();
    for (let i = 0; i < 20; i++) {
      for (const r of ROUTERS) lab().daemon(r).signal('SIGHUP');
      await sleep(500);
    }
    // the last reloads finish, then one more Master_Down_Interval of watching
    await sleep(4000);
    const end = now();
    const rows = lab().figures('20 HUPs in 10 s', t0, end);
    console.log(formatFigures(rows));
    const reloads = ROUTERS.map((r) => `${r} ${lab().daemon(r).lines.filter((l) => l.t >= t0 && /^Reloading \.\.\.$/.test(l.text)).length}`);
    console.log(`    reloads started: ${reloads.join(', ')}`);
    for (const [i, inst] of INSTANCES.entries()) {
      assert.equal(rows[i]!.path, lab().monitor.owners(inst.vip).join('+'), `${inst.name}: VIP changed during the storm (${rows[i]!.path})`);
      assert.equal(rows[i]!.dualMs + rows[i]!.noneMs, 0);
      assert.equal(rows[i]!.advertsMissed, 0, `${inst.name}: adverts missed during the storm`);
    }
    for (const r of ROUTERS) {
      const d = lab().daemon(r);
      const moved = d.lines.filter((l) => l.t >= t0 && /Entering \w+ STATE/.test(l.text));
      assert.deepEqual(moved.map((l) => l.text), [], `${r}: state transitions during the storm`);
      assert.ok(d.has(/^Reloading \.\.\.$/, t0), `${r} never reloaded`);
    }
    if (kinds.r1 === 'daemon') {
      const d = lab().daemon('r1');
      assert.equal(lab().pids('r1').checker, checker, 'the checker child was replaced');
      const recreated = d.lines.filter((l) => l.t >= t0 && /Activating healthchecker|Gained quorum|Lost quorum|Removing service|Adding service|Removing real server|Adding real server/.test(l.text));
      assert.deepEqual(recreated.map((l) => l.text), [], 'checker re-created a service or real server');
    }
    assert.deepEqual(lab().unexpectedExits(), []);
  });
});
