// Runtime helpers without root: vrrp_script rise/fall bookkeeping (table), the script runner on real
// processes (exit codes, timeout), track_file values, and deadline timers.
import assert from 'node:assert/strict';
import { mock } from 'node:test';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { monotonicClock } from '../../../../src/common/clock.js';
import { memoryLogger } from '../../../../src/common/log.js';
import { FakeClock } from '../../../../src/common/clock.js';
import { DeadlineTimers } from '../../../../src/vrrp/io/deadline-timers.js';
import { RiseFall, runOnce, ScriptRunner, type ScriptResult } from '../../../../src/vrrp/io/script-runner.js';
import { readTrackValue, TrackFileWatcher } from '../../../../src/vrrp/io/track-file.js';
import type { VrrpScript } from '../../../../src/config/model.js';
import { withTempDir } from '../../../helpers/tmpdir.js';

const ok: ScriptResult = { kind: 'exit', code: 0 };
const self = { uid: process.getuid!(), gid: process.getgid!() };
const fail = (code = 1): ScriptResult => ({ kind: 'exit', code });

describe('vrrp/io runtime helpers', () => {
  describe('RiseFall', () => {
    type Row = { name: string; rise: number; fall: number; initFail: boolean; feed: ScriptResult[]; lines: string[];
      ok: boolean | undefined };
    const table: Row[] = [
      { name: 'first success', rise: 1, fall: 1, initFail: false, feed: [ok], lines: ['VRRP_Script(chk) succeeded'], ok: true },
      // 2.2.7's last status starts at 0: a first failure logs "now returning"
      // (test/unit/vrrp/data/ka227-weighted-script-r2.log)
      { name: 'first failure', rise: 1, fall: 1, initFail: false, feed: [fail(3)], lines: ['Script `chk` now returning 3', 'VRRP_Script(chk) failed (exited with status 3)'], ok: false },
      { name: 'fall 3 needs three failures', rise: 1, fall: 3, initFail: false, feed: [ok, fail(), fail()],
        lines: ['VRRP_Script(chk) succeeded', 'Script `chk` now returning 1'], ok: true },
      { name: 'fall 3 reached', rise: 1, fall: 3, initFail: false, feed: [ok, fail(), fail(), fail()],
        lines: ['VRRP_Script(chk) succeeded', 'Script `chk` now returning 1', 'VRRP_Script(chk) failed (exited with status 1)'], ok: false },
      { name: 'rise 2 after init_fail', rise: 2, fall: 1, initFail: true, feed: [ok, ok], lines: ['VRRP_Script(chk) succeeded'], ok: true },
      { name: 'rise interrupted', rise: 2, fall: 1, initFail: true, feed: [ok, fail(), ok], lines: ['Script `chk` now returning 1', 'Script `chk` now returning 0'], ok: false },
      { name: 'timeout', rise: 1, fall: 1, initFail: false, feed: [ok, { kind: 'timeout' }], lines: ['VRRP_Script(chk) succeeded', 'VRRP_Script(chk) timed_out'], ok: false },
      { name: 'killed by a signal (2.2.7: "due to signal")', rise: 1, fall: 1, initFail: false, feed: [ok, { kind: 'signal', signal: 9 }], lines: ['VRRP_Script(chk) succeeded', 'VRRP_Script(chk) failed (due to signal 9)'], ok: false },
    ];
    // 2.2.7 keeps a script's result and last status over a reload (clear_diff_script): no new line for the same result
    it('carried over a reload: the same result logs nothing, a change logs as usual', () => {
      const before = new RiseFall('chk', 1, 1, false);
      before.feed(fail(2));
      const after = new RiseFall('chk', 1, 1, false, before.state());
      assert.equal(after.ok, false);
      assert.deepEqual(after.feed(fail(2)).lines, []);
      assert.deepEqual(after.feed(ok).lines, ['Script `chk` now returning 0', 'VRRP_Script(chk) succeeded']);
      assert.equal(new RiseFall('chk', 1, 1, false).state(), undefined, 'no result yet: nothing to carry');
    });
    for (const c of table) {
      it(c.name, () => {
        const rf = new RiseFall('chk', c.rise, c.fall, c.initFail);
        const lines = c.feed.flatMap((r) => rf.feed(r).lines);
        assert.deepEqual(lines, c.lines);
        assert.equal(rf.ok, c.ok);
      });
    }
  });

  it('runOnce: exit codes without a shell, timeout kills the child', async () => {
    assert.deepEqual(await runOnce(['/bin/true'], 2000, self), { kind: 'exit', code: 0 });
    assert.deepEqual(await runOnce(['/bin/sh', '-c', 'exit 7'], 2000, self), { kind: 'exit', code: 7 });
    assert.deepEqual(await runOnce(['/bin/echo', '$(false)', ';', 'exit 3'], 2000, self), { kind: 'exit', code: 0 });
    const t = Date.now();
    assert.deepEqual(await runOnce(['/bin/sleep', '5'], 150, self), { kind: 'timeout' });
    assert.ok(Date.now() - t < 1000);
    assert.equal((await runOnce(['/nonexistent/x'], 500, self)).kind, 'error');
    assert.deepEqual(await runOnce(['/bin/sh', '-c', 'kill -USR1 $$'], 2000, self), { kind: 'signal', signal: 10 });
  });

  it('ScriptRunner reports a change after fall failures', async () => {
    await withTempDir('kvsr', async (dir) => {
      const flag = path.join(dir, 'down');
      const script: VrrpScript = { name: 'chk', script: { argv: ['/bin/sh', '-c', `test ! -e ${flag}`], raw: '' }, interval: 0.05, weight: 0, weightReverse: false, rise: 1, fall: 2, initFail: false };
      const log = memoryLogger();
      const changes: boolean[] = [];
      const r = new ScriptRunner(script, self, log, (v) => changes.push(v));
      r.start();
      await new Promise((res) => setTimeout(res, 300));
      writeFileSync(flag, '');
      await new Promise((res) => setTimeout(res, 500));
      r.stop();
      assert.deepEqual(changes, [true, false]);
      assert.deepEqual(log.lines().filter((l) => !l.startsWith('Script')), ['VRRP_Script(chk) succeeded', 'VRRP_Script(chk) failed (exited with status 1)']);
      assert.ok(log.lines().includes('Script `chk` now returning 1'));
    });
  });

  it('track_file: integer value, 0 when missing or garbage; watcher reports changes', async () => {
    await withTempDir('kvtf', async (dir) => {
      const f = path.join(dir, 'v');
      assert.equal(readTrackValue(f), 0);
      writeFileSync(f, '  -12\n'); assert.equal(readTrackValue(f), -12);
      writeFileSync(f, 'abc'); assert.equal(readTrackValue(f), 0);
      writeFileSync(f, '0');
      const seen: number[] = [];
      const w = new TrackFileWatcher(f, (v) => seen.push(v), 50);
      writeFileSync(f, '5\n');
      await new Promise((res) => setTimeout(res, 200));
      w.close();
      assert.deepEqual(seen, [5]);
    });
  });

  // measured on 2.2.7 (weight 1 on priority 100, the file rewritten: 0x10 -> 116, 010 -> 108, " 7" -> 107,
  // 99999999999 -> "Invalid number 99999999999 read from F - ignoring", -0x3 -> 97, abc -> 100, 2 -> 102)
  it('track_file as 2.2.7 reads it (strtol base 0): hex, octal, blanks, sign; an out-of-range number is logged and ignored', async () => {
    await withTempDir('kvtf', async (dir) => {
      const f = path.join(dir, 'v');
      writeFileSync(f, '0');
      const log = memoryLogger();
      const seen: number[] = [];
      const w = new TrackFileWatcher(f, (v) => seen.push(v), 20, log);
      for (const v of ['0x10', '010', ' 7', '99999999999', '-0x3', 'abc', '2']) {
        writeFileSync(f, `${v}\n`);
        await new Promise((res) => setTimeout(res, 80));
      }
      w.close();
      assert.deepEqual(seen, [16, 8, 7, -3, 0, 2]);
      assert.deepEqual(log.lines(), [`Invalid number 99999999999 read from ${f} - ignoring`]);
      writeFileSync(f, '0x1f'); assert.equal(readTrackValue(f), 31);
    });
  });

  it('DeadlineTimers fire at the deadline, replace and cancel', async () => {
    const fired: [string, number, number][] = [];
    const t0 = monotonicClock.now();
    const timers = new DeadlineTimers<'a' | 'b'>(monotonicClock, (n, g) => fired.push([n, g, monotonicClock.now() - t0]));
    timers.set('a', 50, 1);
    timers.set('a', 80, 2); // replaces generation 1
    timers.set('b', 30, 3);
    timers.cancel('b');
    await new Promise((res) => setTimeout(res, 150));
    assert.equal(fired.length, 1);
    assert.equal(fired[0]![1], 2);
    assert.ok(fired[0]![2] >= 79.5 && fired[0]![2] < 130, `fired at ${fired[0]![2]}`);
    assert.deepEqual(timers.pending(), []);
  });

  describe('DeadlineTimers on mocked setTimeout and a fake clock (deterministic under load)', () => {
    type Name = 'adver' | 'masterDown' | 'a' | 'b';
    interface Run { clock: FakeClock; timers: DeadlineTimers<Name>; log: string[]; tick(ms: number): void }
    interface Case {
      name: string;
      start: [Name, number, number];
      runMs: number;
      onFire?: (r: Run, name: Name, generation: number) => void;
      beforeFire?: (r: Run, name: Name) => void;
      want: string[];
      /** The timer keeps re-arming: want is the first expiries, not all of them. */
      periodic?: boolean;
    }

    /**
     * Runs fn on timers whose clock and mocked setTimeout move together, 1 ms a tick. Expiries are
     * logged as `${name} ${generation} at ${ms}`, beforeFire calls as `before ${name} at ${ms}`.
     */
    function withFakeTimers(fn: (r: Run) => void, onFire?: Case['onFire'], beforeFire?: Case['beforeFire']): void {
      mock.timers.enable({ apis: ['setTimeout'] });
      try {
        const clock = new FakeClock(0);
        const log: string[] = [];
        const r: Run = {
          clock,
          log,
          timers: new DeadlineTimers<Name>(clock, (n, g) => { log.push(`${n} ${g} at ${clock.now()}`); onFire?.(r, n, g); },
            beforeFire && ((n) => { log.push(`before ${n} at ${clock.now()}`); beforeFire(r, n); })),
          tick(ms) { for (let i = 0; i < ms; i++) { clock.advance(1); mock.timers.tick(1); } },
        };
        fn(r);
      } finally { mock.timers.reset(); }
    }

    const table: Case[] = [
      {
        // each expiry "takes" 4 ms before re-arming 20 ms; re-arming from the callback's time would give a period of 24
        // ms
        name: 'a timer re-set from its own expiry keeps its period (no drift from callback latency)',
        start: ['adver', 20, 0], runMs: 205,
        onFire: (r, _n, g) => { r.clock.advance(4); r.timers.set('adver', 20, g + 1); },
        want: [20, 40, 60, 80, 100, 120, 140, 160, 180, 200].map((t, i) => `adver ${i} at ${t}`), periodic: true,
      },
      {
        // 20, then a 30 ms stall inside the first expiry ends at 50: next deadline 50 + 20 = 70 (not 40 at once), then
        // 90
        name: 'a periodic timer that is later than its period counts from now (no burst)',
        start: ['adver', 20, 0], runMs: 100,
        onFire: (r, _n, g) => { if (g === 0) r.clock.advance(30); r.timers.set('adver', 20, g + 1); },
        want: ['adver 0 at 20', 'adver 1 at 70', 'adver 2 at 90'], periodic: true,
      },
      {
        // one queued packet resets the timer once, in the first beforeFire
        name: 'beforeFire runs first; a re-arm there (a pending packet) drops the expiry',
        start: ['masterDown', 10, 1], runMs: 60,
        beforeFire: (r) => { if (r.log.length === 1) r.timers.set('masterDown', 20, 2); },
        want: ['before masterDown at 10', 'before masterDown at 30', 'masterDown 2 at 30'],
      },
      {
        // b's expiry takes 5 ms, then sets a: from now (25), not from b's deadline (20)
        name: 'a re-set from another event counts from now',
        start: ['b', 20, 1], runMs: 100,
        onFire: (r, n) => { if (n === 'b') { r.clock.advance(5); r.timers.set('a', 40, 2); } },
        want: ['b 1 at 20', 'a 2 at 65'],
      },
    ];
    for (const c of table) {
      it(c.name, () => withFakeTimers((r) => {
        r.timers.set(...c.start);
        r.tick(c.runMs);
        assert.deepEqual(c.periodic ? r.log.slice(0, c.want.length) : r.log, c.want);
      }, c.onFire, c.beforeFire));
    }

    it('pushing an armed timer later moves its deadline without a new Node timer; an earlier one re-arms', () => withFakeTimers((r) => {
      const real = globalThis.setTimeout;
      let armed = 0;
      globalThis.setTimeout = ((fn: () => void, ms?: number) => { armed++; return real(fn, ms); }) as typeof setTimeout;
      try {
        r.timers.set('masterDown', 36.1, 1);
        // an advert every 10 ms for 100 ms pushes the deadline each time
        for (let i = 1; i <= 100; i++) {
          r.tick(1);
          if (i % 10 === 0) r.timers.set('masterDown', 36.1, 1 + i / 10);
        }
        const pushes = 10;
        assert.ok(armed < pushes, `${armed} Node timers for ${pushes} pushes`);
        assert.deepEqual(r.log, []);
        r.tick(40);
        // last push at 100 -> deadline 136.1, fired on the next whole millisecond with the last generation
        assert.deepEqual(r.log, ['masterDown 11 at 137']);
        // an earlier deadline than the armed one re-arms at once
        r.timers.set('masterDown', 50, 12);
        r.timers.set('masterDown', 5, 13);
        r.tick(60);
        assert.deepEqual(r.log.slice(1), ['masterDown 13 at 145']); // set at 140: 5 ms, not the 50 ms armed before
      } finally { globalThis.setTimeout = real; }
    }));
  });
});
