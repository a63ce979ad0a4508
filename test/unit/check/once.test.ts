// probes/once.ts: the fire-once guard the probes use to end a check exactly once.
import assert from 'node:assert/strict';
import { once } from '../../../src/check/probes/once.js';

describe('check: once() guard', () => {
  it('runs the wrapped function on the first call only, with that call\'s value', () => {
    const seen: number[] = [];
    const f = once((v: number) => { seen.push(v); });
    assert.equal(f.done, false);
    assert.equal(f(1), true);
    assert.equal(f.done, true);
    assert.equal(f(2), false);
    assert.equal(f(3), false);
    assert.deepEqual(seen, [1]);
  });

  it('is done before the wrapped function runs, so a re-entrant call is ignored', () => {
    const seen: string[] = [];
    const f = once((v: string): void => { seen.push(`${v}:${f.done}`); f('inner'); });
    f('outer');
    assert.deepEqual(seen, ['outer:true']);
  });

  it('each guard is independent', () => {
    let a = 0, b = 0;
    const fa = once(() => { a++; });
    const fb = once(() => { b++; });
    fa(undefined); fa(undefined); fb(undefined);
    assert.deepEqual([a, b, fa.done, fb.done], [1, 1, true, true]);
  });
});
