// Our daemon beside keepalived 2.2.7 for the daemon integration tests: each runs inside a
// namespace of its own (a veth with the same address in both), from a directory of its own under
// one temporary base; its console lines are collected without their timestamps. Every process is
// ended by PID and the namespaces and directories removed in teardown(), even after a failure.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot, OwnedNetns } from '../../helpers/netns.js';
import { BIN, vethNamespace } from './harness.js';

export const KEEPALIVED = '/usr/sbin/keepalived';
export type Kind = 'ours' | 'keepalived';

const stripTime = (l: string) => l.replace(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: /, '');

/** One daemon (bin/keepalived or keepalived 2.2.7) with `args`, in `ns`; `dir` is its own directory. */
export class NsDaemon {
  readonly lines: string[] = [];
  readonly proc: ChildProcess;
  readonly exited: Promise<void>;
  constructor(readonly kind: Kind, readonly dir: string, ns: OwnedNetns, args: (dir: string) => string[]) {
    mkdirSync(dir, { recursive: true });
    const a = args(dir);
    const cmd = kind === 'ours' ? [process.execPath, '--expose-internals', BIN, ...a] : [KEEPALIVED, ...a];
    this.proc = spawn('ip', ['netns', 'exec', ns.name, ...cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    const feed = (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) { this.lines.push(stripTime(buf.slice(0, i))); buf = buf.slice(i + 1); }
    };
    this.proc.stdout!.on('data', feed);
    this.proc.stderr!.on('data', feed);
    this.exited = new Promise((r) => this.proc.on('exit', () => r()));
  }
  get log(): string { return this.lines.join('\n'); }
  get running(): boolean { return this.proc.exitCode === null && this.proc.signalCode === null; }
  /** SIGTERM, and the exit awaited. */
  async stop(): Promise<void> {
    if (this.running) { try { process.kill(this.proc.pid!, 'SIGTERM'); } catch { /* gone */ } }
    await this.exited;
  }
}

/** The two namespaces and the base directory of a test: setup() in before (false: skip), teardown() in after. */
export class SideBySide {
  readonly ours: OwnedNetns;
  readonly ka: OwnedNetns;
  base = '';
  private readonly daemons: NsDaemon[] = [];
  constructor(private readonly prefix: string, private readonly addr4: string) {
    this.ours = new OwnedNetns(`${prefix}o`);
    this.ka = new OwnedNetns(`${prefix}k`);
  }
  setup(): boolean {
    if (!isRoot() || !existsSync(KEEPALIVED)) return false;
    this.base = mkdtempSync(join(tmpdir(), `${this.prefix}-`));
    vethNamespace(this.ours, this.addr4);
    vethNamespace(this.ka, this.addr4);
    return true;
  }
  /** Starts `kind` in its namespace, from BASE/KIND+SUB. */
  start(kind: Kind, args: (dir: string) => string[], sub = ''): NsDaemon {
    const d = new NsDaemon(kind, join(this.base, kind + sub), kind === 'ours' ? this.ours : this.ka, args);
    this.daemons.push(d);
    return d;
  }
  teardown(): void {
    for (const d of this.daemons) if (d.running) { try { process.kill(d.proc.pid!, 'SIGKILL'); } catch { /* gone */ } }
    this.ours.remove();
    this.ka.remove();
    if (this.base) rmSync(this.base, { recursive: true, force: true });
  }
}

/** keepalived's usual foreground arguments with pid files in `dir` (and -D when `detail`). */
export function daemonArgs(dir: string, conf: string, detail = false): string[] {
  return ['-n', '-l', ...(detail ? ['-D'] : []), '-f', conf, '-p', join(dir, 'k.pid'), '-r', join(dir, 'v.pid'), '-c', join(dir, 'c.pid')];
}
