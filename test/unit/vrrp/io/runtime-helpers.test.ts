// Runtime helpers without root: vrrp_script rise/fall bookkeeping (table), the script runner on real
// processes (exit codes, timeout), track_file values, and deadline timers.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monotonicClock } from '../../../../src/common/clock.js';
import { memoryLogger } from '../../../../src/common/log.js';
import { DeadlineTimers } from '../../../../src/vrrp/io/deadline-timers.js';
import { RiseFall, runOnce, ScriptRunner, type ScriptResult } from '../../../../src/vrrp/io/script-runner.js';
import { readTrackValue, TrackFileWatcher } from '../../../../src/vrrp/io/track-file.js';
import type { VrrpScript } from '../../../../src/config/model.js';

const ok: ScriptResult = { kind: 'exit', code: 0 };
const fail = (code = 1): ScriptResult => ({ kind: 'exit', code });

describe('vrrp/io runtime helpers', () => {
  describe('RiseFall', () => {
    const table: { name: string; rise: number; fall: number; initFail: boolean; feed: ScriptResult[]; lines: string[]; ok: boolean | undefined }[] = [
      { name: 'first success', rise: 1, fall: 1, initFail: false, feed: [ok], lines: ['VRRP_Script(chk) succeeded'], ok: true },
      { name: 'first failure', rise: 1, fall: 1, initFail: false, feed: [fail(3)], lines: ['VRRP_Script(chk) failed (exited with status 3)'], ok: false },
      { name: 'fall 3 needs three failures', rise: 1, fall: 3, initFail: false, feed: [ok, fail(), fail()],
        lines: ['VRRP_Script(chk) succeeded', 'Script `chk` now returning 1'], ok: true },
      { name: 'fall 3 reached', rise: 1, fall: 3, initFail: false, feed: [ok, fail(), fail(), fail()],
        lines: ['VRRP_Script(chk) succeeded', 'Script `chk` now returning 1', 'VRRP_Script(chk) failed (exited with status 1)'], ok: false },
      { name: 'rise 2 after init_fail', rise: 2, fall: 1, initFail: true, feed: [ok, ok], lines: ['VRRP_Script(chk) succeeded'], ok: true },
      { name: 'rise interrupted', rise: 2, fall: 1, initFail: true, feed: [ok, fail(), ok], lines: ['Script `chk` now returning 1', 'Script `chk` now returning 0'], ok: false },
      { name: 'timeout', rise: 1, fall: 1, initFail: false, feed: [ok, { kind: 'timeout' }], lines: ['VRRP_Script(chk) succeeded', 'VRRP_Script(chk) timed_out'], ok: false },
    ];
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
    assert.deepEqual(await runOnce(['/bin/true'], 2000), { kind: 'exit', code: 0 });
    assert.deepEqual(await runOnce(['/bin/sh', '-c', 'exit 7'], 2000), { kind: 'exit', code: 7 });
    assert.deepEqual(await runOnce(['/bin/echo', '$(false)', ';', 'exit 3'], 2000), { kind: 'exit', code: 0 });
    const t = Date.now();
    assert.deepEqual(await runOnce(['/bin/sleep', '5'], 150), { kind: 'timeout' });
    assert.ok(Date.now() - t < 1000);
    assert.equal((await runOnce(['/nonexistent/x'], 500)).kind, 'error');
  });

  it('ScriptRunner reports a change after fall failures', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kvsr-'));
    try {
      const flag = path.join(dir, 'down');
      const script: VrrpScript = { name: 'chk', script: { argv: ['/bin/sh', '-c', `test ! -e ${flag}`], raw: '' }, interval: 0.05, weight: 0, weightReverse: false, rise: 1, fall: 2, initFail: false };
      const log = memoryLogger();
      const changes: boolean[] = [];
      const r = new ScriptRunner(script, log, (v) => changes.push(v));
      r.start();
      await new Promise((res) => setTimeout(res, 300));
      writeFileSync(flag, '');
      await new Promise((res) => setTimeout(res, 500));
      r.stop();
      assert.deepEqual(changes, [true, false]);
      assert.deepEqual(log.lines().filter((l) => !l.startsWith('Script')), ['VRRP_Script(chk) succeeded', 'VRRP_Script(chk) failed (exited with status 1)']);
      assert.ok(log.lines().includes('Script `chk` now returning 1'));
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('track_file: integer value, 0 when missing or garbage; watcher reports changes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kvtf-'));
    try {
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
    } finally { rmSync(dir, { recursive: true, force: true }); }
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

  it('DeadlineTimers: a timer re-set from its own expiry keeps its period (no drift from callback latency)', async () => {
    // each expiry burns 4 ms before re-arming 10 ms: relative re-arming would take >= 20 x 14 ms
    const t0 = monotonicClock.now();
    let n = 0;
    const done = new Promise<number>((resolve) => {
      const timers = new DeadlineTimers<'adver'>(monotonicClock, () => {
        const spin = monotonicClock.now() + 4;
        while (monotonicClock.now() < spin) { /* simulated event-loop latency */ }
        if (++n === 20) resolve(monotonicClock.now() - t0);
        else timers.set('adver', 10, n);
      });
      timers.set('adver', 10, 0);
    });
    const elapsed = await done;
    assert.ok(elapsed >= 199 && elapsed < 275, `20 periods of 10 ms took ${elapsed.toFixed(1)} ms`);
  });

  it('DeadlineTimers: beforeFire runs first; a re-arm there (a pending packet) drops the expiry', async () => {
    const seen: string[] = [];
    let pending = 1; // one queued packet resets the timer once
    const timers: DeadlineTimers<'masterDown'> = new DeadlineTimers<'masterDown'>(monotonicClock, (n, g) => seen.push(`fire ${n} ${g}`), (n) => {
      seen.push(`before ${n}`);
      if (pending-- > 0) timers.set('masterDown', 20, 2);
    });
    timers.set('masterDown', 10, 1);
    await new Promise((res) => setTimeout(res, 80));
    assert.deepEqual(seen, ['before masterDown', 'before masterDown', 'fire masterDown 2']);
  });

  it('DeadlineTimers: a re-set from another event counts from now', async () => {
    const t0 = monotonicClock.now();
    const fired: number[] = [];
    const timers = new DeadlineTimers<'a' | 'b'>(monotonicClock, (name) => {
      fired.push(monotonicClock.now() - t0);
      if (name === 'b') timers.set('a', 40, 2); // b's expiry re-arms a: from now, not from b's deadline
    });
    timers.set('b', 20, 1);
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(fired.length, 2);
    assert.ok(fired[1]! - fired[0]! >= 39.5, `a fired ${(fired[1]! - fired[0]!).toFixed(1)} ms after b`);
  });
});
