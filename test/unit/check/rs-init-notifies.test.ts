// rs_init_notifies (keepalived 2.2.7 ipwrapper.c init_service_rs / do_rs_notifies): a real server
// that starts alive - no checker failed yet, as at start (alpha checkers start failed) or added by
// a reload - gets its notify_up and its FIFO line; without the keyword, or for a server that starts
// down, nothing; never a mail. Measured in the qemu guest, ours beside 2.2.7: test/vm/data/rs-init-ipvs-ns-2.2.7.md.
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/common/clock.js';
import { memoryLogger } from '../../../src/common/log.js';
import { CheckerEngine } from '../../../src/check/runtime.js';
import type { CheckerEvent } from '../../../src/check/events.js';
import type { Checker, VirtualServer } from '../../../src/config/model.js';
import { NotifyPlanner } from '../../../src/notify/plan.js';
import { FakeTimers, RecordingSink, World, mkConfig, mkRs, mkVs, settle } from './fixtures.js';

const TCP: Checker = { type: 'TCP_CHECK', retry: 0 };
const up = (ip: string) => ({ argv: ['/s/up', ip], raw: `/s/up ${ip}` });

async function start(vss: VirtualServer[], rsInitNotifies: boolean | undefined) {
  const clock = new FakeClock(0);
  const events: CheckerEvent[] = [];
  const global = { ...(rsInitNotifies === undefined ? {} : { rsInitNotifies }), notifyFifo: { path: '/run/f' } };
  const eng = new CheckerEngine(mkConfig(vss, global), {
    logger: memoryLogger(0), lvs: new RecordingSink(), clock, timers: new FakeTimers(clock),
    probeFactory: new World(() => ({ ok: true })).factory,
    onEvent: (e) => events.push(e),
  });
  await eng.start();
  await settle();
  return { eng, events, global };
}

const rsEvents = (es: CheckerEvent[]) => es.filter((e) => e.kind === 'rs-state').map((e) => `${e.reason} ${e.rsText} ${e.up ? 'UP' : 'DOWN'}`);

describe('check: rs_init_notifies', () => {
  const vs = () => {
    const v = mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [TCP]), mkRs('10.0.0.3', 80, [{ ...TCP, alpha: true }]), mkRs('10.0.0.4', 80, [])]);
    v.realServers.forEach((r) => { r.notifyUp = up(r.address); });
    return v;
  };

  it('real servers that start alive are notified, in order, before the quorum; alpha ones (start failed) are not', async () => {
    const t = await start([vs()], true);
    assert.deepEqual(rsEvents(t.events), ['init [10.0.0.2]:tcp:80 UP', 'init [10.0.0.4]:tcp:80 UP']);
    assert.equal(t.events.findIndex((e) => e.kind === 'vs-quorum'), 2);
    // notify_up and the FIFO line, no mail (2.2.7 leaves mails to the checkers)
    const plan = new NotifyPlanner({ ...mkConfig([], { ...t.global, notificationEmail: ['a@b'], smtpServer: { host: '127.0.0.1', port: 25 } }) } as never);
    const acts = plan.planChecker(t.events[0]!).map((a) => a.kind === 'script' ? `script ${a.argv.join(' ')}` : a.kind === 'fifo' ? `fifo ${JSON.stringify(a.data)}` : 'mail');
    assert.deepEqual(acts, ['script /s/up 10.0.0.2', 'fifo "RS [10.0.0.2]:tcp:80 [10.0.0.100]:tcp:80 UP\\n"']);
    await t.eng.stop({ clearServices: false });
  });

  it('without it (or false): no notification at start', async () => {
    for (const v of [undefined, false]) {
      const t = await start([vs()], v);
      assert.deepEqual(rsEvents(t.events), []);
      await t.eng.stop({ clearServices: false });
    }
  });

  it('a real server a reload adds starts alive and is notified; the ones kept are not notified again', async () => {
    const t = await start([vs()], true);
    t.events.length = 0;
    const v2 = vs();
    v2.realServers.push(mkRs('10.0.0.5', 80, [TCP]));
    v2.realServers.at(-1)!.notifyUp = up('10.0.0.5');
    await t.eng.reload(mkConfig([v2], { ...t.global }));
    await settle();
    assert.deepEqual(rsEvents(t.events), ['init [10.0.0.5]:tcp:80 UP']);
    await t.eng.stop({ clearServices: false });
  });
});
