// Runs inside the scripts/vm guest (real IPVS): our daemon and keepalived 2.2.7, both `-C` (checker
// only) on the same keepalived.conf, each in its own network namespace (chk-ours, chk-ka: each has
// its own IPVS table), checking the same real servers (busybox httpd in chk-rs) over one bridge.
// Walks the steps of checkers-plan.ts (stop/start real servers), waits after each until both
// tables equal the expected one and stay so, and records both tables and the log lines of the step.
// Usage: node checkers-guest.mjs IN.json OUT.json
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import {
  IMPLS, SERVERS, STEPS, normaliseLn, stripDate,
  type CheckersInput, type CheckersOut, type Impl, type ServerId, type StepOut, type Table,
} from './checkers-plan.js';

const NS: Record<Impl | 'rs', string> = { ours: 'chk-ours', keepalived: 'chk-ka', rs: 'chk-rs' };
const DIRECTOR_IP: Record<Impl, string> = { ours: '10.78.0.11', keepalived: '10.78.0.12' };
const BRIDGE = 'chkbr0';
const RUN = '/run/chk';

const [inPath, outPath] = process.argv.slice(2);
const input = JSON.parse(readFileSync(inPath!, 'utf8')) as CheckersInput;
const out: CheckersOut = { errors: [], timings: {}, steps: [], logs: { ours: [], keepalived: [] } };
const save = () => writeFileSync(outPath!, JSON.stringify(out, null, 1));
const log = (s: string) => process.stderr.write(`[checkers-guest ${new Date().toISOString().slice(11, 23)}] ${s}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function sh(cmd: string): { code: number; out: string; err: string } {
  const r = spawnSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout ?? '', err: r.stderr ?? '' };
}
function shOk(cmd: string): void {
  const r = sh(cmd);
  if (r.code !== 0) throw new Error(`${cmd}: exit ${r.code}: ${r.err}`);
}

/** A process in a namespace, its output lines stamped on arrival. */
class Proc {
  readonly lines: { t: number; l: string }[] = [];
  exit: { code: number | null; signal: string | null } | null = null;
  private readonly cp: ChildProcess;
  private readonly exited: Promise<void>;
  constructor(where: string, argv: string[]) {
    this.cp = spawn('ip', ['netns', 'exec', where, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const s of [this.cp.stdout!, this.cp.stderr!]) {
      let buf = '';
      s.setEncoding('utf8');
      s.on('data', (c: string) => {
        buf += c;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) { this.lines.push({ t: Date.now(), l: buf.slice(0, i) }); buf = buf.slice(i + 1); }
      });
    }
    this.exited = new Promise((r) => this.cp.on('exit', (code, signal) => { this.exit = { code, signal }; r(); }));
  }
  get pid(): number { return this.cp.pid ?? -1; }
  kill(sig: NodeJS.Signals = 'SIGTERM'): void { if (!this.exit) this.cp.kill(sig); }
  async waitExit(ms: number): Promise<boolean> {
    await Promise.race([this.exited, sleep(ms)]);
    return this.exit !== null;
  }
  /** Lines stamped in [from, to), without keepalived's date prefix. */
  between(from: number, to = Infinity): string[] { return this.lines.filter((x) => x.t >= from
    && x.t < to).map((x) => stripDate(x.l)); }
}

function setUp(): void {
  tearDown();
  shOk(`ip link add ${BRIDGE} type bridge && ip link set ${BRIDGE} up`);
  const nodes: [string, string[]][] = [[NS.ours, [DIRECTOR_IP.ours]], [NS.keepalived, [DIRECTOR_IP.keepalived]],
    [NS.rs, [...new Set(Object.values(SERVERS).map((a) => a.split(':')[0]!))]]];
  for (const [n, addrs] of nodes) {
    shOk([`ip netns add ${n}`, `ip link add ${n} type veth peer name eth0 netns ${n}`, `ip link set ${n} master ${BRIDGE} up`,
      `ip -n ${n} link set lo up`, ...addrs.map((a) => `ip -n ${n} addr add ${a}/24 dev eth0`), `ip -n ${n} link set eth0 up`].join(' && '));
  }
  for (const [id, a] of Object.entries(SERVERS)) {
    mkdirSync(`${RUN}/www-${id}`, { recursive: true });
    // the HTTP_GET digest in checkers.conf is the MD5 of this page
    writeFileSync(`${RUN}/www-${id}/index.html`, `checkers-vm rs ${a.split(':')[0]}\n`);
  }
  for (const i of IMPLS) mkdirSync(`${RUN}/${i}`, { recursive: true });
  // MISC_CHECK's script (checkers.conf): GET /index.html with bash's /dev/tcp, success on a 200 status
  // line. Not busybox wget: the guest's static busybox died of SIGSEGV when run by either checker.
  writeFileSync(`${RUN}/misc-http.sh`, [
    '#!/bin/bash', 'exec 3<>"/dev/tcp/$1/$2" || exit 1', "printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' >&3",
    'read -r -t 3 status <&3 || exit 1', '[[ $status == "HTTP/1."?" 200 "* ]]', ''].join('\n'), { mode: 0o755 });
}

function tearDown(): void {
  for (const n of Object.values(NS)) sh(`ip netns pids ${n} 2>/dev/null | xargs -r kill -9; ip netns del ${n} 2>/dev/null`);
  sh(`ip link del ${BRIDGE} 2>/dev/null`);
}

const httpd: Partial<Record<ServerId, Proc>> = {};
function startServer(id: ServerId): void {
  httpd[id] = new Proc(NS.rs, ['busybox', 'httpd', '-f', '-p', SERVERS[id], '-h', `${RUN}/www-${id}`]);
}
async function stopServer(id: ServerId): Promise<void> {
  const p = httpd[id];
  if (!p) return;
  p.kill('SIGKILL');
  await p.waitExit(5000);
  delete httpd[id];
}

function startDaemon(impl: Impl): Proc {
  const d = `${RUN}/${impl}`;
  const conf = impl === 'ours' && input.oursConf ? input.oursConf : input.conf;
  const common = ['-C', '-n', '-l', '-D', '-f', conf, '-p', `${d}/keepalived.pid`, '-r', `${d}/vrrp.pid`, '-c', `${d}/checkers.pid`];
  const argv = impl === 'ours' ? [process.execPath, '--expose-internals', `${input.repo}/bin/keepalived`, ...common] : ['/usr/sbin/keepalived', ...common];
  return new Proc(NS[impl], argv);
}

/** The table as sorted `ipvsadm -Sn` lines, and with `ln` the normalised `ipvsadm -Ln` too (each
 *  ipvsadm costs a few hundred ms under TCG, so the polling loop reads -Sn only). */
function table(impl: Impl, ln = false): Table {
  const ipvsadm = (args: string) => sh(`ip netns exec ${NS[impl]} ipvsadm ${args}`).out;
  return { save: ipvsadm('-Sn').split('\n').filter(Boolean).sort().join('\n'), ln: ln ? normaliseLn(ipvsadm('-Ln')) : '' };
}

/** A `sleep` in each director's namespace: /proc/PID/net/ip_vs of it is that namespace's table, read
 *  without spawning anything (each `ip netns exec ipvsadm` costs guest CPU that the checkers need). */
const keeper: Partial<Record<Impl, Proc>> = {};
const hexAddr = (h: string): string => {
  const [a, p] = h.split(':');
  const n = parseInt(a!, 16);
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}:${parseInt(p!, 16)}`;
};
/** /proc/net/ip_vs of `impl`'s namespace in `ipvsadm -Sn`'s words, sorted (no persistence flags:
 *  checkers.conf has none; the captured tables come from ipvsadm itself). */
