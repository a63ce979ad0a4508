// Check timing with a FakeClock: after the first check (bootstrap + random point of the warmup),
// each checker runs every delay_loop (delay_before_retry while retrying), all of them on the
// engine's one timer (TimerHeap), not a timer per checker.
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/common/clock.js';
import { memoryLogger } from '../../../src/common/log.js';
import { CheckerEngine } from '../../../src/check/runtime.js';
import type { Outcome } from '../../../src/check/core/checker-fsm.js';
import type { Checker } from '../../../src/config/model.js';
import { FakeTimers, RecordingSink, fixedRandom, mkConfig, mkRs, mkVs, settle } from './fixtures.js';

describe('check: timing of checks', () => {
  it('every delay_loop when steady, delay_before_retry while retrying; one timer for all checkers', async () => {
    const clock = new FakeClock(0);
    const timers = new FakeTimers(clock);
    const at = new Map<string, number[]>();
    let failing = false;
    const factory = (_c: Checker, p: { connectIp: string }) => ({
      key: () => p.connectIp,
      run: async (): Promise<Outcome> => {
        const l = at.get(p.connectIp) ?? [];
        l.push(clock.now());
        at.set(p.connectIp, l);
        return failing && p.connectIp === '10.0.0.2' ? { ok: false, why: 'failed' } : { ok: true };
      },
    });
    const TCP: Checker = { type: 'TCP_CHECK', retry: 2, delayBeforeRetry: 0.3 };
    const vs = mkVs('10.0.0.100', 80, ['10.0.0.2', '10.0.0.3', '10.0.0.4'].map((a) => mkRs(a, 80, [TCP])), { delayLoop: 1 });
    const eng = new CheckerEngine(mkConfig([vs]), {
      logger: memoryLogger(0), lvs: new RecordingSink(), clock, timers, probeFactory: factory,
      random: fixedRandom([0.1, 0.5, 0.9]),
    });
    await eng.start();
    await timers.advance(10_000);
    // First checks at 1 s bootstrap + rand * warmup (= delay_loop), then every second.
    assert.deepEqual(at.get('10.0.0.2'), [1100, 2100, 3100, 4100, 5100, 6100, 7100, 8100, 9100]);
    assert.deepEqual(at.get('10.0.0.3'), [1500, 2500, 3500, 4500, 5500, 6500, 7500, 8500, 9500]);
    assert.deepEqual(at.get('10.0.0.4'), [1900, 2900, 3900, 4900, 5900, 6900, 7900, 8900, 9900]);
    // One timer pending for the three checkers, never one each.
    assert.equal(timers.pending(), 1);
    assert.ok(timers.sets <= 3 * 9 + 1, `timers made: ${timers.sets}`);
    // Failing: retries every 0.3 s, down after the retries, then delay_loop.
    failing = true;
    at.clear();
    await timers.advance(3000);
    // check_tcp.c retries at delay_before_retry while down too: 3 failures, down, delay_loop, again.
    assert.deepEqual(at.get('10.0.0.2'), [10100, 10400, 10700, 11700, 12000, 12300]);
    assert.equal(timers.pending(), 1);
    await eng.stop();
    await settle();
    assert.equal(timers.pending(), 0);
  });
});
