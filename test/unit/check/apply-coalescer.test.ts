// Applies to the LvsSink (apply-coalescer.ts): the changes of one turn in one apply, never two at
// once, a change during an apply applied after it; only marked services rebuilt; nothing after close.
import assert from 'node:assert/strict';
import type { LvsDesiredState } from '../../../src/common/lvs-desired.js';
import { ApplyCoalescer } from '../../../src/check/apply-coalescer.js';
import { newVsState } from '../../../src/check/core/lvs-core.js';
import { mkRs, mkVs } from './fixtures.js';

function setup() {
  const vss = [newVsState(mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [])])), newVsState(mkVs('10.0.0.101', 80, [mkRs('10.0.0.3', 80, [])]))];
  const turns: (() => void)[] = [];
  const applied: LvsDesiredState[] = [];
  let inFlight = 0, maxInFlight = 0;
  const gates: (() => void)[] = [];
  let hold = false;
  const c = new ApplyCoalescer({
    apply: async (s) => {
      applied.push(s); inFlight++; maxInFlight = Math.max(maxInFlight, inFlight);
      if (hold) await new Promise<void>((r) => gates.push(r));
      inFlight--;
    },
  }, { vss: () => vss, groups: () => ({}) }, (f) => turns.push(f));
  const turn = async (): Promise<void> => {
    for (const f of turns.splice(0)) f();
    for (let k = 0; k < 5; k++) await Promise.resolve();
  };
  return { c, vss, applied, turn, gates, setHold: (h: boolean) => { hold = h; }, max: () => maxInFlight };
}

describe('check: apply coalescer', () => {
  it('marks within one turn make one apply; a mark during an apply waits for it', async () => {
    const t = setup();
    t.c.mark('all'); t.c.mark(t.vss[0]!); t.c.mark(t.vss[1]!);
    await t.turn();
    assert.equal(t.applied.length, 1);
    t.setHold(true);
    t.c.mark(t.vss[0]!);
    await t.turn();
    assert.equal(t.applied.length, 2);
    t.c.mark(t.vss[1]!); // lands while #2 is in flight
    await t.turn();
    assert.equal(t.applied.length, 2, 'not concurrent');
    t.setHold(false);
    t.gates.shift()!();
    await t.turn(); await t.turn();
    assert.equal(t.applied.length, 3);
    assert.equal(t.max(), 1);
  });

  it('only the marked services are rebuilt; the others are the cached objects', async () => {
    const t = setup();
    t.c.mark('all');
    await t.turn();
    const first = t.applied[0]!.services;
    t.vss[1]!.rss[0]!.alive = true; t.vss[1]!.rss[0]!.set = true;
    t.c.mark(t.vss[1]!);
    await t.turn();
    const second = t.applied[1]!.services;
    assert.equal(second[0], first[0]);
    assert.notEqual(second[1], first[1]);
    assert.deepEqual(second[1]!.destinations.map((d) => d.address), ['10.0.0.3']);
  });

  it('nothing is applied after close()', async () => {
    const t = setup();
    t.c.close();
    t.c.mark('all');
    await t.turn();
    assert.equal(t.applied.length, 0);
  });
});
