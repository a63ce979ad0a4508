// VRRP interop lab: one L2 segment with a client and two routers, where each router runs either
// our implementation (run-ours.ts) or Debian's keepalived 2.2.7. Collects every log line with a
// monotonic receive time so tests can assert on lines and on timings. Configs and pid files live in a
// per-run temporary directory, so two runs at once do not share them.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { isRoot, NetnsLab, waitFor } from '../../helpers/netns.js';
import { makeTempDir, removeTempDir } from '../../helpers/tmpdir.js';

export const RUN_OURS = new URL('./run-ours.ts', import.meta.url).pathname;
export const KEEPALIVED = '/usr/sbin/keepalived';
/** Our whole daemon (parent + VRRP child + notify: scripts, FIFOs), run like keepalived (dist/: `npm run build`
 *  first). */
export const OURS_DAEMON = new URL('../../../bin/keepalived', import.meta.url).pathname;
export const now = (): number => performance.now();

export interface Line { t: number; text: string }

export class Daemon {
  readonly lines: Line[] = [];
  readonly stdout: Line[] = [];
  exited?: { code: number | null; signal: NodeJS.Signals | null; t: number };

  /** 'ours' = run-ours.ts (VRRP only, notify events on stdout); 'daemon' = bin/keepalived; 'keepalived' = 2.2.7. */
  constructor(readonly kind: 'ours' | 'daemon' | 'keepalived', readonly proc: ChildProcess, readonly dir: string, readonly name: string) {
    const feed = (into: Line[], strip: boolean) => {
      let buf = '';
      return (d: Buffer) => {
        buf += d.toString();
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          let text = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (strip) text = text.replace(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: /, '');
          into.push({ t: now(), text });
        }
      };
    };
    const kaLike = kind !== 'ours';
    proc.stderr!.on('data', feed(this.lines, kaLike));
    proc.stdout!.on('data', feed(kaLike ? this.lines : this.stdout, kaLike));
    proc.on('exit', (code, signal) => { this.exited = { code, signal, t: now() }; });
  }

  texts(): string[] { return this.lines.map((l) => l.text); }

  has(re: RegExp | string, after = 0): Line | undefined {
    return this.lines.find((l) => l.t >= after && (typeof re === 'string' ? l.text === re : re.test(l.text)));
  }

  async waitLine(re: RegExp | string, timeoutMs: number, after = 0): Promise<Line> {
    try {
      return await waitFor(() => this.has(re, after), timeoutMs, 5);
    } catch {
      throw new Error(`${this.name} (${this.kind}): no line ${String(re)} within ${timeoutMs} ms; log:\n  ${this.texts().join('\n  ')}`);
    }
  }

  /** PID of the process that runs VRRP (keepalived: the VRRP child from -r). */
  vrrpPid(): number {
    if (this.kind === 'ours') return this.proc.pid!;
    // keepalived and bin/keepalived both write the VRRP child's pid file (-r)
    return Number(readFileSync(`${this.dir}/${this.name}.vrrp.pid`, 'utf8').trim());
  }

  signal(sig: NodeJS.Signals): void { try { process.kill(this.proc.pid!, sig); } catch { /* gone */ } }

  /** A crash: SIGKILL the VRRP process (keepalived: the child, then the parent so it cannot respawn). */
  crash(): void {
    if (this.kind === 'keepalived') {
      const child = this.vrrpPid();
      try { process.kill(this.proc.pid!, 'SIGSTOP'); } catch { /* gone */ }
      try { process.kill(child, 'SIGKILL'); } catch { /* gone */ }
      try { process.kill(this.proc.pid!, 'SIGKILL'); } catch { /* gone */ }
    } else this.signal('SIGKILL');
  }

  async exit(timeoutMs = 5000): Promise<void> { await waitFor(() => this.exited, timeoutMs, 10); }
}

export interface InstanceOpts {
  name?: string;
  vrid?: number;
  priority: number;
  state?: 'MASTER' | 'BACKUP';
  advertInt?: number;
  version?: 2 | 3;
  iface?: string;
  vips: string[];
  pass?: string;
  trackInterface?: string[];
  unicastSrc?: string;
  unicastPeers?: string[];
  nopreempt?: boolean;
  /** More lines inside the block (before virtual_ipaddress). */
  extra?: string[];
}

