// Network-namespace lab for integration tests: creates namespaces joined to one bridge (an L2
// segment) with veth pairs, runs commands inside them, starts and stops daemons by PID, and always
// deletes everything it made. Addresses are private test addresses that exist only inside the lab.
// Names carry the owning process's pid (`${prefix}-${pid}-...`), so two runs of one test file at
// once never share a namespace, and a run deletes leftovers only of runs whose process is gone.
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

/** Is a process with this pid running (in our pid namespace)? */
function pidAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** This process's name for namespace `prefix` (and its parts): `${prefix}-${pid}[-part...]`. */
export function ownedNs(prefix: string, ...parts: string[]): string {
  return [prefix, String(process.pid), ...parts].join('-');
}

/**
 * Namespaces named for `prefix` that may be deleted now: this process's own, those of runs whose
 * process is gone, and names without an owner pid (made before names carried one). A namespace
 * of another live run is never listed.
 */
export function deletableNamespaces(prefix: string, names: readonly string[],
    alive: (pid: number) => boolean = pidAlive): string[] {
  return names.filter((name) => {
    if (name !== prefix && !name.startsWith(`${prefix}-`)) return false;
    const m = /^(\d+)(-|$)/.exec(name.slice(prefix.length + 1));
    if (!m) return true;
    const pid = Number(m[1]);
    return pid === process.pid || !alive(pid);
  });
}

/** Ends every process inside each namespace (by PID) and deletes the namespaces. */
export function deleteNamespaces(names: readonly string[]): void {
  for (const name of names) {
    const pids = sh('ip', ['netns', 'pids', name], { allowFail: true }).split('\n').filter(Boolean);
    for (const p of pids) { try { process.kill(Number(p), 'SIGKILL'); } catch { /* gone */ } }
    sh('ip', ['netns', 'del', name], { allowFail: true });
  }
}

/** Deletes this process's and dead runs' namespaces for `prefix` (see deletableNamespaces). */
export function removeStaleNamespaces(prefix: string): void {
  const list = sh('ip', ['netns', 'list'], { allowFail: true }).split('\n').map((l) => l.split(' ')[0]!).filter(Boolean);
  deleteNamespaces(deletableNamespaces(prefix, list));
}

/**
 * One standalone namespace owned by this process (`${prefix}-${pid}`), for tests that need a
 * namespace of their own but no bridge: make() removes stale ones first, remove() deletes it.
 */
export class OwnedNetns {
  readonly name: string;
  constructor(readonly prefix: string) { this.name = ownedNs(prefix); }
  make(): this { removeStaleNamespaces(this.prefix); sh('ip', ['netns', 'add', this.name]); return this; }
  remove(): void { deleteNamespaces([this.name]); }
}

/** A host of a NetnsLab; `port` is its veth's peer on the bridge, in the switch namespace. */
export interface LabHost { name: string; ns: string; ifname: string; port: string; addr4?: string; addr6?: string }

/**
 * A lab: namespace `${prefix}-${pid}-sw` holds bridge `br0`; each host namespace
 * `${prefix}-${pid}-${name}` gets a veth whose peer is enslaved to the bridge as `${prefix}b${n}`
 * (n counts hosts from 0). Interface inside each host: `ifname` (default eth0). The veth pair is
 * created in the root namespace as `${prefix}${pid base 36}a/b${n}` (<= 15 characters, unique
 * per process) and renamed once moved.
 */
export class NetnsLab {
  /** `${prefix}-${pid}`: what this run's namespaces start with. */
  readonly id: string;
  readonly sw: string;
  readonly hosts = new Map<string, LabHost>();
  private children: ChildProcess[] = [];
  private seq = 0;

  constructor(readonly prefix: string) {
    if (prefix.length > 6) throw new Error('lab prefix must be <= 6 chars (interface names are short)');
    this.id = ownedNs(prefix);
    this.sw = `${this.id}-sw`;
  }

  up(): this {
    this.down(); // leftovers of this process and of crashed runs
    sh('ip', ['netns', 'add', this.sw]);
    sh('ip', ['-n', this.sw, '-batch', '-'], { input: 'link add br0 type bridge\nlink set br0 up\nlink set lo up\n' });
    return this;
  }

  addHost(name: string, opts: { addr4?: string; addr6?: string; ifname?: string } = {}): LabHost {
    const ns = `${this.id}-${name}`;
    const ifname = opts.ifname ?? 'eth0';
    const n = this.seq++;
    const tmp = `${this.prefix}${process.pid.toString(36)}`;
    const a = `${tmp}a${n}`, b = `${tmp}b${n}`, port = `${this.prefix}b${n}`;
    if (b.length > 15) throw new Error(`interface name ${b} is longer than 15 characters`);
    // the same `ip` commands in order, one `ip -batch` per namespace (a batch stops at its first error,
    // and sh() throws): a lab's set-up costs a few processes instead of a dozen per host
    const batch = (where: string[], lines: string[]) => sh('ip', [...where, '-batch', '-'], { input: `${lines.join('\n')}\n` });
    batch([], [`netns add ${ns}`, `link add ${a} type veth peer name ${b}`, `link set ${a} netns ${ns}`, `link set ${b} netns ${this.sw}`]);
    batch(['-n', this.sw], [`link set ${b} name ${port}`, `link set ${port} master br0`, `link set ${port} up`]);
    const inside = [`link set ${a} name ${ifname}`, 'link set lo up'];
    if (opts.addr6) {
      batch(['-n', ns], inside.splice(0));
      this.exec(ns, 'sysctl', ['-qw', `net.ipv6.conf.${ifname}.accept_dad=0`]);
    }
    inside.push(`link set ${ifname} up`);
    if (opts.addr4) inside.push(`addr add ${opts.addr4} dev ${ifname}`);
    if (opts.addr6) inside.push(`addr add ${opts.addr6} dev ${ifname} nodad`);
    batch(['-n', ns], inside);
    const host = { name, ns, ifname, port, addr4: opts.addr4, addr6: opts.addr6 };
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

  /**
   * Kills the processes this lab started and deletes this run's namespaces, with those of runs
   * of the same prefix whose process is gone; another live run's namespaces are left alone.
   */
  down(): void {
    for (const c of this.children) if (c.exitCode === null && c.pid) { try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ } }
    this.children = [];
    // Processes still inside a namespace (e.g. daemons that forked) are ours: ended by PID there.
    removeStaleNamespaces(this.prefix);
  }
}

export async function waitFor<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number,
    stepMs = 20): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
