// Replays the timelines of the keepalived 2.2.7 captures chk-fakeipvs-defaults and
// chk-fakeipvs-logall (shared/reference/keepalived-2.2.7-captures/logs) against the engine with
// a fake clock and scripted servers, and requires the same checker log lines in the same order.
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/common/clock.js';
import { memoryLogger } from '../../../src/common/log.js';
import { startCheckers } from '../../../src/check/index.js';
import type { Outcome } from '../../../src/check/core/checker-fsm.js';
import { FakeTimers, RecordingSink, World, fixedRandom, mkConfig, mkRs, mkVs } from './fixtures.js';

const VS = '[10.198.0.100]:tcp:80';
const RS1 = '[10.198.0.21]:tcp:80';
const RS2 = '[10.198.0.22]:tcp:80';

/** The capture's config: delay_loop 2; rs1 TCP_CHECK connect_timeout 2; rs2 HTTP_GET /index.html status 200, retry 1,
 *  dbr 1. */
function captureConfig(logAll: boolean) {
  const vs = mkVs('10.198.0.100', 80, [
    mkRs('10.198.0.21', 80, [{ type: 'TCP_CHECK', connectTimeout: 2 }], { smtpAlert: true }),
    mkRs('10.198.0.22', 80, [{ type: 'HTTP_GET', urls: [{ path: '/index.html', statusCode: [{ from: 200, to: 200 }] }], connectTimeout: 2, retry: 1, delayBeforeRetry: 1 }], { smtpAlert: true }),
  ], { delayLoop: 2 });
  return mkConfig([vs], { checkerLogAllFailures: logAll });
}

const DEFAULT_LINES = [
  `Gained quorum 1+0=1 <= 2 for VS ${VS}`,
  `Activating healthchecker for service ${RS1} for VS ${VS}`,
  `Activating healthchecker for service ${RS2} for VS ${VS}`,
  `TCP connection to ${RS1} success.`,
  `Remote Web server ${RS2} succeed on service.`,
  `TCP_CHECK on service ${RS1} failed after 1 retries.`,
  `Removing service ${RS1} from VS ${VS}`,
  `TCP connection to ${RS1} success.`,
  `Adding service ${RS1} to VS ${VS}`,
  `HTTP_CHECK on service ${RS2} failed after 1 retries.`,
  `Removing service ${RS2} from VS ${VS}`,
  `HTTP status code success to ${RS2} url(/index.html)`,
  `HTTP status code success to ${RS2} url(/index.html)`,
  `Remote Web server ${RS2} succeed on service.`,
  `Adding service ${RS2} to VS ${VS}`,
  `HTTP_CHECK on service ${RS2} failed after 1 retries.`,
  `Removing service ${RS2} from VS ${VS}`,
  `Shutting down service ${RS1} from VS ${VS}`,
  `Shutting down service ${RS2} from VS ${VS}`,
];

interface Timeline { firstTcp: number; firstHttp: number; rs1Stop: number; rs1Start: number; rs2Stop: number;
  rs2Start: number; rs2404: number; stop: number }

let lastDests: string[] = [];

async function replay(t: Timeline, logAll: boolean): Promise<string[]> {
  const clock = new FakeClock(0);
  const timers = new FakeTimers(clock);
  const logger = memoryLogger(0);
  const world = new World((addr): Outcome => {
    const now = clock.now();
    if (addr === '10.198.0.21') return now >= t.rs1Stop && now < t.rs1Start ? { ok: false, why: 'failed' } : { ok: true };
    if (now >= t.rs2Stop && now < t.rs2Start) return { ok: false, why: 'text', text: 'Connection failed' };
    if (now >= t.rs2404) return { ok: false, why: 'text', text: 'HTTP status code error to' };
    return { ok: true, text: 'HTTP status code' };
  });
  const sink = new RecordingSink();
  const h = await startCheckers(captureConfig(logAll), {
    logger, lvs: sink, clock, timers, probeFactory: world.factory,
    random: fixedRandom([(t.firstTcp - 1000) / 2000, (t.firstHttp - 1000) / 2000]),
  });
  await timers.advance(t.stop);
  await h.stop();
  lastDests = sink.states.map((st) => (st.services[0]?.destinations ?? []).map((d) => d.address.split('.')[3]).join(',') || '-');
  return logger.lines();
}

describe('check: replay of keepalived 2.2.7 checker captures', () => {
  it('chk-fakeipvs-defaults: same lines, same order', async () => {
    // Offsets (ms) from the capture's events file and FAKEIPVS timestamps (start 15:21:20.493).
    const lines = await replay({ firstTcp: 2662, firstHttp: 2905, rs1Stop: 8019, rs1Start: 16234, rs2Stop: 22747,
      rs2Start: 31965, rs2404: 38482, stop: 47490 }, false);
    assert.deepEqual(lines, DEFAULT_LINES);
    // The IPVS tables handed over match the FAKEIPVS ADD/DEL sequence of the capture.
    assert.deepEqual(lastDests, ['21,22', '22', '21,22', '21', '21,22', '21', '-']);
  });

  it('chk-fakeipvs-explicit: same lines, same order (other check phases)', async () => {
    const lines = await replay({ firstTcp: 2382, firstHttp: 2538, rs1Stop: 8035, rs1Start: 16259, rs2Stop: 22779,
      rs2Start: 32003, rs2404: 38520, stop: 47545 }, false);
    assert.deepEqual(lines, DEFAULT_LINES);
  });

  it('chk-fakeipvs-logall: per-failure lines with checker_log_all_failures', async () => {
    const lines = await replay({ firstTcp: 1794, firstHttp: 1228, rs1Stop: 8044, rs1Start: 16260, rs2Stop: 22777,
      rs2Start: 31993, rs2404: 38505, stop: 47517 }, true);
    assert.deepEqual(lines, [
      `Gained quorum 1+0=1 <= 2 for VS ${VS}`,
      `Activating healthchecker for service ${RS1} for VS ${VS}`,
      `Activating healthchecker for service ${RS2} for VS ${VS}`,
      `Remote Web server ${RS2} succeed on service.`,
      `TCP connection to ${RS1} success.`,
      `TCP connection to ${RS1} failed.`,
      `TCP connection to ${RS1} failed.`,
      `TCP_CHECK on service ${RS1} failed after 1 retries.`,
      `Removing service ${RS1} from VS ${VS}`,
      `TCP connection to ${RS1} success.`,
      `Adding service ${RS1} to VS ${VS}`,
      `Connection failed server ${RS2}.`,
      `Connection failed server ${RS2}.`,
      `HTTP_CHECK on service ${RS2} failed after 1 retries.`,
      `Removing service ${RS2} from VS ${VS}`,
      `HTTP status code success to ${RS2} url(/index.html)`,
      `HTTP status code success to ${RS2} url(/index.html)`,
      `Remote Web server ${RS2} succeed on service.`,
      `Adding service ${RS2} to VS ${VS}`,
      `HTTP status code error to server ${RS2}.`,
      `HTTP status code error to server ${RS2}.`,
      `HTTP_CHECK on service ${RS2} failed after 1 retries.`,
      `Removing service ${RS2} from VS ${VS}`,
      `Shutting down service ${RS1} from VS ${VS}`,
      `Shutting down service ${RS2} from VS ${VS}`,
    ]);
  });
});
