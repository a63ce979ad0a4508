// A router with two interfaces facing one client, for the link-level VRRP tests (the layout the
// 2.2.7 recordings in data/links-2.2.7 were made on): namespace r1 with eth0 (10.199.0.1/24) and
// eth1 (10.198.0.1/24), namespace c with their veth peers c0 (10.199.0.10/24) and c1
// (10.198.0.10/24). tcpdump on c0 and c1 collects the GARPs, NAs and adverts with their source MAC
// and times (the two captures are separate processes: frames of one instant may come in either order
// across c0 and c1).
// Names carry the process id and a tag (`${prefix}-${pid}-${tag}-r1`), so two labs run at once;
// down() kills what was started (by PID) and deletes the namespaces (leftovers of crashed runs:
// removeStaleNamespaces(prefix) before the first lab).
import { rmSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { deleteNamespaces, ownedNs, sh, waitFor } from '../../helpers/netns.js';
import { makeTempDir } from '../../helpers/tmpdir.js';
import { Daemon, KEEPALIVED, now, RUN_OURS } from './lab.js';

export interface Frame { t: number; wire: 'c0' | 'c1'; kind: 'arp' | 'na' | 'advert'; address: string; mac: string; text: string }

export class TwoIfLab {
  readonly r1: string;
  readonly c: string;
  readonly frames: Frame[] = [];
  readonly dir: string;
  private readonly children: ChildProcess[] = [];

  constructor(readonly prefix: string, readonly tag: string) {
    this.r1 = ownedNs(prefix, tag, 'r1');
    this.c = ownedNs(prefix, tag, 'c');
    this.dir = makeTempDir(`${prefix}-${tag}`, { mode: 0o755 });
  }

  exec(ns: string, cmd: string, args: string[], allowFail = false): string { return sh('ip', ['netns', 'exec', ns, cmd, ...args], { allowFail }); }

  up(): this {
    deleteNamespaces([this.r1, this.c]);
    sh('ip', ['netns', 'add', this.r1]);
    sh('ip', ['netns', 'add', this.c]);
    const tmp = `${this.prefix}${process.pid.toString(36)}${this.tag}`.slice(0, 13);
    for (const [i, ifname, peer, a, b] of [[0, 'eth0', 'c0', '10.199.0.1/24', '10.199.0.10/24'], [1, 'eth1', 'c1', '10.198.0.1/24', '10.198.0.10/24']] as const) {
      sh('ip', ['link', 'add', `${tmp}a${i}`, 'netns', this.r1, 'type', 'veth', 'peer', 'name', `${tmp}b${i}`, 'netns', this.c]);
      this.exec(this.r1, 'ip', ['link', 'set', `${tmp}a${i}`, 'name', ifname]);
      this.exec(this.c, 'ip', ['link', 'set', `${tmp}b${i}`, 'name', peer]);
      this.exec(this.r1, 'sysctl', ['-qw', `net.ipv6.conf.${ifname}.accept_dad=0`]);
      this.exec(this.c, 'sysctl', ['-qw', `net.ipv6.conf.${peer}.accept_dad=0`]);
      this.exec(this.r1, 'ip', ['addr', 'add', a, 'dev', ifname]);
      this.exec(this.c, 'ip', ['addr', 'add', b, 'dev', peer]);
      this.exec(this.r1, 'ip', ['link', 'set', ifname, 'up']);
      this.exec(this.c, 'ip', ['link', 'set', peer, 'up']);
    }
    for (const ns of [this.r1, this.c]) this.exec(ns, 'ip', ['link', 'set', 'lo', 'up']);
    return this;
  }

  private spawn(ns: string, cmd: string, args: string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    return child;
  }

  /** tcpdump on c0 and c1 (ARP, ICMPv6 NA, VRRP), until down(); resolves once both listen. */
  async capture(): Promise<void> {
    const ready: Promise<void>[] = [];
    for (const wire of ['c0', 'c1'] as const) {
      const p = this.spawn(this.c, 'tcpdump', ['-i', wire, '-n', '-e', '-tt', '-l', '--immediate-mode', 'arp or icmp6 or proto 112']);
      let buf = '';
      p.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) { this.frame(wire, buf.slice(0, i)); buf = buf.slice(i + 1); }
      });
      let err = '';
      p.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
      ready.push(waitFor(() => err.includes('listening on'), 5000, 10).then(() => undefined));
    }
    await Promise.all(ready);
  }

  private frame(wire: 'c0' | 'c1', line: string): void {
    const t = now();
    const mac = line.split(' ')[1] ?? '';
    const arp = /Request who-has (\S+) \(ff:ff:ff:ff:ff:ff\) tell \1/.exec(line);
    const na = /neighbor advertisement, tgt is ([^,\s]+)/.exec(line);
    const adv = /VRRPv\d, Advertisement, vrid (\d+), prio (\d+)/.exec(line);
    if (arp) this.frames.push({ t, wire, kind: 'arp', address: arp[1]!, mac, text: line });
    else if (na) this.frames.push({ t, wire, kind: 'na', address: na[1]!, mac, text: line });
    else if (adv) this.frames.push({ t, wire, kind: 'advert', address: `${adv[1]}/${adv[2]}`, mac, text: line });
  }

  /**
   * `ip -o monitor link` in r1: when the kernel announced each link change (carrier-down events
   * reach netlink up to a second after the carrier went, through the kernel's linkwatch).
   */
  monitorLinks(): { t: number; text: string }[] {
    const lines: { t: number; text: string }[] = [];
    const p = this.spawn(this.r1, 'ip', ['-o', 'monitor', 'link']);
    let buf = '';
    p.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) { lines.push({ t: now(), text: buf.slice(0, i) }); buf = buf.slice(i + 1); }
    });
    return lines;
  }

  /** keepalived 2.2.7 or ours in r1 on `conf` (-D detail), logs collected with their times. */
  start(kind: 'ours' | 'keepalived', conf: string): Daemon {
    const name = `${this.tag}-r1`;
    for (const f of ['pid', 'vrrp.pid', 'chk.pid']) rmSync(`${this.dir}/${name}.${f}`, { force: true });
    const proc = kind === 'ours'
      ? this.spawn(this.r1, process.execPath, ['--import', 'tsx', RUN_OURS, conf])
      : this.spawn(this.r1, KEEPALIVED, ['-n', '-l', '-D', '-f', conf, '-p', `${this.dir}/${name}.pid`, '-r', `${this.dir}/${name}.vrrp.pid`, '-c', `${this.dir}/${name}.chk.pid`]);
    return new Daemon(kind, proc, this.dir, name);
  }

  /** A second VRRP speaker in c (keepalived 2.2.7), e.g. for adverts of another VRID. */
  peer(conf: string): Daemon {
    const name = `${this.tag}-c`;
    const proc = this.spawn(this.c, KEEPALIVED, ['-n', '-l', '-f', conf, '-p', `${this.dir}/${name}.pid`, '-r', `${this.dir}/${name}.vrrp.pid`, '-c', `${this.dir}/${name}.chk.pid`]);
    return new Daemon('keepalived', proc, this.dir, name);
  }

  down(): void {
    for (const c of this.children) if (c.exitCode === null && c.pid) { try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ } }
    deleteNamespaces([this.r1, this.c]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
