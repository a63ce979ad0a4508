// What operators' tools see of our three processes, against keepalived 2.2.7's recorded values
// (test/unit/daemon/data/process-2.2.7.md): bin/keepalived --all in a namespace of our own; comm and
// cmdline of each process, `pidof keepalived`, `pgrep -x keepalived` and `pkill -HUP -x keepalived`
// limited to this namespace (--ns PARENT --nslist net: other keepalived daemons on the machine are
// never matched), process_name / process_names after a reload, and the scheduling each child gets
// (/proc/PID/sched, status, limits): checker_rt_priority, *_cpu_affinity, *_rlimit_rttime,
// vrrp_priority, and max_auto_priority raising the VRRP child to SCHED_RR after a 1.5 s stall;
// the umask of each process (0177 by default, global_defs umask after a reload).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot, OwnedNetns, sh, waitFor } from '../../helpers/netns.js';
import { BIN, vethNamespace } from './harness.js';

const netns = new OwnedNetns('kd-ident');
const NS = netns.name;

const conf = (globals: string) => `global_defs {
  router_id kd_ident
${globals}
}
vrrp_instance VI_1 {
  state MASTER
  interface eth0
  virtual_router_id 61
  priority 200
  advert_int 1
  virtual_ipaddress {
    10.198.0.100/24
  }
}
`;

const PHASE1 = conf(`  vrrp_priority -10
  checker_rt_priority 40
  checker_cpu_affinity 1
  checker_rlimit_rttime 20000
  max_auto_priority 5
  min_auto_priority_delay 200000`);
const PHASE2 = conf(`  process_names
  process_name kaparent
  umask IWGRP|IWOTH|IXOTH`);

const comm = (pid: number) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
/** /proc/PID/cmdline as argv (the NULs after the last argument dropped: see the recorded facts). */
const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0+$/, '').split('\0');
const schedOf = (pid: number) => {
  const t = readFileSync(`/proc/${pid}/sched`, 'utf8');
  const f = (k: string) => Number(new RegExp(`^${k}\\s*:\\s*(-?\\d+)`, 'm').exec(t)?.[1]);
  return { policy: f('policy'), prio: f('prio') };
};
const cpus = (pid: number) => /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
const rttime = (pid: number) => /^Max realtime timeout\s+(\S+)\s+(\S+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))?.slice(1, 3).join('/');
const umaskOf = (pid: number) => /^Umask:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
const ints = (s: string) => s.split(/\s+/).filter(Boolean).map(Number).sort((a, b) => a - b);

