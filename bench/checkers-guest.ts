// Runs inside the scripts/vm guest (real IPVS): the same keepalived.conf (N real servers with
// TCP_CHECK at delay_loop 1 s, listeners on 127.1.x.y:8080 in the guest) checked first by our
// checker engine, then by keepalived 2.2.7 (-C -n -l), one after the other. For each: checks/s
// (counted by the listener: accepted connections), CPU per check and RSS of the checking process
// (from /proc), measured after the IPVS table is complete and the first round has passed.
// Prints one JSON line. Started by bench/checkers-vm.ts (host side).
//   node checkers-guest.mjs N SECONDS [--no-keepalived] [--node-flags "..."]
//   node checkers-guest.mjs --listener N         (the listeners, a child process)
//   node checkers-guest.mjs --ours CONF           (our engine, a child process)
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, unlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseConfigFile } from '../src/config/load.js';
import { startCheckers } from '../src/check/index.js';
import { makeLogger } from '../src/common/log.js';
import { addr, listener, PORT } from './loopback-listeners.js';
import { statFields, statusKb, TICK_US } from '../src/common/proc.js';

const vip = (v: number): string => `10.99.${Math.floor(v / 250)}.${(v % 250) + 1}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (s: string): void => { process.stderr.write(`[bench] ${s}\n`); };

async function ours(conf: string): Promise<void> {
  const r = parseConfigFile(conf, { skipScriptSecurity: true });
  let lines = 0;
  let failures = 0;
  const logger = makeLogger((_l, m) => {
    lines++;
    if (/failed|timeout/.test(m)) failures++;
    if (lines <= 3 || /IPVS/.test(m) || (/failed|timeout/.test(m) && failures <= 5)) process.stderr.write(`[ours] ${m}\n`);
  }, 0);
  const h = await startCheckers(r.config, { logger });
  process.stdout.write('started\n');
  process.on('SIGTERM', () => { void h.stop().then(() => { process.stderr.write(`[ours] ${lines} log lines (${failures} failure lines), ${h.stats().checks} checks\n`); process.exit(0); }); });
}

function conf(n: number): string {
  const parts: string[] = ['global_defs {\n router_id kcb\n}\n'];
  for (let v = 0; v < n / 10; v++) {
    parts.push(`virtual_server ${vip(v)} ${PORT} {\n delay_loop 1\n lb_algo rr\n lb_kind NAT\n protocol TCP\n`);
    for (let r = 0; r < 10; r++) {
      parts.push(` real_server ${addr(v * 10 + r)} ${PORT} {\n  weight 1\n  TCP_CHECK {\n   connect_timeout 3\n   retry 1\n   delay_before_retry 1\n  }\n }\n`);
    }
    parts.push('}\n');
  }
  return parts.join('');
}

/** Destinations in the kernel's table (from /proc). */
function dests(): number {
  let d = 0;
  for (const l of readFileSync('/proc/net/ip_vs', 'utf8').split('\n')) if (l.startsWith('  ->') && !l.includes('RemoteAddress')) d++;
  return d;
}

interface ProcSample { cpuS: number; rssKb: number; hwmKb: number }
function sample(pid: number): ProcSample {
  const f = statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const ticks = Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { cpuS: ticks * TICK_US / 1e6, rssKb: statusKb(status, 'VmRSS'), hwmKb: statusKb(status, 'VmHWM') };
}

async function until(pred: () => boolean, maxMs: number, stepMs = 250): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < maxMs) { if (pred()) return true; await sleep(stepMs); }
  return false;
}

/** Waits for a full table, lets a round pass, then measures `pid` for `seconds`. */
async function measure(name: string, pid: () => number | undefined, n: number, seconds: number,
    accepted: () => number): Promise<Record<string, number | boolean>> {
  const t0 = Date.now();
  // Without IPVS (a host smoke test) there is no table to wait for.
  // 98%: under TCG a few real servers may be down (timeouts) at any time, for either checker.
  let last = 0;
  const full = existsSync('/proc/net/ip_vs') ? await until(() => {
    let d = 0;
    try { d = dests(); } catch { return false; }
    if (Date.now() - last > 30_000) { last = Date.now(); log(`${name}: ${d} destinations in the table`); }
    return d >= n * 0.98;
  }, 900_000) : false;
  const tableMs = Date.now() - t0;
  log(`${name}: table ${full ? 'complete' : 'INCOMPLETE'} after ${tableMs} ms`);
  await sleep(4000);
  const p = pid();
  if (!p) throw new Error(`${name}: no checker pid`);
  const s0 = sample(p), a0 = accepted(), w0 = performance.now();
  let rssMax = s0.rssKb;
  const steps = Math.max(1, Math.round(seconds * 4));
  for (let k = 0; k < steps; k++) { await sleep(250); rssMax = Math.max(rssMax, sample(p).rssKb); }
  const s1 = sample(p), a1 = accepted(), dt = (performance.now() - w0) / 1000;
  const checks = a1 - a0;
  return {
    tableMs, tableComplete: full, measuredS: +dt.toFixed(1), checksPerS: Math.round(checks / dt),
    cpuUsPerCheck: +((s1.cpuS - s0.cpuS) * 1e6 / Math.max(1, checks)).toFixed(1),
    cpuCoreFraction: +((s1.cpuS - s0.cpuS) / dt).toFixed(3),
    rssMB: +(s1.rssKb / 1024).toFixed(1), rssMaxMB: +(rssMax / 1024).toFixed(1),
    peakRssMB: +(s1.hwmKb / 1024).toFixed(1),
  };
}

async function stopProc(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null) return;
  await new Promise<void>((r) => {
    const t = setTimeout(() => { try { p.kill('SIGKILL'); } catch { /* gone */ } r(); }, 120_000);
    p.once('exit', () => { clearTimeout(t); r(); });
    p.kill('SIGTERM');
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const n = Number(args[0] ?? 1000), seconds = Number(args[1] ?? 30);
  const fi = args.indexOf('--node-flags');
  const flags = fi >= 0 ? args[fi + 1]!.split(/\s+/).filter(Boolean) : [];
  const self = fileURLToPath(import.meta.url);
  writeFileSync('/tmp/kcb.conf', conf(n));
  const lis = spawn(process.execPath, [self, '--listener', String(n)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let accepted = 0;
  await new Promise<void>((resolve, reject) => {
    let buf = '';
    lis.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const ls = buf.split('\n'); buf = ls.pop()!;
      for (const l of ls) { if (l === 'ready') resolve(); else if (l.startsWith('accepted ')) accepted = Number(l.slice(9)); }
    });
    lis.once('exit', () => reject(new Error('listener died')));
  });
  log(`listeners ready on ${n} addresses`);
  // The listener reports every 250 ms; read the freshest count.
  const count = (): number => accepted;
  const res: Record<string, unknown> = { realServers: n, delayLoopS: 1, nodeFlags: flags };

  log('ours: starting');
  const o = spawn(process.execPath, [...flags, self, '--ours', '/tmp/kcb.conf'], { stdio: ['ignore', 'pipe', 'inherit'] });
  res.ours = await measure('ours', () => o.pid, n, seconds, count);
  await stopProc(o);
  if (existsSync('/proc/net/ip_vs')) await until(() => dests() === 0, 300_000);
  console.log(JSON.stringify(res));

  if (!args.includes('--no-keepalived')) {
    log('keepalived: starting');
    // No pid files at all: an empty one makes keepalived say "daemon is already running" and exit.
    for (const f of ['/tmp/kcb.pid', '/tmp/kcb.chk.pid']) { try { unlinkSync(f); } catch { /* none */ } }
    const k = spawn('/usr/sbin/keepalived', ['-n', '-l', '-C', '-f', '/tmp/kcb.conf', '-p', '/tmp/kcb.pid', '-c', '/tmp/kcb.chk.pid'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let kaOut = '';
    const keep = (d: Buffer): void => { kaOut = (kaOut + d.toString()).slice(-4000); };
    k.stdout!.on('data', keep);
    k.stderr!.on('data', keep);
    k.once('exit', (code) => log(`keepalived exited (${code}); its last output:\n${kaOut}`));
    const chk = (): number | undefined => {
      try { const p = Number(readFileSync('/tmp/kcb.chk.pid', 'utf8').trim()); return p > 0 && existsSync(`/proc/${p}`) ? p : undefined; } catch { return undefined; }
    };
    res.keepalived = await measure('keepalived', chk, n, seconds, count);
    if (k.pid) { const p = sample(k.pid);
      (res.keepalived as Record<string, number>).parentRssMB = +(p.rssKb / 1024).toFixed(1); }
    await stopProc(k);
  }
  lis.stdin!.end();
  lis.kill();
  console.log(JSON.stringify(res));
  process.exit(0);
}

if (process.argv[2] === '--listener') await listener(Number(process.argv[3]), 250);
else if (process.argv[2] === '--ours') await ours(process.argv[3]!);
else await main();