export function instanceBlock(o: InstanceOpts): string {
  const lines = [
    `vrrp_instance ${o.name ?? 'VI_1'} {`,
    `    state ${o.state ?? 'BACKUP'}`,
    `    interface ${o.iface ?? 'eth0'}`,
    `    virtual_router_id ${o.vrid ?? 51}`,
    `    priority ${o.priority}`,
    `    advert_int ${o.advertInt ?? 1}`,
  ];
  if (o.version) lines.push(`    version ${o.version}`);
  if (o.nopreempt) lines.push('    nopreempt');
  if (o.pass !== undefined) lines.push('    authentication {', '        auth_type PASS', `        auth_pass ${o.pass}`, '    }');
  if (o.trackInterface?.length) lines.push('    track_interface {', ...o.trackInterface.map((i) => `        ${i}`), '    }');
  if (o.unicastSrc) lines.push(`    unicast_src_ip ${o.unicastSrc}`);
  if (o.unicastPeers?.length) lines.push('    unicast_peer {', ...o.unicastPeers.map((p) => `        ${p}`), '    }');
  for (const l of o.extra ?? []) if (l) lines.push(`    ${l}`);
  lines.push('    virtual_ipaddress {', ...o.vips.map((v) => `        ${v}`), '    }', '}');
  return lines.join('\n');
}

export function configText(instances: InstanceOpts[], extra = '', routerId = 'lab', globalLines: string[] = []): string {
  const g = [`    router_id ${routerId}`, '    vrrp_garp_master_delay 5', ...globalLines.filter(Boolean).map((l) => `    ${l}`)];
  return [`global_defs {\n${g.join('\n')}\n}`, extra, ...instances.map(instanceBlock)].filter(Boolean).join('\n') + '\n';
}

export class VrrpLab {
  readonly lab: NetnsLab;
  readonly daemons: Daemon[] = [];
  private tmp?: string;

  /** `routers`: how many router hosts (r1, r2, ... at 10.199.0.1, .2, ...); 2 unless given. */
  constructor(readonly prefix: string, readonly opts: { v6?: boolean; extraIf?: boolean; routers?: number } = {}) {
    this.lab = new NetnsLab(prefix);
  }

  /** This run's directory for configs, pid files and flags (`${tmpdir}/${prefix}-lab-XXXXXX`), made by up(). */
  get dir(): string {
    if (!this.tmp) throw new Error('VrrpLab: no directory before up()');
    return this.tmp;
  }

  up(): this {
    removeTempDir(this.tmp);
    // 0755 as before: a notify or track script run as another user can still read the flags in it.
    this.tmp = makeTempDir(`${this.prefix}-lab`, { mode: 0o755 });
    this.lab.up();
    this.lab.addHost('c', { addr4: '10.199.0.10/24' });
    const routers = Array.from({ length: this.opts.routers ?? 2 }, (_, i) => `r${i + 1}`);
    routers.forEach((r, i) => this.lab.addHost(r, { addr4: `10.199.0.${i + 1}/24` }));
    for (const h of ['c', ...routers]) {
      // link-local IPv6 comes up without DAD delay for the v3/IPv6 scenario
      this.lab.exec(this.lab.ns(h), 'sysctl', ['-qw', 'net.ipv6.conf.eth0.accept_dad=0']);
      this.lab.exec(this.lab.ns(h), 'ip', ['link', 'set', 'eth0', 'down']);
      this.lab.exec(this.lab.ns(h), 'ip', ['link', 'set', 'eth0', 'up']);
    }
    return this;
  }

  /** A second veth inside a router namespace (track_interface target); returns its name. */
  addTrackIf(host: string, name = 'trk0'): string {
    const ns = this.lab.ns(host);
    this.lab.exec(ns, 'ip', ['link', 'add', name, 'type', 'veth', 'peer', 'name', `${name}p`]);
    this.lab.exec(ns, 'ip', ['link', 'set', name, 'up']);
    this.lab.exec(ns, 'ip', ['link', 'set', `${name}p`, 'up']);
    return name;
  }

  writeConf(name: string, text: string): string {
    const p = `${this.dir}/${name}.conf`;
    writeFileSync(p, text);
    return p;
  }

