// Start-up latency of the whole daemon against Debian's keepalived 2.2.7 (namespaces kve-*): one
// director alone on a segment, VRRPv2 BACKUP priority 100, advert_int 1, one VIP. With no peer it
// becomes MASTER after Master_Down_Interval (3 * advert_int + Skew_Time = 3.609 s) from entering
// BACKUP, so what start -> VIP adds beyond that is process start-up. Each implementation is
// started RUNS times; the phases (spawn -> "Starting", -> VRRP child forked, -> BACKUP, -> VIP
// seen by `ip monitor`) are printed as medians, and ours must be within NODE_STARTS bare node
// start-ups of keepalived's median start -> VIP.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { around, assertWithin, MARGIN, masterDownMs } from '../../helpers/bounds.js';
import { isRoot, NetnsLab, waitFor } from '../../helpers/netns.js';
import { BIN } from './harness.js';

const REAL = '/usr/sbin/keepalived';
const VIP = '10.196.0.100';
const RUNS = 3;
/**
 * Our start -> VIP may exceed keepalived's by two node start-ups (the parent, then the VRRP child
 * it forks after parsing) and their module loading, all CPU work that stretches with the load.
 * Measured on this 2-core machine: 4-4.7 times a bare `node -e 0` start-up, whatever the load
 * (+0.7-0.9 s at load 2-4 and normal priority, +1.8 s under `nice -n 19` at load 10); before this
 * file's commit about 14 times (Chevrotain's 640 lodash-es modules in the parent, netlink's CommonJS
 * export scan and nodemailer in the child). The bound: 6 bare start-ups of this run, at least 1.2 s.
 */
const NODE_STARTS = 6;
const MIN_MARGIN_MS = 1200;

const CONF = `global_defs {
  router_id kve_start
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 81
  priority 100
  advert_int 1
  virtual_ipaddress {
    ${VIP}/24
  }
}
`;

type Impl = 'ours' | 'keepalived';
interface Phases { starting: number; child: number; backup: number; vip: number }

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!; };

describe('daemon start-up: start -> VIP vs keepalived 2.2.7', function () {
  this.timeout(180_000);
  const lab = new NetnsLab('kve');
  let dir = '';
  let conf = '';
  const results: Record<Impl, Phases[]> = { ours: [], keepalived: [] };
  const nodeStarts: number[] = [];

  before(function () {
    if (!isRoot() || !existsSync(REAL)) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'kve-'));
    conf = join(dir, 'ka.conf');
    writeFileSync(conf, CONF);
    lab.up();
    lab.addHost('d', { addr4: '10.196.0.1/24' });
  });

  after(() => {
    lab.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function once(impl: Impl): Promise<Phases> {
    const ns = lab.ns('d');
    const mon = lab.spawn(ns, 'ip', ['-o', 'monitor', 'address']);
    let monOut = '';
    let vipAt = 0;
    mon.stdout!.on('data', (d) => { monOut += d; if (!vipAt && monOut.includes(`inet ${VIP}/24`)) vipAt = performance.now(); });
    mon.stderr!.on('data', () => {});
    await new Promise((r) => setTimeout(r, 200)); // the monitor is listening
    const args = ['-n', '-l', '-D', '-P', '-f', conf, '-p', join(dir, 'ka.pid'), '-r', join(dir, 'v.pid'), '-c', join(dir, 'c.pid')];
    const marks: Partial<Phases> = {};
    const t0 = performance.now();
    const p: ChildProcess = impl === 'ours'
      ? lab.spawn(ns, process.execPath, ['--expose-internals', BIN, ...args], { ...process.env, KEEPALIVED_TS_TMP_DIR: dir })
      : lab.spawn(ns, REAL, args);
    let err = '';
    const onText = (d: Buffer) => {
      err += d;
      const t = performance.now() - t0;
      if (marks.starting === undefined && err.includes('Starting Keepalived')) marks.starting = t;
      if (marks.child === undefined && err.includes('Starting VRRP child process')) marks.child = t;
      if (marks.backup === undefined && err.includes('(VI_1) Entering BACKUP STATE')) marks.backup = t;
    };
    p.stdout!.on('data', onText);
    p.stderr!.on('data', onText);
    try {
      await waitFor(() => vipAt > 0 && marks.backup !== undefined, 20_000, 10).catch(() => assert.fail(`${impl}: no VIP within 20 s:\n${err}`));
    } finally {
      const exited = new Promise((r) => p.once('exit', r));
      if (p.exitCode === null) p.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      mon.kill('SIGTERM');
    }
    await waitFor(() => !lab.exec(ns, 'ip', ['-4', 'addr', 'show', 'dev', 'eth0']).includes(VIP), 10_000, 50);
    return { starting: marks.starting ?? NaN, child: marks.child ?? NaN, backup: marks.backup!, vip: vipAt - t0 };
  }

  /** Wall time of a bare node start-up in the namespace (the unit our overhead is counted in). */
  function nodeStart(): number {
    const t = performance.now();
    lab.exec(lab.ns('d'), process.execPath, ['--expose-internals', '-e', '0']);
    return performance.now() - t;
  }

  for (const impl of ['keepalived', 'ours'] as const) {
    it(`${impl}: ${RUNS} starts, BACKUP then MASTER with the VIP`, async () => {
      for (let i = 0; i < RUNS; i++) {
        if (impl === 'ours') nodeStarts.push(nodeStart());
        results[impl].push(await once(impl));
      }
      const r = results[impl];
      const f = (k: keyof Phases) => `${median(r.map((x) => x[k])).toFixed(0)} ms`;
      console.log(`      ${impl}: start -> "Starting" ${f('starting')}, -> VRRP child forked ${f('child')}, -> BACKUP ${f('backup')}, -> VIP ${f('vip')} (medians of ${RUNS}; VIP runs ${r.map((x) => x.vip.toFixed(0)).join(', ')} ms)`);
      // BACKUP -> MASTER is Master_Down_Interval in both implementations.
      const mdi = around(masterDownMs(100), MARGIN.startup, MARGIN.startup, 'Master_Down_Interval(100)');
      for (const x of r) assertWithin(x.vip - x.backup, mdi, `${impl}: BACKUP -> VIP`);
    });
  }

  it(`ours reaches the VIP within ${NODE_STARTS} bare node start-ups (>= ${MIN_MARGIN_MS} ms) of keepalived's start -> VIP`, function () {
    if (results.ours.length < RUNS || results.keepalived.length < RUNS) this.skip();
    const ours = median(results.ours.map((x) => x.vip));
    const real = median(results.keepalived.map((x) => x.vip));
    const boot = median(nodeStarts);
    const margin = Math.max(MIN_MARGIN_MS, NODE_STARTS * boot);
    console.log(`      start -> VIP: ours ${ours.toFixed(0)} ms, keepalived ${real.toFixed(0)} ms, difference ${(ours - real).toFixed(0)} ms = ${((ours - real) / boot).toFixed(1)} x a bare node start-up (${boot.toFixed(0)} ms); bound ${margin.toFixed(0)} ms`);
    assert.ok(ours - real <= margin, `ours ${ours.toFixed(0)} ms vs keepalived ${real.toFixed(0)} ms`);
  });
});
