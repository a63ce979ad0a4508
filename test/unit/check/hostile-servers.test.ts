// The checkers against hostile real servers on loopback (127.0.0.1, ports the kernel picks): an HTTP
// server whose body never ends, one that drips a byte at a time forever, one whose headers never
// end, an SMTP server that accepts and never answers, one that drips without a newline, one that
// sends a megabyte line, a DNS server that answers with wrong ids and truncated replies. Each
// check ends within its bound (the response deadline: one delay_loop, at least connect_timeout),
// the real server is taken out of the desired IPVS state and the failure is logged.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { startCheckers } from '../../../src/check/index.js';
import { memoryLogger } from '../../../src/common/log.js';
import type { Checker } from '../../../src/config/model.js';
import { RecordingSink, mkConfig, mkRs, mkVs } from './fixtures.js';
import { waitFor } from '../../helpers/netns.js';

interface Srv { port: number; close(): void }

function tcpServer(onConn: (c: net.Socket) => void): Promise<Srv> {
  return new Promise((resolve) => {
    const held = new Set<net.Socket>();
    const s = net.createServer((c) => { held.add(c); c.on('close', () => held.delete(c)); c.on('error', () => {}); onConn(c); });
    s.listen(0, '127.0.0.1', () => resolve({ port: (s.address() as net.AddressInfo).port, close: () => { for (const c of held) c.destroy(); s.close(); } }));
  });
}

/** Writes `fn()` every `ms` until the connection closes. */
function forever(c: net.Socket, ms: number, fn: () => string | Buffer): void {
  const t = setInterval(() => { if (!c.destroyed && c.writableLength < 1 << 20) c.write(fn()); }, ms);
  c.on('close', () => clearInterval(t));
}

/** Runs one real server with one checker (retry 0, delay_loop 1 s, connect_timeout 1 s) until it is reported down. */
async function downWithin(port: number, checker: Checker, boundMs: number): Promise<{ ms: number; lines: string[] }> {
  const sink = new RecordingSink();
  const logger = memoryLogger(0);
  const vs = mkVs('10.0.0.100', port, [mkRs('127.0.0.1', port, [{ retry: 0, connectTimeout: 1, ...checker } as Checker])], { delayLoop: 1, lbKind: 'NAT' });
  const t0 = Date.now();
  const h = await startCheckers(mkConfig([vs], { checkerLogAllFailures: true }),
    { logger, lvs: sink, bootstrapDelayMs: 0 });
  try {
    // the real server starts up (inhibit off, alpha off) and must leave the desired state
    await waitFor(() => sink.states.length > 0 && sink.dests().length === 0 && logger.lines().some((l) => /fail|Timeout|timeout|Bad|no data/.test(l)), boundMs, 20);
    return { ms: Date.now() - t0, lines: logger.lines() };
  } finally {
    await h.stop();
  }
}

