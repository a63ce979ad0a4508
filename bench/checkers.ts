// Checker benchmark: N real servers (VS x RS-per-VS) with TCP_CHECK at delay_loop 1 s against
// TCP listeners on loopback addresses 127.1.x.y:8080 (a child process accepts and closes).
// Prints checks/s, CPU per check, RSS, event-loop lag p50/p99. Loopback only; bounded in time.
//   node --import tsx bench/checkers.ts [--vs 1000] [--per-vs 10] [--seconds 30] [--delay-loop 1] [--fake-probe 1]
// --fake-probe 1 replaces the TCP connect by an immediate success: the cost of the engine alone.
// --socket 1 uses the net.Socket connect, --handle 1 Node's tcp_wrap handle, instead of the addon's TcpProber.
// --live-heap 1 forces a full GC every 5 s and prints the live heap (off by default: it lowers the RSS figure).
// --storm 1 kills the listeners when the measurement starts: every real server goes down inside the
// window (10,000 transitions, their log lines and desired-state applies): lag and CPU under a storm.
// The driver compiles src/ and bench/ with tsc into .cache/kc-bench and measures the compiled code
// in plain node (the tsx loader alone costs ~40 MB RSS); --measure runs the measurement directly.
// keepalived's own checker needs IPVS to run (this kernel has none): --vm runs the comparison in the
// scripts/vm guest (bench/checkers-guest.ts): same config, ours then keepalived 2.2.7 -C, each
// measured from /proc; the guest is TCG (slow), so fewer real servers (--vm-rs, default 1000).
//   node --import tsx bench/checkers.ts --vm [--vm-rs 1000] [--seconds 30] [--node-flags "..."] [--mem 2048]
import net from 'node:net';
import os from 'node:os';
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startCheckers } from '../src/check/index.js';
import { forceSocketProbe, setTcpProbeImpl, tcpProbeImpl } from '../src/check/probes/tcp-handle.js';
import { makeLogger } from '../src/common/log.js';
import { addr, listener, PORT } from './loopback-listeners.js';
import { statusKb } from '../src/common/proc.js';
import type { KeepalivedConfig, VirtualServer } from '../src/config/model.js';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};

function config(nVs: number, perVs: number, delayLoop: number): KeepalivedConfig {
  const vss: VirtualServer[] = [];
  for (let v = 0; v < nVs; v++) {
    vss.push({
      vs: { kind: 'ip', address: `10.99.${Math.floor(v / 250)}.${(v % 250) + 1}`, port: PORT, family: 'inet' },
      lbAlgo: 'rr', lbKind: 'NAT', protocol: 'TCP', delayLoop, inhibitOnFailure: false, quorum: 1, hysteresis: 0,
      alpha: false, omega: false, haSuspend: false, weight: 1, ops: false, schedFlags: [], extra: {},
      realServers: Array.from({ length: perVs }, (_, r) => ({
        address: addr(v * perVs + r), port: PORT, family: 'inet' as const, weight: 1, extra: {},
        checkers: [{ type: 'TCP_CHECK' as const, connectTimeout: 3, retry: 1, delayBeforeRetry: 1 }],
      })),
    });
  }
  return {
    files: [], global: { checkerLogAllFailures: false, noCheckerEmails: false } as KeepalivedConfig['global'], vrrpScripts: [],
    trackFiles: [], trackProcesses: [], vrrpInstances: [], vrrpSyncGroups: [],
    virtualServerGroups: [], virtualServers: vss,
    staticIpaddress: [], staticRoutes: [], staticRules: [], extra: [],
  };
}

/** Anonymous (heap, malloc, stacks) and file-backed (the node binary, libraries) parts of the RSS, MB. */
function rssSplit(): { anon: number; file: number } {
  const st = readFileSync('/proc/self/status', 'utf8');
  return { anon: +(statusKb(st, 'RssAnon') / 1024).toFixed(1), file: +(statusKb(st, 'RssFile') / 1024).toFixed(1) };
}

