// Network-namespace lab for integration tests: creates namespaces joined to one bridge (an L2
// segment) with veth pairs, runs commands inside them, starts and stops daemons by PID, and always
// deletes everything it made. Addresses are private test addresses that exist only inside the lab.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

export function isRoot(): boolean { return process.getuid?.() === 0; }

export function sh(cmd: string, args: string[], opts: { allowFail?: boolean; input?: string } = {}): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', input: opts.input, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    if (opts.allowFail) return '';
    const err = e as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${err.stderr || err.message}`);
  }
}

export interface LabHost { name: string; ns: string; ifname: string; addr4?: string; addr6?: string }

/**
 * A lab: namespace `${prefix}-sw` holds bridge `br0`; each host namespace `${prefix}-${name}` gets
 * a veth whose peer is enslaved to the bridge. Interface inside each host: `ifname` (default eth0).
 */
export class NetnsLab {
  readonly sw: string;
  readonly hosts = new Map<string, LabHost>();
  private children: ChildProcess[] = [];
  private seq = 0;

  constructor(readonly prefix: string) {
    if (prefix.length > 6) throw new Error('lab prefix must be <= 6 chars (interface names are short)');
    this.sw = `${prefix}-sw`;
  }

  up(): this {
    this.down(); // leftovers from an earlier crashed run
    sh('ip', ['netns', 'add', this.sw]);
    this.exec(this.sw, 'ip', ['link', 'add', 'br0', 'type', 'bridge']);
    this.exec(this.sw, 'ip', ['link', 'set', 'br0', 'up']);
    this.exec(this.sw, 'ip', ['link', 'set', 'lo', 'up']);
    return this;
  }

  addHost(name: string, opts: { addr4?: string; addr6?: string; ifname?: string } = {}): LabHost {
    const ns = `${this.prefix}-${name}`;
    const ifname = opts.ifname ?? 'eth0';
    const n = this.seq++;
    const a = `${this.prefix}a${n}`, b = `${this.prefix}b${n}`;
    sh('ip', ['netns', 'add', ns]);
    sh('ip', ['link', 'add', a, 'type', 'veth', 'peer', 'name', b]);
    sh('ip', ['link', 'set', a, 'netns', ns]);
    sh('ip', ['link', 'set', b, 'netns', this.sw]);
    this.exec(this.sw, 'ip', ['link', 'set', b, 'master', 'br0']);
    this.exec(this.sw, 'ip', ['link', 'set', b, 'up']);
    this.exec(ns, 'ip', ['link', 'set', a, 'name', ifname]);
    this.exec(ns, 'ip', ['link', 'set', 'lo', 'up']);
    if (opts.addr6) this.exec(ns, 'sysctl', ['-qw', `net.ipv6.conf.${ifname}.accept_dad=0`]);
    this.exec(ns, 'ip', ['link', 'set', ifname, 'up']);
    if (opts.addr4) this.exec(ns, 'ip', ['addr', 'add', opts.addr4, 'dev', ifname]);
    if (opts.addr6) this.exec(ns, 'ip', ['-6', 'addr', 'add', opts.addr6, 'dev', ifname, 'nodad']);
    const host = { name, ns, ifname, addr4: opts.addr4, addr6: opts.addr6 };
    this.hosts.set(name, host);
    return host;
  }

  ns(name: string): string { const h = this.hosts.get(name); if (!h) throw new Error(`no host ${name}`); return h.ns; }

  exec(ns: string, cmd: string, args: string[], opts: { allowFail?: boolean; input?: string } = {}): string {
    return sh('ip', ['netns', 'exec', ns, cmd, ...args], opts);
  }

  /** Starts a long-running process inside a namespace; it is killed (by PID) in down(). */
  spawn(ns: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    return child;
  }

  /** Deletes every namespace with this prefix and kills the processes this lab started. */
  down(): void {
    for (const c of this.children) if (c.exitCode === null && c.pid) { try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ } }
    this.children = [];
    const list = sh('ip', ['netns', 'list'], { allowFail: true });
    for (const line of list.split('\n')) {
      const name = line.split(' ')[0];
      if (!name || !name.startsWith(`${this.prefix}-`)) continue;
      // Processes still inside the namespace (e.g. daemons that forked) are ours: end them by PID.
      const pids = sh('ip', ['netns', 'pids', name], { allowFail: true }).split('\n').filter(Boolean);
      for (const p of pids) { try { process.kill(Number(p), 'SIGKILL'); } catch { /* gone */ } }
      sh('ip', ['netns', 'del', name], { allowFail: true });
    }
  }
}

export async function waitFor<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, stepMs = 20): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
