// Text formats vs keepalived 2.2.7: FIFO lines (bytes), notify args, subjects/bodies, the raw
// message compared byte-for-byte with the mails captured from the real daemon.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import {
  buildMessage, envelopeAddress, notifyExtraArgs, rfc822Date, rsFifoLine, rsMailSubject, smtpHostText, truncateBytes,
  vrrpFifoLine, vrrpMail, vsFifoLine, vsMailSubject,
} from '../../../src/notify/format.js';

// Copied from shared/reference/keepalived-2.2.7-captures/smtp (verbatim mails of the real daemon).
const CAP = new URL('./data/smtp-2.2.7', import.meta.url).pathname;

describe('notify/format', () => {
  const savedTz = process.env.TZ;
  before(() => { process.env.TZ = 'UTC'; });
  after(() => { if (savedTz === undefined) delete process.env.TZ; else process.env.TZ = savedTz; });

  const fifoTable: [string, string, string][] = [
    ['instance master', vrrpFifoLine({ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER', priority: 150 }), 'INSTANCE "VI_1" MASTER 150\n'],
    ['group backup prio forced 0', vrrpFifoLine({ kind: 'GROUP', name: 'G1', state: 'BACKUP', priority: 77 }), 'GROUP "G1" BACKUP 0\n'],
    ['rx lower pri', vrrpFifoLine({ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER_RX_LOWER_PRI', priority: 150 }), 'INSTANCE "VI_1" MASTER_RX_LOWER_PRI 150\n'],
    // with notify_deleted (without it the VRRP core reports FAULT): measured with 2.2.7's vrrp_notify_fifo
    ['deleted (notify_deleted) reports DELETED', vrrpFifoLine({ kind: 'INSTANCE', name: 'VI_3', state: 'DELETED', priority: 150 }), 'INSTANCE "VI_3" DELETED 150\n'],
    ['priority change (notify_priority_changes)', vrrpFifoLine({ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER_PRIORITY', priority: 130 }), 'INSTANCE "VI_1" MASTER_PRIORITY 130\n'],
    ['vs up, no NUL (guest recording)', vsFifoLine('[10.0.0.1]:tcp:80', true), 'VS [10.0.0.1]:tcp:80 UP\n'],
    ['rs down, no NUL (guest recording)', rsFifoLine('[1.2.3.4]:tcp:80', '[10.0.0.1]:tcp:80', false), 'RS [1.2.3.4]:tcp:80 [10.0.0.1]:tcp:80 DOWN\n'],
  ];
  for (const [name, got, want] of fifoTable) {
    it(`FIFO line: ${name}`, () => assert.deepEqual(Buffer.from(got), Buffer.from(want)));
  }

  it('generic notify gets INSTANCE|GROUP name state prio', () => {
    assert.deepEqual(notifyExtraArgs({ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER', priority: 150 }), ['INSTANCE', 'VI_1', 'MASTER', '150']);
    assert.deepEqual(notifyExtraArgs({ kind: 'GROUP', name: 'G1', state: 'STOP', priority: 9 }), ['GROUP', 'G1', 'STOP', '0']);
  });

  const mailTable: [Parameters<typeof vrrpMail>[1], string | undefined, string | undefined][] = [
    [{ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER', priority: 1 }, '[r] VRRP Instance VI_1 - Entering MASTER state', '=> VRRP Instance is now owning VRRP VIPs <='],
    [{ kind: 'INSTANCE', name: 'VI_1', state: 'BACKUP', priority: 1 }, '[r] VRRP Instance VI_1 - Entering BACKUP state', '=> VRRP Instance is no longer owning VRRP VIPs <='],
    [{ kind: 'INSTANCE', name: 'VI_1', state: 'FAULT', priority: 1 }, '[r] VRRP Instance VI_1 - Entering FAULT state', '=> VRRP Instance is no longer owning VRRP VIPs <='],
    [{ kind: 'INSTANCE', name: 'VI_1', state: 'STOP', priority: 1 }, '[r] VRRP Instance VI_1 - Stopping', '=> VRRP Instance stopping <='],
    [{ kind: 'INSTANCE', name: 'VI_1', state: 'DELETED', priority: 1 }, '[r] VRRP Instance VI_1 - Deleted', '=> VRRP Deleted at reload <='],
    [{ kind: 'GROUP', name: 'G', state: 'MASTER', priority: 0 }, '[r] VRRP Group G - Entering MASTER state', '=> All VRRP group instances are now in MASTER state <='],
    [{ kind: 'GROUP', name: 'G', state: 'BACKUP', priority: 0 }, '[r] VRRP Group G - Entering BACKUP state', '=> All VRRP group instances are now in BACKUP state <='],
    [{ kind: 'GROUP', name: 'G', state: 'FAULT', priority: 0 }, '[r] VRRP Group G - Entering FAULT state', '=> All VRRP group instances are now in FAULT state <='],
    [{ kind: 'GROUP', name: 'G', state: 'STOP', priority: 0 }, '[r] VRRP Group G - Stopping', '=> All VRRP group instances are now stopping <='],
    [{ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER_RX_LOWER_PRI', priority: 1 }, undefined, undefined],
    [{ kind: 'GROUP', name: 'G', state: 'DELETED', priority: 0 }, undefined, undefined],
  ];
  for (const [e, subject, body] of mailTable) {
    it(`VRRP mail ${e.kind} ${e.state}`, () => {
      const m = vrrpMail('r', e);
      assert.equal(m?.subject, subject);
      assert.equal(m?.body, body);
    });
  }

  it('checker subjects', () => {
    assert.equal(rsMailSubject('lab_r1', '[10.198.0.21]:tcp:80', '[10.198.0.100]:tcp:80', 'DOWN'),
      '[lab_r1] Realserver [10.198.0.21]:tcp:80 of virtual server [10.198.0.100]:tcp:80 - DOWN');
    assert.equal(vsMailSubject('lab_r1', 'FWM 3', true), '[lab_r1] Virtualserver FWM 3 - UP');
  });

  it('Date header is strftime %a, %d %b %Y %H:%M:%S %z', () => {
    assert.equal(rfc822Date(new Date('2026-11-23T15:22:23Z')), 'Mon, 23 Nov 2026 15:22:23 +0000');
    assert.equal(rfc822Date(new Date('2026-03-01T09:04:08Z')), 'Sun, 01 Mar 2026 09:04:08 +0000');
  });

  it('Date header carries the local offset', () => {
    process.env.TZ = 'Asia/Kolkata';
    try {
      assert.equal(rfc822Date(new Date('2026-11-23T15:22:23Z')), 'Mon, 23 Nov 2026 20:52:23 +0530');
    } finally { process.env.TZ = 'UTC'; }
  });

  // Every captured mail: rebuild it from its own Date/From/Subject/To/body and compare the bytes.
  const captured = [
    ['chk-fakeipvs-explicit', 'mail-001.eml'], ['chk-fakeipvs-explicit', 'mail-002.eml'], ['chk-fakeipvs-explicit', 'mail-003.eml'],
    ['chk-fakeipvs-explicit', 'mail-004.eml'], ['chk-fakeipvs-defaults', 'mail-001.eml'], ['chk-fakeipvs-defaults', 'mail-005.eml'],
    ['chk-fakeipvs-defaults', 'mail-006.eml'], ['chk-noipvs', 'mail-001.eml'],
  ];
  for (const [dir, file] of captured) {
    it(`raw message equals captured ${dir}/${file} byte for byte`, () => {
      const want = readFileSync(`${CAP}/${dir}/${file}`, 'latin1');
      const h = (name: string): string => new RegExp(`^${name}: (.*)\r$`, 'm').exec(want)![1]!;
      const body = want.split('\r\n\r\n')[1]!;
      const got = buildMessage({
        date: new Date(`${h('Date').replace(/^\w+, /, '')}`),
        from: h('From'), to: h('To').split(', '), subject: h('Subject'), body,
      });
      assert.equal(got, want);
    });
  }

  it('the DATA section on the wire equals the captured client bytes (after the DATA command)', () => {
    const raw = readFileSync(`${CAP}/chk-fakeipvs-explicit/session-003.client.raw`, 'latin1');
    const data = raw.slice(raw.indexOf('DATA\r\n') + 6, raw.indexOf('QUIT\r\n'));
    const msg = buildMessage({
      date: new Date('2026-11-23T15:22:23Z'), from: 'Keepalived r1 <keepalived@lab-r1.example.test>',
      to: ['ops@example.test', 'NOC Team <noc@example.test>'],
      subject: '[lab_r1] Realserver [10.198.0.21]:tcp:80 of virtual server [10.198.0.100]:tcp:80 - DOWN',
      body: '=> TCP CHECK failed on service <=',
    });
    assert.equal(`${msg}.\r\n`, data);
  });

  it('subject and body are cut like keepalived buffers (255 / 511 bytes)', () => {
    const m = buildMessage({ date: new Date(0), from: 'a@b', to: ['c@d'], subject: 'S'.repeat(400), body: 'B'.repeat(900) });
    assert.ok(m.includes(`Subject: ${'S'.repeat(255)}\r\n`));
    assert.ok(m.includes(`\r\n\r\n${'B'.repeat(511)}\r\n\r\n`));
    assert.equal(truncateBytes('ééé', 5), 'éé');
  });

  const envTable: [string, string][] = [
    ['ops@example.test', 'ops@example.test'],
    ['NOC Team <noc@example.test>', 'noc@example.test'],
    ['Keepalived r1 <keepalived@lab-r1.example.test>', 'keepalived@lab-r1.example.test'],
    ['  root@vm ', 'root@vm'],
  ];
  for (const [conf, env] of envTable) it(`envelope address of "${conf}"`, () => assert.equal(envelopeAddress(conf), env));

  it('SMTP host text', () => assert.equal(smtpHostText('127.0.0.1', 25), '[127.0.0.1]:25'));
});
