// ProbeSharer: identical in-flight probes shared; at most maxInFlight probes run at once, the rest
// wait in FIFO order; firstDelay spreads over bootstrap + warmup.
import assert from 'node:assert/strict';
import { ProbeSharer, firstDelay } from '../../../src/check/scheduler.js';
import type { Outcome } from '../../../src/check/core/checker-fsm.js';

describe('check: scheduler', () => {
  it('caps concurrent probes and runs the queue in order', async () => {
    const s = new ProbeSharer(2);
    let running = 0, peak = 0;
    const order: string[] = [];
    const release: (() => void)[] = [];
    const probe = (k: string) => ({
      key: () => k,
      run: () => new Promise<Outcome>((r) => { running++; peak = Math.max(peak, running); order.push(k);
        release.push(() => { running--; r({ ok: true }); }); }),
    });
    const ps = ['a', 'b', 'c', 'd', 'e'].map((k) => s.run(probe(k), 0));
    const shared = s.run(probe('a'), 0);
    assert.deepEqual(order, ['a', 'b']);
    while (release.length) { release.shift()!(); await new Promise((r) => setImmediate(r)); }
    await Promise.all([...ps, shared]);
    assert.equal(peak, 2);
    assert.deepEqual(order, ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual([s.started, s.shared, s.queued], [5, 1, 3]);
  });

  it('a throwing probe counts as a failed check', async () => {
    const s = new ProbeSharer();
    assert.deepEqual(await s.run({ key: () => 'x', run: () => Promise.reject(new Error('boom')) }, 0), { ok: false, why: 'failed' });
  });

  it('first delay = bootstrap + rand * warmup', () => {
    assert.equal(firstDelay(2000, 1000, () => 0.5), 2000);
    assert.equal(firstDelay(0, 1000, () => 0.9), 1000);
  });
});
