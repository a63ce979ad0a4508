// net.ipv4.ping_group_range as keepalived 2.2.7 handles it (check_ping.c set_ping_group_range),
// with the values recorded in the qemu guest (test/vm/checkers14/keepalived-2.2.7.txt): "1 0"
// before, "0 0" while running, "1 0" after stop; a real range gets a warning; "0 N" is left alone.
import { strict as assert } from 'node:assert';
import { PingGroupRange, planWiden } from '../../../src/check/ping-group.js';
import { memoryLogger } from '../../../src/common/log.js';

function file(initial: string) {
  const f = { text: initial, writes: [] as string[], read: () => f.text, write: (t: string) => { f.writes.push(t); f.text = t.replace(/\t\n$/, '\n'); } };
  return f;
}

describe('check: ping_group_range for PING_CHECK', () => {
  it('plan: "1 0" -> "0 0", a real range with a warning, "0 N" unchanged, garbage ignored', () => {
    assert.deepEqual(planWiden('1\t0\n'), { write: '0\t0\t\n', low: 1 });
    assert.deepEqual(planWiden('100\t200\n'), { write: '0\t200\t\n', low: 100,
      warn: 'Warning: /proc/sys/net/ipv4/ping_group_range being expanded from 100 200 to 0 200' });
    assert.deepEqual(planWiden('0\t2147483647\n'), { write: null, low: 0 });
    assert.equal(planWiden('x y\n'), null);
  });

  it('widen once, restore the lower bound at stop (the recorded 2.2.7 sequence)', () => {
    const f = file('1\t0\n');
    const log = memoryLogger();
    const p = new PingGroupRange(log, f);
    p.widen();
    assert.equal(f.text, '0\t0\n');
    p.widen(); // a reload: nothing more
    assert.deepEqual(f.writes, ['0\t0\t\n']);
    p.restore();
    assert.equal(f.text, '1\t0\n');
    assert.deepEqual(log.lines(), []);
  });

  it('nothing to restore when the range already held gid 0', () => {
    const f = file('0\t5\n');
    const p = new PingGroupRange(memoryLogger(), f);
    p.widen(); p.restore();
    assert.deepEqual(f.writes, []);
  });
});
