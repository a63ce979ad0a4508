// The soak's arithmetic (bench/soak.ts): slope per hour, growth between the first and last thirds,
// and the time a VIP spends on no router from the two routers' address events.
import assert from 'node:assert/strict';
import { attributeStalls, growth, maxOf, slopePerHour, stallsOf, vipLoss, type Stall } from '../../../bench/soak.js';

describe('soak figures', () => {
  it('slopePerHour: least squares over seconds, per hour; flat and single points give 0', () => {
    assert.equal(slopePerHour([{ t: 0, y: 10 }, { t: 1800, y: 11 }, { t: 3600, y: 12 }]), 2);
    assert.equal(slopePerHour([{ t: 0, y: 5 }, { t: 60, y: 5 }]), 0);
    assert.equal(slopePerHour([{ t: 0, y: 5 }]), 0);
  });

  it('maxOf: the largest of 720,000 values (Math.max(...xs) overflows the stack there), NaN for none', () => {
    const xs = Array.from({ length: 720_000 }, (_, i) => (i === 123_456 ? 250 : 100));
    assert.equal(maxOf(xs), 250);
    assert.ok(Number.isNaN(maxOf([])));
  });

  it('growth: median of the last third minus median of the first third (a spike in the middle does not count)', () => {
    assert.equal(growth([10, 11, 10, 40, 10, 11, 10, 12, 11]), 1);
    assert.equal(growth([22, 22, 22]), 0);
    assert.equal(growth([1, 2, 3, 4, 5, 6]), 4);
  });

  it('vipLoss: overlap at a failover costs nothing; a VIP removed before the other router adds it is lost time', () => {
    const init = new Map([['10.0.0.1', new Set<'r1' | 'r2'>(['r1'])], ['10.0.0.2', new Set<'r1' | 'r2'>(['r1'])]]);
    const ev = [
      // 10.0.0.1: r2 adds before r1 deletes (make before break)
      { t: 10, host: 'r2' as const, vip: '10.0.0.1', present: true }, { t: 10.1, host: 'r1' as const, vip: '10.0.0.1', present: false },
      // 10.0.0.2: r1 deletes, r2 adds 250 ms later
      { t: 20, host: 'r1' as const, vip: '10.0.0.2', present: false }, { t: 20.25, host: 'r2' as const, vip: '10.0.0.2', present: true },
    ];
    const r = vipLoss(ev, init, 0, 30);
    assert.equal(r.lostEvents, 1);
    assert.ok(Math.abs(r.lostMs - 250) < 1e-6 && Math.abs(r.maxMs - 250) < 1e-6, JSON.stringify(r));
    // a VIP on nobody at the end counts until t1
    assert.equal(vipLoss([{ t: 5, host: 'r1', vip: '10.0.0.1', present: false }], new Map([['10.0.0.1', new Set<'r1' | 'r2'>(['r1'])]]), 0, 6).lostMs, 1000);
  });

  it('stallsOf: gaps of one sender within 50 ms make one stall, named and placed after the last reload / failover / sample', () => {
    const ads = [];
    for (const vrid of [1, 2]) {
      for (let k = 0; k < 10; k++) ads.push({ t: 100 + k * 0.1 + (k >= 5 ? 0.3 : 0) + vrid * 0.001, src: '10.0.0.1', vrid, prio: 150 });
    }
    ads.push({ t: 200, src: '10.0.0.2', vrid: 3, prio: 100 }, { t: 200.35, src: '10.0.0.2', vrid: 3, prio: 100 });
    const st = stallsOf(ads, 100, { '10.0.0.1': 'ours', '10.0.0.2': 'keepalived' }, { reload: [99.9, 150], failover: [50], sample: [] });
    assert.equal(st.length, 2);
    const r3 = (x: number | undefined): number => Number(x!.toFixed(3));
    const s0 = st[0]!;
    assert.deepEqual({ ...s0, t: r3(s0.t), maxGapMs: Math.round(s0.maxGapMs), sinceReloadS: r3(s0.sinceReloadS),
      sinceFailoverS: r3(s0.sinceFailoverS) },
    { t: 100.401, sender: 'ours', vrids: 2, maxGapMs: 400, sinceReloadS: 0.501, sinceFailoverS: 50.401 });
    assert.equal(st[1]!.sender, 'keepalived');
    assert.equal(st[1]!.sinceSampleS, undefined);
  });

  it('attributeStalls: waiting for a CPU through half the overrun or more is starvation; running or blocked is its own', () => {
    const ms = 1e6;
    // samples every 50 ms from t=10.0 s; the process waits 150 ms across 10.1-10.35, then runs 150 ms across 20.1-20.35
    const sched = Array.from({ length: 400 }, (_, k) => {
      const wall = 10 + k * 0.05;
      const wait = wall > 10.1 ? Math.min(150, (wall - 10.1) * 1000) : 0;
      const cpu = wall > 20.1 ? Math.min(150, (wall - 20.1) * 1000) : 0;
      return { wall, cpuNs: cpu * ms, waitNs: wait * ms };
    });
    const st: Stall[] = [
      { t: 10.1, sender: 'ours', vrids: 20, maxGapMs: 250 },
      { t: 20.1, sender: 'ours', vrids: 20, maxGapMs: 250 },
      { t: 25.0, sender: 'keepalived', vrids: 20, maxGapMs: 250 },
    ];
    attributeStalls(st, sched, 100);
    assert.deepEqual(st.map((x) => [x.sender, x.starved, Math.round(x.waitMs ?? -1), Math.round(x.cpuMs ?? -1)]),
      [['ours', true, 150, 0], ['ours', false, 0, 150], ['keepalived', undefined, -1, -1]]);
  });
});