function procTable(impl: Impl): string {
  const out: string[] = [];
  let svc = '';
  for (const l of readFileSync(`/proc/${keeper[impl]!.pid}/net/ip_vs`, 'utf8').split('\n')) {
    let m = /^(TCP|UDP)\s+([0-9A-F]+:[0-9A-F]+)\s+(\S+)/.exec(l);
    if (m) { svc = `-${m[1] === 'TCP' ? 't' : 'u'} ${hexAddr(m[2]!)}`; out.push(`-A ${svc} -s ${m[3]}`); continue; }
    m = /^\s+->\s+([0-9A-F]+:[0-9A-F]+)\s+(\w+)\s+(\d+)/.exec(l);
    if (m) out.push(`-a ${svc} -r ${hexAddr(m[1]!)} -${({ Masq: 'm', Route: 'g', Tunnel: 'i' } as Record<string, string>)[m[2]!] ?? m[2]} -w ${m[3]}`);
  }
  return out.sort().join('\n');
}

/** Waits until both tables equal `expect` and stayed unchanged for input.stableMs. */
async function settle(res: StepOut, expect: string, timeoutMs: number): Promise<void> {
  const end = res.t0 + timeoutMs;
  let last = '', since = Date.now();
  for (;;) {
    const t = { ours: procTable('ours'), keepalived: procTable('keepalived') };
    const now = Date.now();
    for (const i of IMPLS) if (res.matchedMs[i] === null && t[i] === expect) res.matchedMs[i] = now - res.t0;
    const key = `${t.ours}\n--\n${t.keepalived}`;
    if (key !== last) { last = key; since = now; }
    if (t.ours === expect && t.keepalived === expect && now - since >= input.stableMs) { res.settledMs = since - res.t0;
      return; }
    if (now >= end) return;
    await sleep(200);
  }
}