describe('daemon (integration): process identity and scheduling as keepalived 2.2.7', function () {
  this.timeout(90_000);
  let dir: string;
  let cp: ChildProcess | undefined;
  let log = '';

  before(function () {
    if (!isRoot()) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'kd-ident-'));
    vethNamespace(netns, '10.198.0.1/24');
  });
  after(() => {
    if (cp?.pid && cp.exitCode === null) { try { process.kill(cp.pid, 'SIGKILL'); } catch { /* gone */ } }
    netns.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const pidFile = (n: string) => Number.parseInt(readFileSync(join(dir, n), 'utf8'), 10);
  const waitLog = (re: RegExp, from = 0) => waitFor(() => re.test(log.slice(from)), 20_000, 50);

  it('comm, cmdline, pidof, pgrep, pkill -HUP, scheduling, process_name(s) and umask at a reload', async () => {
    const cfg = join(dir, 'ka.conf');
    writeFileSync(cfg, PHASE1);
    const args = ['--all', '-n', '-l', '-G', '-f', cfg, '-p', join(dir, 'k.pid'), '-r', join(dir, 'v.pid'), '-c', join(dir, 'c.pid')];
    cp = spawn('ip', ['netns', 'exec', NS, process.execPath, '--expose-internals', BIN, ...args],
      { env: { ...process.env, KEEPALIVED_TS_TMP_DIR: dir }, stdio: ['ignore', 'ignore', 'pipe'] });
    cp.stderr!.on('data', (d) => { log += d; });
    await waitLog(/\(VI_1\) Entering MASTER STATE/);
    const [parent, vrrp, checker] = ['k.pid', 'v.pid', 'c.pid'].map(pidFile) as [number, number, number];
    const ours = [parent, vrrp, checker].sort((a, b) => a - b);

    // 2.2.7: comm "keepalived" and the parent's argv for all three
    for (const p of ours) {
      assert.equal(comm(p), 'keepalived', `comm of ${p}`);
      assert.deepEqual(cmdline(p), [BIN, ...args], `cmdline of ${p}`);
    }
    const pidof = ints(sh('pidof', ['keepalived']));
    for (const p of ours) assert.ok(pidof.includes(p), `pidof keepalived lists ${p}: ${pidof.join(' ')}`);
    const inNs = ['--ns', String(parent), '--nslist', 'net'];
    assert.deepEqual(ints(sh('pgrep', [...inNs, '-x', 'keepalived'])), ours);

    // scheduling, as 2.2.7 with these settings: checker SCHED_RR 40 on CPU 1 with RLIMIT_RTTIME 10000/20000,
    // VRRP nice -10 (prio 110), the parent untouched
    assert.deepEqual(schedOf(checker), { policy: 2, prio: 59 });
    assert.equal(cpus(checker), '1');
    assert.equal(rttime(checker), '10000/20000');
    assert.deepEqual(schedOf(vrrp), { policy: 0, prio: 110 });
    assert.equal(rttime(vrrp), 'unlimited/unlimited');
    assert.deepEqual(schedOf(parent), { policy: 0, prio: 120 });
    assert.doesNotMatch(log, /NOTICE: setting config option max_auto_priority/);
    // keepalived's default umask
    for (const p of ours) assert.equal(umaskOf(p), '0177');

    // max_auto_priority: a VRRP child stalled 1.5 s goes SCHED_RR 1 with the default RLIMIT_RTTIME
    let from = log.length;
    process.kill(vrrp, 'SIGSTOP');
    await new Promise((r) => setTimeout(r, 1500));
    process.kill(vrrp, 'SIGCONT');
    await waitLog(/A thread timer expired 1\.\d{6} seconds ago\n.*Set realtime priority 1\n/, from);
    assert.deepEqual(schedOf(vrrp), { policy: 2, prio: 98 });
    assert.equal(rttime(vrrp), '5000/10000');

    // pkill -HUP -x keepalived (this namespace only) reloads, as killall -HUP keepalived does
    writeFileSync(cfg, PHASE2);
    from = log.length;
    sh('pkill', ['-HUP', ...inNs, '-x', 'keepalived']);
    await waitLog(/Reload complete/, from);
    await waitFor(() => comm(vrrp) === 'keepalived_vrrp', 10_000, 50);
    assert.equal(comm(parent), 'kaparent');
    assert.equal(comm(checker), 'keepalived_lvs');
    assert.deepEqual(ints(sh('pgrep', [...inNs, 'keepalived_vrrp|keepalived_lvs|kaparent'])), ours);
    // still found by pidof through argv[0], as 2.2.7's renamed processes are
    const pidof2 = ints(sh('pidof', ['keepalived']));
    for (const p of ours) assert.ok(pidof2.includes(p), `pidof keepalived still lists ${p}`);
    // global_defs umask, in each process (2.2.7: IWGRP|IWOTH|IXOTH -> 0023)
    for (const p of ours) assert.equal(umaskOf(p), '0023', `umask of ${p}`);
    // the reload reset the scheduling and applied the new (empty) settings
    assert.deepEqual(schedOf(vrrp), { policy: 0, prio: 120 });
    assert.deepEqual(schedOf(checker), { policy: 0, prio: 120 });

    process.kill(parent, 'SIGTERM');
    const code = await new Promise<number | null>((r) => { if (cp!.exitCode !== null) r(cp!.exitCode); else cp!.on('exit', (c) => r(c)); });
    assert.equal(code, 0, log.slice(-2000));
  });
});
