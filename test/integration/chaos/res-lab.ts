// Lab for the chaos tier's resource and peer faults (chaos-res-*.test.ts): the VRRP lab of
// test/integration/vrrp/lab.ts (hosts c 10.199.0.10, r1 10.199.0.1, r2 10.199.0.2 on one bridge)
// with r1 running the daemon under test (ours = bin/keepalived, or keepalived 2.2.7) optionally
// under a file-descriptor limit, r2 capturing VRRP adverts on the wire (tcpdump, kernel time
// stamps), c hosting the misbehaving peers (servers that accept and never answer). Everything a
// run makes is per-run (names and directories carry the pid) and removed in down().
import { readdirSync, readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { sh } from '../../helpers/netns.js';
import { Daemon, KEEPALIVED, now, OURS_DAEMON, VrrpLab } from '../vrrp/lab.js';

export type Impl = 'ours' | 'keepalived';
export const IMPLS: readonly Impl[] = ['keepalived', 'ours'];
export const SERVICE_IP = '10.199.0.10';
export const R1_IP = '10.199.0.1';

/** One VRRP advert seen on the wire: kernel time (s), source, vrid, priority. */
export interface Advert { t: number; src: string; vrid: number; prio: number }

/** Parses tcpdump -tt -n lines of VRRP adverts. */
export function parseAdverts(text: string): Advert[] {
  const out: Advert[] = [];
  for (const l of text.split('\n')) {
    const m = /^(\d+\.\d+) IP (\S+) > \S+: VRRPv\d, Advertisement, vrid (\d+), prio (\d+)/.exec(l);
    if (m) out.push({ t: Number(m[1]), src: m[2]!, vrid: Number(m[3]), prio: Number(m[4]) });
  }
  return out;
}

/** p-th percentile (nearest rank) of xs; NaN when empty. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]! : NaN;
}

export interface IntervalStats { adverts: number; p50: number; p99: number; max: number; min: number }

/** Intervals (ms) between consecutive adverts of one vrid from one source within [t0, t1] (wire seconds). */
export function intervalStats(ads: readonly Advert[], vrid: number, src: string, t0 = 0, t1 = Infinity): IntervalStats {
  const ts = ads.filter((a) => a.vrid === vrid && a.src === src && a.t >= t0 && a.t <= t1).map((a) => a.t);
  const iv = ts.slice(1).map((t, i) => (t - ts[i]!) * 1000);
  return { adverts: ts.length, p50: percentile(iv, 50), p99: percentile(iv, 99), max: percentile(iv, 100),
    min: percentile(iv, 0) };
}

export const fmtIv = (s: IntervalStats): string =>
  `adverts ${s.adverts}, interval p50 ${s.p50.toFixed(1)} / p99 ${s.p99.toFixed(1)} / max ${s.max.toFixed(1)} ms`;

/** tcpdump of VRRP in a namespace; adverts() parses what it printed so far. */
export class AdvertCapture {
  private text = '';
  constructor(private readonly proc: ChildProcess) {
    proc.stdout!.on('data', (d: Buffer) => { this.text += d.toString(); });
  }
  adverts(): Advert[] { return parseAdverts(this.text); }
  stop(): void { try { process.kill(this.proc.pid!, 'SIGTERM'); } catch { /* gone */ } }
}

/** Wall-clock seconds as tcpdump -tt prints them (to cut the capture at episode limits). */
export const wallS = (): number => Date.now() / 1000;

/** Descendants of pid (children of every thread, recursively), pid itself excluded. */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const walk = (p: number): void => {
    let tasks: string[];
    try { tasks = readdirSync(`/proc/${p}/task`); } catch { return; }
    for (const t of tasks) {
      let kids: string;
      try { kids = readFileSync(`/proc/${p}/task/${t}/children`, 'utf8'); } catch { continue; }
      for (const k of kids.split(' ').filter(Boolean).map(Number)) { out.push(k); walk(k); }
    }
  };
  walk(pid);
  return out;
}