const tAll = Date.now();
const daemons: Partial<Record<Impl, Proc>> = {};
let mark = 0;   // the end of the previous step's log window
try {
  setUp();
  for (const id of Object.keys(SERVERS) as ServerId[]) startServer(id);
  for (const i of IMPLS) keeper[i] = new Proc(NS[i], ['sleep', '100000']);
  await sleep(300);
  for (const [n, step] of STEPS.entries()) {
    const res: StepOut = {
      name: step.name, t0: Date.now(), matchedMs: { ours: null, keepalived: null }, settledMs: null,
      tables: { ours: { save: '', ln: '' }, keepalived: { save: '', ln: '' } }, logs: { ours: [], keepalived: [] },
    };
    out.steps.push(res);
    for (const id of step.stop) await stopServer(id);
    for (const id of step.start) startServer(id);
    res.t0 = Date.now();
    if (n === 0) {
      // ours first: its start-up (node loading dist/ under TCG) starves the guest's CPUs for tens of
      // seconds, during which keepalived's checks could time out and make the two logs differ.
      daemons.ours = startDaemon('ours');
      const want = step.expect.join('\n');
      let up = false;
      while (!(up = procTable('ours') === want) && Date.now() - res.t0 < input.startTimeoutMs) await sleep(500);
      if (up) res.matchedMs.ours = Date.now() - res.t0;
      await sleep(2000);
      daemons.keepalived = startDaemon('keepalived');
      res.t0 = Date.now();
    }
    if (step.stopDaemons) {
      for (const i of IMPLS) daemons[i]!.kill('SIGTERM');
      for (const i of IMPLS) if (!(await daemons[i]!.waitExit(60_000))) daemons[i]!.kill('SIGKILL');
      res.exits = { ours: daemons.ours!.exit?.code ?? null, keepalived: daemons.keepalived!.exit?.code ?? null };
    }
    await settle(res, step.expect.join('\n'), n === 0 ? input.startTimeoutMs : input.stepTimeoutMs);
    const to = Date.now();
    for (const i of IMPLS) { res.tables[i] = table(i, true); res.logs[i] = daemons[i]!.between(mark, to); }
    mark = to;
    log(`step ${n} "${step.name}": ours matched after ${res.matchedMs.ours} ms, keepalived after ${res.matchedMs.keepalived} ms, settled ${res.settledMs === null ? 'NEVER' : `${res.settledMs} ms`}`);
    out.timings[`step${n}`] = Date.now() - res.t0;
    save();
  }
} catch (e) {
  out.errors.push(`${(e as Error).stack ?? e}`);
} finally {
  for (const i of IMPLS) { daemons[i]?.kill('SIGKILL'); out.logs[i] = daemons[i]?.between(0) ?? []; }
  for (const id of Object.keys(httpd) as ServerId[]) httpd[id]?.kill('SIGKILL');
  for (const i of IMPLS) keeper[i]?.kill('SIGKILL');
  tearDown();
  out.timings.total = Date.now() - tAll;
  save();
  log(`done in ${out.timings.total} ms`);
}
process.exit(0);
