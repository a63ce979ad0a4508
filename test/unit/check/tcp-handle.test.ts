// The TCP_CHECK connect (the addon's TcpProber, the tcp_wrap handle and the net.Socket fallback, as
// one table): success,
// refused, timeout (a listener whose accept queue is full drops SYNs), bindto and bind_port seen by
// the server, IPv6, a bind that fails at once, many checks at once, and the handle closed after.
import assert from 'node:assert/strict';
import { closeSync, openSync } from 'node:fs';
import net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { Attempt, ipFamily, setTcpProbeImpl, tcpProbeImpl, tcpStart } from '../../../src/check/probes/tcp-handle.js';
import { tcpConnect, tcpProbe } from '../../../src/check/probes/tcp.js';
import type { Outcome } from '../../../src/check/core/checker-fsm.js';
import type { EffectiveParams } from '../../../src/check/core/params.js';

interface Srv { port: number; peers: { address: string; port: number }[]; close: () => Promise<void> }
function server(host = '127.0.0.1'): Promise<Srv> {
  return new Promise((resolve) => {
    const peers: Srv['peers'] = [];
    const s = net.createServer((c) => { peers.push({ address: c.remoteAddress!, port: c.remotePort! }); c.on('error', () => {}); c.destroy(); });
    s.listen(0, host, () => resolve({ port: (s.address() as net.AddressInfo).port, peers,
      close: () => new Promise((r) => s.close(() => r())) }));
  });
}
async function freePort(host = '127.0.0.1'): Promise<number> { const s = await server(host); await s.close(); return s.port; }

/** A listener (in a child) that stops accepting: once its queue holds one connection, SYNs are dropped. */
async function stuckListener(): Promise<{ port: number; child: ChildProcess }> {
  const code = `const s=require('net').createServer();s.listen({port:0,host:'127.0.0.1',backlog:1},()=>{` +
    `process.stdout.write(String(s.address().port)+'\\n');setTimeout(()=>Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,60000),20)})`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((r) => child.stdout!.once('data', (d: Buffer) => r(Number(d.toString().trim()))));
  await new Promise((r) => setTimeout(r, 100));
  // Fill the accept queue (the last fillers hang themselves; unref'd, and reset with the child).
  for (let k = 0; k < 4; k++) net.connect(port, '127.0.0.1').on('error', () => {}).unref();
  await new Promise((r) => setTimeout(r, 200));
  return { port, child };
}

/**
 * connect_timeout of the tests that are not about timing: a loopback connect answers at once, but a
 * unit tier at load 6 once held this process past 1000 ms and a success came back as a timeout.
 */
const AMPLE_MS = 10_000;

const run = (host: string, port: number, timeoutMs: number, bindto?: string, bindPort?: number): Promise<Outcome> =>
  new Promise((resolve) => tcpStart(new Attempt(), host, ipFamily(host), port, timeoutMs, resolve, bindto, bindPort));

