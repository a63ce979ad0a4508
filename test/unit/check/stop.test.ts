// What the checker engine says and signals at stop, as keepalived 2.2.7's checker_terminate_phase1:
// clear_services() (per real server `Shutting down service`, omega notifications) only when
// neither -I (--dont-release-ipvs) nor lvs_flush_on_stop is in force; with lvs_flush_on_stop it logs
// `Flushing lvs on shutdown in oneshot` instead, with -I nothing at all.
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/common/clock.js';
import { memoryLogger } from '../../../src/common/log.js';
import { startCheckers } from '../../../src/check/index.js';
import type { CheckerEvent } from '../../../src/check/events.js';
import { FakeTimers, RecordingSink, World, mkConfig, mkRs, mkVs, settle } from './fixtures.js';

const VS = '[10.0.0.100]:tcp:80';
type Row = { name: string; dontRelease: boolean; flush: boolean; lines: string[]; events: string[];
  finalApplyEmpty: boolean };
const rows: Row[] = [
  {
    name: 'default: clear_services', dontRelease: false, flush: false, finalApplyEmpty: true,
    lines: [`Shutting down service [10.0.0.2]:tcp:80 from VS ${VS}`, `Shutting down service [10.0.0.3]:tcp:80 from VS ${VS}`],
    events: ['rs-state down shutdown [10.0.0.2]:tcp:80', 'rs-state down shutdown [10.0.0.3]:tcp:80', 'vs-quorum down Shutting down'],
  },
  { name: 'lvs_flush_on_stop: one flush, no per-RS lines or notifications', dontRelease: false, flush: true, finalApplyEmpty: true,
    lines: ['Flushing lvs on shutdown in oneshot'], events: [] },
  { name: '-I: nothing released, nothing said', dontRelease: true, flush: false, finalApplyEmpty: false, lines: [], events: [] },
  { name: '-I wins over lvs_flush_on_stop', dontRelease: true, flush: true, finalApplyEmpty: false, lines: [], events: [] },
];

describe('check: stop (clear_services, -I, lvs_flush_on_stop)', () => {
  for (const r of rows) {
    it(r.name, async () => {
      const clock = new FakeClock(0);
      const timers = new FakeTimers(clock);
      const logger = memoryLogger(0);
      const sink = new RecordingSink();
      const events: CheckerEvent[] = [];
      const vs = mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [{ type: 'TCP_CHECK' }]), mkRs('10.0.0.3', 80, [{ type: 'TCP_CHECK' }])], { omega: true });
      const h = await startCheckers(mkConfig([vs], { lvsFlushOnStop: r.flush }), {
        logger, lvs: sink, clock, timers, probeFactory: new World(() => ({ ok: true })).factory,
        onEvent: (e) => events.push(e),
        dontRelease: r.dontRelease,
      });
      await timers.advance(3000);
      await settle();
      assert.equal(sink.dests().length, 2);
      logger.records.length = 0;
      events.length = 0;
      const applies = sink.states.length;
      await h.stop();
      assert.deepEqual(logger.lines(), r.lines);
      assert.deepEqual(events.map((e) => e.kind === 'rs-state' ? `rs-state ${e.up ? 'up' : 'down'} ${e.reason} ${e.rsText}` : e.kind === 'vs-quorum' ? `vs-quorum ${e.up ? 'up' : 'down'} ${e.what}` : e.kind), r.events);
      assert.equal(sink.states.length > applies && sink.last()!.services.length === 0, r.finalApplyEmpty);
    });
  }
});
