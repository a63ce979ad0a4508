// Probe adapters against small servers on 127.0.0.1 (no root): outcomes and keepalived's failure
// texts for TCP, HTTP (status ranges, digest, regex, vhost, request template), SMTP, DNS, UDP, MISC.
import assert from 'node:assert/strict';
import { closeSync, openSync } from 'node:fs';
import net from 'node:net';
import dgram from 'node:dgram';
import { createHash } from 'node:crypto';
import { tcpConnect } from '../../../src/check/probes/tcp.js';
import { httpGet, buildRequest, bodyOf } from '../../../src/check/probes/http-client.js';
import { judge, statusOk } from '../../../src/check/probes/http.js';
import { smtpCheck, smtpStatus } from '../../../src/check/probes/smtp.js';
import { dnsCheck, buildQuery } from '../../../src/check/probes/dns.js';
import { udpCheck } from '../../../src/check/probes/udp.js';
import { runScript } from '../../../src/check/probes/misc.js';

const self = { uid: process.getuid!(), gid: process.getgid!() };

function tcpServer(onConn: (c: net.Socket) => void): Promise<{ port: number; close: () => void }> {
  return new Promise((resolve) => {
    const held: net.Socket[] = [];
    const s = net.createServer((c) => { held.push(c); c.on('error', () => {}); onConn(c); });
    s.listen(0, '127.0.0.1', () => resolve({ port: (s.address() as net.AddressInfo).port, close: () => { for (const c of held) c.destroy(); s.close(); } }));
  });
}
const freePort = async (): Promise<number> => { const s = await tcpServer(() => {}); s.close(); return s.port; };