export interface ProcSample { pid: number; fds: number; rssKb: number }

export function procSample(pid: number): ProcSample | undefined {
  try {
    const fds = readdirSync(`/proc/${pid}/fd`).length;
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return { pid, fds, rssKb: Number(rss ?? 0) };
  } catch { return undefined; }
}

/** The daemon's three processes (parent, VRRP child, checker child when there is one). */
export interface DaemonPids { parent: number; vrrp?: number; checker?: number }

export interface ResourceSnapshot {
  t: number;
  procs: Record<'parent' | 'vrrp' | 'checker', ProcSample | undefined>;
  /** Processes in r1's namespace other than the daemon's own (scripts, their children, orphans). */
  others: number[];
  /** `others` by name as they were when the snapshot was taken (describePids). */
  othersDesc: string;
}

/** `comm` and state of a process ('sleep', 'S'); undefined when it is gone. */
export function procStat(pid: number): { comm: string; state: string } | undefined {
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = st.lastIndexOf(')');
    return { comm: st.slice(st.indexOf('(') + 1, close), state: st.slice(close + 2, close + 3) };
  } catch { return undefined; }
}

/** Processes by command name: 'sleep x14, sh x1' (zombies as 'name(Z)'). */
export function describePids(pids: readonly number[]): string {
  const n = new Map<string, number>();
  for (const p of pids) {
    const s = procStat(p);
    const k = s ? (s.state === 'Z' ? `${s.comm}(Z)` : s.comm) : '?';
    n.set(k, (n.get(k) ?? 0) + 1);
  }
  return [...n].map(([k, c]) => `${k} x${c}`).join(', ') || 'none';
}

export const fmtSnap = (s: ResourceSnapshot): string => (['parent', 'vrrp', 'checker'] as const)
  .filter((k) => s.procs[k]).map((k) => `${k} fds ${s.procs[k]!.fds} rss ${(s.procs[k]!.rssKb / 1024).toFixed(1)} MB`).join(', ') + `, other processes: ${s.othersDesc}`;

export interface StartOpts {
  /** RLIMIT_NOFILE (soft = hard) for the daemon, set by prlimit before it execs. */
  nofile?: number;
  args?: string[];
  env?: NodeJS.ProcessEnv;
}

export class ResLab {
  readonly v: VrrpLab;
  private capture?: AdvertCapture;
  private extra: ChildProcess[] = [];

  constructor(prefix: string) { this.v = new VrrpLab(prefix); }

  up(): this { this.v.up(); return this; }
  get dir(): string { return this.v.dir; }
  ns(host: string): string { return this.v.lab.ns(host); }
  exec(host: string, cmd: string, args: string[], opts: { allowFail?: boolean; input?: string } = {}): string {
    return this.v.lab.exec(this.ns(host), cmd, args, opts);
  }

  /** Starts the daemon under test in r1 (`-n -l -D`, per-run pid files under dir as `${tag}.*`). */
  start(impl: Impl, conf: string, tag: string, o: StartOpts = {}): Daemon {
    const prog = impl === 'ours' ? OURS_DAEMON : KEEPALIVED;
    const args = [...(o.args ?? []), '-n', '-l', '-D', '-f', conf, '-p', `${this.dir}/${tag}.pid`, '-r', `${this.dir}/${tag}.vrrp.pid`,
      '-c', `${this.dir}/${tag}.chk.pid`, '-b', `${this.dir}/${tag}.bfd.pid`];
    const [cmd, argv] = o.nofile ? ['prlimit', [`--nofile=${o.nofile}:${o.nofile}`, '--', prog, ...args]] : [prog, args];
    const proc = this.v.lab.spawn(this.ns('r1'), cmd as string, argv as string[], o.env ?? process.env);
    const d = new Daemon(impl === 'ours' ? 'daemon' : 'keepalived', proc, this.dir, tag);
    this.v.daemons.push(d);
    return d;
  }

