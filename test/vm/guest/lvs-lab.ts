// Runs inside the scripts/vm guest: the LVS scenario's lab. Five network namespaces on one bridge
// (client, two directors, two real servers running busybox httpd with the VIP on lo and
// arp_ignore=1 / arp_announce=2), daemons started in them with their log lines time-stamped, and
// the probes the scenario polls (VIP owner, `ipvsadm` per namespace, client port -> director).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { sh, shOk, sleep } from './shell.js';

export const NET = '10.77.0';
export const VIP = `${NET}.100`;
export const NODES = { cl: 10, d1: 11, d2: 12, rs1: 21, rs2: 22 } as const;
export type Node = keyof typeof NODES;
export const ns = (n: Node) => `lvs-${n}`;
export const ip = (n: Node) => `${NET}.${NODES[n]}`;
const BRIDGE = 'lvsbr0';
const RUN = '/run/lvs';

export function setUp(): void {
  teardown();
  sh('modprobe veth; modprobe bridge');
  shOk(`ip link add ${BRIDGE} type bridge && ip link set ${BRIDGE} up`);
  for (const n of Object.keys(NODES) as Node[]) {
    shOk([`ip netns add ${ns(n)}`, `ip link add ${ns(n)} type veth peer name eth0 netns ${ns(n)}`,
      `ip link set ${ns(n)} master ${BRIDGE} up`, `ip -n ${ns(n)} link set lo up`,
      `ip -n ${ns(n)} addr add ${ip(n)}/24 dev eth0`, `ip -n ${ns(n)} link set eth0 up`].join(' && '));
  }
  for (const n of ['rs1', 'rs2'] as const) {
    // LVS-DR real server: the VIP on lo, never answered for in ARP nor used as an ARP source.
    shOk(`ip -n ${ns(n)} addr add ${VIP}/32 dev lo`);
    shOk(`ip netns exec ${ns(n)} sh -c 'for i in all eth0; do echo 1 > /proc/sys/net/ipv4/conf/$i/arp_ignore; echo 2 > /proc/sys/net/ipv4/conf/$i/arp_announce; done'`);
    mkdirSync(`${RUN}/www-${n}`, { recursive: true });
    writeFileSync(`${RUN}/www-${n}/index.html`, `${n}\n`);
  }
  mkdirSync(`${RUN}/d1`, { recursive: true });
  mkdirSync(`${RUN}/d2`, { recursive: true });
}

export function teardown(): void {
  for (const n of Object.keys(NODES) as Node[]) sh(`ip netns pids ${ns(n)} 2>/dev/null | xargs -r kill -9; ip netns del ${ns(n)} 2>/dev/null`);
  sh(`ip link del ${BRIDGE} 2>/dev/null`);
}

export interface LogLine { t: number; l: string }

/** A process in a namespace with its output lines stamped on arrival. */
export class Proc {
  readonly lines: LogLine[] = [];
  readonly started = Date.now();
  exited: { t: number; code: number | null; signal: string | null } | null = null;
  private readonly cp: ChildProcess;
  private readonly waiters: (() => void)[] = [];
  constructor(readonly name: string, where: Node, argv: string[], onLine?: (l: string, t: number) => void) {
    this.cp = spawn('ip', ['netns', 'exec', ns(where), ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const s of [this.cp.stdout!, this.cp.stderr!]) {
      let buf = '';
      s.setEncoding('utf8');
      s.on('data', (c: string) => {
        buf += c;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const l = buf.slice(0, i); buf = buf.slice(i + 1);
          const t = Date.now();
          this.lines.push({ t, l });
          onLine?.(l, t);
          this.wake();
        }
      });
    }
    this.cp.on('exit', (code, signal) => { this.exited = { t: Date.now(), code, signal }; this.wake(); });
  }
  get pid(): number { return this.cp.pid ?? -1; }
  kill(sig: NodeJS.Signals = 'SIGTERM'): void { try { this.cp.kill(sig); } catch { /* gone */ } }
  private wake(): void { for (const w of this.waiters.splice(0)) w(); }
  private changed(ms: number): Promise<void> {
    return new Promise((r) => { const t = setTimeout(r, ms); this.waiters.push(() => { clearTimeout(t); r(); }); });
  }
  /** First line matching `re` stamped at or after `since`; null on timeout. */
  async waitLine(re: RegExp, since: number, timeoutMs: number): Promise<LogLine | null> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.lines.find((x) => x.t >= since && re.test(x.l));
      if (hit) return hit;
      if (Date.now() >= end || this.exited) return null;
      await this.changed(Math.min(500, end - Date.now()));
    }
  }
  async waitExit(timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (!this.exited && Date.now() < end) await this.changed(Math.min(500, end - Date.now()));
    return this.exited !== null;
  }
  text(since = 0): string { return this.lines.filter((x) => x.t >= since).map((x) => x.l).join('\n'); }
}