async function main(): Promise<void> {
  const nVs = arg('vs', 1000), perVs = arg('per-vs', 10), seconds = arg('seconds', 30), delayLoop = arg('delay-loop', 1);
  const n = nVs * perVs;
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [...(self.endsWith('.ts') ? ['--import', 'tsx'] : []), self, '--listener', String(n)], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(); });
    child.once('exit', () => reject(new Error('listener died')));
  });
  let downs = 0, lines = 0;
  const logger = makeLogger((_l, m) => { lines++; if (m.includes('failed')) downs++; }, 0);
  let applies = 0;
  const cpu0 = process.cpuUsage();
  const fake = arg('fake-probe', 0) === 1;
  if (arg('socket', 0) === 1) forceSocketProbe(true);
  if (arg('handle', 0) === 1) setTcpProbeImpl('handle');
  const h = await startCheckers(config(nVs, perVs, delayLoop), {
    logger, lvs: { apply: async () => { applies++; } },
    ...(fake ? {
      probeFactory: (_c, p) => { const k = p.connectIp; return { key: () => k, run: async () => ({ ok: true }) }; },
    } : {}),
  });
  const startCpu = process.cpuUsage(cpu0);
  const gc0 = (globalThis as { gc?: () => void }).gc;
  if (gc0) gc0();
  const liveHeapAfterStartMB = +(process.memoryUsage().heapUsed / 1048576).toFixed(1);
  // Let the first round (bootstrap 1 s + warmup) pass, then measure.
  await new Promise((r) => setTimeout(r, 1000 + delayLoop * 1000 + 500));
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  if (arg('storm', 0) === 1) child.kill('SIGKILL');
  const c0 = h.stats().checks;
  const u0 = process.cpuUsage();
  const t0 = performance.now();
  let rssMax = 0;
  let heapMax = 0;
  let split = { anon: 0, file: 0 };
  const sampler = setInterval(() => {
    const m = process.memoryUsage(); heapMax = Math.max(heapMax, m.heapUsed);
    if (m.rss > rssMax) { rssMax = m.rss; split = rssSplit(); }
  }, 250);
  // --live-heap 1: the live heap after a forced full GC every 5 s (shows growth vs garbage). Off by
  // default: the forced GCs would keep the heap, and so the RSS figure, smaller than in the daemon.
  const live: number[] = [];
  const gc = arg('live-heap', 0) === 1 ? (globalThis as { gc?: () => void }).gc : undefined;
  const liveSampler = gc
    ? setInterval(() => { gc(); live.push(+(process.memoryUsage().heapUsed / 1048576).toFixed(1)); }, 5000) : undefined;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  clearInterval(sampler);
  if (liveSampler) clearInterval(liveSampler);
  eld.disable();
  const dt = (performance.now() - t0) / 1000;
  const checks = h.stats().checks - c0;
  const u = process.cpuUsage(u0);
  const cpuUs = u.user + u.system;
  const tr = performance.now();
  await h.reload(config(nVs, perVs, delayLoop));
  const reloadMs = Math.round(performance.now() - tr);
  await h.stop();
  child.stdin!.end();
  child.kill();
  const r = {
    storm: arg('storm', 0) === 1,
    probe: fake ? 'fake (engine only)' : `TCP connect (${({ native: 'kanet TcpProber', handle: 'tcp_wrap handle', socket: 'net.Socket' })[tcpProbeImpl()]})`,
    realServers: n, virtualServers: nVs, delayLoopS: delayLoop, measuredS: +dt.toFixed(1),
    checksPerS: Math.round(checks / dt), expectedPerS: Math.round(n / delayLoop),
    nodeFlags: process.execArgv.filter((f) => f !== '--expose-gc'),
    cpuUsPerCheck: +(cpuUs / checks).toFixed(1), userUsPerCheck: +(u.user / checks).toFixed(1),
    sysUsPerCheck: +(u.system / checks).toFixed(1),
    cpuCoreFraction: +(cpuUs / 1e6 / dt).toFixed(3),
    rssMaxMB: +(rssMax / 1048576).toFixed(1), rssAtMaxAnonMB: split.anon, rssAtMaxFileMB: split.file,
    heapUsedMaxMB: +(heapMax / 1048576).toFixed(1), liveHeapMBEvery5s: live,
    loadAverage1m: +os.loadavg()[0]!.toFixed(2), cpus: os.cpus().length,
    eventLoopLagP50ms: +(eld.percentile(50) / 1e6).toFixed(2),
    eventLoopLagP99ms: +(eld.percentile(99) / 1e6).toFixed(2), eventLoopLagMaxMs: +(eld.max / 1e6).toFixed(2),
    startupCpuMs: Math.round((startCpu.user + startCpu.system) / 1000), liveHeapAfterStartMB, failureLines: downs,
    probesQueued: h.stats().probesQueued, peakInFlight: h.stats().peakInFlight, reloadSameConfigMs: reloadMs,
    logLines: lines, lvsApplies: applies,
  };
  console.log(JSON.stringify(r, null, 2));
}

