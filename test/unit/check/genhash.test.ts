// genhash: option parsing, keepalived's hex dump layout (taken from /usr/bin/genhash -v output),
// digest of a loopback server's body, and its error outputs.
import assert from 'node:assert/strict';
import net from 'node:net';
import { createHash } from 'node:crypto';
import { dumpBuffer, genhashMain, parseGenhashArgs, GENHASH_USAGE } from '../../../src/check/genhash.js';

function cap() { const o = { out: '', err: '' }; return { o, io: { out: (s: string) => { o.out += s; }, err: (s: string) => { o.err += s; } } }; }

describe('check: genhash', () => {
  it('parses short and long options', () => {
    assert.deepEqual(parseGenhashArgs(['-S', '-s', '10.0.0.1', '-p', '443', '-u', '/x', '-V', 'vh', '-P', '1.0c', '-t', '2', '-v', '-I']),
      { ssl: true, sni: true, verbose: true, protocol: '1.0C', timeoutS: 2, help: false, server: '10.0.0.1', port: 443, url: '/x', vhost: 'vh' });
    assert.deepEqual(parseGenhashArgs(['--server=h', '--port', '80', '--url', '/']), { ssl: false, sni: false, verbose: false, protocol: '1.0', timeoutS: 5, help: false, server: 'h', port: 80, url: '/' });
    assert.ok('error' in parseGenhashArgs(['-P', '2.0']));
  });

  it('hex dump lines match keepalived dump_buffer()', () => {
    const head = Buffer.from('HTTP/1.1 200 OK\r\n');
    assert.equal(dumpBuffer(head), '0000  48 54 54 50 2f 31 2e 31 - 20 32 30 30 20 4f 4b 0d   HTTP/1.1 200 OK.\n0016  0a                      -                           .               \n');
    assert.equal(dumpBuffer(Buffer.from('tes\r\n\r\n')), '0000  74 65 73 0d 0a 0d 0a    -                           tes....         \n');
  });

  it('usage on stderr with exit 1 when arguments are missing', async () => {
    const { o, io } = cap();
    assert.equal(await genhashMain(['-s', '127.0.0.1'], io), 1);
    assert.equal(o.err, GENHASH_USAGE);
    assert.equal(o.out, '');
  });

  it('prints the MD5 of the body; "Connection failed" on refusal; garbage -> stderr', async () => {
    const body = 'digest me\n';
    const srv = net.createServer((c) => c.once('data', () => c.end(`HTTP/1.0 404 Not Found\r\nContent-Length: ${body.length}\r\n\r\n${body}`)));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as net.AddressInfo).port;
    const a = cap();
    assert.equal(await genhashMain(['-s', '127.0.0.1', '-p', String(port), '-u', '/x'], a.io), 0);
    assert.equal(a.o.out, createHash('md5').update(body).digest('hex') + '\n');
    const v = cap();
    await genhashMain(['-s', '127.0.0.1', '-p', String(port), '-u', '/x', '-v'], v.io);
    assert.match(v.o.out, /-----------------------\[    HTTP Header Buffer    \]-----------------------\n0000  48 54 54 50/);
    assert.match(v.o.out, /\n\nGlobal response time for \[\/x\] = \d+ usecs\n$/);
    srv.close();
    const b = cap();
    assert.equal(await genhashMain(['-s', '127.0.0.1', '-p', String(port), '-u', '/x'], b.io), 0);
    assert.equal(b.o.out, 'Connection failed\n');
    // -v: /usr/bin/genhash -v ends a refused fetch with the response time, after a blank line.
    const bv = cap();
    await genhashMain(['-s', '127.0.0.1', '-p', String(port), '-u', '/x', '-v'], bv.io);
    assert.match(bv.o.out, /^Connection failed\n\nGlobal response time for \[\/x\] = \d+ usecs\n$/);
    const g = net.createServer((c) => c.once('data', () => c.end('garbage')));
    await new Promise<void>((r) => g.listen(0, '127.0.0.1', () => r()));
    const c = cap();
    await genhashMain(['-s', '127.0.0.1', '-p', String((g.address() as net.AddressInfo).port), '-u', '/'], c.io);
    assert.equal(c.o.err, 'no data received from remote webserver\n');
    g.close();
  });
});
