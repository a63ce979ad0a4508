// The chaos tier's pass criterion rests on VipMonitor (test/integration/chaos/lab.ts): who held a VIP
// when, dual-master and no-owner time, the time a VIP got a single owner for good, adverts missed.
// Fed monitor.py's line format directly (times in ms, clock offset 0).
import assert from 'node:assert/strict';
import { VipMonitor } from '../../integration/chaos/lab.js';

const VIP = '10.199.0.100';

function monitor(lines: string[]): VipMonitor {
  const m = new VipMonitor(undefined, ['r1', 'r2', 'r3'], 0);
  // split mid-line on purpose: lines are parsed only once complete
  const text = lines.join('\n') + '\n';
  m.feed(text.slice(0, 7));
  m.feed(text.slice(7));
  return m;
}

describe('chaos lab: VipMonitor', () => {
  // r1 holds the VIP, r2 takes it at 3000 (dual until r1 lets go at 5000), r1 alone from 5050 after a gap
  const m = monitor([
    'A 0.000 0 10.199.0.100', 'A 0.000 1 -', 'A 0.000 2 -',
    'A 3000.000 1 10.199.0.100',
    'A 5000.000 0 -',
    'A 5000.000 1 -',
    'A 5050.000 0 10.199.0.100,10.199.0.101',
    'V 100.000 10.199.0.1 51 150', 'V 1100.000 10.199.0.1 51 150', 'V 4100.000 10.199.0.2 51 100', 'V 5100.000 10.199.0.1 51 150',
    'G 5050.500 aa:bb:cc:dd:ee:ff 10.199.0.100',
    'S 5100.000 102',
  ]);

  it('owners at a time, by the last sample at or before it', () => {
    assert.deepEqual(m.owners(VIP, 2999), ['r1']);
    assert.deepEqual(m.owners(VIP, 3000), ['r1', 'r2']);
    assert.deepEqual(m.owners(VIP, 5020), []);
    assert.deepEqual(m.owners(VIP), ['r1']);
    assert.equal(m.samples, 102);
    assert.deepEqual(m.garps, [{ t: 5050.5, mac: 'aa:bb:cc:dd:ee:ff', ip: VIP }]);
  });

  it('summary: dual-master and no-owner time, changes, the path of owner sets', () => {
    assert.deepEqual(m.summary(VIP, 1000, 6000), { dualMs: 2000, noneMs: 50, changes: 3, path: ['r1', 'r1+r2', '-', 'r1'] });
    assert.deepEqual(m.summary(VIP, 0, 2000), { dualMs: 0, noneMs: 0, changes: 0, path: ['r1'] });
  });

  it('singleOwnerSince: the start of the final single-owner stretch, never before `after`; undefined without one', () => {
    assert.equal(m.singleOwnerSince(VIP, 4000), 5050);
    assert.equal(m.singleOwnerSince(VIP, 5060), 5060);
    const dual = monitor(['A 0.000 0 10.199.0.100', 'A 0.000 1 10.199.0.100', 'A 0.000 2 -']);
    assert.equal(dual.singleOwnerSince(VIP, 0), undefined);
  });

  it('advertsMissed: whole advert intervals without an advert for the VRID', () => {
    // 1100 -> 4100 misses 2 intervals; 4100 -> 5100 none
    assert.equal(m.advertsMissed(51, 0, 5100), 2);
    assert.equal(m.advertsMissed(52, 0, 5100), 4);
  });
});
