// The parent's supervision logic with a fake child launcher: start-up lines and order, pid files,
// "already running", respawn, permanent errors, -R, stop with child_wait_time, reload validation,
// and dump forwarding. No processes are forked here (the integration tests do that).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '../../../src/common/log.js';
import type { KeepalivedConfig } from '../../../src/config/model.js';
import { defaultOptions, type CliOptions } from '../../../src/daemon/cli.js';
import { parserLoader, type ConfigLoadResult } from '../../../src/daemon/config-source.js';
import { CHILD_EXIT, type ChildRole, type ChildToParent, type ParentToChild } from '../../../src/daemon/ipc.js';
import type { DaemonLogger } from '../../../src/daemon/log-sink.js';
import { Parent, childEntry, facilityFromConfig, type ChildHandle, type ChildInherit } from '../../../src/daemon/parent.js';
import type { NsSys } from '../../../src/daemon/netns.js';
import { config, globalDefs, instance } from './config-fixture.js';
import { assertWithin, atLeast } from '../../helpers/bounds.js';

class FakeChild implements ChildHandle {
  sent: ParentToChild[] = [];
  killed: string[] = [];
  private msg?: (m: ChildToParent) => void;
  private exit?: (code: number | null, sig: NodeJS.Signals | null) => void;
  /** When true the child exits as soon as it is told to stop. */
  obedient = true;
  constructor(readonly role: ChildRole, readonly pid: number) {}
  send(m: ParentToChild): void {
    this.sent.push(m);
    if (m.type === 'stop' && this.obedient) setImmediate(() => { this.emit({ type: 'stopped', usage: { user: 1000, system: 2000 } }); this.die(0, null); });
    if (m.type === 'reload') setImmediate(() => this.emit({ type: 'reloaded', ok: true }));
  }
  kill(sig: NodeJS.Signals): void { this.killed.push(sig); if (sig === 'SIGKILL') setImmediate(() => this.die(null, 'SIGKILL')); }
  onMessage(fn: (m: ChildToParent) => void): void { this.msg = fn; }
  onExit(fn: (code: number | null, sig: NodeJS.Signals | null) => void): void { this.exit = fn; }
  emit(m: ChildToParent): void { this.msg?.(m); }
  die(code: number | null, sig: NodeJS.Signals | null): void { const e = this.exit;
    this.exit = undefined; e?.(code, sig); }
}

const tick = () => new Promise((r) => setTimeout(r, 5));
const vip = { address: '10.0.0.1', prefixLen: 24, family: 'inet' as const, options: [] };
const vs = { vs: { kind: 'ip' as const, address: '10.0.0.1', port: 80, family: 'inet' as const }, lbAlgo: 'rr', lbKind: 'DR' as const, protocol: 'TCP' as const, delayLoop: 6, inhibitOnFailure: false, quorum: 1, hysteresis: 0, alpha: false, omega: false, haSuspend: false, weight: 1, ops: false, schedFlags: [], realServers: [], extra: {} };

function fullConfig(o: Partial<KeepalivedConfig> = {}): KeepalivedConfig {
  return config({ vrrpInstances: [instance('VI_1', { virtualRouterId: 51, virtualIpaddress: [vip] })], virtualServers: [vs], ...o });
}

