// Advert timing under CPU load, ours vs keepalived 2.2.7 in the same run (root, netns prefix "krt").
// A MASTER under test (prio 200, VRRPv3, advert_int 0.1) and an observer BACKUP (keepalived 2.2.7,
// prio 100, vrrp_rt_priority 50 so that it is not the one starved) on one L2 segment. tcpdump in the
// observer's namespace timestamps the master's adverts in the kernel (-tt), so the intervals are the
// wire's. After 2 s of calm, HOGS busy loops (`while :; do :; done`, normal priority) load both cores
// for SECONDS; then the hogs are stopped. Reported per implementation and setting: the advert
// intervals during the hog (jitter = |interval - 100 ms|: p50, p99, max) and the transitions seen
// (observer to MASTER, master to BACKUP), which must be 0.
// Settings: "rt" = vrrp_rt_priority 50 (SCHED_RR, RLIMIT_RTTIME 10000 us as keepalived sets it),
// "default" = no scheduling keywords (what keepalived does unless told).
//   node --import tsx bench/rt-jitter.ts [--seconds 30] [--hogs 4] [--only ours|keepalived]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRoot, NetnsLab, waitFor } from '../test/helpers/netns.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => { const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt; };
const SECONDS = opt('--seconds', 30);
const HOGS = opt('--hogs', 4);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const BIN = fileURLToPath(new URL('../bin/keepalived', import.meta.url));
const MASTER_IP = '10.197.0.1';

type Impl = 'ours' | 'keepalived';
type Setting = 'rt' | 'default';

const conf = (prio: number, state: 'MASTER' | 'BACKUP', rt: boolean) => `global_defs {
  router_id krt_${prio}
  vrrp_version 3
${rt ? '  vrrp_rt_priority 50\n' : ''}}
vrrp_instance VI_1 {
  state ${state}
  interface eth0
  virtual_router_id 77
  priority ${prio}
  advert_int 0.1
  virtual_ipaddress {
    10.197.0.100/24
  }
}
`;

class Proc {
  log = '';
  constructor(readonly cp: ChildProcess) {
    cp.stderr?.on('data', (d) => { this.log += d; });
    cp.stdout?.on('data', (d) => { this.log += d; });
  }
  count(re: RegExp): number { return this.log.split('\n').filter((l) => re.test(l)).length; }
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}

async function runOne(lab: NetnsLab, dir: string, impl: Impl, setting: Setting): Promise<string> {
  const daemon = (ns: string, prog: string, cfg: string, tag: string) => new Proc(lab.spawn(ns, prog, [
    '-n', '-l', '-G', '-f', cfg, '-p', join(dir, `${tag}.pid`), '-r', join(dir, `${tag}.v.pid`), '-c', join(dir, `${tag}.c.pid`),
  ]));
  const obsCfg = join(dir, 'obs.conf');
  const mCfg = join(dir, `m-${impl}-${setting}.conf`);
  writeFileSync(obsCfg, conf(100, 'BACKUP', true));
  writeFileSync(mCfg, conf(200, 'MASTER', setting === 'rt'));
  const obs = daemon(lab.ns('b'), '/usr/sbin/keepalived', obsCfg, 'obs');
  const master = daemon(lab.ns('m'), impl === 'ours' ? BIN : '/usr/sbin/keepalived', mCfg, `m-${impl}`);
  const hogs: ChildProcess[] = [];
  try {
    await waitFor(() => /Entering MASTER STATE/.test(master.log), 20_000, 20);
    await waitFor(() => /Entering BACKUP STATE/.test(obs.log), 20_000, 20);
    const cap = new Proc(lab.spawn(lab.ns('b'), 'tcpdump', ['-i', 'eth0', '-n', '-tt', '-l', '-q', `ip proto 112 and src ${MASTER_IP}`]));
    await new Promise((r) => setTimeout(r, 2000));
    const obsMasterBefore = obs.count(/Entering MASTER STATE/);
    const mBackupBefore = master.count(/Entering BACKUP STATE/);
    const t0 = Date.now() / 1000;
    for (let i = 0; i < HOGS; i++) hogs.push(spawn('/bin/sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const t1 = Date.now() / 1000;
    for (const h of hogs) { try { process.kill(h.pid!, 'SIGKILL'); } catch { /* gone */ } }
    await new Promise((r) => setTimeout(r, 500));
    const times = cap.log.split('\n').map((l) => Number.parseFloat(l)).filter((t) => t >= t0 && t <= t1);
    try { process.kill(cap.cp.pid!, 'SIGTERM'); } catch { /* gone */ }
    const iv = times.slice(1).map((t, i) => (t - times[i]!) * 1000);
    const jit = iv.map((x) => Math.abs(x - 100));
    const trans = (obs.count(/Entering MASTER STATE/) - obsMasterBefore) + (master.count(/Entering BACKUP STATE/) - mBackupBefore);
    const f = (x: number) => x.toFixed(2).padStart(7);
    return `${impl.padEnd(10)} ${setting.padEnd(8)} adverts ${String(times.length).padStart(4)}  interval p50 ${f(pct(iv, 50))} ms  jitter p50 ${f(pct(jit, 50))} p99 ${f(pct(jit, 99))} max ${f(Math.max(...jit))} ms  >200 ms gaps ${iv.filter((x) => x > 200).length}  transitions ${trans}`;
  } finally {
    for (const h of hogs) { try { process.kill(h.pid!, 'SIGKILL'); } catch { /* gone */ } }
    for (const p of [master, obs]) { try { process.kill(p.cp.pid!, 'SIGTERM'); } catch { /* gone */ } }
    await new Promise((r) => setTimeout(r, 1500));
    for (const p of [master, obs]) { try { process.kill(p.cp.pid!, 'SIGKILL'); } catch { /* gone */ } }
  }
}

async function main(): Promise<void> {
  if (!isRoot()) { console.error('rt-jitter: needs root (network namespaces)'); process.exit(1); }
  const lab = new NetnsLab('krt').up();
  lab.addHost('m', { addr4: `${MASTER_IP}/24` });
  lab.addHost('b', { addr4: '10.197.0.2/24' });
  const dir = mkdtempSync(join(tmpdir(), 'krt-'));
  try {
    console.log(`# ${HOGS} busy loops for ${SECONDS} s on ${(await import('node:os')).availableParallelism()} CPUs; adverts every 100 ms (VRRPv3)`);
    for (const setting of ['rt', 'default'] as const) {
      for (const impl of ['ours', 'keepalived'] as const) {
        if (only && only !== impl) continue;
        console.log(await runOne(lab, dir, impl, setting));
      }
    }
  } finally {
    lab.down();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
