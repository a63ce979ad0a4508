// Fuzz targets: what real servers answer the checkers, mutated, through the checkers' pure parsing
// code. Seeds are the recorded replies of nginx, Node's http server, npm smtp-server and dnsmasq
// (fixtures/checker-replies.json). HTTP: HttpResponseReader fed in random segments, then judge()
// with status ranges, an MD5 digest and a regex (malformed status lines, huge headers, Content-Length
// and chunk lies, bare LF, NUL, long bodies). SMTP: SmtpDialogue over the banner / HELO / QUIT
// lines (malformed codes, multi-line lies, huge and NUL-broken lines, missing newlines). DNS:
// dnsReply() on replies (truncated, wrong ids and flags, count and compression lies). Verdicts are
// the checker's outcome texts; invariants: bounded memory, one verdict per exchange, the streamed
// MD5 equal to the MD5 of the body read at once.
import * as fs from 'node:fs';
import { bodyOf, HEAD_LIMIT, HttpResponseReader, md5hex, parseHead } from '../../src/check/probes/http-client.js';
import { judge } from '../../src/check/probes/http.js';
import { SmtpDialogue, SMTP_LINE_MAX } from '../../src/check/probes/smtp.js';
import { dnsReply } from '../../src/check/probes/dns.js';
import { failureText } from '../../src/check/core/checker-fsm.js';
import type { HttpUrl } from '../../src/config/model.js';
import { mutate, type FuzzTarget, type Rng } from './harness.js';

const FIXTURE = new URL('./fixtures/checker-replies.json', import.meta.url);
interface Recorded { http: Record<string, string>; smtp: string[]; dns: Record<string, string> }
const load = (): Recorded => JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Recorded;

/** Splits b into 1..n segments at random places (how TCP may deliver it). */
function segments(rng: Rng, b: Buffer): Buffer[] {
  if (b.length < 2 || rng.chance(0.3)) return [b];
  const cuts = new Set<number>();
  for (let i = rng.range(1, 8); i > 0; i--) cuts.add(1 + rng.int(b.length - 1));
  const at = [0, ...[...cuts].sort((x, y) => x - y), b.length];
  return at.slice(1).map((e, i) => b.subarray(at[i], e));
}

// ---------------------------------------------------------------------------------------------- HTTP

export interface HttpInput { segments: Buffer[]; url: HttpUrl; rawLimit: number }

const STATUS_LINES = ['HTTP/1.1 200 OK', 'HTTP/1.1 200', 'HTTP/1.0 200  OK', 'HTTP/1.1 2000 OK', 'HTTP/1.1 20 OK', 'HTTP/1.1 abc OK', 'garbage 200 OK', 'HTTP/1.1\t200 OK',
  'HTTP/1.1 -20 OK', 'HTTP/1.1 +20 OK', ' HTTP/1.1 200 OK', 'HTTP/1.1 999 X', 'HTTP/1.1 099 X', '', 'HTTP/1.1 200 OK\0junk', 'HTTP/9.9 301 Moved'];
const HEADER_LIES = ['Content-Length: 0', 'Content-Length: -1', 'Content-Length: 99999999999999999999999', 'Content-Length:7', 'content-length: 3', 'Content-Length: 3x',
  'Content-Length: 1\r\nContent-Length: 9', 'Transfer-Encoding: chunked', 'X-Long: ' + 'a'.repeat(5000), 'X: \0', 'Content-Length: \t 4'];
const BODIES = ['', 'hello', 'ffffffff\r\nhello\r\n', '5\r\nhello\r\n0\r\n\r\n', '-1\r\nx\r\n', 'Content-Length: 2\r\n', 'x'.repeat(70_000)];

function httpSeed(rng: Rng, rec: Recorded): Buffer {
  const base = Buffer.from(rng.pick(Object.values(rec.http)), 'latin1');
  const r = rng.next();
  if (r < 0.1) return base;
  if (r < 0.4) return mutate(rng, base, { max: 3, donors: Object.values(rec.http).map((x) => Buffer.from(x, 'latin1')) })[0];
  // a response put together from malformed parts
  const head = [rng.pick(STATUS_LINES), ...Array.from({ length: rng.int(4) }, () => rng.pick(HEADER_LIES))];
  const sep = rng.pick(['\r\n', '\r\n', '\n', '\r']);
  const end = rng.pick(['\r\n\r\n', '\r\n\r\n', '\n\n', '\r\n']);
  return Buffer.from(head.join(sep) + end + rng.pick(BODIES), 'latin1');
}

const URLS: HttpUrl[] = [
  { path: '/' },
  { path: '/', statusCode: [{ from: 200, to: 302 }], digest: md5hex(Buffer.from('hello')) },
  { path: '/', regex: 'real server|chunk' },
  { path: '/', regex: 'x{3}$', regexNoMatch: true, statusCode: [{ from: 100, to: 599 }] },
];

