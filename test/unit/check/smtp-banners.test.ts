// SmtpDialogue on the banners whose outcome was measured on keepalived 2.2.7 in the qemu guest
// (test/fuzz/fixtures/smtp-2.2.7.md): NUL before the newline (no line: read timeout), a 600-byte
// banner (judged by its tail after the 512-byte buffer starts again), a CR right after the code,
// a multi-line banner, a bare LF. The HELO and QUIT answers are the recording's.
import assert from 'node:assert/strict';
import { SmtpDialogue } from '../../../src/check/probes/smtp.js';

const CASES: [banner: string, outcome: 'up' | 'bad banner' | 'read timeout', overflow: boolean][] = [
  ['\x00\x01garbage\xff\r\n\r\n', 'read timeout', false],
  [`220 ${'x'.repeat(600)}\r\n`, 'bad banner', true],
  ['220\r\n', 'bad banner', false],
  ['220 ok\r\n', 'up', false],
  [`220 ${'y'.repeat(400)}\r\n`, 'up', false],
  ['220-first\r\n220 last\r\n', 'bad banner', false],
  ['220 ok\n', 'up', false],
  ['220 a\x00b\r\n', 'read timeout', false],
];

describe('check: SMTP banners as keepalived 2.2.7 judged them', () => {
  for (const [banner, outcome, overflow] of CASES) {
    it(`${JSON.stringify(banner.length > 40 ? `${banner.slice(0, 20)}...(${banner.length})` : banner)}: ${outcome}`, () => {
      const d = new SmtpDialogue('lb.test');
      const steps = [...d.feed(Buffer.from(banner, 'latin1'))];
      if (steps.at(-1)?.kind === 'write') steps.push(...d.feed(Buffer.from('250 ok\r\n')));
      if (steps.at(-1)?.kind === 'write') steps.push(...d.feed(Buffer.from('221 bye\r\n')));
      const last = steps.at(-1);
      const got = !last || last.kind === 'write' ? 'read timeout' : last.kind === 'ok' ? 'up' : last.what === 'banner' ? 'bad banner' : 'bad helo';
      assert.equal(got, outcome);
      assert.equal(d.overflows > 0, overflow);
    });
  }
});
