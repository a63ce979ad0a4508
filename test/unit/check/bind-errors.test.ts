// The probes' bind() failures on loopback (no root): bindto an address on no interface
// (10.99.99.99: bind() fails with EADDRNOTAVAIL before any packet is sent) and bind_port held by
// another socket (EADDRINUSE). HTTP/SSL, SMTP and DNS report "no check" (an 'error' with the strerror),
// UDP a bind failure with its errno; the servers see no connection at all.
import assert from 'node:assert/strict';
import net from 'node:net';
import dgram from 'node:dgram';
import { httpGet } from '../../../src/check/probes/http-client.js';
import { httpProbe } from '../../../src/check/probes/http.js';
import { smtpCheck } from '../../../src/check/probes/smtp.js';
import { dnsCheck } from '../../../src/check/probes/dns.js';
import { udpCheck } from '../../../src/check/probes/udp.js';
import type { ProbeSpec } from '../../../src/check/probes/types.js';
import { resolveParams } from '../../../src/check/core/params.js';
import type { Checker } from '../../../src/config/model.js';
import { mkRs, mkVs } from './fixtures.js';

const NOWHERE = '10.99.99.99';
const NOTAVAIL = { ok: false, why: 'error', errText: 'Cannot assign requested address' };
const INUSE = { ok: false, why: 'error', errText: 'Address already in use' };

interface Srv { port: number; conns: number; close(): void }
function tcpServer(): Promise<Srv> {
  return new Promise((resolve) => {
    const srv: Srv = { port: 0, conns: 0, close: () => s.close() };
    const s = net.createServer((c) => { srv.conns++; c.destroy(); });
    s.listen(0, '127.0.0.1', () => { srv.port = (s.address() as net.AddressInfo).port; resolve(srv); });
  });
}
function udpServer(): Promise<Srv> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const srv: Srv = { port: 0, conns: 0, close: () => s.close() };
    s.on('message', (m, r) => { srv.conns++; s.send(m, r.port, r.address); });
    s.bind(0, '127.0.0.1', () => { srv.port = s.address().port; resolve(srv); });
  });
}

describe('check: probes report bind() failures', () => {
  let tcp: Srv, udp: Srv, held: Srv, heldUdp: Srv;
  before(async () => { tcp = await tcpServer(); udp = await udpServer(); held = await tcpServer();
    heldUdp = await udpServer(); });
  after(() => { for (const s of [tcp, udp, held, heldUdp]) s.close(); });

  it('HTTP_GET: bindto not local, and bind_port in use', async () => {
    assert.deepEqual(await httpGet({ host: '127.0.0.1', port: tcp.port, path: '/', ssl: false, timeoutMs: 1000, bindto: NOWHERE }), NOTAVAIL);
    assert.deepEqual(await httpGet({ host: '127.0.0.1', port: tcp.port, path: '/', ssl: false, timeoutMs: 1000, bindto: '127.0.0.1', bindPort: held.port }), INUSE);
    assert.equal(tcp.conns, 0);
  });

  it('SSL_GET: the same (bind_port is honoured for TLS too)', async () => {
    assert.deepEqual(await httpGet({ host: '127.0.0.1', port: tcp.port, path: '/', ssl: true, timeoutMs: 1000, bindto: NOWHERE }), NOTAVAIL);
    assert.deepEqual(await httpGet({ host: '127.0.0.1', port: tcp.port, path: '/', ssl: true, timeoutMs: 1000, bindto: '127.0.0.1', bindPort: held.port }), INUSE);
    assert.equal(tcp.conns, 0);
  });

  it('the HTTP probe passes the outcome on to the FSM unchanged', async () => {
    const checker: Checker = { type: 'HTTP_GET', urls: [{ path: '/' }] };
    const rs = mkRs('127.0.0.1', tcp.port, [checker]);
    const vs = mkVs('127.0.0.1', tcp.port, [rs]);
    const params = { ...resolveParams(checker, rs, vs), connectTimeoutMs: 1000, bindto: NOWHERE };
    const spec: ProbeSpec = { checker, params, rs, vs };
    assert.deepEqual(await httpProbe(spec).run(0), NOTAVAIL);
  });

  it('SMTP_CHECK', async () => {
    assert.deepEqual(await smtpCheck('127.0.0.1', tcp.port, 'h', 1000, NOWHERE), NOTAVAIL);
    assert.deepEqual(await smtpCheck('127.0.0.1', tcp.port, 'h', 1000, '127.0.0.1', held.port), INUSE);
    assert.equal(tcp.conns, 0);
  });

  it('DNS_CHECK', async () => {
    assert.deepEqual(await dnsCheck('127.0.0.1', udp.port, '.', 6, 1000, NOWHERE), NOTAVAIL);
    assert.deepEqual(await dnsCheck('127.0.0.1', udp.port, '.', 6, 1000, '127.0.0.1', heldUdp.port), INUSE);
    assert.equal(udp.conns, 0);
  });

  it('UDP_CHECK: msg "bind" with the errno (keepalived logs it and counts a failure)', async () => {
    const o = { payload: Buffer.from('hi'), minLen: 0, maxLen: 255 };
    assert.deepEqual(await udpCheck('127.0.0.1', udp.port, o, 1000, NOWHERE), { ok: false, why: 'bind', errno: 99, errText: 'Cannot assign requested address' });
    assert.deepEqual(await udpCheck('127.0.0.1', udp.port, o, 1000, '127.0.0.1', heldUdp.port), { ok: false, why: 'bind', errno: 98, errText: 'Address already in use' });
    assert.equal(udp.conns, 0);
  });

  it('a usable bindto still checks normally', async () => {
    const o = { payload: Buffer.from('hi'), requireReply: Buffer.from('hi'), minLen: 0, maxLen: 255 };
    assert.deepEqual(await udpCheck('127.0.0.1', udp.port, o, 1000, '127.0.0.1'), { ok: true });
    assert.equal(udp.conns, 1);
  });
});