function harness(o: { opts?: Partial<CliOptions>; load?: () => ConfigLoadResult; ns?: NsSys } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'kd-parent-'));
  const opts: CliOptions = { ...defaultOptions(), dontFork: true, configFile: join(dir, 'k.conf'), pidFile: join(dir, 'ka.pid'), vrrpPidFile: join(dir, 'v.pid'), checkersPidFile: join(dir, 'c.pid'), ...o.opts };
  const mem = memoryLogger(2);
  const idents: string[] = [];
  const logger: DaemonLogger = Object.assign(mem, { close: () => {}, flush: async () => {}, setFacility: () => {},
    setIdent: (i: string) => { idents.push(i); } });
  const inherits: (ChildInherit | undefined)[] = [];
  const children: FakeChild[] = [];
  let nextPid = 1000;
  const exits: number[] = [];
  let load = o.load ?? (() => ({ config: fullConfig(), diagnostics: [] }));
  const parent = new Parent(opts, {
    logger, loadConfig: () => load(), launch: (role, inherit) => { const c = new FakeChild(role, nextPid++);
      children.push(c); inherits.push(inherit); return c; },
    commandLine: ['keepalived', '-n'], exit: (c) => exits.push(c), tmpDir: dir, keepAlive: false,
    ...(o.ns ? { ns: () => o.ns! } : {}),
  });
  return {
    dir, opts, parent, children, exits, idents, inherits, lines: () => mem.lines(),
    setLoad: (f: () => ConfigLoadResult) => { load = f; },
    live: (role: ChildRole) => children.filter((c) => c.role === role).at(-1)!,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

describe('daemon/parent: supervision', () => {
  let h: ReturnType<typeof harness>;
  afterEach(() => h?.cleanup());

  it('starts like keepalived: lines in order, checker forked before VRRP, pid file written, init sent', async () => {
    h = harness();
    assert.equal(await h.parent.start(), true);
    const l = h.lines();
    const idx = (s: string) => l.findIndex((x) => x.startsWith(s));
    assert.match(l[0], /^Starting Keepalived v2\.2\.7 \(keepalived-ts \d+\.\d+\.\d+\)$/);
    assert.match(l[1], /^Running on /);
    assert.equal(l[2], "Command line: 'keepalived' '-n'");
    assert.ok(idx("Opening file '") > 2 && idx('Configuration file ') > idx("Opening file '"));
    assert.ok(idx('NOTICE: setting config option max_auto_priority') > idx('Configuration file '));
    assert.ok(idx('Starting Healthcheck child process, pid=1000') < idx('Starting VRRP child process, pid=1001'));
    assert.equal(l.at(-1), 'Startup complete');
    assert.equal(readFileSync(h.opts.pidFile!, 'utf8'), `${process.pid}\n`);
    const init = h.live('vrrp').sent[0];
    assert.equal(init.type, 'init');
    if (init.type === 'init') {
      assert.equal(init.options.ident, 'Keepalived_vrrp');
      assert.equal(init.options.pidFile, h.opts.vrrpPidFile);
      assert.equal(init.options.facility, 3);
      assert.equal(init.config.vrrpInstances[0].name, 'VI_1');
    }
    assert.equal((h.live('checker').sent[0] as { options: { ident: string } }).options.ident, 'Keepalived_healthcheckers');
  });

  it('-P starts only VRRP, -C only the checker; nothing to run gives keepalived\'s warning', async () => {
    h = harness({ opts: { vrrpOnly: true } });
    await h.parent.start();
    assert.deepEqual(h.children.map((c) => c.role), ['vrrp']);
    h.cleanup();
    h = harness({ opts: { checkOnly: true } });
    await h.parent.start();
    assert.deepEqual(h.children.map((c) => c.role), ['checker']);
    h.cleanup();
    h = harness({ load: () => ({ config: config(), diagnostics: [] }) });
    await h.parent.start();
    assert.deepEqual(h.children, []);
    assert.ok(h.lines().includes('Warning - keepalived has no configuration to run'));
  });

  it('refuses to start twice: a pid file naming a live process', async () => {
    h = harness();
    writeFileSync(h.opts.pidFile!, `${process.ppid}\n`);
    assert.equal(await h.parent.start(), false);
    assert.ok(h.lines().includes('daemon is already running'));
    assert.deepEqual(h.exits, [0]);
    assert.equal(h.children.length, 0);
    assert.equal(readFileSync(h.opts.pidFile!, 'utf8'), `${process.ppid}\n`);
  });

  it('removes a stale ("zombie") pid file', async () => {
    h = harness();
    writeFileSync(h.opts.pidFile!, '999999999\n');
    await h.parent.start();
    assert.ok(h.lines().includes(`Remove a zombie pid file ${h.opts.pidFile}`));
    assert.equal(readFileSync(h.opts.pidFile!, 'utf8'), `${process.pid}\n`);
  });

  it('respawns a killed child with keepalived\'s lines', async () => {
    h = harness();
    await h.parent.start();
    h.live('vrrp').die(null, 'SIGKILL');
    await tick();
    const l = h.lines();
    assert.ok(l.includes('pid 1001 exited due to signal 9 (Killed) - has rlimit_rttime been exceeded?'));
    assert.ok(l.includes('VRRP child process(1001) died: Respawning'));
    assert.ok(l.includes('Restart of VRRP process delayed 0 seconds to limit respawn rate'));
    assert.ok(l.includes('Starting VRRP child process, pid=1002'));
    assert.deepEqual(h.parent.childPids(), { checker: 1000, vrrp: 1002 });
  });

  it('slows down a child that keeps dying at start-up', async () => {
    h = harness();
    await h.parent.start();
    h.live('checker').die(1, null);
    await tick();
    h.live('checker').die(1, null);
    await tick();
    const l = h.lines();
    assert.ok(l.includes('pid 1000 exited with status 1'));
    assert.ok(l.includes('Restart of Healthcheck process delayed 0 seconds to limit respawn rate'));
    assert.ok(l.includes('Restart of Healthcheck process delayed 1 seconds to limit respawn rate'));
    await h.parent.stop();
  });

  it('a child\'s permanent error stops everything and exits like keepalived (FATAL -> 1)', async () => {
    h = harness();
    await h.parent.start();
    h.live('checker').die(CHILD_EXIT.FATAL, null);
    await tick(); await tick();
    const l = h.lines();
    assert.ok(l.includes('pid 1000 exited with permanent error FATAL. Terminating'));
    assert.ok(h.live('vrrp').sent.some((m) => m.type === 'stop'));
    assert.match(l.at(-1)!, /^Stopped Keepalived v2\.2\.7/);
    assert.deepEqual(h.exits, [1]);
    assert.equal(h.children.length, 2, 'no respawn');
  });

  it('CONFIG permanent error exits 2', async () => {
    h = harness();
    await h.parent.start();
    h.live('vrrp').die(CHILD_EXIT.CONFIG, null);
    await tick(); await tick();
    assert.ok(h.lines().includes('pid 1001 exited with permanent error CONFIG. Terminating'));
    assert.deepEqual(h.exits, [2]);
  });

  it('-R: a dead child stops keepalived instead of respawning', async () => {
    h = harness({ opts: { dontRespawn: true } });
    await h.parent.start();
    h.live('vrrp').die(null, 'SIGKILL');
    await tick(); await tick();
    assert.ok(h.lines().includes('VRRP child process(1001) died: Exiting'));
    assert.equal(h.children.length, 2);
    assert.deepEqual(h.exits, [0]);
  });

  it('TERM: Stopping, children told to stop, CPU usage, Stopped, pid file removed', async () => {
    h = harness();
    await h.parent.start();
    await h.parent.stop(0);
    const l = h.lines();
    const from = l.indexOf('Stopping');
    assert.ok(from > 0);
    assert.match(l[from + 1], /^CPU usage \(self\/children\) user: \d+\.\d{6}\/0\.002000 system: \d+\.\d{6}\/0\.004000$/);
    assert.match(l[from + 2], /^Stopped Keepalived v2\.2\.7 \(keepalived-ts /);
    assert.ok(h.children.every((c) => c.sent.some((m) => m.type === 'stop')));
    assert.equal(existsSync(h.opts.pidFile!), false);
    assert.deepEqual(h.exits, [0]);
  });

  it('TERM: the checker is told to stop once the VRRP child has stopped (VIPs gone before IPVS)', async () => {
    h = harness();
    await h.parent.start();
    const vrrp = h.live('vrrp'), checker = h.live('checker');
    vrrp.obedient = false;
    const stopping = h.parent.stop(0);
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(vrrp.sent.some((m) => m.type === 'stop'));
    assert.ok(!checker.sent.some((m) => m.type === 'stop'), 'the checker was told to stop while the VRRP child still ran');
    vrrp.die(0, null);
    await stopping;
    assert.ok(checker.sent.some((m) => m.type === 'stop'));
  });

  it('a child that does not stop within child_wait_time is killed with keepalived\'s message', async () => {
    h = harness({ load: () => ({ config: fullConfig({ global: globalDefs({ childWaitTime: 0.05 }) }),
      diagnostics: [] }) });
    await h.parent.start();
    h.live('vrrp').obedient = false;
    const t0 = Date.now();
    await h.parent.stop(0);
    assertWithin(Date.now() - t0, atLeast(50, 5, 'child_wait_time 0.05'), 'stop -> SIGKILL of the child that did not stop');
    assert.ok(h.lines().includes('VRRP process failed to die - forcing termination'));
    assert.deepEqual(h.live('vrrp').killed, ['SIGKILL']);
    assert.deepEqual(h.live('checker').killed, []);
  });

  it('HUP with a broken file: logs why, keeps the running config, children untouched', async () => {
    h = harness();
    await h.parent.start();
    h.setLoad(() => ({ config: fullConfig(), diagnostics: [{ severity: 'abort', code: 'KA_CFG_MISSING_PARAMETER', message: 'Configuration line starting `priority` is missing a parameter', pos: { file: '/k.conf', line: 7, col: 3 } }] }));
    await h.parent.reload();
    const l = h.lines();
    assert.ok(l.includes('Reloading ...'));
    assert.ok(l.includes('(/k.conf: Line 7) Configuration line starting `priority` is missing a parameter'));
    assert.ok(l.some((x) => /^New config failed validation .* keeping the running configuration$/.test(x)));
    assert.ok(!l.includes('Reload complete'));
    assert.ok(h.children.every((c) => !c.sent.some((m) => m.type === 'reload')));
    h.setLoad(() => ({ diagnostics: [{ severity: 'fatal', code: 'KA_CONFIG_FILE_MISSING', message: "Config files missing '/k.conf'." }] }));
    await h.parent.reload();
    assert.equal(h.lines().filter((x) => x.startsWith('New config failed validation')).length, 2);
  });

  it('logs each use of a keyword the ledger lists as not implemented once at start-up, with its file and line', async () => {
    h = harness();
    const conf = h.opts.configFile;
    writeFileSync(conf, 'global_defs {\n  enable_snmp_vrrp\n}\nvrrp_instance VI_1 {\n  interface lo0\n  virtual_router_id 51\n  track_bfd {\n    b1\n  }\n  virtual_ipaddress {\n    10.0.0.1\n  }\n}\n');
    h.setLoad(() => parserLoader(conf, { allConfig: false }) as ConfigLoadResult);
    assert.equal(await h.parent.start(), true);
    const warned = h.lines().filter((l) => l.includes('is not implemented by keepalived-ts'));
    assert.deepEqual(warned, [
      `(${conf}: Line 2) WARNING - keyword 'enable_snmp_vrrp' is not implemented by keepalived-ts: SNMP is not implemented`,
      `(${conf}: Line 7) WARNING - keyword 'track_bfd' is not implemented by keepalived-ts: BFD is not implemented`,
    ]);
    assert.ok(h.lines().indexOf(warned[0]!) < h.lines().findIndex((l) => l.startsWith('Starting VRRP child process')));
    // A reload with the same file neither refuses it nor counts the warnings as new problems.
    await h.parent.reload();
    assert.ok(h.lines().includes('Reload complete'), h.lines().join('\n'));
  });

  it('HUP keeps warnings the running config already had, refuses new ones', async () => {
    const standing = { severity: 'security' as const, code: 'KA_SCRIPT_SECURITY' as const, message: 'SECURITY VIOLATION - scripts are being executed but script_security not enabled.' };
    h = harness({ load: () => ({ config: fullConfig(), diagnostics: [standing] }) });
    await h.parent.start();
    await h.parent.reload();
    assert.equal(h.lines().at(-1), 'Reload complete');
    h.setLoad(() => ({ config: fullConfig(), diagnostics: [standing, { severity: 'error', code: 'KA_CFG_UNKNOWN_KEYWORD', message: "Unknown keyword 'foo'", pos: { file: '/k.conf', line: 3, col: 1 } }] }));
    await h.parent.reload();
    assert.match(h.lines().at(-1)!, /^New config failed validation \(config test exit 5\)/);
  });

  // 2.2.7 logs it once, in its VRRP process (measured: test/integration/vrrp/script-umask.test.ts)
  it('the VRRP side\'s SECURITY VIOLATION is left to the VRRP child (init and reload), not logged by the parent', async () => {
    const line = 'SECURITY VIOLATION - scripts are being executed but script_security not enabled.';
    const sec = { severity: 'security' as const, code: 'KA_SCRIPT_SECURITY' as const, message: line, proc: 'vrrp' as const };
    h = harness({ load: () => ({ config: fullConfig(), diagnostics: [sec] }) });
    await h.parent.start();
    assert.ok(!h.lines().includes(line), h.lines().join('\n'));
    const init = h.live('vrrp').sent[0]!;
    assert.ok(init.type === 'init' && init.options.configLines?.[0] === line);
    const ck = h.live('checker').sent[0]!;
    assert.ok(ck.type === 'init' && ck.options.configLines === undefined);
    await h.parent.reload();
    assert.ok(!h.lines().includes(line));
    const r = h.live('vrrp').sent.find((m) => m.type === 'reload');
    assert.ok(r && r.type === 'reload' && r.configLines?.[0] === line);
  });

  it('HUP with a valid file: new config to every child, then Reload complete', async () => {
    h = harness();
    await h.parent.start();
    const next = fullConfig({ vrrpInstances: [instance('VI_1', { virtualRouterId: 51 }), instance('VI_2', { virtualRouterId: 52 })] });
    h.setLoad(() => ({ config: next, diagnostics: [] }));
    await h.parent.reload();
    assert.equal(h.lines().at(-1), 'Reload complete');
    const r = h.live('vrrp').sent.find((m) => m.type === 'reload');
    assert.ok(r && r.type === 'reload' && r.config.vrrpInstances.length === 2);
    assert.ok(h.live('checker').sent.some((m) => m.type === 'reload'));
  });

  it('HUP that removes the virtual servers stops the checker; adding them back starts one', async () => {
    h = harness();
    await h.parent.start();
    h.setLoad(() => ({ config: fullConfig({ virtualServers: [] }), diagnostics: [] }));
    await h.parent.reload();
    assert.deepEqual(Object.keys(h.parent.childPids()), ['vrrp']);
    h.setLoad(() => ({ config: fullConfig(), diagnostics: [] }));
    await h.parent.reload();
    assert.ok(h.lines().includes('Starting Healthcheck child process, pid=1002'));
  });

  it('USR1 writes the parent data file and asks both children; USR2 / JSON go to VRRP only', async () => {
    h = harness();
    await h.parent.start();
    h.parent.dump('data');
    assert.ok(h.lines().includes(`Printing parent data for process(${process.pid}) on signal`));
    assert.match(readFileSync(join(h.dir, 'keepalived_parent.data'), 'utf8'), /^------< Global definitions >------\n/);
    h.parent.dump('stats');
    h.parent.dump('json');
    const kinds = (c: FakeChild) => c.sent.filter((m) => m.type === 'dump').map((m) => (m as { kind: string }).kind);
    assert.deepEqual(kinds(h.live('vrrp')), ['data', 'stats', 'json']);
    assert.deepEqual(kinds(h.live('checker')), ['data']);
  });

  it('a config that cannot be read stops the start (exit 6 as keepalived 2.2.7)', async () => {
    h = harness({ load: () => ({ diagnostics: [{ severity: 'fatal', code: 'KA_CONFIG_FILE_MISSING', message: "Config files missing '/nope'." }] }) });
    assert.equal(await h.parent.start(), false);
    const l = h.lines();
    assert.ok(l.includes("Config files missing '/nope'."));
    assert.ok(!l.some((x) => x.startsWith('Configuration file') || x.startsWith('Opening file')), 'as keepalived: no file lines');
    assert.match(l.at(-2)!, /^CPU usage \(self\/children\) /);
    assert.match(l.at(-1)!, /^Stopped Keepalived v2\.2\.7/);
    assert.deepEqual(h.exits, [6]);
  });

  it('a parser exception on HUP is logged and the daemon keeps running; at start it exits CONFIG (2)', async () => {
    h = harness();
    await h.parent.start();
    h.setLoad(() => { throw new Error('boom'); });
    await h.parent.reload();
    assert.ok(h.lines().includes('Configuration parse failed: boom'));
    assert.ok(h.lines().some((x) => x.startsWith('New config failed validation')));
    assert.deepEqual(h.exits, []);
    h.cleanup();
    h = harness({ load: () => { throw new Error('boom'); } });
    assert.equal(await h.parent.start(), false);
    assert.deepEqual(h.exits, [2]);
  });

  it('picks the child entry for source (tsx) and compiled runs', () => {
    const ts = childEntry('vrrp', 'file:///x/src/daemon/parent.ts', ['--expose-internals']);
    assert.equal(ts.path, '/x/src/daemon/child-vrrp.ts');
    assert.equal(ts.execArgv[0], '--expose-internals');
    assert.deepEqual(ts.execArgv.slice(1, 3), ['--max-semi-space-size=1', '--no-memory-reducer']);
    assert.equal(ts.execArgv[3], '--import');
    assert.match(ts.execArgv[4], /^file:.*tsx/);
    const js = childEntry('checker', 'file:///x/dist/daemon/parent.js', ['--expose-internals']);
    assert.deepEqual(js, { path: '/x/dist/daemon/child-check.js', execArgv: ['--expose-internals', '--max-semi-space-size=1', '--initial-old-space-size=24', '--heap-growing-percent=40'] });
    // an operator's own value of the flag wins
    const own = childEntry('checker', 'file:///x/dist/daemon/parent.js', ['--max-semi-space-size=4']);
    assert.deepEqual(own.execArgv, ['--max-semi-space-size=4', '--initial-old-space-size=24', '--heap-growing-percent=40']);
  });

  it('reads log_facility values', () => {
    assert.equal(facilityFromConfig('LOG_LOCAL3'), 19);
    assert.equal(facilityFromConfig('local0'), 16);
    assert.equal(facilityFromConfig('LOG_DAEMON'), 3);
    assert.equal(facilityFromConfig('bogus'), undefined);
  });
});

/** setns / mount calls recorded; `fail` makes one of them return an errno. */
class FakeNs implements NsSys {
  calls: string[] = [];
  constructor(private readonly fail: Partial<Record<'connector' | 'open' | 'setns' | 'mkdir' | 'unshare' | 'bind' | 'umount', number>> = {}) {}
  openConnector() { this.calls.push('connector'); return this.fail.connector ? { errno: this.fail.connector, op: 'socket' as const } : { fd: 42 }; }
  open(path: string) { this.calls.push(`open ${path}`); return this.fail.open ? { errno: this.fail.open } : { fd: 7 }; }
  close(fd: number) { this.calls.push(`close ${fd}`); }
  setns(fd: number, type: number) { this.calls.push(`setns ${fd} ${type.toString(16)}`); return this.fail.setns; }
  mkdir(path: string, mode: number) { this.calls.push(`mkdir ${path} ${mode.toString(8)}`); return path.endsWith('/') ? undefined : this.fail.mkdir; }
  rmdir(path: string) { this.calls.push(`rmdir ${path}`); return path.endsWith('/') ? 39 : undefined; }
  unshare(flags: number) { this.calls.push(`unshare ${flags.toString(16)}`); return this.fail.unshare; }
  mount(src: string, target: string, flags: number) { this.calls.push(`mount '${src}' ${target} ${flags.toString(16)}`); return src && this.fail.bind ? this.fail.bind : undefined; }
  umount(target: string) { this.calls.push(`umount ${target}`); return this.fail.umount; }
  strerror(n: number) { return n === 2 ? 'No such file or directory' : n === 1 ? 'Operation not permitted' : `errno ${n}`; }
}

describe('daemon/parent: net_namespace and -s (keepalived 2.2.7 main.c / namespaces.c)', () => {
  let h: ReturnType<typeof harness>;
  afterEach(() => h?.cleanup());

  it('opens the process-event socket, then enters the namespace and mounts a private /run/keepalived/; the VRRP child inherits the socket', async () => {
    const ns = new FakeNs();
    h = harness({ ns, load: () => ({ config: fullConfig({ netNamespace: 'blue' }), diagnostics: [] }) });
    assert.equal(await h.parent.start(), true);
    assert.deepEqual(ns.calls, [
      'mkdir /run/keepalived/ 755', 'connector', 'open /run/netns/blue', 'setns 7 40000000', 'close 7',
      'mkdir /run/keepalived/blue 755', 'unshare 20000', "mount '' / 84000", "mount '/run/keepalived/blue' /run/keepalived/ 1000",
    ]);
    const l = h.lines();
    const i = l.indexOf('Changing syslog ident to Keepalived_blue');
    assert.ok(i > l.findIndex((x) => x.startsWith('Configuration file ')) && i < l.findIndex((x) => x.startsWith('NOTICE: ')));
    assert.deepEqual(h.idents, ['Keepalived_blue']);
    assert.deepEqual(h.inherits.map((i) => i?.procConnectorFd), [undefined, 42]);
    assert.equal((h.live('vrrp').sent[0] as { options: { ident: string } }).options.ident, 'Keepalived_vrrp_blue');
    assert.equal((h.live('checker').sent[0] as { options: { ident: string } }).options.ident, 'Keepalived_healthcheckers_blue');
    ns.calls = [];
    await h.parent.stop(0);
    assert.deepEqual(ns.calls, ['umount /run/keepalived/', 'rmdir /run/keepalived/blue', 'rmdir /run/keepalived/']);
  });

  it('-s overrides the configured namespace, with keepalived\'s line', async () => {
    const ns = new FakeNs();
    h = harness({ ns, opts: { namespace: 'red' }, load: () => ({ config: fullConfig({ netNamespace: 'blue' }), diagnostics: [] }) });
    await h.parent.start();
    assert.ok(h.lines().includes("Overriding config net_namespace 'blue' with command line namespace 'red'"));
    assert.ok(ns.calls.includes('open /run/netns/red'));
  });

  it('a missing namespace: logged, stopped, exit 0, nothing forked', async () => {
    const ns = new FakeNs({ open: 2 });
    h = harness({ ns, load: () => ({ config: fullConfig({ netNamespace: 'nope' }), diagnostics: [] }) });
    assert.equal(await h.parent.start(), false);
    const l = h.lines();
    assert.deepEqual(l.slice(l.indexOf('Changing syslog ident to Keepalived_nope')), [
      'Changing syslog ident to Keepalived_nope', 'Failed to open /run/netns/nope', 'Unable to set network namespace nope - exiting',
      ...l.filter((x) => x.startsWith('CPU usage')), `Stopped Keepalived v2.2.7 (keepalived-ts ${l[0]!.split('keepalived-ts ')[1]!}`,
    ]);
    assert.deepEqual(h.exits, [0]);
    assert.equal(h.children.length, 0);
    assert.ok(ns.calls.includes('rmdir /run/keepalived/'));
  });

  it('setns and mount failures give keepalived\'s lines; a failed bind mount still runs', async () => {
    const ns = new FakeNs({ setns: 1 });
    h = harness({ ns, load: () => ({ config: fullConfig({ netNamespace: 'x' }), diagnostics: [] }) });
    assert.equal(await h.parent.start(), false);
    assert.ok(h.lines().includes('setns() failed with error 1'));
    h.cleanup();
    const ns2 = new FakeNs({ bind: 2, connector: 13 });
    h = harness({ ns: ns2, load: () => ({ config: fullConfig({ netNamespace: 'x' }), diagnostics: [] }) });
    assert.equal(await h.parent.start(), true);
    assert.ok(h.lines().includes("Mount failed, error (2) 'No such file or directory'"));
    assert.ok(h.lines().includes('Failed to open process monitoring socket - errno 13 - errno 13'));
    assert.deepEqual(h.inherits.map((i) => i?.procConnectorFd), [undefined, undefined]);
  });

  it('a reload cannot change the namespace: 2.2.7 logs it and abandons the reload (data/config-save-2.2.7.md)', async () => {
    const ns = new FakeNs();
    h = harness({ ns, load: () => ({ config: fullConfig({ netNamespace: 'blue' }), diagnostics: [] }) });
    await h.parent.start();
    h.setLoad(() => ({ config: fullConfig({ netNamespace: 'green' }), diagnostics: [] }));
    await h.parent.reload();
    assert.ok(h.lines().includes('Cannot change network namespace at a reload - please restart keepalived'));
    assert.ok(!h.lines().includes('Reload complete'));
  });

  it('without a namespace nothing is switched and the pid files stay where they were', async () => {
    const ns = new FakeNs();
    h = harness({ ns });
    await h.parent.start();
    assert.deepEqual(ns.calls, []);
    assert.deepEqual(h.idents, []);
  });
});