export function httpTarget(): FuzzTarget<HttpInput> {
  const rec = load();
  return {
    name: 'http',
    generate: (rng) => ({ segments: segments(rng, httpSeed(rng, rec)), url: rng.pick(URLS),
      rawLimit: rng.pick([1 << 20, 1024, 100]) }),
    run(input) {
      const reader = new HttpResponseReader(input.rawLimit);
      let fed = 0;
      for (const s of input.segments) { fed += s.length; if (!reader.feed(s)) break; }
      const r = reader.end();
      if ('failed' in r) {
        if (fed < HEAD_LIMIT && parseHead(Buffer.concat(input.segments))) return '!head-not-found';
        return `failed: ${r.failed.trim()}`;
      }
      if (r.headerEnd > HEAD_LIMIT) return '!head-beyond-limit';
      if (r.raw.length > Math.max(input.rawLimit, r.headerEnd)) return '!kept-too-much';
      if (!Number.isInteger(r.status) || r.status < 0 || r.status > 999) return '!status';
      // the streamed digest equals the digest of the body read at once (same Content-Length)
      const all = Buffer.concat(input.segments);
      const once = { raw: all, headerEnd: r.headerEnd, ...(r.contentLength !== undefined
        ? { contentLength: r.contentLength } : {}) };
      if (md5hex(bodyOf(once)) !== r.digest) return '!digest-differs';
      const o = judge(input.url, r);
      return o.ok ? `up: ${'text' in o ? o.text : undefined}` : `down: ${failureText(o)}`;
    },
    show: (input) => JSON.stringify(Buffer.concat(input.segments).toString('latin1').slice(0, 1500)),
  };
}

// ---------------------------------------------------------------------------------------------- SMTP

export interface SmtpInput { segments: Buffer[] }

const SMTP_LIES = ['220 ok\r\n', '220\r\n', '220\n', '22O ok\r\n', '2200 ok\r\n', '220-first\r\n220 last\r\n', '250-a\r\n250-b\r\n250 c\r\n', ' 220 x\r\n', '+220 x\r\n',
  '220 ' + 'x'.repeat(600) + '\r\n', 'x'.repeat(511) + '220 tail\r\n', '220 a\0b\r\n', '\0\n', '', '\r\n', '250 ok', '221 bye\r\n', '554 no\r\n', '220 x\r\n250 y\r\n221 z\r\n'];

export function smtpTarget(): FuzzTarget<SmtpInput> {
  const rec = load();
  return {
    name: 'smtp',
    generate(rng) {
      const lines: Buffer[] = rec.smtp.map((l) => Buffer.from(l, 'latin1'));
      for (let i = 0; i < lines.length; i++) {
        const r = rng.next();
        if (r < 0.2) lines[i] = Buffer.from(rng.pick(SMTP_LIES), 'latin1');
        else if (r < 0.35) lines[i] = mutate(rng, lines[i]!, { max: 2 })[0];
        else if (r < 0.4) lines[i] = Buffer.from('x'.repeat(rng.pick([512, 4096, 100_000])) + '\r\n');
      }
      if (rng.chance(0.1)) lines.splice(rng.int(lines.length), 1);
      return { segments: segments(rng, Buffer.concat(lines)) };
    },
    run(input) {
      const d = new SmtpDialogue('lb.fuzz.test');
      const writes: string[] = [];
      let verdict: string | undefined;
      for (const s of input.segments) {
        for (const step of d.feed(s)) {
          if (verdict) return '!step-after-verdict';
          if (step.kind === 'write') writes.push(step.text.split(' ')[0]!.trim());
          else verdict = step.kind === 'ok' ? 'up' : `down: bad ${step.what}`;
        }
      }
      const expect = ['HELO', 'QUIT'].slice(0, writes.length);
      if (writes.join() !== expect.join()) return '!commands-out-of-order';
      if (verdict === 'up' && writes.length !== 2) return '!up-without-quit';
      if (d.buffered > SMTP_LINE_MAX) return '!buffer-unbounded';
      return `${verdict ?? 'no verdict (read timeout)'}${d.overflows ? ' after buffer overflow' : ''}`;
    },
    show: (input) => JSON.stringify(Buffer.concat(input.segments).toString('latin1').slice(0, 1500)),
  };
}

// ---------------------------------------------------------------------------------------------- DNS

export interface DnsInput { reply: Buffer; id: number }

export function dnsTarget(): FuzzTarget<DnsInput> {
  const rec = load();
  const replies = Object.values(rec.dns).map((h) => Buffer.from(h, 'hex'));
  // counts (offsets 4-11) and compression pointers are lies the checker must not read
  const lengthAt = [4, 6, 8, 10].map((at) => ({ at, width: 2 as const }));
  return {
    name: 'dns',
    generate(rng) {
      const base = rng.pick(replies);
      const id = base.readUInt16BE(0);
      let reply: Buffer = base;
      const r = rng.next();
      if (r < 0.1) reply = Buffer.from(base);
      else if (r < 0.2) reply = Buffer.concat([base.subarray(0, 12), Buffer.from('c00c', 'hex'), Buffer.from('c00cc00c', 'hex')]); // a compression loop
      else reply = mutate(rng, base, { max: 3, donors: replies, lengthAt, le: false })[0];
      return { reply, id: rng.chance(0.9) ? id : rng.int(65536) };
    },
    run(input) {
      const v = dnsReply(input.reply, input.id);
      if ('wait' in v) return `ignored: ${v.wait}`;
      if (v.ok && (input.reply.length < 8 || input.reply.readUInt16BE(0) !== input.id)) return '!accepted-wrong-reply';
      return v.ok ? 'up' : `down: ${failureText(v)}`;
    },
    show: (input) => `id ${input.id}: ${input.reply.toString('hex')}`,
  };
}
