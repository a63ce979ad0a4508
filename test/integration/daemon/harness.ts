// Helpers for the daemon integration tests: a private rsyslogd (its own config, socket and output
// file), and bin/keepalived runs with the test config loader and the probe subsystems. Every
// process started here is ended by PID in cleanup().
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sh, waitFor } from '../../helpers/netns.js';

export const BIN = fileURLToPath(new URL('../../../bin/keepalived', import.meta.url));
export const LOADER = fileURLToPath(new URL('./fixtures/json-loader.mjs', import.meta.url));

export interface SyslogLine { pri: number; tag: string; ident: string; pid: number; msg: string }

export class Lab {
  readonly dir = mkdtempSync(join(tmpdir(), 'kd-daemon-'));
  readonly sock = join(this.dir, 'log.sock');
  readonly out = join(this.dir, 'syslog.out');
  private rsyslog?: ChildProcess;
  private procs: ChildProcess[] = [];
  private extraPids: number[] = [];
  /** Datagrams received on the sd_notify socket (NOTIFY_SOCKET). */
  readonly notifications: string[] = [];
  readonly notifySock = join(this.dir, 'notify.sock');
  private notifyServer?: { close(): void };

  /** A fake systemd notify socket, like a Type=notify unit provides. */
  listenNotify(): void {
    const require = createRequire(import.meta.url);
    const unix = require('unix-dgram') as { createSocket(t: string, cb: (b: Buffer) => void): { bind(p: string): void; close(): void; on(e: string, f: () => void): void } };
    const s = unix.createSocket('unix_dgram', (b) => { this.notifications.push(b.toString()); });
    s.on('error', () => {});
    s.bind(this.notifySock);
    this.notifyServer = s;
  }

  async startSyslog(): Promise<void> {
    const conf = join(this.dir, 'rsyslog.conf');
    writeFileSync(conf, [
      `global(workDirectory="${this.dir}")`,
      'module(load="imuxsock" SysSock.Use="off")',
      `input(type="imuxsock" Socket="${this.sock}" CreatePath="on" RateLimit.Interval="0")`,
      'template(name="kdraw" type="string" string="%PRI%|%syslogtag%|%msg:2:$%\\n")',
      `*.* action(type="omfile" file="${this.out}" template="kdraw")`,
      '',
    ].join('\n'));
    this.rsyslog = spawn('rsyslogd', ['-n', '-f', conf, '-i', join(this.dir, 'rsyslog.pid')], { stdio: 'ignore' });
    await waitFor(() => existsSync(this.sock), 10_000);
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      ...process.env, KEEPALIVED_TS_SYSLOG_SOCKET: this.sock, KEEPALIVED_TS_CONFIG_LOADER: LOADER,
      KEEPALIVED_TS_PROBE_SUBSYSTEMS: '1', KEEPALIVED_TS_TMP_DIR: this.dir, ...extra,
    };
  }

  path(name: string): string { return join(this.dir, name); }

  writeConfig(name: string, cfg: unknown): string {
    const p = this.path(name);
    writeFileSync(p, typeof cfg === 'string' ? cfg : JSON.stringify(cfg));
    return p;
  }

  /** Runs bin/keepalived; stderr is collected in .stderr. */
  run(args: string[], env: Record<string, string> = {}): ChildProcess & { stderr_text: () => string;
      exited: Promise<number | null> } {
    const cp = spawn(process.execPath, ['--expose-internals', BIN, ...args], { env: this.env(env), stdio: ['ignore', 'pipe', 'pipe'] });
    this.procs.push(cp);
    let err = '';
    cp.stderr!.on('data', (d) => { err += d; });
    cp.stdout!.on('data', () => {});
    const exited = new Promise<number | null>((resolve) => cp.on('exit', (code) => resolve(code)));
    return Object.assign(cp, { stderr_text: () => err, exited });
  }

  /** Also end this PID in cleanup (daemonised processes). */
  track(pid: number): void { this.extraPids.push(pid); }

  syslog(): SyslogLine[] {
    if (!existsSync(this.out)) return [];
    return readFileSync(this.out, 'utf8').split('\n').filter(Boolean).map((l) => {
      const [pri, tag, ...rest] = l.split('|');
      const m = /^([^[]+)\[(\d+)\]:$/.exec(tag) ?? [];
      return { pri: Number(pri), tag, ident: m[1] ?? tag, pid: Number(m[2] ?? 0), msg: rest.join('|') };
    });
  }

  /** Waits for a syslog line matching `pred` among the lines after index `since`. */
  async waitLog(pred: (l: SyslogLine) => boolean, timeoutMs = 30_000, since = 0): Promise<SyslogLine> {
    return waitFor(() => this.syslog().slice(since).find(pred), timeoutMs, 50);
  }

  pidFile(name: string): number | undefined {
    try { const n = Number.parseInt(readFileSync(this.path(name), 'utf8'), 10); return Number.isInteger(n) ? n : undefined; } catch { return undefined; }
  }

  cleanup(): void {
    const pids = [...this.procs.map((p) => (p.exitCode === null && p.signalCode === null ? p.pid : undefined)), ...this.extraPids, ...['ka.pid', 'v.pid', 'c.pid', 'd.pid', 'dv.pid', 'dc.pid'].map((f) => this.pidFile(f))];
    for (const pid of pids) if (pid && pid !== process.pid && isOurs(pid)) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    try { this.notifyServer?.close(); } catch { /* closed */ }
    if (this.rsyslog?.pid && this.rsyslog.exitCode === null) { try { process.kill(this.rsyslog.pid, 'SIGTERM'); } catch { /* gone */ } }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** Only processes running our daemon code are ever killed (a pid file may name a recycled pid). */
function isOurs(pid: number): boolean {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmd.includes(BIN) || /(src|dist)\/daemon\/child-(vrrp|check)\./.test(cmd);
  } catch { return false; }
}

/** Makes `ns` (removing stale ones) with lo up and a veth pair eth0/eth1 up, `addr4` (CIDR) on eth0. */
export function vethNamespace(ns: { make(): unknown; name: string }, addr4: string): void {
  ns.make();
  const x = (...a: string[]) => sh('ip', ['-n', ns.name, ...a]);
  x('link', 'set', 'lo', 'up');
  x('link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1');
  x('link', 'set', 'eth0', 'up');
  x('link', 'set', 'eth1', 'up');
  x('addr', 'add', addr4, 'dev', 'eth0');
}