describe('check: probes on loopback', () => {
  it('TCP: success and refused', async () => {
    const s = await tcpServer((c) => c.end());
    assert.deepEqual(await tcpConnect('127.0.0.1', s.port, 1000), { ok: true });
    s.close();
    assert.deepEqual(await tcpConnect('127.0.0.1', await freePort(), 1000), { ok: false, why: 'failed' });
  });

  it('HTTP request template as keepalived sends it', () => {
    assert.equal(buildRequest({ host: '10.0.0.2', port: 80, path: '/x', ssl: false, timeoutMs: 1 }),
      'GET /x HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 10.0.0.2:80\r\n\r\n');
    assert.equal(buildRequest({ host: 'fd00::2', port: 8080, path: '/', ssl: false, timeoutMs: 1, protocol: '1.1', vhost: 'www.example' }),
      'GET / HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: www.example\r\n\r\n');
    assert.equal(buildRequest({ host: 'fd00::2', port: 8080, path: '/', ssl: false, timeoutMs: 1, protocol: '1.0C' }),
      'GET / HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: [fd00::2]:8080\r\n\r\n');
  });

  it('HTTP judge: status ranges, digest over the body (cut at Content-Length), regex', () => {
    const raw = Buffer.from('HTTP/1.1 302 Found\r\nContent-Length: 5\r\n\r\nhello-extra');
    const r = { raw, headerEnd: raw.indexOf('\r\n\r\n') + 4, status: 302, contentLength: 5 };
    assert.equal(bodyOf(r).toString(), 'hello');
    assert.equal(statusOk({ path: '/' }, 302), false);
    assert.equal(statusOk({ path: '/', statusCode: [{ from: 300, to: 399 }] }, 302), true);
    const md5 = createHash('md5').update('hello').digest('hex');
    assert.deepEqual(judge({ path: '/', statusCode: [{ from: 302, to: 302 }], digest: md5 }, r), { ok: true, text: 'MD5 digest' });
    assert.deepEqual(judge({ path: '/', statusCode: [{ from: 302, to: 302 }], digest: '0'.repeat(32) }, r), { ok: false, why: 'text', text: 'MD5 digest error to' });
    assert.deepEqual(judge({ path: '/' }, r), { ok: false, why: 'text', text: 'HTTP status code error to' });
    assert.deepEqual(judge({ path: '/', statusCode: [{ from: 302, to: 302 }], regex: 'hel+o' }, r), { ok: true, text: 'Regex match' });
    assert.deepEqual(judge({ path: '/', statusCode: [{ from: 302, to: 302 }], regex: 'hel+o', regexNoMatch: true }, r), { ok: false, why: 'text', text: 'Regex match failed' });
  });

  it('HTTP client: real exchange, no data, read timeout, refused', async () => {
    let req = '';
    const ok = await tcpServer((c) => c.once('data', (d) => { req = d.toString(); c.end('HTTP/1.0 200 OK\r\n\r\nbody'); }));
    const r = await httpGet({ host: '127.0.0.1', port: ok.port, path: '/p', ssl: false, timeoutMs: 1000, vhost: 'vh' });
    assert.ok(r.ok && r.status === 200 && bodyOf(r).toString() === 'body');
    assert.equal(req, 'GET /p HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: vh\r\n\r\n');
    ok.close();
    const empty = await tcpServer((c) => c.once('data', () => c.end()));
    assert.deepEqual(await httpGet({ host: '127.0.0.1', port: empty.port, path: '/', ssl: false, timeoutMs: 1000 }), { ok: false, why: 'text', text: 'Read, no data received from ' });
    empty.close();
    const silent = await tcpServer(() => {});
    assert.deepEqual(await httpGet({ host: '127.0.0.1', port: silent.port, path: '/', ssl: false, timeoutMs: 300 }), { ok: false, why: 'text', text: 'Timeout WEB read' });
    silent.close();
    assert.deepEqual(await httpGet({ host: '127.0.0.1', port: await freePort(), path: '/', ssl: false, timeoutMs: 300 }), { ok: false, why: 'text', text: 'Connection failed' });
  });

  it('no descriptor left (EMFILE): HTTP, SMTP, DNS and UDP checks are not made (noSocket, keepalived\'s "fail to create socket" lines)', async () => {
    const s = await tcpServer((c) => c.end());
    const fillers: number[] = [];
    let outs: unknown[];
    try {
      for (;;) { try { fillers.push(openSync('/dev/null', 'r')); } catch { break; } }
      outs = await Promise.all([
        httpGet({ host: '127.0.0.1', port: s.port, path: '/', ssl: false, timeoutMs: 1000 }),
        smtpCheck('127.0.0.1', s.port, 'h', 1000),
        dnsCheck('127.0.0.1', 53, 'a.test', 1, 1000),
        udpCheck('127.0.0.1', s.port, { payload: Buffer.alloc(0), minLen: 0, maxLen: 0 }, 1000),
      ]);
    } finally {
      for (const fd of fillers) closeSync(fd);
    }
    s.close();
    for (const o of outs) assert.deepEqual(o, { ok: false, why: 'error', noSocket: true });
  });

  it('SMTP: banner / HELO / QUIT dialogue and its failures', async () => {
    assert.equal(smtpStatus('220 mx ESMTP'), 220);
    assert.equal(smtpStatus('220-multi'), -1);
    const seen: string[] = [];
    const good = await tcpServer((c) => {
      c.write('220 mx.test ESMTP\r\n');
      c.on('data', (d) => { const l = d.toString(); seen.push(l); c.write(l.startsWith('HELO') ? '250 mx.test\r\n' : '221 bye\r\n'); });
    });
    assert.deepEqual(await smtpCheck('127.0.0.1', good.port, 'lb.test', 1000), { ok: true });
    assert.deepEqual(seen, ['HELO lb.test\r\n', 'QUIT\r\n']);
    good.close();
    const badHelo = await tcpServer((c) => { c.write('220 ok\r\n'); c.on('data', () => c.write('550 no\r\n')); });
    assert.deepEqual(await smtpCheck('127.0.0.1', badHelo.port, 'x', 1000), { ok: false, why: 'text', text: `Bad HELO response from server [127.0.0.1]:${badHelo.port}` });
    badHelo.close();
    const mute = await tcpServer(() => {});
    assert.deepEqual(await smtpCheck('127.0.0.1', mute.port, 'x', 300), { ok: false, why: 'text', text: `Read timeout from server [127.0.0.1]:${mute.port}` });
    mute.close();
  });

  it('DNS: query layout; answer, rcode error, timeout', async () => {
    const q = buildQuery(0x1234, 'www.example.com', 1);
    assert.equal(q.toString('hex'), '123401000001000000000000' + '03777777076578616d706c6503636f6d00' + '00010001');
    assert.equal(buildQuery(1, '.', 6).subarray(12).toString('hex'), '0000060001');
    const srv = dgram.createSocket('udp4');
    let rcode = 0;
    srv.on('message', (m, r) => { const a = Buffer.from(m); a.writeUInt16BE(0x8180 | rcode, 2); srv.send(a, r.port, r.address); });
    await new Promise<void>((res) => srv.bind(0, '127.0.0.1', () => res()));
    const port = srv.address().port;
    assert.deepEqual(await dnsCheck('127.0.0.1', port, 'kc.test', 1, 1000), { ok: true });
    rcode = 3;
    assert.deepEqual(await dnsCheck('127.0.0.1', port, 'kc.test', 1, 1000), { ok: false, why: 'text', text: 'read error occurred. (rcode = 3)' });
    srv.close();
    const mute = dgram.createSocket('udp4');
    await new Promise<void>((res) => mute.bind(0, '127.0.0.1', () => res()));
    assert.deepEqual(await dnsCheck('127.0.0.1', mute.address().port, '.', 6, 300), { ok: false, why: 'text', text: 'read timeout from socket' });
    mute.close();
  });

  it('UDP: echo with require_reply, refused (ICMP), silence', async () => {
    const echo = dgram.createSocket('udp4');
    echo.on('message', (m, r) => echo.send(m, r.port, r.address));
    await new Promise<void>((res) => echo.bind(0, '127.0.0.1', () => res()));
    const port = echo.address().port;
    const hello = Buffer.from('hello');
    assert.deepEqual(await udpCheck('127.0.0.1', port, { payload: hello, requireReply: hello, minLen: 0, maxLen: 255 }, 1000), { ok: true });
    assert.deepEqual(await udpCheck('127.0.0.1', port, { payload: hello, requireReply: Buffer.from('nope'), minLen: 0, maxLen: 255 }, 1000), { ok: false, why: 'mismatch' });
    assert.deepEqual(await udpCheck('127.0.0.1', port, { payload: hello, requireReply: true, minLen: 0, maxLen: 3 }, 1000), { ok: false, why: 'mismatch' });
    echo.close();
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await udpCheck('127.0.0.1', port, { payload: hello, minLen: 0, maxLen: 255 }, 500), { ok: false, why: 'failed' });
  });

  it('MISC: exit status without a shell, timeout, signal', async () => {
    assert.deepEqual(await runScript(['/bin/sh', '-c', 'exit 0'], 2000, self), { ok: true, exitCode: 0 });
    assert.deepEqual(await runScript(['/bin/sh', '-c', 'exit 7'], 2000, self), { ok: false, why: 'exit', exitCode: 7 });
    assert.deepEqual(await runScript(['/bin/sleep', '5'], 200, self), { ok: false, why: 'timeout' });
    assert.deepEqual(await runScript(['/bin/sh', '-c', 'kill -9 $$'], 2000, self), { ok: false, why: 'signal', signal: 9 });
    assert.deepEqual(await runScript(['/nonexistent/x'], 2000, self), { ok: false, why: 'exit', exitCode: 127 });
    // No shell: metacharacters reach the program as plain arguments.
    assert.deepEqual(await runScript(['/usr/bin/test', '$HOME', '=', '$HOME'], 2000, self), { ok: true, exitCode: 0 });
  });
});