  /** The pids of d's processes from its pid files (children may be missing: not started / no checker). */
  pids(d: Daemon): DaemonPids {
    const read = (f: string): number | undefined => {
      try { const n = Number.parseInt(readFileSync(`${this.dir}/${d.name}.${f}`, 'utf8'), 10); return Number.isInteger(n) ? n : undefined; } catch { return undefined; }
    };
    return { parent: d.proc.pid!, vrrp: read('vrrp.pid'), checker: read('chk.pid') };
  }

  snapshot(p: DaemonPids): ResourceSnapshot {
    const own = new Set([p.parent, p.vrrp, p.checker].filter((x): x is number => !!x));
    // tcpdump and other lab helpers never run in r1: whatever else is there came from the daemon
    const inNs = nsPids(this.ns('r1'));
    return {
      t: now(),
      procs: { parent: procSample(p.parent), vrrp: p.vrrp ? procSample(p.vrrp) : undefined,
        checker: p.checker ? procSample(p.checker) : undefined },
      others: inNs.filter((x) => !own.has(x)),
      othersDesc: describePids(inNs.filter((x) => !own.has(x))),
    };
  }

  /** Starts capturing VRRP in r2 (call before the episode; adverts() reads what arrived so far). */
  captureAdverts(): AdvertCapture {
    this.capture?.stop();
    const p = this.v.lab.spawn(this.ns('r2'), 'tcpdump', ['-i', 'eth0', '-n', '-tt', '-l', '-p', 'ip proto 112']);
    p.stderr!.on('data', () => { /* "listening on ..." */ });
    this.capture = new AdvertCapture(p);
    return this.capture;
  }

  /**
   * A TCP server in c on each of `ports` that accepts and never sends a byte (nor closes); prints
   * `accept PORT` per connection. heal() (SIGUSR2 to it) makes it a server that answers: every
   * connection then gets `HTTP/1.0 200 OK` and is closed. Resolves once every port listens.
   */
  async blackHole(ports: number[]): Promise<{ accepted: () => number; heal: () => void }> {
    const js = `const net=require('net');let n=0,heal=false;process.on('SIGUSR2',()=>{heal=true;});` +
      `for(const p of ${JSON.stringify(ports)}){const s=net.createServer((c)=>{c.on('error',()=>{});process.stdout.write('accept '+p+'\\n');` +
      `if(heal)c.end('HTTP/1.0 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nok');});` +
      `s.listen(p,'0.0.0.0',()=>{if(++n===${ports.length})process.stdout.write('ready\\n');});}setInterval(()=>{},1e9);`;
    const p = this.v.lab.spawn(this.ns('c'), process.execPath, ['-e', js]);
    this.extra.push(p);
    let out = '';
    p.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('black hole did not listen')), 10_000);
      const iv = setInterval(() => { if (out.includes('ready\n')) { clearTimeout(t); clearInterval(iv); resolve(); } }, 20);
    });
    return {
      accepted: () => out.split('\n').filter((l) => l.startsWith('accept ')).length,
      heal: () => { try { process.kill(p.pid!, 'SIGUSR2'); } catch { /* gone */ } },
    };
  }

  /** SYNs to these TCP ports of c are dropped (nftables in c): a connect stays in flight until its timeout. */
  dropSyns(from: number, to: number): void {
    this.exec('c', 'nft', ['-f', '-'], { input: `table inet kcrdrop {\n chain hold {\n  type filter hook input priority 0; policy accept;\n  tcp dport ${from}-${to} drop\n }\n}\n` });
  }

  /** Undoes dropSyns(). */
  undropSyns(): void { this.exec('c', 'nft', ['delete', 'table', 'inet', 'kcrdrop']); }

  async down(): Promise<void> {
    this.capture?.stop();
    for (const p of this.extra) { try { process.kill(p.pid!, 'SIGKILL'); } catch { /* gone */ } }
    await this.v.down();
  }
}

/** Pids of every process whose network namespace is `ns` (ip netns pids). */
export function nsPids(ns: string): number[] {
  return sh('ip', ['netns', 'pids', ns], { allowFail: true }).split('\n').filter(Boolean).map(Number);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