for (const impl of ['native', 'handle', 'socket'] as const) {
  describe(`check: TCP connect (${impl})`, function () {
    let stuck: { port: number; child: ChildProcess } | undefined;
    before(function () {
      setTcpProbeImpl(impl);
      // The addon is built by npm ci (prepare); its absence is a failure, not a skip.
      if (impl === 'native') assert.equal(tcpProbeImpl(), 'native', 'kanet addon (TcpProber) not built: npm run build:native');
      if (tcpProbeImpl() !== impl) this.skip(); // no tcp_wrap binding in this runtime
    });
    after(() => {
      setTcpProbeImpl(null);
      if (stuck?.child.pid) { try { process.kill(stuck.child.pid, 'SIGKILL'); } catch { /* gone */ } }
    });

    it('success, then refused', async () => {
      const s = await server();
      assert.deepEqual(await run('127.0.0.1', s.port, AMPLE_MS), { ok: true });
      await s.close();
      assert.deepEqual(await run('127.0.0.1', s.port, AMPLE_MS), { ok: false, why: 'failed' });
    });

    it('timeout when SYNs are dropped, at about connect_timeout', async () => {
      stuck = await stuckListener();
      const t0 = performance.now();
      assert.deepEqual(await run('127.0.0.1', stuck.port, 300), { ok: false, why: 'timeout' });
      const ms = performance.now() - t0;
      assert.ok(ms >= 295 && ms < 1000, `timed out after ${ms.toFixed(0)} ms`);
    });

    it('a connect the kernel completed is a success even when the event loop stalled past connect_timeout', async function () {
      if (impl === 'socket') this.skip(); // net.Socket has no such guard (its timer fires first)
      const s = await server();
      const p = run('127.0.0.1', s.port, 100);
      const t0 = Date.now();
      while (Date.now() - t0 < 300) { /* a stalled loop: timers will run before the I/O phase */ }
      assert.deepEqual(await p, { ok: true });
      await s.close();
    });

    it('bindto and bind_port are the source address and port the server sees', async () => {
      const s = await server('0.0.0.0');
      const bp = await freePort();
      assert.deepEqual(await run('127.0.0.1', s.port, AMPLE_MS, '127.0.0.2'), { ok: true });
      assert.deepEqual(await run('127.0.0.1', s.port, AMPLE_MS, '127.0.0.3', bp), { ok: true });
      assert.deepEqual(await run('127.0.0.1', s.port, AMPLE_MS, undefined, bp + 0), { ok: true });
      for (let t = 0; t < 200 && s.peers.length < 3; t++) await new Promise((r) => setTimeout(r, 25));
      assert.equal(s.peers[0]!.address, '127.0.0.2');
      assert.deepEqual(s.peers[1], { address: '127.0.0.3', port: bp });
      assert.equal(s.peers[2]!.port, bp);
      await s.close();
    });

    it('IPv6 ::1', async () => {
      const s = await server('::1');
      assert.deepEqual(await run('::1', s.port, AMPLE_MS), { ok: true });
      assert.deepEqual(await run('::1', s.port, AMPLE_MS, '::1'), { ok: true });
      await s.close();
      assert.deepEqual(await run('::1', s.port, AMPLE_MS), { ok: false, why: 'failed' });
    });

    it('bind errors are no check (connect_error, with strerror), reported asynchronously', async () => {
      const s = await server();
      let sync = true;
      const p = new Promise<Outcome>((resolve) => tcpStart(new Attempt(), '127.0.0.1', 4, s.port, AMPLE_MS, (o) => { assert.equal(sync, false); resolve(o); }, '192.0.2.1'));
      sync = false;
      assert.deepEqual(await p, { ok: false, why: 'error', errText: 'Cannot assign requested address' });
      // A source port held by a listener: EADDRINUSE.
      assert.deepEqual(await run('127.0.0.1', s.port, AMPLE_MS, '127.0.0.1', s.port), { ok: false, why: 'error', errText: 'Address already in use' });
      await s.close();
    });

    it('no descriptor left (EMFILE): no check, noSocket (keepalived\'s "TCP connect fail to create socket"), asynchronously', async () => {
      const s = await server();
      // every descriptor this process may still open is taken by /dev/null until the outcome is in
      const fillers: number[] = [];
      let o: Outcome;
      try {
        for (;;) { try { fillers.push(openSync('/dev/null', 'r')); } catch { break; } }
        o = await run('127.0.0.1', s.port, AMPLE_MS);
      } finally {
        for (const fd of fillers) closeSync(fd);
      }
      assert.deepEqual(o, { ok: false, why: 'error', noSocket: true });
      assert.deepEqual(await run('127.0.0.1', s.port, AMPLE_MS), { ok: true });
      await s.close();
    });

    it('500 checks at once against 5 servers, one reused Attempt per probe', async () => {
      const ss = await Promise.all([0, 1, 2, 3, 4].map(() => server()));
      const params = (port: number): EffectiveParams => ({ retry: 1, delayBeforeRetryMs: 1000, delayLoopMs: 1000,
        warmupMs: 0, connectTimeoutMs: 2000,
        alpha: false, logAllFailures: false, connectIp: '127.0.0.1', connectPort: port });
      const probes = ss.map((s) => tcpProbe({ checker: { type: 'TCP_CHECK' }, params: params(s.port), rs: { address: '127.0.0.1', port: s.port, family: 'inet', weight: 1, checkers: [], extra: {} },
        vs: {} as never }));
      for (let round = 0; round < 5; round++) {
        const outs = await Promise.all(Array.from({ length: 100 }, (_, k) => probes[k % 5]!.run(0)));
        assert.ok(outs.every((o) => o.ok), `round ${round}`);
      }
      // The servers (in this process) accept lazily.
      const peers = (): number => ss.reduce((n, s) => n + s.peers.length, 0);
      for (let t = 0; t < 200 && peers() < 500; t++) await new Promise((r) => setTimeout(r, 25));
      assert.equal(ss.reduce((n, s) => n + s.peers.length, 0), 500);
      await Promise.all(ss.map((s) => s.close()));
    });

    it('tcpConnect: hostnames go through net.Socket (resolution)', async () => {
      const s = await server();
      assert.deepEqual(await tcpConnect('localhost', s.port, AMPLE_MS), { ok: true });
      await s.close();
    });
  });
}
