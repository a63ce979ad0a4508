// The soak's CI version (bench/soak.ts, 2 minutes; the README shows a 1-hour run): our daemon with
// 20 VRRPv3 instances at advert_int 0.1 s and a checker, beside keepalived 2.2.7 as the peer
// (root, netns prefix "ksoak"); a reload every 10 s, a real server flapping every 7 s, a failover
// at 60 s; RSS, heap, descriptors and libuv handles of each process sampled every 15 s. Pass: no
// growth beyond noise, no missed advert of ours's own doing (a stall while its VRRP process waited for
// a CPU is the machine's), no VIP on no router, no child restarted, every reload done.
// The one integration file allowed past a minute (about 2.5 minutes with set-up).
import assert from 'node:assert/strict';
import { isRoot } from '../../helpers/netns.js';
import { runSoak } from '../../../bench/soak.js';

describe('chaos: 2-minute soak (bench/soak.ts) (netns)', function () {
  this.timeout(300_000);
  before(function () { if (!isRoot()) this.skip(); });

  it('reload every 10 s, real server flapping every 7 s, a failover, 20 instances at 100 ms: nothing grows, no missed advert of its own, no lost VIP', async () => {
    const r = await runSoak({ durationS: 120, sampleS: 15, log: (l) => console.log(`      ${l}`) });
    assert.ok(r.reloads >= 11 && r.failovers >= 1 && r.rsTransitions >= 10,
      JSON.stringify({ reloads: r.reloads, failovers: r.failovers, rs: r.rsTransitions }));
    // a missed advert is ours's fault unless the kernel kept its VRRP process waiting for a CPU through the gap
    // (measured from /proc/PID/schedstat; under a CI run's load keepalived 2.2.7 stalls as often: run 3 of
    // 2026-12-07 missed 42 adverts, max interval 275.8 ms, at load 5)
    const own = r.stalls.filter((st) => st.sender === 'ours' && !st.starved);
    assert.deepEqual(own, [], `stalls of ours not explained by waiting for a CPU (${r.adverts.missed} missed adverts, ` +
      `max interval ${r.adverts.max.toFixed(1)} ms)`);
    assert.ok(r.vipLostMaxMs < 100, `a VIP on no router for ${r.vipLostMaxMs} ms`);
    assert.equal(r.childRestarts, 0);
    assert.deepEqual(r.trends.filter((t) => !t.ok).map((t) => `${t.role} ${t.metric} +${t.growth.toFixed(1)}`), []);
    assert.deepEqual(r.problems, []);
  });
});
