// VRRP load benchmark (root, netns prefix "kvl"): two routers on one L2 segment, a homogeneous pair
// per implementation (ours = run-ours.ts, keepalived = Debian's 2.2.7), in the same lab and run:
//   A: 255 VRRPv2 instances, advert_int 1, VRIDs 1..255 on eth0
//   B: 50 VRRPv3 instances, advert_int 0.01 (10 ms), VRIDs 1..50 on eth0
// r1 (priority 150, MASTER side) starts first; once every instance is MASTER, r2 (priority 100,
// BACKUP side) starts; once every r2 instance is BACKUP the window opens (after a short settle).
// Over the window, for each side: CPU % of the daemon's process tree (utime+stime+cutime+cstime from
// /proc/PID/stat of the daemon and all its descendants; keepalived = parent + VRRP child), RSS
// (VmRSS summed over the tree at the end), VRRP adverts sent/received taken from the namespace's
// IPv4 multicast counters (/proc/net/netstat IpExt OutMcastPkts / InMcastPkts: the namespaces carry nothing but
// VRRP over IPv4, so both implementations are counted the same way), and state transitions after
// the initial election ("Entering ... STATE" log lines; must be 0).
// Ours runs as compiled JS in plain node (tsc into .cache/kvl-bench; the tsx loader alone adds an
// esbuild child and ~40 MB RSS); --tsx runs run-ours.ts through tsx instead.
// --node-flags "..." starts ours' node with those V8/Node flags (e.g. a smaller young generation).
//   node --import tsx bench/vrrp-load.ts [--seconds N] [--only ours|keepalived] [--scenario A|B] [--tsx] [--prefix kvl]
// [--node-flags "..."]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../test/helpers/netns.js';
import { configText, Daemon, now, RUN_OURS, VrrpLab, type InstanceOpts } from '../test/integration/vrrp/lab.js';
import { readStatFields } from '../src/common/proc.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const seconds = Number(opt('--seconds') ?? 300) || 300;
const only = opt('--only') as Impl | undefined;
const onlyScenario = opt('--scenario');
const useTsx = args.includes('--tsx');
const nodeFlags = (opt('--node-flags') ?? '').split(/\s+/).filter(Boolean);
const SETTLE_MS = 3000;
const CLK_TCK = 100; // getconf CLK_TCK on Linux/x86_64

type Impl = 'ours' | 'keepalived';
interface Scenario { id: 'A' | 'B'; title: string; count: number; version: 2 | 3; advertInt: number }
const SCENARIOS: Scenario[] = [
  { id: 'A', title: '255 x VRRPv2, advert_int 1 s', count: 255, version: 2, advertInt: 1 },
  { id: 'B', title: '50 x VRRPv3, advert_int 10 ms', count: 50, version: 3, advertInt: 0.01 },
];

function instances(s: Scenario, priority: number, state: 'MASTER' | 'BACKUP'): InstanceOpts[] {
  return Array.from({ length: s.count }, (_, i) => ({
    name: `VI_${i + 1}`, vrid: i + 1, priority, state, advertInt: s.advertInt,
    ...(s.version === 3 ? { version: 3 as const } : {}), vips: [`172.31.${i + 1}.1/32`],
  }));
}

// ------------------------------------------------------------------------------------------------
// /proc readers

interface ProcStat { pid: number; ppid: number; ticks: number }

function readStat(pid: number): ProcStat | undefined {
  const f = readStatFields(pid); // f[0] = field 3 (state)
  return f && { pid, ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) };
}

/** The process and all its descendants (one scan of /proc). */
function tree(root: number): ProcStat[] {
  const all: ProcStat[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const st = readStat(Number(d));
    if (st) all.push(st);
  }
  const out: ProcStat[] = [];
  const want = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) if (!want.has(p.pid) && want.has(p.ppid)) { want.add(p.pid); grew = true; }
  }
  for (const p of all) if (want.has(p.pid)) out.push(p);
  return out;
}

function rssKb(pid: number): number {
  try { return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0); } catch { return 0; }
}

/** IPv4 multicast packets sent/received in a namespace (IpExt OutMcastPkts / InMcastPkts). */
function ipCounters(L: VrrpLab, host: string): { out: number; in: number } {
  const lines = L.lab.exec(L.lab.ns(host), 'cat', ['/proc/net/netstat']).split('\n').filter((l) => l.startsWith('IpExt:'));
  const keys = lines[0]!.split(/\s+/), vals = lines[1]!.split(/\s+/).map(Number);
  return { out: vals[keys.indexOf('OutMcastPkts')]!, in: vals[keys.indexOf('InMcastPkts')]! };
}

