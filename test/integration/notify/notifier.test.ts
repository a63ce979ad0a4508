// createNotifier end to end (no root needed except the script_user case): a burst of VRRP
// transitions gives, per instance, the specific notify_* script and the generic notify (+4 args)
// in emission order, the FIFO lines byte-exact in order on notify_fifo and vrrp_notify_fifo, and
// one mail per state change; checker events write LVS lines with their NUL; an unsafe script is
// refused with keepalived's message; stop() runs STOP notifies and removes the FIFOs it created.
import { strict as assert } from 'node:assert';
import { chmodSync, closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { memoryLogger } from '../../../src/common/log.js';
import { createNotifier } from '../../../src/notify/index.js';
import type { VrrpEvent } from '../../../src/notify/events.js';
import { config, globalDefs, group, instance, realServer, script, virtualServer } from '../../unit/notify/fixtures.js';
import { readAvailable } from '../../helpers/fd.js';
import { pollUntil } from '../../helpers/poll.js';

describe('notify/notifier (integration)', function () {
  this.timeout(60000);
  let dir = '';
  before(() => { dir = mkdtempSync(join(tmpdir(), 'kn-ntf-')); chmodSync(dir, 0o755); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('burst of transitions: scripts in order, FIFO bytes in order, one mail per state change; stop()', async () => {
    const rec = join(dir, 'rec.sh');
    const log = join(dir, 'scripts.log');
    // Records its argv (NUL-separated fields, one line per run); sleeps a little to provoke reordering.
    writeFileSync(rec, `#!/bin/sh\nsleep "0.0$(( $$ % 3 ))"\nline=$(printf '%s\\037' "$@")\nprintf '%s\\n' "$line" >> "${log}"\n`);
    chmodSync(rec, 0o755);
    const mails: string[] = [];
    const srv = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS'], logger: false, disableReverseLookup: true,
      onData(s, _x, cb) { const c: Buffer[] = []; s.on('data', (d: Buffer) => c.push(d)); s.on('end', () => { mails.push(/^Subject: (.*)\r$/m.exec(Buffer.concat(c).toString())![1]!); cb(); }); },
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.server.address() as net.AddressInfo).port;
    const nf = join(dir, 'notify.fifo'), vf = join(dir, 'vrrp.fifo'), lf = join(dir, 'lvs.fifo');
    const inst = (name: string) => instance(name, {
      notifyMaster: script(rec, 'master', name), notifyBackup: script(rec, 'backup', name), notifyFault: script(rec, 'fault', name),
      notifyStop: script(rec, 'stop', name), notify: script(rec, 'generic', 'with space', `q"uote'`), smtpAlert: true,
    });
    const rs = realServer('10.198.0.21', 80);
    const vs = virtualServer('10.198.0.100', 80, [rs]);
    const cfg = config({
      global: globalDefs({
        notificationEmail: ['ops@example.test'], smtpServer: { host: '127.0.0.1', port }, scriptUser: { user: 'root' },
        notifyFifo: { path: nf }, vrrpNotifyFifo: { path: vf }, lvsNotifyFifo: { path: lf },
      }),
      vrrpInstances: [inst('VI_1'), inst('VI_2')],
      vrrpSyncGroups: [group('G1', ['VI_1', 'VI_2'], { notify: script(rec, 'ggeneric') })],
      virtualServers: [vs],
    });
    const logger = memoryLogger();
    const n = createNotifier(cfg, { logger, smtp: { retryBaseMs: 100 } });
    assert.ok(existsSync(nf) && existsSync(vf) && existsSync(lf));
    const rn = openSync(nf, constants.O_RDONLY | constants.O_NONBLOCK);
    const rv = openSync(vf, constants.O_RDONLY | constants.O_NONBLOCK);
    const rl = openSync(lf, constants.O_RDONLY | constants.O_NONBLOCK);

    const seq: ('MASTER' | 'BACKUP' | 'FAULT')[] = ['BACKUP', 'MASTER', 'BACKUP', 'FAULT', 'BACKUP', 'MASTER', 'MASTER', 'BACKUP'];
    const events: VrrpEvent[] = [];
    seq.forEach((s, i) => {
      events.push({ kind: 'INSTANCE', name: 'VI_1', state: s, priority: 100 + i });
      events.push({ kind: 'INSTANCE', name: 'VI_2', state: s, priority: 50 + i });
    });
    events.push({ kind: 'GROUP', name: 'G1', state: 'MASTER', priority: 0 });
    const t0 = process.hrtime.bigint();
    for (const e of events) n.vrrpEvent(e);
    n.checkerEvent({ kind: 'rs-state', up: false, vs, rs, vsText: '[10.198.0.100]:tcp:80', rsText: '[10.198.0.21]:tcp:80', reason: 'check', smtpAlert: true });
    const emitMs = Number(process.hrtime.bigint() - t0) / 1e6;

    // FIFO bytes, in emission order
    const vrrpLines = events.map((e) => `${e.kind} "${e.name}" ${e.state} ${e.kind === 'GROUP' ? 0 : e.priority}\n`).join('');
    const lvsLine = 'RS [10.198.0.21]:tcp:80 [10.198.0.100]:tcp:80 DOWN\n';
    assert.deepEqual(readAvailable(rn), Buffer.from(vrrpLines + lvsLine, 'latin1'));
    assert.deepEqual(readAvailable(rv), Buffer.from(vrrpLines, 'latin1'));
    assert.deepEqual(readAvailable(rl), Buffer.from(lvsLine, 'latin1'));

    // scripts: per instance, specific then generic, in emission order, argv intact
    const expectedRuns = events.length * 2 - 1; // the group has only a generic notify
    assert.ok(await pollUntil(() => existsSync(log) && readFileSync(log, 'utf8').split('\n').filter(Boolean).length >= expectedRuns, 30000, 25));
    const runs = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\x1f').slice(0, -1));
    for (const name of ['VI_1', 'VI_2']) {
      const mine = runs.filter((r) => r.includes(name));
      const want = events.filter((e) => e.name === name).flatMap((e) => [
        [e.state.toLowerCase(), name],
        ['generic', 'with space', `q"uote'`, 'INSTANCE', name, e.state, String(e.priority)],
      ]);
      assert.deepEqual(mine, want, `order for ${name}`);
    }
    assert.deepEqual(runs.find((r) => r[0] === 'ggeneric'), ['ggeneric', 'GROUP', 'G1', 'MASTER', '0']);

    // mail: one per state change, in order (MASTER->MASTER gives none)
    const perInstance = seq.filter((s, i) => i === 0 || seq[i - 1] !== s).length;
    assert.ok(await pollUntil(() => mails.length >= perInstance * 2, 20000, 25), `mails ${mails.length}`);
    assert.deepEqual(mails.filter((m) => m.includes('VI_1')), seq.filter((s, i) => i === 0 || seq[i - 1] !== s).map((s) => `[lab_r1] VRRP Instance VI_1 - Entering ${s} state`));

    // stop: STOP notifies then stop()
    n.vrrpEvent({ kind: 'INSTANCE', name: 'VI_1', state: 'STOP', priority: 0 });
    await n.stop();
    assert.deepEqual(readFileSync(log, 'utf8').split('\n').filter(Boolean).slice(-2).map((l) => l.split('\x1f')[0]), ['stop', 'generic']);
    assert.ok(!existsSync(nf) && !existsSync(vf) && !existsSync(lf), 'FIFOs created by us are removed');
    for (const fd of [rn, rv, rl]) closeSync(fd);
    await new Promise<void>((r) => srv.close(() => r()));
    console.log(`      ${events.length + 1} events emitted in ${emitMs.toFixed(2)} ms (${(emitMs / (events.length + 1) * 1000).toFixed(0)} us each)`);
  });

  it('enable_script_security: an unsafe notify script is refused with keepalived\'s message and never run', async function () {
    if (process.getuid?.() !== 0) this.skip();
    const ww = join(dir, 'ww');
    mkdirSync(ww); chmodSync(ww, 0o777);
    const out = join(dir, 'unsafe.ran');
    const s = join(ww, 'n.sh');
    writeFileSync(s, `#!/bin/sh\ntouch "${out}"\n`); chmodSync(s, 0o755);
    const cfg = config({
      global: globalDefs({ enableScriptSecurity: true, scriptUser: { user: 'root' } }),
      vrrpInstances: [instance('VI_1', { notifyMaster: script(s, 'a b') })],
    });
    const logger = memoryLogger();
    const n = createNotifier(cfg, { logger });
    assert.deepEqual(logger.lines(), [`Unsafe permissions found for script '${s}' - disabling.`]);
    n.vrrpEvent({ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER', priority: 100 });
    await new Promise((r) => setTimeout(r, 300));
    await n.stop();
    assert.equal(existsSync(out), false);
  });

  it('script_user: notify scripts run as that user (root only)', async function () {
    if (process.getuid?.() !== 0) this.skip();
    const out = join(dir, 'who');
    writeFileSync(join(dir, 'who.sh'), `#!/bin/sh\necho "$(id -un) $*" > "${out}"\n`);
    chmodSync(join(dir, 'who.sh'), 0o755);
    const outDir = dir;
    chmodSync(outDir, 0o777);
    const cfg = config({ global: globalDefs({ scriptUser: { user: 'nobody' } }), vrrpInstances: [instance('VI_1', { notifyBackup: script(join(dir, 'who.sh')) })] });
    const n = createNotifier(cfg, { logger: memoryLogger() });
    n.vrrpEvent({ kind: 'INSTANCE', name: 'VI_1', state: 'BACKUP', priority: 100 });
    assert.ok(await pollUntil(() => existsSync(out), 5000, 25));
    assert.equal(readFileSync(out, 'utf8').trim(), 'nobody');
    await n.stop();
    chmodSync(outDir, 0o755);
  });
});

describe('notify/notifier reload', function () {
  this.timeout(20000);
  it('keeps an unchanged FIFO open across reload (reader sees no EOF), opens a new one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kn-rl-'));
    try {
      const f1 = join(dir, 'a.fifo'), f2 = join(dir, 'b.fifo');
      const cfg1 = config({ global: globalDefs({ notifyFifo: { path: f1 } }), vrrpInstances: [instance('VI_1')] });
      const logger = memoryLogger();
      const n = createNotifier(cfg1, { logger });
      const r1 = openSync(f1, constants.O_RDONLY | constants.O_NONBLOCK);
      n.vrrpEvent({ kind: 'INSTANCE', name: 'VI_1', state: 'BACKUP', priority: 100 });
      const cfg2 = config({ global: globalDefs({ notifyFifo: { path: f1 }, vrrpNotifyFifo: { path: f2 } }), vrrpInstances: [instance('VI_1'), instance('VI_2')] });
      n.reload(cfg2);
      assert.ok(existsSync(f2));
      const r2 = openSync(f2, constants.O_RDONLY | constants.O_NONBLOCK);
      n.vrrpEvent({ kind: 'INSTANCE', name: 'VI_2', state: 'MASTER', priority: 200 });
      assert.equal(readAvailable(r1).toString(), 'INSTANCE "VI_1" BACKUP 100\nINSTANCE "VI_2" MASTER 200\n');
      assert.equal(readAvailable(r2).toString(), 'INSTANCE "VI_2" MASTER 200\n');
      await n.stop();
      closeSync(r1); closeSync(r2);
      assert.ok(!existsSync(f1) && !existsSync(f2));
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
