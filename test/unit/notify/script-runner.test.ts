// Script runner: no shell (arguments arrive intact), per-queue ordering under a burst, timeouts
// kill the whole process group, uid/gid switching (root only), exit status and duration logged.
import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '../../../src/common/log.js';
import { ScriptRunner } from '../../../src/notify/script-runner.js';
import { assertWithin, MARGIN } from '../../helpers/bounds.js';

describe('notify/script-runner', function () {
  const self = { uid: process.getuid!(), gid: process.getgid!() };
  this.timeout(20000);
  let dir = '';
  const sh = (name: string, body: string): string => {
    const p = join(dir, name);
    writeFileSync(p, `#!/bin/sh\n${body}\n`);
    chmodSync(p, 0o755);
    return p;
  };
  before(() => { dir = mkdtempSync(join(tmpdir(), 'kn-run-')); chmodSync(dir, 0o777); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('passes arguments with spaces, quotes, globs and $ intact (no shell)', async () => {
    const out = join(dir, 'args.out');
    const s = sh('args.sh', `printf '%s\\0' "$@" > "${out}"`);
    const args = ['a b', `it's "quoted"`, '$HOME', '*', '', 'back\\slash', 'new\nline', 'ünï'];
    const r = await new ScriptRunner({ logger: memoryLogger() }).run('q', { ids: self, argv: [s, ...args], timeoutMs: 5000 });
    assert.equal(r.code, 0);
    assert.deepEqual(readFileSync(out, 'utf8').split('\0').slice(0, -1), args);
  });

  it('keeps emission order within a queue under a burst of 40 events (random script durations)', async () => {
    const out = join(dir, 'order.out');
    const s = sh('rec.sh', 'sleep "0.0$(( $$ % 4 ))"\nprintf "%s\\n" "$1" >> "$2"');
    const runner = new ScriptRunner({ logger: memoryLogger() });
    const t0 = process.hrtime.bigint();
    const ps = Array.from({ length: 40 }, (_, i) => runner.run('INSTANCE:VI_1', { ids: self, argv: [s, String(i), out], timeoutMs: 5000 }));
    const emitUs = Number(process.hrtime.bigint() - t0) / 1000;
    await Promise.all(ps);
    assert.deepEqual(readFileSync(out, 'utf8').trim().split('\n'), Array.from({ length: 40 }, (_, i) => String(i)));
    assert.ok(emitUs < 40_000, `queuing 40 jobs took ${emitUs} us`);
  });

  it('different queues run concurrently', async () => {
    const s = sh('slow.sh', 'sleep 1');
    const runner = new ScriptRunner({ logger: memoryLogger() });
    const t0 = Date.now();
    await Promise.all([runner.run('a', { ids: self, argv: [s], timeoutMs: 5000 }), runner.run('b', { ids: self, argv: [s], timeoutMs: 5000 })]);
    // together they take one script's 1 s (plus spawning); one after the other would take 2 s
    assertWithin(Date.now() - t0, { min: 1000 - MARGIN.stampSkew, max: 2000 - MARGIN.stampSkew, formula: 'sleep 1 (concurrent) .. 2 x sleep 1 (serial)' }, 'two queues');
  });

  it('kills a hanging script at its timeout (whole process group) and logs it', async () => {
    const log = memoryLogger();
    const pidFile = join(dir, 'hang.pid');
    const s = sh('hang.sh', `sleep 30 &\necho $! > "${pidFile}"\nwait`);
    const r = await new ScriptRunner({ logger: log }).run('q', { ids: self, argv: [s], timeoutMs: 300 });
    assert.equal(r.timedOut, true);
    assert.equal(r.signal, 'SIGTERM');
    assert.ok(r.durationMs >= 290 && r.durationMs < 2000, `duration ${r.durationMs}`);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((res) => setTimeout(res, 100));
    // gone, or a zombie waiting for init to reap it (containers often have no reaping init)
    let state = 'gone';
    try { state = readFileSync(`/proc/${grandchild}/stat`, 'utf8').split(') ')[1]!.charAt(0); } catch { /* gone */ }
    assert.ok(state === 'gone' || state === 'Z', `background child of the script survived (state ${state})`);
    assert.ok(log.lines().some((l) => l === `Notify script ${s} timed out after 300 ms - killing`), log.lines().join('\n'));
  });

  it('SIGKILLs a script that ignores SIGTERM after the grace period', async () => {
    const s = sh('stubborn.sh', "trap '' TERM\nsleep 30");
    const r = await new ScriptRunner({ logger: memoryLogger(), killGraceMs: 200 }).run('q', { ids: self, argv: [s], timeoutMs: 200 });
    assert.equal(r.signal, 'SIGKILL');
    assert.ok(r.durationMs < 2000);
  });

  it('a hung script does not block the next event of its queue beyond the timeout', async () => {
    const runner = new ScriptRunner({ logger: memoryLogger() });
    const hang = sh('hang2.sh', 'sleep 30');
    const ok = sh('ok.sh', 'exit 3');
    runner.run('q', { ids: self, argv: [hang], timeoutMs: 200 });
    const r = await runner.run('q', { ids: self, argv: [ok], timeoutMs: 1000 });
    assert.equal(r.code, 3);
  });

  it('logs exit status and duration; spawn errors are values, not throws', async () => {
    const log = memoryLogger();
    const runner = new ScriptRunner({ logger: log });
    const s = sh('exit7.sh', 'exit 7');
    const r = await runner.run('q', { ids: self, argv: [s, 'x'], timeoutMs: 1000 });
    assert.equal(r.code, 7);
    assert.match(log.lines().at(-1)!, new RegExp(`^Notify script ${s} x exited with status 7 after \\d+\\.\\d ms$`));
    const r2 = await runner.run('q', { ids: self, argv: [join(dir, 'does-not-exist')], timeoutMs: 1000 });
    assert.equal(r2.code, null);
    assert.match(r2.error ?? '', /ENOENT/);
  });

  it('bounds each queue', async () => {
    const log = memoryLogger();
    const runner = new ScriptRunner({ logger: log, maxQueue: 2 });
    const s = sh('q.sh', 'sleep 0.2');
    const rs = [0, 1, 2].map(() => runner.run('q', { ids: self, argv: [s], timeoutMs: 1000 }));
    const res = await Promise.all(rs);
    assert.equal(res[2]!.error, 'dropped');
    assert.ok(log.lines().some((l) => l.includes('queue q full (2)')));
  });

  it('runs as the configured uid/gid (root only)', async function () {
    if (process.getuid?.() !== 0) this.skip();
    const out = join(dir, 'id.out');
    const s = sh('id.sh', `echo "$(id -u):$(id -g):$(id -G)" > "${out}"`);
    const r = await new ScriptRunner({ logger: memoryLogger() }).run('q', { argv: [s], ids: { uid: 65534, gid: 65534 }, timeoutMs: 5000 });
    assert.equal(r.code, 0);
    assert.equal(readFileSync(out, 'utf8').trim(), '65534:65534:65534');
  });
});
