// End-to-end evidence for the daemon with the real subsystems against Debian's keepalived 2.2.7:
// two namespaces on one bridge (ke2-*), ours at priority 150 and the real keepalived at 100, same
// VRRP instance with PASS auth. (1) SIGKILL of our VRRP child while MASTER: the parent logs
// keepalived's respawn lines, the new child comes back and takes the VIP back from the peer.
// (2) A reload that adds one vrrp_instance starts only the new one; the MASTER instance logs no
// transition and its VIP is never missing while `ip addr` is polled through the reload.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot, NetnsLab, waitFor } from '../../helpers/netns.js';
import { BIN } from './harness.js';

const REAL = '/usr/sbin/keepalived';
const VIP1 = '10.198.0.100/24';
const VIP2 = '10.198.0.200/24';

const instance = (name: string, vrid: number, prio: number, state: string, vip: string) => `vrrp_instance ${name} {
  state ${state}
  interface eth0
  virtual_router_id ${vrid}
  priority ${prio}
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass ke2pass
  }
  virtual_ipaddress {
    ${vip}
  }
}
`;
const conf = (id: string, body: string) => `global_defs {\n  router_id ${id}\n}\n${body}`;

describe('daemon e2e: VRRP child respawn and additive reload vs keepalived 2.2.7', function () {
  this.timeout(180_000);
  const lab = new NetnsLab('ke2');
  let dir = '';
  let ours: ChildProcess | undefined;
  let real: ChildProcess | undefined;
  let err = '';
  let ourConf = '';

  const ip = (host: string) => lab.exec(lab.ns(host), 'ip', ['-4', 'addr', 'show', 'dev', 'eth0'], { allowFail: true });
  const has = (host: string, vip: string) => ip(host).includes(`inet ${vip} `);
  const pidOf = (f: string) => { try { const n = Number(readFileSync(join(dir, f), 'utf8')); return n > 0 ? n : undefined; } catch { return undefined; } };

  before(async function () {
    if (!isRoot() || !existsSync(REAL)) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'ke2-'));
    lab.up();
    lab.addHost('ours', { addr4: '10.198.0.1/24' });
    lab.addHost('peer', { addr4: '10.198.0.2/24' });
    const realConf = join(dir, 'real.conf');
    writeFileSync(realConf, conf('ke2_real', instance('VI_1', 61, 100, 'BACKUP', VIP1)));
    real = lab.spawn(lab.ns('peer'), REAL, ['-n', '-l', '-D', '-P', '-f', realConf,
      '-p', join(dir, 'real.pid'), '-r', join(dir, 'real-v.pid'), '-c', join(dir, 'real-c.pid')]);
    real.stdout!.on('data', () => {});
    real.stderr!.on('data', () => {});
    ourConf = join(dir, 'ours.conf');
    writeFileSync(ourConf, conf('ke2_ours', instance('VI_1', 61, 150, 'MASTER', VIP1)));
    ours = lab.spawn(lab.ns('ours'), process.execPath, ['--expose-internals', BIN, '-n', '-l', '-D', '-P', '-f', ourConf,
      '-p', join(dir, 'ka.pid'), '-r', join(dir, 'v.pid'), '-c', join(dir, 'c.pid')], { ...process.env, KEEPALIVED_TS_TMP_DIR: dir });
    ours.stdout!.on('data', () => {});
    ours.stderr!.on('data', (d) => { err += d; });
    await waitFor(() => err.includes('(VI_1) Entering MASTER STATE') && has('ours', VIP1) && !has('peer', VIP1), 60_000, 100);
  });

  after(() => {
    // Only processes we started: by PID, then anything left in our namespaces, then the namespaces.
    for (const p of [ours, real]) if (p?.pid && p.exitCode === null) { try { process.kill(p.pid, 'SIGTERM'); } catch { /* gone */ } }
    lab.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('SIGKILL of the VRRP child while MASTER: respawn lines, new child, MASTER again with the VIP', async () => {
    const oldChild = pidOf('v.pid');
    assert.ok(oldChild, 'VRRP child pid file');
    const mark = err.length;
    const t0 = Date.now();
    process.kill(oldChild, 'SIGKILL');
    await waitFor(() => err.includes(`VRRP child process(${oldChild}) died: Respawning\n`), 20_000, 50);
    const tRespawnLine = Date.now() - t0;
    assert.ok(err.slice(mark).includes(`pid ${oldChild} exited due to signal 9 (Killed) - has rlimit_rttime been exceeded?\n`));
    const newChild = await waitFor(() => {
      const m = /Starting VRRP child process, pid=(\d+)\n/.exec(err.slice(mark));
      return m && Number(m[1]) !== oldChild ? Number(m[1]) : undefined;
    }, 20_000, 50);
    await waitFor(() => pidOf('v.pid') === newChild, 10_000, 50);
    // The new child runs the instance again and ends as MASTER holding the VIP; the real
    // keepalived (lower priority) does not keep it.
    await waitFor(() => err.slice(mark).includes('(VI_1) Entering MASTER STATE') && has('ours', VIP1) && !has('peer', VIP1), 60_000, 100);
    const tMaster = Date.now() - t0;
    // Stable for 3 advert intervals.
    await new Promise((r) => setTimeout(r, 3000));
    assert.ok(has('ours', VIP1) && !has('peer', VIP1));
    assert.equal(ours!.exitCode, null, 'parent still running');
    assert.equal(real!.exitCode, null, 'real keepalived still running');
    console.log(`      respawn line after ${tRespawnLine} ms, MASTER with VIP again after ${tMaster} ms (new child ${newChild})`);
  });

  it('reload adding VI_2: only VI_2 starts; VI_1 logs no transition and keeps its VIP throughout', async () => {
    writeFileSync(ourConf, conf('ke2_ours', instance('VI_1', 61, 150, 'MASTER', VIP1) + instance('VI_2', 62, 150, 'BACKUP', VIP2)));
    const mark = err.length;
    const reloads = () => err.slice(mark).split(': Reload complete\n').length - 1;
    let polls = 0;
    let missing = 0;
    const t0 = Date.now();
    process.kill(ours!.pid!, 'SIGHUP');
    // Poll the VIP from the HUP until VI_2 is MASTER (and 1 s beyond).
    let doneAt = 0;
    while (!doneAt || Date.now() - doneAt < 1000) {
      polls++;
      if (!has('ours', VIP1)) missing++;
      if (!doneAt && reloads() === 1 && err.slice(mark).includes('(VI_2) Entering MASTER STATE') && has('ours', VIP2)) doneAt = Date.now();
      if (Date.now() - t0 > 60_000) assert.fail(`reload not finished in 60 s:\n${err.slice(mark)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const after = err.slice(mark);
    assert.equal(missing, 0, `VIP1 missing in ${missing}/${polls} polls`);
    assert.match(after, /\(VI_2\) Entering BACKUP STATE \(init\)\n/);
    assert.doesNotMatch(after, /\(VI_1\) Entering/);
    assert.doesNotMatch(after, /\(VI_1\) sent 0 priority/);
    assert.ok(!has('peer', VIP1));
    console.log(`      ${polls} polls of ip addr during the reload, VIP1 always present; VI_2 MASTER after ${doneAt - t0} ms`);
  });
});
