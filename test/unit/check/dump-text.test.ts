// The checker dump text (dump-text.ts): each VS, its real servers and their checkers in order,
// whatever the order of the instances list.
import assert from 'node:assert/strict';
import { newVsState } from '../../../src/check/core/lvs-core.js';
import { checkerDumpText } from '../../../src/check/dump-text.js';
import type { Checker } from '../../../src/config/model.js';
import { mkRs, mkVs } from './fixtures.js';

describe('check: dump text', () => {
  it('lists the checkers under their real server', () => {
    const v = newVsState(mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, []), mkRs('10.0.0.3', 80, [])], { quorum: 1 }));
    v.quorumUp = true; v.rss[0]!.alive = true;
    const inst = (r: number, type: Checker['type'], isUp: boolean) => ({ rs: v.rss[r]!, checker: { type } as Checker, isUp, hasRun: true,
      params: { retry: 1, delayLoopMs: 6000 } as never, retryIt: 0, checks: 3 });
    const text = checkerDumpText([v], [inst(1, 'HTTP_GET', false), inst(0, 'TCP_CHECK', true), inst(1, 'TCP_CHECK', true)]);
    assert.equal(text, [
      '------< Health checkers >------',
      ' VS = [10.0.0.100]:tcp:80',
      '   quorum = 1, hysteresis = 0, quorum state = UP, alive weight = 1',
      '   RS = [10.0.0.2]:tcp:80',
      '     alive = yes, weight = 1, effective weight = 1, failed checkers = 0, inhibit = no',
      '     TCP_CHECK: UP, has_run = yes, retry = 1, retry_it = 0, delay_loop = 6s, checks = 3',
      '   RS = [10.0.0.3]:tcp:80',
      '     alive = no, weight = 1, effective weight = 1, failed checkers = 0, inhibit = no',
      '     HTTP_GET: DOWN, has_run = yes, retry = 1, retry_it = 0, delay_loop = 6s, checks = 3',
      '     TCP_CHECK: UP, has_run = yes, retry = 1, retry_it = 0, delay_loop = 6s, checks = 3',
      '',
    ].join('\n'));
  });
});
