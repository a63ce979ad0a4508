// The checker benchmark through the real daemon: `bin/keepalived -C -n` on a generated keepalived.conf
// of N TCP_CHECK real servers (1,000 virtual servers x 10 by default, delay_loop 1 s) inside a
// network namespace of its own, whose loopback carries the listeners 127.1.x.y:8080. bench/checkers.ts
// measures the engine in one process; this measures what an operator's `ps` shows: the checker child
// process (config parsed from the file, IPVS layer in monitoring mode: no IPVS on this kernel),
// its RSS and CPU from /proc, and the checks the listeners really received. Needs root.
//   node --import tsx bench/checkers-daemon.ts [--vs 1000] [--per-vs 10] [--seconds 30]
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { addr, PORT } from './loopback-listeners.js';
import { readStatFields, statusKb, TICK_US } from '../src/common/proc.js';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function conf(nVs: number, perVs: number): string {
  const out: string[] = ['global_defs {', '  router_id bench', '}'];
  for (let v = 0; v < nVs; v++) {
    out.push(`virtual_server 10.99.${Math.floor(v / 250)}.${(v % 250) + 1} ${PORT} {`, '  delay_loop 1', '  lb_algo rr', '  lb_kind NAT', '  protocol TCP');
    for (let r = 0; r < perVs; r++) {
      out.push(`  real_server ${addr(v * perVs + r)} ${PORT} {`, '    weight 1',
        '    TCP_CHECK {', '      connect_timeout 3', '      retry 1', '      delay_before_retry 1', '    }', '  }');
    }
    out.push('}');
  }
  return out.join('\n') + '\n';
}

/** utime+stime of a process, in µs. */
function cpuUs(pid: number): number {
  const f = readStatFields(pid) ?? [];
  return (Number(f[11]) + Number(f[12])) * TICK_US;
}
function rssMB(pid: number): { rss: number; anon: number; file: number } {
  const st = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rss: statusKb(st, 'VmRSS') / 1024, anon: statusKb(st, 'RssAnon') / 1024, file: statusKb(st, 'RssFile') / 1024 };
}
function children(pid: number): number[] {
  try { return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number); } catch { return []; }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) { console.error('bench/checkers-daemon needs root (network namespace)'); process.exit(2); }
  if (!existsSync(path.join(root, 'dist/daemon/main.js'))) { console.error('build first: npm run build (bin/keepalived runs dist/)'); process.exit(2); }
  const nVs = arg('vs', 1000), perVs = arg('per-vs', 10), seconds = arg('seconds', 30);
  const n = nVs * perVs;
  const ns = `kbd-${process.pid}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kbd-'));
  const file = path.join(dir, 'keepalived.conf');
  writeFileSync(file, conf(nVs, perVs));
  let listener: ChildProcess | undefined;
  let daemon: ChildProcess | undefined;
  try {
    execFileSync('ip', ['netns', 'add', ns]);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    // The listeners' accept count, reported every 500 ms, and when the report arrived.
    let accepted = 0, acceptedAt = 0;
    listener = spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', path.join(root, 'bench/checkers.ts'), '--listener', String(n), '500'],
      { stdio: ['pipe', 'pipe', 'inherit'], cwd: root });
    await new Promise<void>((resolve, reject) => {
      listener!.stdout!.on('data', (d: Buffer) => {
        const s = d.toString();
        if (s.includes('ready')) resolve();
        const m = /accepted (\d+)/.exec(s.split('\n').filter(Boolean).pop() ?? '');
        if (m) { accepted = Number(m[1]); acceptedAt = performance.now(); }
      });
      listener!.once('exit', () => reject(new Error('listener died')));
    });
    const t0 = performance.now();
    // KBD_NODE_FLAGS: node flags for the daemon (inherited by its children), e.g. --heapsnapshot-signal=SIGPWR.
    const nodeFlags = (process.env.KBD_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
    // KBD_OUT: a file for the daemon's stdout and stderr (e.g. with --trace-gc).
    const out = process.env.KBD_OUT ? openSync(process.env.KBD_OUT, 'w') : 'ignore';
    daemon = spawn('ip', ['netns', 'exec', ns, process.execPath, '--expose-internals', ...nodeFlags, path.join(root, 'bin/keepalived'), '-C', '-n', '-G', '-f', file,
      '-p', path.join(dir, 'k.pid'), '-c', path.join(dir, 'c.pid')], { stdio: ['ignore', out, out], cwd: dir });
    // The checker child: the parent's child once its pidfile names it.
    let child = 0;
    for (let k = 0; k < 600 && !child; k++) {
      await sleep(100);
      try { child = Number(readFileSync(path.join(dir, 'c.pid'), 'utf8').trim()); } catch { /* not yet */ }
      if (child && !children(daemon.pid!).includes(child)) child = 0;
    }
    if (!child) throw new Error('no checker child');
    // Start-up: bootstrap 1 s + warmup (delay_loop) spread the first round; measure after it.
    // Measure once a whole round has been checked.
    while (accepted < n) { await sleep(200); if (performance.now() - t0 > 300_000) throw new Error('checks never started'); }
    const startupS = (performance.now() - t0) / 1000;
    await sleep(1000);
    const acc0 = accepted, at0 = acceptedAt, c0 = cpuUs(child), w0 = performance.now();
    let peak = { rss: 0, anon: 0, file: 0 };
    const sampler = setInterval(() => { const m = rssMB(child); if (m.rss > peak.rss) peak = m; }, 250);
    await sleep(seconds * 1000);
    clearInterval(sampler);
    const cpu = cpuUs(child) - c0;
    const cpuS = (performance.now() - w0) / 1000;
    const dt = (acceptedAt - at0) / 1000;
    const checks = accepted - acc0;
    console.log(JSON.stringify({
      realServers: n, virtualServers: nVs, delayLoopS: 1, measuredS: +dt.toFixed(1), process: 'checker child of bin/keepalived -C (dist/)',
      checksPerS: Math.round(checks / dt), cpuUsPerCheck: +(cpu / (checks / dt * cpuS)).toFixed(1),
      cpuCoreFraction: +(cpu / 1e6 / cpuS).toFixed(3),
      rssMaxMB: +peak.rss.toFixed(1), rssAtMaxAnonMB: +peak.anon.toFixed(1), rssAtMaxFileMB: +peak.file.toFixed(1),
      startToFirstRoundS: +startupS.toFixed(1), loadAverage1m: +os.loadavg()[0]!.toFixed(2), cpus: os.cpus().length,
    }, null, 2));
  } finally {
    if (daemon?.pid) { try { process.kill(daemon.pid, 'SIGTERM'); } catch { /* gone */ } await new Promise((r) => { daemon!.once('exit', r); setTimeout(r, 15000); }); }
    if (listener) { listener.stdin?.end(); listener.kill(); }
    await sleep(300);
    try { execFileSync('ip', ['netns', 'del', ns]); } catch { /* not created */ }
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