/** Compiles run-ours.ts (and what it imports) into .cache/kvl-bench; returns the JS entry. */
function compileOurs(): string {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const out = path.join(root, '.cache', `${opt('--prefix') ?? 'kvl'}-bench`);
  mkdirSync(out, { recursive: true });
  const tsconfig = path.join(out, 'tsconfig.json');
  writeFileSync(tsconfig, JSON.stringify({
    extends: path.join(root, 'tsconfig.json'),
    compilerOptions: { outDir: out, rootDir: root, noEmit: false, sourceMap: false, types: ['node'] },
    include: [RUN_OURS],
  }));
  try { execFileSync(path.join(root, 'node_modules', 'typescript7', 'bin', 'tsc'), ['-p', tsconfig], { stdio: 'inherit' }); } catch { /* emitted anyway */ }
  writeFileSync(path.join(out, 'package.json'), '{"type":"module"}\n');
  // the addon loader looks for native/ above src/vrrp/io
  if (!existsSync(path.join(out, 'native'))) symlinkSync(path.join(root, 'native'), path.join(out, 'native'));
  const js = path.join(out, path.relative(root, RUN_OURS).replace(/\.ts$/, '.js'));
  if (!existsSync(js)) throw new Error(`compile failed: no ${js}`);
  return js;
}
const oursJs = useTsx ? undefined : compileOurs();

function start(L: VrrpLab, impl: Impl, host: string, conf: string): Daemon {
  if (impl === 'keepalived' || !oursJs) return L.start(impl, host, conf);
  const d = new Daemon('ours', L.lab.spawn(L.lab.ns(host), process.execPath, [...nodeFlags, oursJs, conf]), L.dir, host);
  L.daemons.push(d);
  return d;
}

// ------------------------------------------------------------------------------------------------

interface Side { cpuPct: number; rssMb: number; procs: number; sent: number; rcvd: number; transitions: number;
  transitionLines: string[] }
interface Result { impl: Impl; scenario: Scenario; seconds: number; master: Side; backup: Side; load: [string, string] }

const ENTERING = /^\(VI_\d+\) Entering (MASTER|BACKUP|FAULT) STATE/;

async function allIn(d: Daemon, n: number, state: string, timeoutMs: number, after = 0): Promise<number> {
  const re = new RegExp(`^\\(VI_(\\d+)\\) Entering ${state} STATE`);
  return waitFor(() => {
    const seen = new Set<string>();
    let last = 0;
    for (const l of d.lines) {
      if (l.t < after) continue;
      const m = re.exec(l.text);
      if (m) { seen.add(m[1]!); last = l.t; }
    }
    return seen.size >= n ? last : undefined;
  }, timeoutMs, 50).catch(() => { throw new Error(`${d.name} (${d.kind}): only some instances reached ${state} within ${timeoutMs} ms`); });
}

async function runOne(L: VrrpLab, impl: Impl, s: Scenario): Promise<Result> {
  const c1 = L.writeConf(`r1-${s.id}`, configText(instances(s, 150, 'MASTER'), '', 'r1'));
  const c2 = L.writeConf(`r2-${s.id}`, configText(instances(s, 100, 'BACKUP'), '', 'r2'));
  const t0 = now();
  const r1 = start(L, impl, 'r1', c1);
  const r2Holder: { d?: Daemon } = {};
  try {
    const tM = await allIn(r1, s.count, 'MASTER', 60000, t0);
    const r2 = r2Holder.d = start(L, impl, 'r2', c2);
    const tB = await allIn(r2, s.count, 'BACKUP', 60000, tM);
    process.stderr.write(`${impl} ${s.id}: ${s.count} MASTER after ${((tM - t0) / 1000).toFixed(1)} s, ${s.count} BACKUP after ${((tB - tM) / 1000).toFixed(1)} s; settling ${SETTLE_MS} ms, window ${seconds} s\n`);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const roots = { master: r1.proc.pid!, backup: r2.proc.pid! };
    const load0 = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const w0 = now();
    const cpu0 = { master: tree(roots.master), backup: tree(roots.backup) };
    const net0 = { master: ipCounters(L, 'r1'), backup: ipCounters(L, 'r2') };
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const cpu1 = { master: tree(roots.master), backup: tree(roots.backup) };
    const net1 = { master: ipCounters(L, 'r1'), backup: ipCounters(L, 'r2') };
    const w1 = now();
    const load1 = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const windowS = (w1 - w0) / 1000;
    const side = (k: 'master' | 'backup', d: Daemon, electedAt: number): Side => {
      const ticks = cpu1[k].reduce((a, p) => a + p.ticks, 0) - cpu0[k].reduce((a, p) => a + p.ticks, 0);
      const tl = d.lines.filter((l) => l.t > electedAt && ENTERING.test(l.text)).map((l) => `${l.text} (window ${((l.t - w0) / 1000).toFixed(2)} s)`);
      return {
        cpuPct: (ticks / CLK_TCK / windowS) * 100,
        rssMb: cpu1[k].reduce((a, p) => a + rssKb(p.pid), 0) / 1024,
        procs: cpu1[k].length,
        sent: net1[k].out - net0[k].out, rcvd: net1[k].in - net0[k].in,
        transitions: tl.length, transitionLines: tl,
      };
    };
    // transitions after the initial election: r1 after its last initial MASTER line, r2 after its last BACKUP line
    const res: Result = { impl, scenario: s, seconds: windowS, master: side('master', r1, tM), backup: side('backup', r2, tB), load: [load0, load1] };
    r2.signal('SIGTERM');
    await r2.exit(15000).catch(() => r2.signal('SIGKILL'));
    r1.signal('SIGTERM');
    await r1.exit(15000).catch(() => r1.signal('SIGKILL'));
    return res;
  } catch (e) {
    for (const d of [r1, r2Holder.d]) if (d && !d.exited) d.signal('SIGKILL');
    throw e;
  }
}

