// Engine tables with a FakeClock: quorum / hysteresis / sorry server / inhibit_on_failure / alpha /
// misc_dynamic weights and their effect on the desired IPVS state and events; reload keeping
// state; identical probes shared; ha_suspend; stop.
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/common/clock.js';
import { memoryLogger } from '../../../src/common/log.js';
import { CheckerEngine } from '../../../src/check/runtime.js';
import type { CheckerEvent } from '../../../src/check/events.js';
import type { Outcome } from '../../../src/check/core/checker-fsm.js';
import type { Checker, VirtualServer } from '../../../src/config/model.js';
import type { LvsDesiredState } from '../../../src/common/lvs-desired.js';
import { FakeTimers, RecordingSink, World, mkConfig, mkRs, mkVs, settle } from './fixtures.js';

const VS = '[10.0.0.100]:tcp:80';
const rsT = (n: number): string => `[10.0.0.${n}]:tcp:80`;
const TCP: Checker = { type: 'TCP_CHECK', retry: 0 };
const OK: Outcome = { ok: true };
const KO: Outcome = { ok: false, why: 'failed' };

async function engineFor(vs: VirtualServer, decide: (a: string) => Outcome = () => OK) {
  const clock = new FakeClock(0);
  const timers = new FakeTimers(clock);
  const logger = memoryLogger(0);
  const sink = new RecordingSink();
  const events: CheckerEvent[] = [];
  const world = new World(decide);
  const eng = new CheckerEngine(mkConfig([vs]), { logger, lvs: sink, clock, timers, probeFactory: world.factory,
    onEvent: (e) => events.push(e) });
  await eng.start();
  await settle();
  const feed = async (rsIdx: number, o: Outcome): Promise<void> => { eng.feed(eng.insts[rsIdx]!, o); await settle(); };
  return { eng, logger, sink, events, feed, timers, world, clock };
}