export function startHttpd(n: 'rs1' | 'rs2'): Proc {
  return new Proc(`httpd-${n}`, n, ['busybox', 'httpd', '-f', '-p', '80', '-h', `${RUN}/www-${n}`]);
}

export type Impl = 'ours' | 'keepalived';
/** Where each implementation runs: ours on director 1, keepalived 2.2.7 on director 2. */
export const HOME: Record<Impl, 'd1' | 'd2'> = { ours: 'd1', keepalived: 'd2' };

/** Starts a director in the foreground with console logging and its own pid files. */
export function startDirector(impl: Impl, conf: string, configId: 'high' | 'low', repo: string): Proc {
  const d = HOME[impl];
  const common = ['-n', '-l', '-D', '-f', conf, '-i', configId, '-p', `${RUN}/${d}/keepalived.pid`, '-r', `${RUN}/${d}/vrrp.pid`, '-c', `${RUN}/${d}/checkers.pid`];
  const argv = impl === 'ours' ? [process.execPath, '--expose-internals', `${repo}/bin/keepalived`, ...common] : ['/usr/sbin/keepalived', ...common];
  return new Proc(impl, d, argv);
}

export function hasVip(n: Node): boolean { return sh(`ip -n ${ns(n)} -4 -o addr show dev eth0`).out.includes(` ${VIP}/`); }
export function ipvsadm(n: Node, args: string): string { return sh(`ip netns exec ${ns(n)} ipvsadm ${args}`).out; }

/** Real servers in the VIP:`port` service of `n`'s IPVS table. */
export function realServers(n: Node, port = 80): string[] {
  const re = new RegExp(`^\\s+->\\s+(\\d+\\.\\d+\\.\\d+\\.\\d+):${port}\\s`);
  return ipvsadm(n, '-Ln').split('\n').map((l) => re.exec(l)?.[1]).filter((x): x is string => !!x).sort();
}

/** Background poller of both directors' connection tables: client port -> director that forwarded it. */
export class ConnWatch {
  readonly byPort = new Map<number, { d: 'd1' | 'd2'; rs: string }>();
  /** Ports that showed up in both directors' tables (a request seen by both IPVS). */
  readonly both = new Set<number>();
  private stopped = false;
  private loop: Promise<void> | null = null;
  private readonly re = new RegExp(`^TCP\\s+\\S+\\s+\\S+\\s+${ip('cl').replace(/\./g, '\\.')}:(\\d+)\\s+${VIP.replace(/\./g, '\\.')}:80\\s+(\\d+\\.\\d+\\.\\d+\\.\\d+):80`);
  private read(d: 'd1' | 'd2'): Promise<void> {
    return new Promise<void>((r) => {
      execFile('ip', ['netns', 'exec', ns(d), 'ipvsadm', '-Lnc'], (_e, out) => {
        for (const l of String(out ?? '').split('\n')) {
          const m = this.re.exec(l);
          if (!m) continue;
          const seen = this.byPort.get(Number(m[1]));
          if (!seen) this.byPort.set(Number(m[1]), { d, rs: m[2]! });
          else if (seen.d !== d) this.both.add(Number(m[1]));
        }
        r();
      });
    });
  }
  /** Reads both tables once (also used after a phase, so that its last requests are in). */
  async pass(): Promise<void> { await Promise.all([this.read('d1'), this.read('d2')]); }
  start(everyMs: number): void {
    this.loop = (async () => { while (!this.stopped) { await this.pass(); await sleep(everyMs); } })();
  }
  async stop(): Promise<void> { this.stopped = true; await this.loop; }
}