async function vmDriver(): Promise<void> {
  const { bundleGuest, runInVm } = await import('../test/vm/helpers/vm.js');
  const bundle = await bundleGuest('bench/checkers-guest.ts', 'checkers-bench');
  const fi = process.argv.indexOf('--node-flags');
  const flags = fi >= 0 ? ['--node-flags', process.argv[fi + 1]!] : [];
  const r = await runInVm(['node', bundle, String(arg('vm-rs', 1000)), String(arg('seconds', 30)), ...flags], { timeoutS: 3000, memMiB: arg('mem', 2048) });
  process.stderr.write(r.stderr.split('\n').filter((l) => /timing|\[bench\]|\[ours\]/.test(l)).join('\n') + '\n');
  const line = r.stdout.split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) { console.error(`guest bench failed (exit ${r.code})\n${r.stdout}\n${r.stderr.slice(-3000)}`); process.exit(1); }
  const x = JSON.parse(line) as Record<string, unknown>;
  x.vmWallS = Math.round(r.ms / 1000);
  x.hostLoadAverage1m = +os.loadavg()[0]!.toFixed(2);
  console.log(JSON.stringify(x, null, 2));
}

function driver(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const out = path.join(root, '.cache', 'kc-bench');
  mkdirSync(out, { recursive: true });
  const tsconfig = path.join(out, 'tsconfig.json');
  writeFileSync(tsconfig, JSON.stringify({
    extends: path.join(root, 'tsconfig.json'),
    compilerOptions: { outDir: out, rootDir: root, noEmit: false, sourceMap: false, types: ['node'] },
    include: [path.join(root, 'src/check/**/*.ts'), path.join(root, 'bench/checkers.ts')],
  }));
  try { execFileSync(path.join(root, 'node_modules', 'typescript7', 'bin', 'tsc'), ['-p', tsconfig], { stdio: 'inherit' }); } catch { /* emitted anyway */ }
  writeFileSync(path.join(out, 'package.json'), '{"type":"module"}\n');
  const js = path.join(out, 'bench', 'checkers.js');
  // --node-flags "--max-semi-space-size=1 ...": V8/node flags for the measured process.
  const fi = process.argv.indexOf('--node-flags');
  const flags = fi >= 0 ? process.argv[fi + 1]!.split(/\s+/).filter(Boolean) : [];
  const rest = fi >= 0 ? [...process.argv.slice(2, fi), ...process.argv.slice(fi + 2)] : process.argv.slice(2);
  const r = spawn(process.execPath, ['--expose-gc', ...flags, js, '--measure', ...rest], { stdio: 'inherit' });
  r.once('exit', (code) => { process.exitCode = code ?? 1; });
}

if (process.argv[2] === '--listener') await listener(Number(process.argv[3]), Number(process.argv[4] ?? 5000));
else if (process.argv[2] === '--measure') await main();
else if (process.argv.includes('--vm')) await vmDriver();
else driver();
