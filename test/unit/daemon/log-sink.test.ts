// The daemon's log sinks against a real unix datagram socket (what /dev/log is): exact RFC 3164
// datagrams with ident, pid and facility; -G sends nothing; -l console lines; -D detail levels.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDaemonLogger } from '../../../src/daemon/log-sink.js';

interface Sock { bind(p: string): void; close(): void; on(e: string, f: (...a: unknown[]) => void): void }
const unix = createRequire(import.meta.url)('unix-dgram') as { createSocket(t: string, cb: (b: Buffer) => void): Sock };

describe('daemon/log-sink', () => {
  let dir: string;
  let server: Sock;
  const got: string[] = [];
  const path = () => join(dir, 'log.sock');
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kd-sink-'));
    server = unix.createSocket('unix_dgram', (b) => got.push(b.toString()));
    server.bind(path());
  });
  after(() => { server.close(); rmSync(dir, { recursive: true, force: true }); });
  const settle = async (n = 0) => { for (let i = 0; i < 100
    && got.length < n; i++) await new Promise((r) => setTimeout(r, 20)); await new Promise((r) => setTimeout(r, 50)); };
  const at = new Date(2026, 10, 23, 15, 27, 52);

  it('sends glibc-style datagrams with ident, pid and facility; detail lines only with -D', async () => {
    got.length = 0;
    const console: string[] = [];
    const log = createDaemonLogger({ ident: 'Keepalived_vrrp', facility: 3, detail: 1, console: true, syslog: true, syslogPath: path(), pid: 4242, now: () => at, consoleWrite: (l) => console.push(l) });
    log.info('(VI_1) Entering MASTER STATE');
    log.error('bad thing');
    log.detail('(VI_1) sent 0 priority');
    log.detail('very detailed', 2);
    log.log('debug', 'Initializing ipvs');
    log.setFacility(19);
    log.warn('local3 now');
    await settle(5);
    log.close();
    assert.deepEqual(got, [
      '<30>Nov 23 15:27:52 Keepalived_vrrp[4242]: (VI_1) Entering MASTER STATE',
      '<27>Nov 23 15:27:52 Keepalived_vrrp[4242]: bad thing',
      '<30>Nov 23 15:27:52 Keepalived_vrrp[4242]: (VI_1) sent 0 priority',
      '<31>Nov 23 15:27:52 Keepalived_vrrp[4242]: Initializing ipvs',
      '<156>Nov 23 15:27:52 Keepalived_vrrp[4242]: local3 now',
    ]);
    assert.deepEqual(console, [
      'Mon Nov 23 15:27:52 2026: (VI_1) Entering MASTER STATE',
      'Mon Nov 23 15:27:52 2026: bad thing',
      'Mon Nov 23 15:27:52 2026: (VI_1) sent 0 priority',
      'Mon Nov 23 15:27:52 2026: Initializing ipvs',
      'Mon Nov 23 15:27:52 2026: local3 now',
    ]);
  });

  it('a burst larger than the socket queue is delivered complete and in order (glibc blocks; we queue)', async () => {
    got.length = 0;
    const log = createDaemonLogger({ ident: 'Keepalived', facility: 3, detail: 0, console: false, syslog: true, syslogPath: path(), pid: 1, now: () => at });
    for (let i = 0; i < 60; i++) log.info(`line ${i}`);
    await settle(60);
    log.close();
    assert.equal(got.length, 60);
    assert.deepEqual(got.map((g) => g.split(': ')[1]), Array.from({ length: 60 }, (_, i) => `line ${i}`));
  });

  it('-G: nothing goes to syslog; a missing socket is not an error', async () => {
    got.length = 0;
    const log = createDaemonLogger({ ident: 'Keepalived', facility: 3, detail: 0, console: false, syslog: false, syslogPath: path() });
    log.info('x');
    const gone = createDaemonLogger({ ident: 'Keepalived', facility: 3, detail: 0, console: false, syslog: true, syslogPath: join(dir, 'nope.sock') });
    gone.info('dropped like glibc does');
    await settle();
    log.close(); gone.close();
    assert.deepEqual(got, []);
  });
});