function fmtSide(x: Side): string {
  return `${x.cpuPct.toFixed(2).padStart(6)}% ${x.rssMb.toFixed(1).padStart(6)} MB ${String(x.procs).padStart(2)}p  sent ${String(x.sent).padStart(7)} rcvd ${String(x.rcvd).padStart(7)}  transitions ${x.transitions}`;
}

const impls: Impl[] = only ? [only] : ['ours', 'keepalived'];
const scen = SCENARIOS.filter((s) => !onlyScenario || s.id === onlyScenario);
const results: Result[] = [];
const L = new VrrpLab(opt('--prefix') ?? 'kvl').up();
const cleanup = (): void => { void L.down(); };
process.on('SIGINT', () => { cleanup(); process.exit(130); });
try {
  for (const s of scen) {
    for (const impl of impls) {
      const r = await runOne(L, impl, s);
      results.push(r);
      process.stderr.write(`${impl} ${s.id} master: ${fmtSide(r.master)}\n${impl} ${s.id} backup: ${fmtSide(r.backup)}\n`);
      for (const t of [...r.master.transitionLines.map((l) => `r1 ${l}`), ...r.backup.transitionLines.map((l) => `r2 ${l}`)].slice(0, 20)) process.stderr.write(`  spurious: ${t}\n`);
      await new Promise((res) => setTimeout(res, 2000));
    }
  }
} finally {
  await L.down();
}

const expect = (s: Scenario): number => Math.round(s.count / s.advertInt);
console.log(`\nVRRP load (ours: ${useTsx ? 'tsx' : 'compiled JS, plain node'}${nodeFlags.length ? ` ${nodeFlags.join(' ')}` : ''}), ${seconds} s window per run (after election + ${SETTLE_MS / 1000} s settle); r1 prio 150 (master side), r2 prio 100 (backup side)`);
console.log('CPU % of one core over the window (daemon + children); RSS summed over the process tree at the end; adverts = IPv4 multicast packets out/in of the namespace (IpExt OutMcastPkts/InMcastPkts)');
for (const s of scen) {
  console.log(`\nScenario ${s.id}: ${s.title} (expected ${expect(s)} adverts/s from the master)`);
  console.log('impl        side     CPU %     RSS     procs  adverts sent  adverts rcvd  sent/s   spurious transitions  load avg (start -> end)');
  for (const r of results.filter((x) => x.scenario.id === s.id)) {
    for (const k of ['master', 'backup'] as const) {
      const x = r[k];
      console.log(`${r.impl.padEnd(11)} ${k.padEnd(7)} ${x.cpuPct.toFixed(2).padStart(6)}  ${x.rssMb.toFixed(1).padStart(6)} MB  ${String(x.procs).padStart(3)}   ${String(x.sent).padStart(12)}  ${String(x.rcvd).padStart(12)}  ${(x.sent / r.seconds).toFixed(1).padStart(7)}   ${String(x.transitions).padStart(20)}  ${r.load[0]} -> ${r.load[1]}`);
    }
  }
  const o = results.find((x) => x.impl === 'ours' && x.scenario.id === s.id), k = results.find((x) => x.impl === 'keepalived' && x.scenario.id === s.id);
  if (o && k) {
    const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a');
    console.log(`ratio ours/keepalived: CPU master ${ratio(o.master.cpuPct, k.master.cpuPct)}, CPU backup ${ratio(o.backup.cpuPct, k.backup.cpuPct)}, RSS master ${ratio(o.master.rssMb, k.master.rssMb)}, RSS backup ${ratio(o.backup.rssMb, k.backup.rssMb)}`);
  }
}
const spurious = results.reduce((a, r) => a + r.master.transitions + r.backup.transitions, 0);
console.log(`\nspurious transitions in total: ${spurious}`);
process.exit(0);
