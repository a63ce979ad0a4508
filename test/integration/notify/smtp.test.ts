// SMTP alerts end to end against a real SMTP server (npm smtp-server on 127.0.0.1, no root):
// a VRRP transition and a checker failure each give one mail whose headers and body match the
// mails keepalived 2.2.7 sent (test/unit/notify/data/smtp-2.2.7) field by field; a stopped server
// is logged and retried until the mail arrives; emitting events never blocks the caller;
// STARTTLS + AUTH (beyond keepalived). A raw socket sink records the client bytes for the
// byte-level comparison with 2.2.7's session (differences are EHLO and the envelope addresses).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { memoryLogger } from '../../../src/common/log.js';
import { portOutsideEphemeral } from '../../helpers/ports.js';
import { createNotifier, type Notifier } from '../../../src/notify/index.js';
import type { RsCheckerEvent } from '../../../src/notify/events.js';
import { config, globalDefs, instance, realServer, virtualServer } from '../../unit/notify/fixtures.js';

const CAP = new URL('../../unit/notify/data/smtp-2.2.7', import.meta.url).pathname;

interface Received { from: string; to: string[]; raw: string; secure: boolean; user?: string }

async function startServer(port = 0, extra: Partial<SMTPServerOptions> = {}): Promise<{ port: number; mails: Received[];
    stop: () => Promise<void>; waitMails: (n: number, ms?: number) => Promise<boolean> }> {
  const mails: Received[] = [];
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false, disableReverseLookup: true, banner: 'kn test sink',
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('latin1'),
          secure: session.secure, user: session.user as string | undefined,
        });
        cb();
      });
    },
    ...extra,
  });
  await new Promise<void>((res, rej) => { server.once('error', rej); server.listen(port, '127.0.0.1', () => res()); });
  const addr = server.server.address() as net.AddressInfo;
  return {
    port: addr.port, mails,
    stop: () => new Promise<void>((res) => server.close(() => res())),
    waitMails: async (n, ms = 8000) => {
      const end = Date.now() + ms;
      while (Date.now() < end) { if (mails.length >= n) return true; await new Promise((r) => setTimeout(r, 20)); }
      return mails.length >= n;
    },
  };
}

const FROM = 'Keepalived r1 <keepalived@lab-r1.example.test>';
const TO = ['ops@example.test', 'NOC Team <noc@example.test>'];

function cfgFor(port: number, extra: Record<string, string[]> = {}) {
  const rs = realServer('10.198.0.21', 80);
  return config({
    global: globalDefs({
      routerId: 'lab_r1', notificationEmail: TO, notificationEmailFrom: FROM, smtpHeloName: 'lab-r1.example.test',
      smtpServer: { host: '127.0.0.1', port }, smtpConnectTimeout: 5, extra,
    }),
    vrrpInstances: [instance('VI_1', { smtpAlert: true })],
    virtualServers: [virtualServer('10.198.0.100', 80, [rs])],
  });
}

function tcpDown(cfg: ReturnType<typeof cfgFor>): RsCheckerEvent {
  const vs = cfg.virtualServers[0]!;
  return {
    kind: 'rs-checker', up: false, checkerType: 'TCP_CHECK', vs, rs: vs.realServers[0]!, vsText: '[10.198.0.100]:tcp:80',
    rsText: '[10.198.0.21]:tcp:80', rsAlive: false, rsAliveChanged: true, mailBody: '=> TCP CHECK failed on service <=', smtpAlert: true,
  };
}

/** Compare a received message with a captured 2.2.7 mail: every header in order and the body; Date by format and
 *  time. */
function assertLikeCaptured(got: string, capturedFile: string): void {
  const want = readFileSync(`${CAP}/${capturedFile}`, 'latin1');
  const [gh, gb] = [got.slice(0, got.indexOf('\r\n\r\n')), got.slice(got.indexOf('\r\n\r\n') + 4)];
  const [wh, wb] = [want.slice(0, want.indexOf('\r\n\r\n')), want.slice(want.indexOf('\r\n\r\n') + 4)];
  const gl = gh.split('\r\n');
  const wl = wh.split('\r\n');
  assert.deepEqual(gl.map((l) => l.split(':')[0]), ['Date', 'From', 'Subject', 'X-Mailer', 'To'], 'header names and order');
  assert.deepEqual(gl.map((l) => l.split(':')[0]), wl.map((l) => l.split(':')[0]));
  assert.match(gl[0]!, /^Date: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}$/);
  assert.ok(Math.abs(Date.parse(gl[0]!.slice(6)) - Date.now()) < 30_000, 'Date is now');
  assert.deepEqual(gl.slice(1), wl.slice(1), 'From/Subject/X-Mailer/To');
  assert.equal(gb, wb, 'body');
}

