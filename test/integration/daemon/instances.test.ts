// Two of our daemons side by side in one namespace with different `instance` names, as keepalived
// 2.2.7 runs them (recorded: test/unit/daemon/data/instance-2.2.7.md): pid files
// /run/keepalived/{keepalived,vrrp}_INSTANCE.pid, the ident "Keepalived_INSTANCE", USR1 data dumps
// named keepalived.INSTANCE.data / keepalived_parent.INSTANCE.data with data_use_instance (the other
// daemon keeps the plain names), a third start with a running instance's name refused, and the pid
// files removed at the end. Instance names carry this process's pid.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot, OwnedNetns, waitFor } from '../../helpers/netns.js';
import { BIN, vethNamespace } from './harness.js';

const netns = new OwnedNetns('kd-inst');
const NS = netns.name;
const A = `kdi${process.pid}a`;
const B = `kdi${process.pid}b`;

const conf = (inst: string, vrid: number, extra: string) => `instance ${inst}
global_defs {
  router_id ${inst}
${extra}}
vrrp_instance VI_${vrid} {
  state BACKUP
  interface eth0
  virtual_router_id ${vrid}
  priority 100
  advert_int 1
  virtual_ipaddress {
    10.196.0.${vrid}/24
  }
}
`;

interface Run { cp: ChildProcess; log: () => string; exited: Promise<number | null> }

describe('daemon (integration): two instances side by side (instance, use_pid_dir, data_use_instance)', function () {
  this.timeout(60_000);
  let dir: string;
  const runs: Run[] = [];

  before(function () {
    if (!isRoot()) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'kd-inst-'));
    vethNamespace(netns, '10.196.0.1/24');
  });
  after(() => {
    for (const r of runs) if (r.cp.pid && r.cp.exitCode === null) { try { process.kill(r.cp.pid, 'SIGKILL'); } catch { /* gone */ } }
    netns.remove();
    for (const i of [A, B]) for (const f of ['keepalived', 'vrrp', 'checkers']) rmSync(`/run/keepalived/${f}_${i}.pid`, { force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function start(cfg: string): Run {
    let log = '';
    const cp = spawn('ip', ['netns', 'exec', NS, process.execPath, '--expose-internals', BIN, '-n', '-l', '-G', '-f', cfg],
      { env: { ...process.env, KEEPALIVED_TS_TMP_DIR: dir }, stdio: ['ignore', 'ignore', 'pipe'] });
    cp.stderr!.on('data', (d) => { log += d; });
    const r = { cp, log: () => log, exited: new Promise<number | null>((res) => cp.on('exit', (c) => res(c))) };
    runs.push(r);
    return r;
  }
  const pidOf = (f: string) => Number.parseInt(readFileSync(`/run/keepalived/${f}.pid`, 'utf8'), 10);

  it('pid files, ident and dumps do not collide; the same instance twice is refused', async () => {
    const ca = join(dir, 'a.conf');
    const cb = join(dir, 'b.conf');
    writeFileSync(ca, conf(A, 71, '  data_use_instance\n'));
    writeFileSync(cb, conf(B, 72, ''));
    const ra = start(ca);
    const rb = start(cb);
    for (const r of [ra, rb]) await waitFor(() => /\(VI_7\d\) Entering BACKUP STATE/.test(r.log()), 20_000, 50);
    assert.match(ra.log(), new RegExp(`Changing syslog ident to Keepalived_${A}\\n`));
    assert.match(rb.log(), new RegExp(`Changing syslog ident to Keepalived_${B}\\n`));

    // 2.2.7's names: /run/keepalived/keepalived_INSTANCE.pid, vrrp_INSTANCE.pid (no checker here)
    assert.equal(pidOf(`keepalived_${A}`), ra.cp.pid);
    assert.equal(pidOf(`keepalived_${B}`), rb.cp.pid);
    const va = pidOf(`vrrp_${A}`);
    const vb = pidOf(`vrrp_${B}`);
    assert.ok(va > 0 && vb > 0 && va !== vb);
    assert.equal(existsSync(`/run/keepalived/checkers_${A}.pid`), false);

    // the same instance again: "daemon is already running", exit 0, nothing of A's touched
    const again = start(ca);
    assert.equal(await again.exited, 0);
    assert.match(again.log(), /daemon is already running/);
    assert.equal(pidOf(`keepalived_${A}`), ra.cp.pid);

    // USR1: A (data_use_instance) writes keepalived.A.data / keepalived_parent.A.data, B the plain names
    process.kill(ra.cp.pid!, 'SIGUSR1');
    process.kill(rb.cp.pid!, 'SIGUSR1');
    const files = { a: join(dir, `keepalived.${A}.data`), ap: join(dir, `keepalived_parent.${A}.data`), b: join(dir, 'keepalived.data'), bp: join(dir, 'keepalived_parent.data') };
    await waitFor(() => Object.values(files).every((f) => existsSync(f)), 10_000, 50);
    const ap = readFileSync(files.ap, 'utf8');
    assert.match(ap, new RegExp(`^ Instance name = ${A}\\n Router ID = ${A}\\n`, 'm'));
    assert.match(ap, /^ No test config before reload\n Use instance name in data dumps\n/m);
    assert.match(readFileSync(files.a, 'utf8'), /VRRP Instance = VI_71/);
    assert.match(readFileSync(files.bp, 'utf8'), new RegExp(`^ Instance name = ${B}\\n`, 'm'));
    assert.doesNotMatch(readFileSync(files.bp, 'utf8'), /Use instance name in data dumps/);
    assert.match(readFileSync(files.b, 'utf8'), /VRRP Instance = VI_72/);

    for (const r of [ra, rb]) process.kill(r.cp.pid!, 'SIGTERM');
    assert.deepEqual(await Promise.all([ra.exited, rb.exited]), [0, 0]);
    for (const f of [`keepalived_${A}`, `vrrp_${A}`, `keepalived_${B}`, `vrrp_${B}`]) assert.equal(existsSync(`/run/keepalived/${f}.pid`), false, f);
  });
});