describe('check: hostile servers on loopback', function () {
  this.timeout(30_000);
  const servers: Srv[] = [];
  afterEach(() => { for (const s of servers.splice(0)) s.close(); });
  const serve = async (f: (c: net.Socket) => void) => { const s = await tcpServer(f); servers.push(s); return s.port; };
  // delay_loop 1 s and connect_timeout 1 s: a check ends within 1 s of its request (the deadline); margin for a loaded
  // machine
  const BOUND = 6000;

  it('HTTP_GET: an endless body (64 KiB every millisecond) fails the check at the response deadline', async () => {
    const port = await serve((c) => c.once('data', () => { c.write('HTTP/1.0 200 OK\r\n\r\n'); forever(c, 1, () => Buffer.alloc(65536, 0x78)); }));
    const r = await downWithin(port, { type: 'HTTP_GET', urls: [{ path: '/' }] } as Checker, BOUND);
    assert.ok(r.lines.includes(`Timeout HTTP read server [127.0.0.1]:tcp:${port}.`), r.lines.join('\n'));
    assert.ok(r.lines.includes(`HTTP_CHECK on service [127.0.0.1]:tcp:${port} failed.`), r.lines.join('\n'));
  });

  it('HTTP_GET: a body dripped one byte per 200 ms forever fails at the deadline, not never', async () => {
    const port = await serve((c) => c.once('data', () => { c.write('HTTP/1.0 200 OK\r\n\r\n'); forever(c, 200, () => 'y'); }));
    const r = await downWithin(port, { type: 'HTTP_GET', urls: [{ path: '/' }] } as Checker, BOUND);
    assert.ok(r.lines.includes(`Timeout HTTP read server [127.0.0.1]:tcp:${port}.`), r.lines.join('\n'));
    assert.ok(r.lines.includes(`HTTP_CHECK on service [127.0.0.1]:tcp:${port} failed.`), r.lines.join('\n'));
  });

  it('HTTP_GET: headers that do not end within 4095 bytes fail at once (2.2.7: no data received)', async () => {
    const port = await serve((c) => c.once('data', () => { c.write(`HTTP/1.0 200 OK\r\nX-Big: ${'a'.repeat(8000)}`); forever(c, 50, () => 'a'.repeat(1000)); }));
    const r = await downWithin(port, { type: 'HTTP_GET', urls: [{ path: '/' }] } as Checker, BOUND);
    assert.ok(r.lines.includes(`Read, no data received from  server [127.0.0.1]:tcp:${port}.` /* two spaces, as 2.2.7 */), r.lines.join('\n'));
    assert.ok(r.lines.includes(`HTTP_CHECK on service [127.0.0.1]:tcp:${port} failed.`), r.lines.join('\n'));
  });

  it('SMTP_CHECK: a server that accepts and never answers: read timeout', async () => {
    const port = await serve(() => {});
    const r = await downWithin(port, { type: 'SMTP_CHECK' } as Checker, BOUND);
    assert.ok(r.lines.includes(`SMTP_CHECK Read timeout from server [127.0.0.1]:${port}`), r.lines.join('\n'));
  });

  it('SMTP_CHECK: a banner dripped without a newline forever: read timeout', async () => {
    const port = await serve((c) => forever(c, 100, () => '2'));
    const r = await downWithin(port, { type: 'SMTP_CHECK' } as Checker, BOUND);
    assert.ok(r.lines.includes(`SMTP_CHECK Read timeout from server [127.0.0.1]:${port}`), r.lines.join('\n'));
  });

  it('SMTP_CHECK: a 1 MB banner line is judged by its tail (2.2.7\'s 512-byte buffer): bad greeting', async () => {
    const port = await serve((c) => c.write(`220 ${'x'.repeat(1 << 20)}\r\n`));
    const r = await downWithin(port, { type: 'SMTP_CHECK' } as Checker, BOUND);
    assert.ok(r.lines.includes(`SMTP_CHECK Bad greeting banner from server [127.0.0.1]:${port}`), r.lines.join('\n'));
  });

  it('SMTP_CHECK: a 600-byte banner line fails as in 2.2.7 (its buffer starts again after 511 bytes without a newline)', async () => {
    const port = await serve((c) => { c.write(`220 ${'x'.repeat(600)}\r\n`); c.on('data', (d) => c.write(d.toString().startsWith('HELO') ? '250 ok\r\n' : '221 bye\r\n')); });
    const r = await downWithin(port, { type: 'SMTP_CHECK' } as Checker, BOUND);
    // both lines as 2.2.7 logged them (test/fuzz/fixtures/smtp-2.2.7.md)
    const i = r.lines.indexOf(`SMTP_CHECK Buffer overflow reading from server [127.0.0.1]:${port}. Increase SMTP_BUFF_MAX in check_smtp.h`);
    assert.ok(i >= 0 && r.lines[i + 1] === `SMTP_CHECK Bad greeting banner from server [127.0.0.1]:${port}`, r.lines.join('\n'));
  });

  it('DNS_CHECK: replies with another id, truncated, or without QR are not answers: read timeout', async () => {
    const s = dgram.createSocket('udp4');
    s.on('message', (q, from) => {
      const wrongId = Buffer.from(q); wrongId.writeUInt16BE(q.readUInt16BE(0) ^ 0xffff, 0); wrongId[2] |= 0x80;
      const noQr = Buffer.from(q);
      for (const b of [wrongId, q.subarray(0, 7), noQr, Buffer.alloc(0)]) s.send(b, from.port, from.address);
    });
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    servers.push({ port: s.address().port, close: () => s.close() });
    const r = await downWithin(s.address().port, { type: 'DNS_CHECK', queryType: 'A', name: 'x.test' } as Checker, BOUND);
    assert.ok(r.lines.some((l) => l.includes('read timeout from socket')), r.lines.join('\n'));
  });
});