describe('notify/smtp (integration, 127.0.0.1)', function () {
  this.timeout(30000);
  let notifier: Notifier | undefined;
  afterEach(async () => { await notifier?.stop({ smtpWaitMs: 0, scriptWaitMs: 0 }); notifier = undefined; });

  it('VRRP BACKUP/MASTER and a TCP_CHECK failure: one mail each, as 2.2.7 wrote them', async () => {
    const srv = await startServer();
    try {
      const log = memoryLogger();
      const cfg = cfgFor(srv.port);
      notifier = createNotifier(cfg, { logger: log });
      notifier.vrrpEvent({ kind: 'INSTANCE', name: 'VI_1', state: 'BACKUP', priority: 150 });
      notifier.vrrpEvent({ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER', priority: 150 });
      notifier.vrrpEvent({ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER', priority: 150 }); // same state: no second mail
      notifier.checkerEvent(tcpDown(cfg));
      assert.ok(await srv.waitMails(3));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(srv.mails.length, 3);
      assertLikeCaptured(srv.mails[0]!.raw, 'chk-fakeipvs-explicit/mail-001.eml');
      assertLikeCaptured(srv.mails[1]!.raw, 'chk-fakeipvs-explicit/mail-002.eml');
      assertLikeCaptured(srv.mails[2]!.raw, 'chk-fakeipvs-explicit/mail-003.eml');
      for (const m of srv.mails) {
        assert.equal(m.from, 'keepalived@lab-r1.example.test');
        assert.deepEqual(m.to, ['ops@example.test', 'noc@example.test']);
      }
      assert.deepEqual(log.lines().filter((l) => /SMTP/.test(l)), [
        `Remote SMTP server [127.0.0.1]:${srv.port} connected.`, 'SMTP alert successfully sent.',
        `Remote SMTP server [127.0.0.1]:${srv.port} connected.`, 'SMTP alert successfully sent.',
        `Remote SMTP server [127.0.0.1]:${srv.port} connected.`, 'SMTP alert successfully sent.',
      ]);
    } finally { await srv.stop(); }
  });

  it('server down: failure logged with the reason, retried with backoff, delivered once back; caller never blocked', async () => {
    // the server is down first and comes back on the same port: one no other process can take meanwhile
    const port = await portOutsideEphemeral();
    const log = memoryLogger();
    notifier = createNotifier(cfgFor(port), { logger: log, smtp: { retryBaseMs: 200,
      retryMaxMs: 800, maxAttempts: 50 } });
    const times: number[] = [];
    for (const state of ['BACKUP', 'MASTER', 'FAULT'] as const) {
      const t = process.hrtime.bigint();
      notifier.vrrpEvent({ kind: 'INSTANCE', name: 'VI_1', state, priority: 150 });
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const deadline = Date.now() + 5000;
    while (!log.lines().some((l) => l.includes('retrying in')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const lines = log.lines();
    assert.ok(lines.includes(`SMTP connection ERROR to [127.0.0.1]:${port}.`), lines.join('\n'));
    assert.ok(lines.some((l) => /^SMTP alert "\[lab_r1\] VRRP Instance VI_1 - Entering BACKUP state" not sent \(attempt 1\/50\): .*ECONNREFUSED.* - retrying in 0\.2s$/.test(l)), lines.join('\n'));
    await new Promise((r) => setTimeout(r, 700));
    const srv = await startServer(port);
    try {
      assert.ok(await srv.waitMails(3, 10000), `got ${srv.mails.length} mails`);
      assert.deepEqual(srv.mails.map((m) => /^Subject: (.*)$/m.exec(m.raw)![1]!.trim()), [
        '[lab_r1] VRRP Instance VI_1 - Entering BACKUP state', '[lab_r1] VRRP Instance VI_1 - Entering MASTER state',
        '[lab_r1] VRRP Instance VI_1 - Entering FAULT state',
      ]);
      assert.ok(Math.max(...times) < 1, `event emission took ${times.map((t) => t.toFixed(3)).join(', ')} ms`);
      console.log(`      emission while server down: ${times.map((t) => t.toFixed(3)).join(' / ')} ms; failed attempts ${notifier.smtp!.stats.failedAttempts}`);
    } finally { await srv.stop(); }
  });

  it('emission cost with mail enabled: 100 events (after 20 warm-up), p99 < 1 ms', async () => {
    const srv = await startServer();
    try {
      const cfg = cfgFor(srv.port);
      notifier = createNotifier(cfg, { logger: memoryLogger(), smtp: { maxQueue: 1000 } });
      const times: number[] = [];
      for (let i = 0; i < 120; i++) {
        const e = tcpDown(cfg);
        const t = process.hrtime.bigint();
        notifier.checkerEvent(i % 2 ? e : { ...e, rsAlive: true, up: true, mailBody: '=> TCP CHECK succeed on service <=' });
        if (i >= 20) times.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      times.sort((a, b) => a - b);
      const p50 = times[50]!, p99 = times[98]!, max = times[99]!;
      console.log(`      checkerEvent(): p50 ${(p50 * 1000).toFixed(1)} us, p99 ${(p99 * 1000).toFixed(1)} us, max ${(max * 1000).toFixed(1)} us`);
      assert.ok(p50 < 1 && p99 < 1, `p50 ${p50} p99 ${p99} max ${max}`);
      // smtp-server holds its greeting 100 ms (early-talker check), so ~110 ms per mail here
      assert.ok(await srv.waitMails(120, 40000), `got ${srv.mails.length}`);
    } finally { await srv.stop(); }
  });

  it('a 5xx refusal is logged as keepalived does and not retried', async () => {
    const srv = await startServer(0, {
      onRcptTo(_addr, _session, cb) { cb(Object.assign(new Error('no such user'), { responseCode: 550 })); },
    });
    try {
      const log = memoryLogger();
      notifier = createNotifier(cfgFor(srv.port), { logger: log, smtp: { retryBaseMs: 100 } });
      notifier.vrrpEvent({ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER', priority: 150 });
      const end = Date.now() + 5000;
      while (!log.lines().some((l) => l.includes('giving up')) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      assert.ok(log.lines().includes(`Error processing RCPT cmd on SMTP server [127.0.0.1]:${srv.port}. SMTP status code = 550`), log.lines().join('\n'));
      assert.equal(notifier.smtp!.stats.failedAttempts, 1);
    } finally { await srv.stop(); }
  });

  it('STARTTLS and AUTH when configured (smtp_starttls, smtp_auth_user/pass)', async () => {
    const srv = await startServer(0, {
      disabledCommands: [], authOptional: false, authMethods: ['PLAIN', 'LOGIN'],
      onAuth(auth, _session, cb) {
        if (auth.username === 'ka' && auth.password === 's3cret') return cb(null, { user: 'ka' });
        return cb(new Error('bad credentials'));
      },
    });
    try {
      const log = memoryLogger();
      notifier = createNotifier(cfgFor(srv.port, { smtp_starttls: [], smtp_tls_verify: ['off'], smtp_auth_user: ['ka'], smtp_auth_pass: ['s3cret'] }), { logger: log });
      notifier.vrrpEvent({ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER', priority: 150 });
      assert.ok(await srv.waitMails(1), log.lines().join('\n'));
      assert.equal(srv.mails[0]!.secure, true);
      assert.equal(srv.mails[0]!.user, 'ka');
      assertLikeCaptured(srv.mails[0]!.raw, 'chk-fakeipvs-explicit/mail-002.eml');
    } finally { await srv.stop(); }
  });

  it('raw client bytes vs the 2.2.7 session: identical DATA, EHLO instead of HELO, bare envelope addresses', async () => {
    const received: Buffer[] = [];
    const sink = net.createServer((sock) => {
      let buf = '';
      let inData = false;
      sock.write('220 pe-sink.example.test ESMTP sink\r\n');
      sock.on('data', (c) => {
        received.push(c);
        buf += c.toString('latin1');
        let i;
        while ((i = buf.indexOf('\r\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (inData) { if (line === '.') { inData = false; sock.write('250 2.0.0 Ok: queued\r\n'); } continue; }
          const cmd = line.split(' ')[0]!.toUpperCase();
          if (cmd === 'EHLO' || cmd === 'HELO') sock.write('250 pe-sink.example.test\r\n');
          else if (cmd === 'MAIL' || cmd === 'RCPT') sock.write('250 2.1.0 Ok\r\n');
          else if (cmd === 'DATA') { inData = true; sock.write('354 End data with <CR><LF>.<CR><LF>\r\n'); }
          else if (cmd === 'QUIT') { sock.end('221 2.0.0 Bye\r\n'); }
          else sock.write('502 5.5.2 Error\r\n');
        }
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
    const port = (sink.address() as net.AddressInfo).port;
    try {
      const cfg = cfgFor(port);
      notifier = createNotifier(cfg, { logger: memoryLogger() });
      notifier.checkerEvent(tcpDown(cfg));
      const end = Date.now() + 8000;
      while (!Buffer.concat(received).toString('latin1').includes('QUIT\r\n') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      const ours = Buffer.concat(received).toString('latin1');
      const theirs = readFileSync(`${CAP}/chk-fakeipvs-explicit/session-003.client.raw`, 'latin1');
      const dataOf = (s: string) => s.slice(s.indexOf('DATA\r\n') + 6, s.indexOf('\r\n.\r\n') + 5).replace(/^Date: .*\r\n/m, '');
      assert.equal(dataOf(ours), dataOf(theirs), 'DATA section (Date aside)');
      const cmds = (s: string) => s.slice(0, s.indexOf('DATA\r\n') + 6).split('\r\n').filter(Boolean);
      assert.deepEqual(cmds(ours), ['EHLO lab-r1.example.test', 'MAIL FROM:<keepalived@lab-r1.example.test>', 'RCPT TO:<ops@example.test>', 'RCPT TO:<noc@example.test>', 'DATA']);
      assert.deepEqual(cmds(theirs), ['HELO lab-r1.example.test', 'MAIL FROM:<Keepalived r1 <keepalived@lab-r1.example.test>>', 'RCPT TO:<ops@example.test>', 'RCPT TO:<NOC Team <noc@example.test>>', 'DATA']);
      assert.ok(ours.endsWith('.\r\nQUIT\r\n'));
    } finally { sink.close(); }
  });
});
