// Runs inside the scripts/vm guest (real IPVS): our daemon and keepalived 2.2.7, both `-C`, on the
// same config (BIND_CONF) whose HTTP_GET, SSL_GET, SMTP_CHECK, DNS_CHECK, UDP_CHECK and TCP_CHECK
// bind to 10.81.0.11, an address the director does not have at first. Each daemon has its own
// pair of namespaces (director + real servers, own bridge, same addresses), so the two never share
// a network or an IPVS table. Phases: address absent; address added to both directors; removed
// again; SIGTERM. Records each daemon's log lines (stamped on arrival) and `ipvsadm -Sn` after
// each phase. The real servers (HTTP, HTTPS, SMTP, DNS, UDP echo) are this same program started
// with `servers`; `hold` keeps a TCP port bound (the EADDRINUSE checker).
// Usage: node bind-errors-guest.mjs IN.json OUT.json | servers CERT KEY | hold ADDR PORT
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import dgram from 'node:dgram';
import http from 'node:http';
import https from 'node:https';

import { BIND_CONF, BINDTO, HELD_PORT, IMPLS, LB, PHASES, RS, stripDate, type BindInput, type BindOut, type Impl } from './bind-errors-plan.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function servers(cert: string, key: string): void {
  const ready = () => { if (++n === 5) process.stdout.write('ready\n'); };
  let n = 0;
  http.createServer((_q, r) => r.end('kbe\n')).listen(80, RS, ready);
  https.createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (_q, r) => r.end('kbe\n')).listen(443, RS, ready);
  net.createServer((s) => {
    s.on('error', () => {});
    s.write('220 rs.kbe.test ESMTP\r\n');
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).trim().toUpperCase();
        buf = buf.slice(i + 1);
        if (line.startsWith('HELO') || line.startsWith('EHLO')) s.write('250 rs.kbe.test\r\n');
        else if (line.startsWith('QUIT')) s.end('221 bye\r\n');
        else s.write('500 what\r\n');
      }
    });
  }).listen(25, RS, ready);
  const dns = dgram.createSocket('udp4');
  dns.on('message', (m, r) => {
    if (m.length < 12) return;
    const a = Buffer.from(m);
    a.writeUInt16BE(0x8180, 2); // QR, RD, RA, RCODE 0; the question is echoed, no answer records
    dns.send(a, r.port, r.address);
  });
  dns.bind(53, RS, ready);
  const echo = dgram.createSocket('udp4');
  echo.on('message', (m, r) => echo.send(m, r.port, r.address));
  echo.bind(7, RS, ready);
}

function sh(cmd: string): { code: number; out: string; err: string } {
  const r = spawnSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout ?? '', err: r.stderr ?? '' };
}
function shOk(cmd: string): string {
  const r = sh(cmd);
  if (r.code !== 0) throw new Error(`${cmd}: exit ${r.code}: ${r.err}`);
  return r.out;
}

class Proc {
  readonly lines: [number, string][] = [];
  exit: number | null | undefined = undefined;
  private readonly cp: ChildProcess;
  private readonly exited: Promise<void>;
  constructor(where: string, argv: string[], private readonly t0: () => number) {
    this.cp = spawn('ip', ['netns', 'exec', where, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const s of [this.cp.stdout!, this.cp.stderr!]) {
      let buf = '';
      s.setEncoding('utf8');
      s.on('data', (c: string) => {
        buf += c;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) { this.lines.push([Date.now() - this.t0(), stripDate(buf.slice(0, i))]); buf = buf.slice(i + 1); }
      });
    }
    this.exited = new Promise((r) => this.cp.on('exit', (code) => { this.exit = code; r(); }));
  }
  has(s: string): boolean { return this.lines.some((l) => l[1] === s); }
  count(s: string): number { return this.lines.filter((l) => l[1] === s).length; }
  kill(sig: NodeJS.Signals = 'SIGTERM'): void { if (this.exit === undefined) this.cp.kill(sig); }
  async waitExit(ms: number): Promise<boolean> { await Promise.race([this.exited, sleep(ms)]);
    return this.exit !== undefined; }
}

const NS = (i: Impl, role: 'lb' | 'rs') => `kbe-${i === 'ours' ? 'o' : 'k'}-${role}`;
const BRIDGE = (i: Impl) => `kbebr${i === 'ours' ? 'o' : 'k'}`;
const RUN = '/run/kbe';

function setUp(): void {
  tearDown();
  for (const i of IMPLS) {
    shOk(`ip link add ${BRIDGE(i)} type bridge && ip link set ${BRIDGE(i)} up`);
    for (const [role, addr] of [['lb', LB], ['rs', RS]] as const) {
      const n = NS(i, role);
      shOk([`ip netns add ${n}`, `ip link add ${n} type veth peer name eth0 netns ${n}`, `ip link set ${n} master ${BRIDGE(i)} up`,
        `ip -n ${n} link set lo up`, `ip -n ${n} addr add ${addr}/24 dev eth0`, `ip -n ${n} link set eth0 up`].join(' && '));
    }
    mkdirSync(`${RUN}/${i}`, { recursive: true });
  }
  writeFileSync(`${RUN}/keepalived.conf`, BIND_CONF);
}

