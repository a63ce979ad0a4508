// The respawn rate limit against keepalived 2.2.7 (calc_restart_delay; the chaos lab measured a VRRP
// child killed 4 times 2.5-5 s apart: "delayed 0", "1", "2", "4 seconds").
import assert from 'node:assert/strict';
import { restartDelay, restartName } from '../../../src/daemon/respawn-delay.js';

describe('daemon/respawn-delay', () => {
  it('deaths within a minute of the start: 0, 1, 2, 4, 8, 16, 32, 60, 60 s, each logged', () => {
    let next = 0;
    const seen: number[] = [];
    for (let i = 0; i < 9; i++) {
      const d = restartDelay(next, 5000);
      assert.equal(d.logged, true);
      seen.push(d.delayS);
      next = d.nextDelayS;
    }
    assert.deepEqual(seen, [0, 1, 2, 4, 8, 16, 32, 60, 60]);
  });

  it('a child that ran a minute or more: restarted at once, no line, the delay reset', () => {
    assert.deepEqual(restartDelay(16, 60_000), { delayS: 0, nextDelayS: 0, logged: false });
    assert.deepEqual(restartDelay(16, 59_999), { delayS: 16, nextDelayS: 32, logged: true });
  });

  it('2.2.7\'s names in the line: VRRP, Healthcheck', () => {
    assert.deepEqual([restartName('vrrp'), restartName('checker')], ['VRRP', 'Healthcheck']);
  });
});
