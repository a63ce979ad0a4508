// Two VRRP routers one routed hop apart: r1 (10.199.1.1/24, eth0) -- rt (forwards) -- r2
// (10.199.2.1/24, eth0), so a unicast advert arrives with TTL 254. Namespaces are named
// `${prefix}-${pid}-{r1,rt,r2}` (removed with those of dead runs by down()); configs and pid files
// live in a per-run temporary directory. Daemons are started like VrrpLab's (ours or keepalived).
import { rmSync, writeFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { ownedNs, removeStaleNamespaces, sh } from '../../helpers/netns.js';
import { makeTempDir, removeTempDir } from '../../helpers/tmpdir.js';
import { Daemon, KEEPALIVED, RUN_OURS } from './lab.js';

export const R1 = '10.199.1.1';
export const R2 = '10.199.2.1';

export class RoutedLab {
  readonly daemons: Daemon[] = [];
  private readonly children: ChildProcess[] = [];
  private tmp?: string;

  constructor(readonly prefix: string) {
    if (prefix.length > 6) throw new Error('routed lab prefix must be <= 6 chars');
  }

  ns(host: 'r1' | 'rt' | 'r2'): string { return ownedNs(this.prefix, host); }

  get dir(): string {
    if (!this.tmp) throw new Error('RoutedLab: no directory before up()');
    return this.tmp;
  }

  exec(host: 'r1' | 'rt' | 'r2', cmd: string, args: string[], opts: { allowFail?: boolean } = {}): string {
    return sh('ip', ['netns', 'exec', this.ns(host), cmd, ...args], opts);
  }

  up(): this {
    this.down();
    this.tmp = makeTempDir(`${this.prefix}-lab`, { mode: 0o755 });
    for (const h of ['r1', 'rt', 'r2'] as const) {
      sh('ip', ['netns', 'add', this.ns(h)]);
      this.exec(h, 'ip', ['link', 'set', 'lo', 'up']);
    }
    const tag = `${this.prefix}${process.pid.toString(36)}`;
    const link = (host: 'r1' | 'r2', rtIf: string, net: string): void => {
      const a = `${tag}${host}`, b = `${tag}${rtIf}`;
      sh('ip', ['link', 'add', a, 'type', 'veth', 'peer', 'name', b]);
      sh('ip', ['link', 'set', a, 'netns', this.ns(host)]);
      sh('ip', ['link', 'set', b, 'netns', this.ns('rt')]);
      this.exec(host, 'ip', ['link', 'set', a, 'name', 'eth0']);
      this.exec('rt', 'ip', ['link', 'set', b, 'name', rtIf]);
      this.exec(host, 'ip', ['addr', 'add', `${net}.1/24`, 'dev', 'eth0']);
      this.exec('rt', 'ip', ['addr', 'add', `${net}.254/24`, 'dev', rtIf]);
      this.exec(host, 'ip', ['link', 'set', 'eth0', 'up']);
      this.exec('rt', 'ip', ['link', 'set', rtIf, 'up']);
      this.exec(host, 'ip', ['route', 'add', 'default', 'via', `${net}.254`]);
    };
    link('r1', 'rta', '10.199.1');
    link('r2', 'rtb', '10.199.2');
    this.exec('rt', 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
    return this;
  }

  writeConf(name: string, text: string): string {
    const p = `${this.dir}/${name}.conf`;
    writeFileSync(p, text);
    return p;
  }

  spawn(host: 'r1' | 'rt' | 'r2', cmd: string, args: string[]): ChildProcess {
    const c = spawn('ip', ['netns', 'exec', this.ns(host), cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(c);
    return c;
  }

  start(kind: 'ours' | 'keepalived', host: 'r1' | 'r2', conf: string): Daemon {
    for (const f of ['pid', 'vrrp.pid', 'chk.pid']) rmSync(`${this.dir}/${host}.${f}`, { force: true });
    const proc = kind === 'ours'
      ? this.spawn(host, process.execPath, ['--import', 'tsx', RUN_OURS, conf])
      : this.spawn(host, KEEPALIVED, ['-n', '-l', '-D', '-G', '-f', conf, '-p', `${this.dir}/${host}.pid`, '-r', `${this.dir}/${host}.vrrp.pid`, '-c', `${this.dir}/${host}.chk.pid`]);
    const d = new Daemon(kind, proc, this.dir, host);
    this.daemons.push(d);
    return d;
  }

  hasAddr(host: 'r1' | 'r2', addr: string): boolean {
    return this.exec(host, 'ip', ['-o', 'addr', 'show'], { allowFail: true }).split('\n').some((l) => l.includes(` ${addr}/`));
  }

  down(): void {
    for (const c of this.children) if (c.exitCode === null && c.pid) { try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ } }
    this.children.length = 0;
    removeStaleNamespaces(this.prefix);
    removeTempDir(this.tmp);
    this.tmp = undefined;
  }
}