function tearDown(): void {
  for (const i of IMPLS) {
    for (const role of ['lb', 'rs'] as const) sh(`ip netns pids ${NS(i, role)} 2>/dev/null | xargs -r kill -9; ip netns del ${NS(i, role)} 2>/dev/null`);
    sh(`ip link del ${BRIDGE(i)} 2>/dev/null`);
  }
}

async function waitFor(what: string, ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function main(inPath: string, outPath: string): Promise<void> {
  const input = JSON.parse(readFileSync(inPath, 'utf8')) as BindInput;
  const out: BindOut = { errors: [], timings: {}, logs: { ours: [], keepalived: [] }, phases: [],
    exits: { ours: null, keepalived: null } };
  const save = () => writeFileSync(outPath, JSON.stringify(out, null, 1));
  const log = (s: string) => process.stderr.write(`[bind-errors-guest ${new Date().toISOString().slice(11, 23)}] ${s}\n`);
  const procs: Proc[] = [];
  const daemons: Partial<Record<Impl, Proc>> = {};
  let t0 = Date.now();
  const since = () => t0;
  const tAll = Date.now();
  try {
    setUp();
    const self = process.argv[1]!;
    for (const i of IMPLS) {
      const s = new Proc(NS(i, 'rs'), [process.execPath, self, 'servers', input.cert, input.key], since);
      const h = new Proc(NS(i, 'lb'), [process.execPath, self, 'hold', LB, String(HELD_PORT)], since);
      procs.push(s, h);
      await waitFor(`servers (${i})`, () => s.has('ready') && h.has('ready'), 120_000);
    }
    out.timings.servers = Date.now() - tAll;
    t0 = Date.now();
    for (const i of IMPLS) {
      const d = `${RUN}/${i}`;
      const common = ['-C', '-n', '-l', '-D', '-f', `${RUN}/keepalived.conf`, '-p', `${d}/keepalived.pid`, '-r', `${d}/vrrp.pid`, '-c', `${d}/checkers.pid`];
      const argv = i === 'ours' ? [process.execPath, '--expose-internals', `${input.repo}/bin/keepalived`, ...common] : ['/usr/sbin/keepalived', ...common];
      daemons[i] = new Proc(NS(i, 'lb'), argv, since);
    }
    // Both are checking once each has logged its SMTP rescheduling line twice.
    const smtp = 'SMTP_CHECK socket bind failed. Rescheduling.';
    await waitFor('both daemons checking', () => IMPLS.every((i) => daemons[i]!.count(smtp) >= 2), input.startTimeoutMs);
    out.timings.started = Date.now() - t0;
    log(`both checking after ${out.timings.started} ms`);
    const table = (i: Impl) => shOk(`ip netns exec ${NS(i, 'lb')} ipvsadm -Sn`).split('\n').filter(Boolean).sort().join('\n');
    for (const [n, name] of PHASES.entries()) {
      const at = Date.now() - t0;
      if (n === 1) for (const i of IMPLS) shOk(`ip -n ${NS(i, 'lb')} addr add ${BINDTO}/24 dev eth0`);
      if (n === 2) for (const i of IMPLS) shOk(`ip -n ${NS(i, 'lb')} addr del ${BINDTO}/24 dev eth0`);
      await sleep(input.phaseMs);
      out.phases.push({ name, at: n === 0 ? 0 : at, tables: { ours: table('ours'), keepalived: table('keepalived') } });
      log(`phase "${name}" done`);
      save();
    }
    for (const i of IMPLS) daemons[i]!.kill('SIGTERM');
    for (const i of IMPLS) if (!(await daemons[i]!.waitExit(60_000))) daemons[i]!.kill('SIGKILL');
    for (const i of IMPLS) out.exits[i] = daemons[i]!.exit ?? null;
  } catch (e) {
    out.errors.push(`${(e as Error).stack ?? e}`);
  } finally {
    for (const i of IMPLS) { daemons[i]?.kill('SIGKILL'); out.logs[i] = daemons[i]?.lines ?? []; }
    for (const p of procs) p.kill('SIGKILL');
    tearDown();
    out.timings.total = Date.now() - tAll;
    save();
    log(`done in ${out.timings.total} ms`);
  }
}

const [mode, a1, a2] = process.argv.slice(2);
if (mode === 'servers') servers(a1!, a2!);
else if (mode === 'hold') net.createServer((s) => s.destroy()).listen(Number(a2), a1!, () => process.stdout.write('ready\n'));
else if (mode && a1) { await main(mode, a1); process.exit(0); }
