// keepalived 2.2.7's HTTP reading (Debian's /usr/bin/genhash runs the same code as its HTTP_GET
// checker) against ours on malformed and hostile responses: headers up to and past its 4095-byte
// buffer, malformed status lines, chunked bodies and chunk lies, Content-Length lies (longer,
// shorter, negative, huge, lower case, two of them, junk after the number), bare LF, NUL, empty
// replies, a 300 kB body. Each response comes from a one-shot server on 127.0.0.1 (a port the kernel
// picks); ours runs in-process (genhashMain). The output (digest or "no data received") must match.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { genhashMain } from '../../../src/check/genhash.js';

const BODY = 'hello world\n';
/** name -> the whole response the server sends before closing. */
const RESPONSES: Record<string, string> = {
  plain: `HTTP/1.0 200 OK\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`,
  'headers of 8 kB': `HTTP/1.0 200 OK\r\nX-Big: ${'a'.repeat(8000)}\r\n\r\n${BODY}`,
  'headers end at byte 4091': `HTTP/1.0 200 OK\r\nX: ${'a'.repeat(4091 - 24)}\r\n\r\n${BODY}`,
  'headers end at byte 4095': `HTTP/1.0 200 OK\r\nX: ${'a'.repeat(4095 - 24)}\r\n\r\n${BODY}`,
  'headers end at byte 4096': `HTTP/1.0 200 OK\r\nX: ${'a'.repeat(4096 - 24)}\r\n\r\n${BODY}`,
  'status not a number': `HTTP/1.1 abc OK\r\n\r\n${BODY}`,
  'no status line': `garbage\r\n\r\n${BODY}`,
  chunked: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
  'chunk size lie': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffff\r\nhello\r\n',
  'Content-Length longer': `HTTP/1.0 200 OK\r\nContent-Length: 1000\r\n\r\n${BODY}`,
  'Content-Length shorter': `HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\n${BODY}`,
  'Content-Length negative': `HTTP/1.0 200 OK\r\nContent-Length: -5\r\n\r\n${BODY}`,
  'Content-Length huge': `HTTP/1.0 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n${BODY}`,
  'Content-Length 0': `HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n${BODY}`,
  'two Content-Lengths': `HTTP/1.0 200 OK\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\n${BODY}`,
  'Content-Length without space': `HTTP/1.0 200 OK\r\nContent-Length:3\r\n\r\n${BODY}`,
  'content-length lower case, junk after': `HTTP/1.0 200 OK\r\ncontent-length: \t 4x\r\n\r\n${BODY}`,
  'Content-Length junk after': `HTTP/1.0 200 OK\r\nContent-Length: 4x\r\n\r\n${BODY}`,
  'bare LF': `HTTP/1.0 200 OK\nContent-Length: 3\n\n${BODY}`,
  nothing: '',
  'headers only': 'HTTP/1.0 200 OK\r\n\r\n',
  'NUL in headers and body': 'HTTP/1.0 200 OK\r\nX: a\0b\r\n\r\nbo\0dy',
  'Content-Length after a NUL': 'HTTP/1.0 200 OK\r\nX: \0\r\nContent-Length: 2\r\n\r\nbody',
  'body of 300 kB': `HTTP/1.0 200 OK\r\n\r\n${'z'.repeat(300_000)}`,
};

async function serveOnce(response: string): Promise<{ port: number; close: () => void }> {
  const srv = net.createServer((c) => { c.on('error', () => {}); c.once('data', () => c.end(response, 'latin1')); });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return { port: (srv.address() as net.AddressInfo).port, close: () => srv.close() };
}

const theirs = (port: number): Promise<string> => new Promise((resolve) => {
  execFile('/usr/bin/genhash', ['-s', '127.0.0.1', '-p', String(port), '-u', '/', '-t', '3'], { timeout: 15_000 }, (_e, out, err) => resolve(`${out}${err}`.trim()));
});

async function ours(port: number): Promise<string> {
  let text = '';
  await genhashMain(['-s', '127.0.0.1', '-p', String(port), '-u', '/', '-t', '3'], { out: (s) => { text += s; }, err: (s) => { text += s; } });
  return text.trim();
}

describe('check (integration): hostile HTTP responses read as keepalived 2.2.7 reads them (genhash)', function () {
  this.timeout(120_000);
  before(function () { if (!existsSync('/usr/bin/genhash')) this.skip(); });

  for (const [name, response] of Object.entries(RESPONSES)) {
    it(name, async () => {
      const a = await serveOnce(response);
      const b = await serveOnce(response);
      try {
        const [t, o] = await Promise.all([theirs(a.port), ours(b.port)]);
        assert.equal(o, t);
      } finally { a.close(); b.close(); }
    });
  }
});
