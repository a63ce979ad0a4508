// Skew_Time and Master_Down_Interval [RFC 3768 §6.1, RFC 5798 §6.1], in keepalived's integer
// microseconds (features doc: "Master down timer = 3609375 usecs" for v2, 1 s, priority 100).
import assert from 'node:assert/strict';
import { masterDownIntervalMs, skewPriority, skewTimeMs } from '../../../src/vrrp/timers.js';

// [priority, interval cs, skew ms, master down ms]
const rows: [number, number, number, number][] = [
  [100, 100, 609.375, 3609.375],
  [150, 100, 414.062, 3414.062],
  [200, 100, 218.75, 3218.75],
  [254, 100, 7.812, 3007.812],
  [1, 100, 996.093, 3996.093],
  [255, 100, 3.906, 3003.906],
  [100, 10, 60.937, 360.937],
  [150, 10, 41.406, 341.406],
  [100, 1, 6.093, 36.093],
  [1, 4095, 40790.039, 163640.039],
  [254, 4095, 319.921, 123169.921],
];

describe('vrrp/timers', () => {
  for (const [prio, cs, skew, down] of rows) {
    it(`priority ${prio}, interval ${cs} cs: skew ${skew} ms, Master_Down ${down} ms`, () => {
      assert.equal(skewTimeMs(prio, cs), skew);
      assert.equal(masterDownIntervalMs(prio, cs), down);
    });
  }
  it('down_timer_adverts replaces the 3', () => assert.equal(masterDownIntervalMs(100, 100, 5), 5609.375));
  it('the owner uses its base priority for the skew', () => {
    assert.equal(skewPriority(255, 254), 255);
    assert.equal(skewPriority(150, 130), 130);
  });
});