  start(kind: 'ours' | 'daemon' | 'keepalived', host: string, conf: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = process.env): Daemon {
    const ns = this.lab.ns(host);
    const name = host;
    for (const f of ['pid', 'vrrp.pid', 'chk.pid', 'bfd.pid']) rmSync(`${this.dir}/${name}.${f}`, { force: true });
    const proc = kind === 'ours'
      ? this.lab.spawn(ns, process.execPath, ['--import', 'tsx', RUN_OURS, conf, ...extraArgs], env)
      : this.lab.spawn(ns, kind === 'daemon' ? OURS_DAEMON : KEEPALIVED, [...extraArgs, '-n', '-l', '-D', '-G', '-f', conf, '-p', `${this.dir}/${name}.pid`, '-r', `${this.dir}/${name}.vrrp.pid`, '-c', `${this.dir}/${name}.chk.pid`,
        // 2.2.7 also refuses to start ("daemon is already running") while the BFD pid file it would use
        // names a live process: keep that one per run as well, not /run/keepalived's
        '-b', `${this.dir}/${name}.bfd.pid`], env);
    const d = new Daemon(kind, proc, this.dir, name);
    this.daemons.push(d);
    return d;
  }

  hasAddr(host: string, addr: string): boolean {
    const out = this.lab.exec(this.lab.ns(host), 'ip', ['-o', 'addr', 'show'], { allowFail: true });
    return out.split('\n').some((l) => l.includes(` ${addr}/`));
  }

  private monitors = new Map<string, Line[]>();

  /** The `ip -o monitor address` lines of a host since monitorAddrs(host) (empty when not monitored). */
  addrMonitorLines(host: string): readonly Line[] { return this.monitors.get(host) ?? []; }

  /** Starts `ip -o monitor address` in a host so VIP changes are timed by event, not by polling. */
  monitorAddrs(host: string): void {
    if (this.monitors.has(host)) return;
    this.monitors.set(host, this.collect(host, 'ip', ['-o', 'monitor', 'address']));
  }

  /** Runs a command in a host until down() (tcpdump -l, ip monitor) and collects its stdout lines, each with
   *  the time it was read. */
  collect(host: string, cmd: string, args: string[], into: Line[] = []): Line[] {
    const p = this.lab.spawn(this.lab.ns(host), cmd, args);
    let buf = '';
    p.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) { into.push({ t: now(), text: buf.slice(0, i) }); buf = buf.slice(i + 1); }
    });
    return into;
  }

  /** Time the address appeared (present) or went away; uses the monitor when running. */
  async waitAddr(host: string, addr: string, present: boolean, timeoutMs: number, stepMs = 5,
      after = 0): Promise<number> {
    const ev = this.monitors.get(host);
    if (ev) {
      const match = (l: Line) => l.t >= after && l.text.includes(` ${addr}/`) && l.text.startsWith('Deleted') !== present;
      const hit = await waitFor(() => ev.find(match), timeoutMs, 1).catch(() => undefined);
      if (hit) return hit.t;
      if (this.hasAddr(host, addr) === present) return now();
      throw new Error(`${host}: ${addr} ${present ? 'not added' : 'not removed'} within ${timeoutMs} ms`);
    }
    await waitFor(() => this.hasAddr(host, addr) === present, timeoutMs, stepMs);
    return now();
  }

  mac(host: string, ifname = 'eth0'): string {
    return this.lab.exec(this.lab.ns(host), 'cat', [`/sys/class/net/${ifname}/address`]).trim();
  }

  /** The client's neighbour entry (lladdr) for an address, or undefined. */
  neigh(host: string, addr: string): string | undefined {
    const out = this.lab.exec(this.lab.ns(host), 'ip', ['neigh', 'show', addr], { allowFail: true });
    return /lladdr ([0-9a-f:]{17})/.exec(out)?.[1];
  }

  async down(): Promise<void> {
    for (const d of this.daemons) if (!d.exited) d.signal('SIGKILL');
    this.lab.down();
    removeTempDir(this.tmp);
    this.tmp = undefined;
  }
}

/** Lines of a daemon log after time t, for assertion messages. */
export function tail(d: Daemon, after = 0): string {
  return d.lines.filter((l) => l.t >= after).map((l) => `  ${l.text}`).join('\n');
}

/**
 * Set-up shared by the interop suites (failover, scenarios): timeout 90 s, a fresh lab per test for
 * root only (skipped otherwise), torn down after each test even when it fails. No retries: a timing
 * bound that fails is a finding (the bounds are the RFC formulas plus a stated margin). Call inside describe()
 * with its `this`; the returned function gives the current test's lab.
 */
export function labPerTest(suite: Mocha.Suite, prefix: string): () => VrrpLab {
  suite.timeout(90000);
  let lab: VrrpLab | undefined;
  beforeEach(function () {
    if (!isRoot()) this.skip();
    lab = new VrrpLab(prefix).up();
  });
  afterEach(async () => { await lab?.down(); lab = undefined; });
  return () => {
    if (!lab) throw new Error('no lab outside a test');
    return lab;
  };
}