describe('check: engine (RS/VS core) tables', () => {
  it('a change while an IPVS apply is in flight is applied after it, and later changes still are', async () => {
    // Seen in the qemu guest: with a slow apply, one change landing mid-apply stopped every later apply.
    const applied: LvsDesiredState[] = [];
    let release: (() => void) | undefined;
    const vs = mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [TCP]), mkRs('10.0.0.3', 80, [TCP])]);
    const eng = new CheckerEngine(mkConfig([vs]), {
      logger: memoryLogger(0), clock: new FakeClock(0), timers: new FakeTimers(new FakeClock(0)),
      probeFactory: new World(() => OK).factory,
      lvs: { apply: async (st) => { applied.push(st);
        if (applied.length === 2) await new Promise<void>((r) => { release = r; }); } },
    });
    await eng.start();
    await settle();
    const dests = () => applied.at(-1)!.services[0]!.destinations.map((d) => d.address);
    eng.feed(eng.insts[0]!, KO); // apply #2 starts and hangs
    await settle();
    assert.equal(applied.length, 2);
    eng.feed(eng.insts[1]!, KO); // lands while #2 is in flight
    await settle();
    release!();
    await settle();
    assert.equal(applied.length, 3);
    assert.deepEqual(dests(), []);
    eng.feed(eng.insts[0]!, OK); // a later change is applied too
    await settle();
    assert.equal(applied.length, 4);
    assert.deepEqual(dests(), ['10.0.0.2']);
    await eng.stop();
  });

  it('at start one failure is enough (retry_it = retry), alpha too; a checker added by a reload retries first', async () => {
    // keepalived 2.2.7 (check_data.c, seen in the qemu guest): "one failure is enough initially".
    const R2: Checker = { type: 'TCP_CHECK', retry: 2 };
    const vs = mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [R2]), mkRs('10.0.0.3', 80, [{ ...R2, alpha: true }])]);
    const t = await engineFor(vs);
    t.logger.records.length = 0;
    await t.feed(0, KO);
    await t.feed(1, KO);
    assert.deepEqual(t.logger.lines(), [`TCP_CHECK on service ${rsT(2)} failed.`, `Removing service ${rsT(2)} from VS ${VS}`,
      `Lost quorum 1-0=1 > 0 for VS ${VS}`, `TCP_CHECK on service ${rsT(3)} failed.`]);
    // After the first check: retries as configured.
    await t.feed(0, OK);
    t.logger.records.length = 0;
    await t.feed(0, KO);
    await t.feed(0, KO);
    assert.deepEqual(t.logger.lines(), []);
    await t.feed(0, KO);
    assert.deepEqual(t.logger.lines(), [`TCP_CHECK on service ${rsT(2)} failed after 2 retries.`, `Removing service ${rsT(2)} from VS ${VS}`,
      `Lost quorum 1-0=1 > 0 for VS ${VS}`]);
    // Reload adding 10.0.0.4: keepalived skips the initial retry_it on reload, so it retries first.
    await t.eng.reload(mkConfig([mkVs('10.0.0.100', 80, [...vs.realServers, mkRs('10.0.0.4', 80, [R2])])]));
    await settle();
    t.logger.records.length = 0;
    await t.feed(2, KO);
    assert.deepEqual(t.logger.lines(), []);
    await t.eng.stop();
  });

  it('quorum 3 hysteresis 1 with weights 2,2,2: lose below 2, regain at 4', async () => {
    const vs = mkVs('10.0.0.100', 80, [2, 3, 4].map((n) => mkRs(`10.0.0.${n}`, 80, [TCP], { weight: 2 })), { quorum: 3, hysteresis: 1 });
    const t = await engineFor(vs);
    assert.deepEqual(t.logger.lines().slice(0, 1), [`Gained quorum 3+1=4 <= 6 for VS ${VS}`]);
    t.logger.records.length = 0;
    await t.feed(0, KO); // W=4 >= 2: keep
    await t.feed(1, KO); // W=2, not < 2: keep
    await t.feed(2, KO); // W=0: lost
    await t.feed(0, OK); // W=2 < 4: still down
    await t.feed(1, OK); // W=4: gained
    assert.deepEqual(t.logger.lines(), [
      `TCP_CHECK on service ${rsT(2)} failed.`, `Removing service ${rsT(2)} from VS ${VS}`,
      `TCP_CHECK on service ${rsT(3)} failed.`, `Removing service ${rsT(3)} from VS ${VS}`,
      `TCP_CHECK on service ${rsT(4)} failed.`, `Removing service ${rsT(4)} from VS ${VS}`, `Lost quorum 3-1=2 > 0 for VS ${VS}`,
      `TCP connection to ${rsT(2)} success.`, `Adding service ${rsT(2)} to VS ${VS}`,
      `TCP connection to ${rsT(3)} success.`, `Adding service ${rsT(3)} to VS ${VS}`, `Gained quorum 3+1=4 <= 4 for VS ${VS}`,
    ]);
    const q = t.events.filter((e) => e.kind === 'vs-quorum').map((e) => (e as { mailBody: string }).mailBody);
    assert.deepEqual(q, ['=> Gained quorum 3+1=4 <= 6 <=', '=> Lost quorum 3-1=2 > 0 <=', '=> Gained quorum 3+1=4 <= 4 <=']);
    assert.deepEqual(t.sink.dests(), ['10.0.0.2:80/2', '10.0.0.3:80/2']);
  });

  it('sorry server: replaces the pool when quorum is lost and leaves when it is regained', async () => {
    const vs = mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [TCP]), mkRs('10.0.0.3', 80, [TCP])],
      { quorum: 2, sorryServer: { address: '10.0.0.9', port: 8080, family: 'inet' } });
    const t = await engineFor(vs);
    t.logger.records.length = 0;
    await t.feed(0, KO);
    assert.deepEqual(t.sink.dests(), ['10.0.0.9:8080/1']);
    await t.feed(0, OK);
    assert.deepEqual(t.sink.dests(), ['10.0.0.2:80/1', '10.0.0.3:80/1']);
    assert.deepEqual(t.logger.lines(), [
      `TCP_CHECK on service ${rsT(2)} failed.`, `Removing service ${rsT(2)} from VS ${VS}`, `Lost quorum 2-0=2 > 1 for VS ${VS}`,
      `Adding sorry server [10.0.0.9]:tcp:8080 to VS ${VS}`, `Removing alive servers from the pool for VS ${VS}`,
      `TCP connection to ${rsT(2)} success.`, `Adding service ${rsT(2)} to VS ${VS}`, `Gained quorum 2+0=2 <= 2 for VS ${VS}`,
      `Removing sorry server [10.0.0.9]:tcp:8080 from VS ${VS}`, `Adding alive servers to the pool for VS ${VS}`,
    ]);
  });

  it('sorry_server_inhibit: in the table at weight 0 from the start, weight 1 while quorum is lost (2.2.7 init_service_vs / ipvs_cmd)', async () => {
    const vs = mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [TCP]), mkRs('10.0.0.3', 80, [TCP])],
      { quorum: 2, sorryServer: { address: '10.0.0.9', port: 8080, family: 'inet', inhibit: true } });
    const t = await engineFor(vs);
    assert.deepEqual(t.sink.dests(), ['10.0.0.2:80/1', '10.0.0.3:80/1', '10.0.0.9:8080/0']);
    t.logger.records.length = 0;
    await t.feed(0, KO);
    assert.deepEqual(t.sink.dests(), ['10.0.0.9:8080/1']);
    await t.feed(0, OK);
    assert.deepEqual(t.sink.dests(), ['10.0.0.2:80/1', '10.0.0.3:80/1', '10.0.0.9:8080/0']);
    await t.feed(0, KO);
    assert.deepEqual(t.sink.dests(), ['10.0.0.9:8080/1']);
    assert.deepEqual(t.logger.lines().filter((l) => l.includes('sorry')), [
      `Enabling sorry server [10.0.0.9]:tcp:8080 to VS ${VS}`, `Disabling sorry server [10.0.0.9]:tcp:8080 from VS ${VS}`,
      `Enabling sorry server [10.0.0.9]:tcp:8080 to VS ${VS}`]);
  });

  it('sorry server at start when alpha leaves the pool empty: "Starting with quorum down"', async () => {
    const vs = mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [TCP])], { alpha: true, sorryServer: { address: '10.0.0.9', port: 80, family: 'inet' } });
    const t = await engineFor(vs);
    assert.deepEqual(t.logger.lines().slice(0, 3), [`Starting with quorum down 1-0=1 > 0 for VS ${VS}`,
      `Adding sorry server [10.0.0.9]:tcp:80 to VS ${VS}`, `Removing alive servers from the pool for VS ${VS}`]);
    assert.deepEqual(t.sink.dests(), ['10.0.0.9:80/1']);
  });

  it('inhibit_on_failure: weight 0 instead of removal, Disabling/Enabling lines', async () => {
    const vs = mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [TCP], { weight: 3 }), mkRs('10.0.0.3', 80, [TCP])], { inhibitOnFailure: true });
    const t = await engineFor(vs);
    t.logger.records.length = 0;
    await t.feed(0, KO);
    assert.deepEqual(t.sink.dests(), ['10.0.0.2:80/0', '10.0.0.3:80/1']);
    await t.feed(0, OK);
    assert.deepEqual(t.sink.dests(), ['10.0.0.2:80/3', '10.0.0.3:80/1']);
    assert.deepEqual(t.logger.lines(), [`TCP_CHECK on service ${rsT(2)} failed.`, `Disabling service ${rsT(2)} of VS ${VS}`,
      `TCP connection to ${rsT(2)} success.`, `Enabling service ${rsT(2)} of VS ${VS}`]);
    await t.eng.stop();
    assert.ok(t.logger.lines().includes(`Shutting down service ${rsT(2)} from VS ${VS}`));
  });

  it('alpha: RS starts out of the pool and joins after its first success', async () => {
    const vs = mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [TCP], { alpha: true }), mkRs('10.0.0.3', 80, [TCP])]);
    const t = await engineFor(vs);
    assert.deepEqual(t.sink.dests(), ['10.0.0.3:80/1']);
    await t.feed(0, OK);
    assert.deepEqual(t.sink.dests(), ['10.0.0.2:80/1', '10.0.0.3:80/1']);
    assert.ok(t.logger.lines().includes(`Adding service ${rsT(2)} to VS ${VS}`));
  });

  it('an RS is alive only when all of its checkers are up', async () => {
    const vs = mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [TCP, { type: 'TCP_CHECK', retry: 0, connectPort: 81 }]), mkRs('10.0.0.3', 80, [TCP])]);
    const t = await engineFor(vs);
    await t.feed(0, KO); await t.feed(1, KO);
    assert.deepEqual(t.sink.dests(), ['10.0.0.3:80/1']);
    await t.feed(0, OK);
    assert.deepEqual(t.sink.dests(), ['10.0.0.3:80/1']);
    await t.feed(1, OK);
    assert.deepEqual(t.sink.dests(), ['10.0.0.2:80/1', '10.0.0.3:80/1']);
  });

  it('misc_dynamic weight goes to IPVS and to the quorum sum', async () => {
    const misc: Checker = { type: 'MISC_CHECK', retry: 0, miscDynamic: true, miscPath: { argv: ['/bin/chk'], raw: '/bin/chk' } };
    const vs = mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [misc], { weight: 5 })], { quorum: 5 });
    const t = await engineFor(vs);
    t.logger.records.length = 0;
    await t.feed(0, { ok: true, exitCode: 12 });
    await t.feed(0, { ok: true, exitCode: 4 });
    assert.deepEqual(t.logger.lines(), [
      `Changing weight from 5 to 10 for active service ${rsT(2)} of VS ${VS}`, `Misc check for [${rsT(2)} VS ${VS}] by [/bin/chk] succeeded.`,
      `Changing weight from 10 to 2 for active service ${rsT(2)} of VS ${VS}`, `Lost quorum 5-0=5 > 2 for VS ${VS}`]);
    assert.deepEqual(t.sink.dests(), ['10.0.0.2:80/2']);
  });

  it('events: RS checker change carries the mail body; smtp_alert respects no_checker_emails semantics', async () => {
    const vs = mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [TCP], { notifyDown: { argv: ['/bin/down'], raw: '/bin/down' } })]);
    const t = await engineFor(vs);
    await t.feed(0, KO);
    const rsEv = t.events.filter((e) => e.kind !== 'vs-quorum');
    assert.equal(rsEv.length, 2);
    assert.deepEqual(rsEv.map((e) => e.kind), ['rs-state', 'rs-checker']);
    const st = rsEv[0]!;
    assert.ok(st.kind === 'rs-state' && st.up === false && st.script?.raw === '/bin/down');
    const ck = rsEv[1]!;
    assert.ok(ck.kind === 'rs-checker' && ck.mailBody === '=> TCP CHECK failed on service <=' && ck.rsAlive === false && ck.smtpAlert && ck.checkerType === 'TCP_CHECK');
  });

  it('an apply rebuilds only the services of virtual servers that changed (others are the same objects)', async () => {
    const applied: LvsDesiredState[] = [];
    const vss = [100, 101, 102].map((n) => mkVs(`10.0.0.${n}`, 80, [mkRs('10.0.1.2', 80, [TCP]), mkRs('10.0.1.3', 80, [TCP])]));
    const eng = new CheckerEngine(mkConfig(vss), {
      // timers never advanced here
      logger: memoryLogger(0), lvs: { apply: async (st) => { applied.push(st); } }, clock: new FakeClock(0),
      timers: new FakeTimers(new FakeClock(0)),
      probeFactory: new World(() => OK).factory,
    });
    await eng.start();
    await settle();
    const first = applied.at(-1)!;
    eng.feed(eng.insts[2]!, KO); // VS 10.0.0.101, its first real server
    await settle();
    const second = applied.at(-1)!;
    assert.notEqual(second, first);
    assert.equal(second.services[0], first.services[0]);
    assert.equal(second.services[2], first.services[2]);
    assert.notEqual(second.services[1], first.services[1]);
    assert.deepEqual(second.services[1]!.destinations.map((d) => d.address), ['10.0.1.3']);
    assert.deepEqual(second, eng.desired()); // the same content as a full rebuild
    await eng.stop();
  });

  it('identical checks of the same RS run once and are shared', async () => {
    const vs = mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [TCP, TCP])], { delayLoop: 1 });
    const clock = new FakeClock(0);
    const timers = new FakeTimers(clock);
    let runs = 0;
    const eng = new CheckerEngine(mkConfig([vs]), {
      logger: memoryLogger(0), lvs: new RecordingSink(), clock, timers, random: () => 0,
      probeFactory: () => ({ key: () => 'same', run: () => new Promise((r) => { runs++; setTimeout(() => r({ ok: true }), 5); }) }),
    });
    await eng.start();
    await timers.advance(1000);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(runs, 1);
    assert.deepEqual(eng.stats(), { checks: 2, probesStarted: 1, probesShared: 1, probesQueued: 0, peakInFlight: 1 });
    await eng.stop();
  });

  it('identical checks stay in step: one probe per round even with different random draws', async () => {
    const vs = mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [TCP, TCP, TCP])], { delayLoop: 1 });
    const clock = new FakeClock(0);
    const timers = new FakeTimers(clock);
    let runs = 0;
    let r = 0;
    const eng = new CheckerEngine(mkConfig([vs]), {
      logger: memoryLogger(0), lvs: new RecordingSink(), clock, timers, random: () => [0.1, 0.5, 0.9][r++ % 3]!,
      probeFactory: () => ({ key: () => 'same', run: async () => { runs++; return OK; } }),
    });
    await eng.start();
    await timers.advance(10500);
    assert.equal(eng.stats().checks, 3 * runs);
    assert.ok(runs >= 9 && runs <= 10, `runs=${runs}`);
    await eng.stop();
  });

  it('checks are spread over the warmup window, not fired in a burst', async () => {
    const rss = Array.from({ length: 50 }, (_, k) => mkRs(`10.0.1.${k}`, 80, [TCP]));
    const vs = mkVs('10.0.0.100', 80, rss, { delayLoop: 10 });
    const clock = new FakeClock(0);
    const timers = new FakeTimers(clock);
    const at: number[] = [];
    const eng = new CheckerEngine(mkConfig([vs]), { logger: memoryLogger(0), lvs: new RecordingSink(), clock, timers,
      probeFactory: (c, p) => ({ key: () => p.connectIp, run: async () => { at.push(clock.now()); return OK; } }) });
    await eng.start();
    await timers.advance(11000);
    assert.equal(at.length, 50);
    const buckets = new Set(at.map((t) => Math.floor(t / 1000)));
    assert.ok(buckets.size >= 8, `first checks fell in only ${buckets.size} one-second buckets`);
    await eng.stop();
  });

  it('ha_suspend: no probes while the VS address is not local', async () => {
    const vs = mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [TCP])], { haSuspend: true, delayLoop: 1 });
    const clock = new FakeClock(0);
    const timers = new FakeTimers(clock);
    let local = false;
    let runs = 0;
    const logger = memoryLogger(0);
    const eng = new CheckerEngine(mkConfig([vs]), { logger, lvs: new RecordingSink(), clock, timers, random: () => 0,
      isLocalAddress: () => local, probeFactory: () => ({ key: () => 'k', run: async () => { runs++; return OK; } }) });
    await eng.start();
    await timers.advance(3500);
    assert.equal(runs, 0);
    local = true;
    await timers.advance(2000);
    assert.ok(runs >= 1);
    assert.deepEqual(logger.lines().filter((l) => l.includes('ctivating')), [
      `Deactivating healthchecker for service ${rsT(2)} for VS ${VS}`, `Activating healthchecker for service ${rsT(2)} for VS ${VS}`]);
    await eng.stop();
  });

  it('reload keeps unchanged RS state, removes gone RS, adds new RS', async () => {
    const mk = (ns: number[]) => mkVs('10.0.0.100', 80, ns.map((n) => mkRs(`10.0.0.${n}`, 80, [TCP])));
    const t = await engineFor(mk([2, 3]));
    await t.feed(0, KO); // .2 down
    t.logger.records.length = 0;
    await t.eng.reload(mkConfig([mk([2, 4])]));
    await settle();
    assert.deepEqual(t.logger.lines(), [`Removing service ${rsT(3)} from VS ${VS}`, `Activating healthchecker for service ${rsT(4)} for VS ${VS}`]);
    assert.deepEqual(t.sink.dests(), ['10.0.0.4:80/1']);
    assert.equal(t.eng.insts[0]!.isUp, false);
    await t.feed(0, OK);
    assert.deepEqual(t.sink.dests(), ['10.0.0.2:80/1', '10.0.0.4:80/1']);
    assert.match(t.eng.snapshot(), /RS = \[10\.0\.0\.2\]:tcp:80\n {5}alive = yes/);
    await t.eng.stop();
  });

  it('a failing LvsSink (no IPVS) does not stop checking', async () => {
    const vs = mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [TCP])], { delayLoop: 1 });
    const clock = new FakeClock(0);
    const timers = new FakeTimers(clock);
    let runs = 0;
    let applies = 0;
    const eng = new CheckerEngine(mkConfig([vs]), { logger: memoryLogger(0), clock, timers, random: () => 0,
      lvs: { apply: async () => { applies++; throw new Error('IPVS: no such file'); } },
      probeFactory: () => ({ key: () => 'k', run: async () => { runs++; return runs > 2 ? KO : OK; } }) });
    await eng.start();
    await timers.advance(6000);
    assert.ok(runs >= 5, `runs=${runs}`);
    assert.ok(applies >= 2);
    await eng.stop();
  });
});
