// The keepalived parent process: reads the config, refuses to start twice, writes its pid file,
// forks and supervises the VRRP and checker children (respawn with keepalived's lines, or stop
// everything on a child's permanent error), and turns signals into reload / stop / dumps.
// Process creation sits behind the ChildLauncher interface (fork in production).
import { resourceLines, sampleResources } from './process-resources.js';
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exitCodeFor } from '../common/diagnostic.js';
import type { KeepalivedConfig } from '../config/model.js';
import type { CliOptions } from './cli.js';
import { blocksStart, diagKey, diagnosticLine, loggedByVrrp, reloadProblems, type ConfigLoadResult, type ConfigLoader } from './config-source.js';
import { dumpFailureLines, dumpPaths, formatParentDataDump, writeDump } from './dumps/index.js';
import { malformedInput } from '../common/malformed.js';
import { PARENT_EXIT_FOR, decodeChildToParent, permanentKindOf, type ChildRole, type ChildRuntimeOptions, type ChildToParent, type DumpKind, type ParentToChild } from './ipc.js';
import { commandLineLines, cpuUsageLine, signalExitLine, syslogIdent } from './log-format.js';
import type { DaemonLogger } from './log-sink.js';
import { checkPidFile, pidPaths, removePidFile, removeStale, writePidFile, type PidPaths } from './pidfile.js';
import { VERSION_STRING, runningOnLine } from './version.js';
import { createPidDir, enterNamespace, leaveNamespace, realNsSys, removePidDir, type NamespaceState, type NsSys } from './netns.js';
import { INHERITED_CONNECTOR_ENV } from '../vrrp/process-track/connector-port.js';
import { DEFAULT_COMM, childArgs, renameOnReload, setProcessName } from './process/identity.js';
import type { ProcessSys } from './process/sys.js';
import { runStartStopScript } from './process/start-stop-script.js';
import { lostIncludeLine, lostIncludes } from './reload-includes.js';
import { checkArgs, checkOutcomeLines, runConfigCheck, type CheckRunner } from './reload/check-config.js';
import { createReloadFile, reloadFilePath, removeReloadFile } from './reload/reload-file.js';
import { ReloadTimeMonitor } from './reload/time-monitor.js';
import { saveConfigCopy, stickySaveDir } from './config-save.js';
import { unsupportedReloadChanges } from './reload/unsupported.js';
import { tmpConfigDirProblem } from './tmp-config-dir.js';
import { restartDelay, restartName } from './respawn-delay.js';
import { truncateSync } from 'node:fs';
import { strerror } from '../vrrp/io/native.js';

export interface ChildHandle {
  readonly pid: number;
  send(m: ParentToChild): void;
  kill(sig: NodeJS.Signals): void;
  onMessage(fn: (m: ChildToParent) => void): void;
  onExit(fn: (code: number | null, signal: NodeJS.Signals | null) => void): void;
}

/**
 * What a child inherits besides the IPC channel: the process-event socket (VRRP child,
 * net_namespace), and the parent's process name and command line (a forked keepalived child has them).
 */
export interface ChildInherit { procConnectorFd?: number; identity?: { comm: string; cmdline: readonly string[] } }

export type ChildLauncher = (role: ChildRole, inherit?: ChildInherit) => ChildHandle;

const ROLE_NAME: Record<ChildRole, string> = { vrrp: 'VRRP', checker: 'Healthcheck' };

/** V8 flags per child. Checker (bench/checkers.ts, 10,000 real servers): a 1 MiB young generation, a first
 *  full GC at 24 MB of old generation and then growth by 40 % of the live heap, instead of V8's defaults
 *  for a 24 GB machine (old generation grew to ~68 MB of garbage before the first full GC): RSS 103-112 -> 77 MB
 *  at the same CPU per check. They only move GC triggers; there is no heap cap. VRRP (bench/vrrp-load.ts):
 *  a 1 MiB young generation, and no memory reducer, whose full GCs after start-up paused adverts for
 *  5-24 ms (50 instances at 10 ms: 89 -> 66 MB). */
const ROLE_V8_FLAGS: Record<ChildRole, readonly string[]> = {
  vrrp: ['--max-semi-space-size=1', '--no-memory-reducer'],
  checker: ['--max-semi-space-size=1', '--initial-old-space-size=24', '--heap-growing-percent=40'],
};

/** Picks the child entry next to this module: .js under dist/, .ts under tsx (adding its loader). */
export function childEntry(role: ChildRole, moduleUrl = import.meta.url,
    execArgv = process.execArgv): { path: string; execArgv: string[] } {
  const ts = moduleUrl.endsWith('.ts');
  const file = `${role === 'vrrp' ? 'child-vrrp' : 'child-check'}.${ts ? 'ts' : 'js'}`;
  const path = fileURLToPath(new URL(`./${file}`, moduleUrl));
  const args = [...execArgv, ...ROLE_V8_FLAGS[role].filter((f) => !execArgv.some((a) => a.startsWith(f.split('=')[0]!)))];
  // tsx resolved from here, not from the daemon's working directory.
  if (ts && !args.some((a) => a.includes('tsx'))) args.push('--import', tsxLoaderUrl());
  return { path, execArgv: args };
}

/** file: URL of tsx's ESM loader (its package "." export), found from this module's location. */
function tsxLoaderUrl(): string {
  const require = createRequire(import.meta.url);
  return pathToFileURL(join(dirname(require.resolve('tsx/package.json')), 'dist/loader.mjs')).href;
}

export const forkLauncher: ChildLauncher = (role, inherit) => {
  const { path, execArgv } = childEntry(role);
  const fd = inherit?.procConnectorFd;
  const args = inherit?.identity ? childArgs(inherit.identity.comm, inherit.identity.cmdline) : [];
  // an inherited socket becomes the child's fd 4, named in its environment (see adoptInheritedConnector)
  const cp: ChildProcess = fd === undefined
    ? fork(path, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: process.env })
    : fork(path, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc', fd], env: { ...process.env, [INHERITED_CONNECTOR_ENV]: '4' } });
  return {
    pid: cp.pid ?? -1,
    send: (m) => { if (cp.connected) cp.send(m, (err) => { void err; }); },
    kill: (sig) => { try { cp.kill(sig); } catch { /* gone */ } },
    onMessage: (fn) => {
      cp.on('message', (m: unknown) => {
        const d = decodeChildToParent(m);
        if (d.ok) fn(d.msg); else malformedInput.note('ipc', d.reason, `message from the ${role === 'vrrp' ? 'VRRP' : 'checker'} child`);
      });
    },
    onExit: (fn) => { cp.on('exit', fn); },
  };
};

export interface ParentDeps {
  logger: DaemonLogger;
  loadConfig: ConfigLoader;
  launch: ChildLauncher;
  /** Full argv for the "Command line:" line (program first). */
  commandLine: string[];
  exit: (code: number) => void;
  /** keepalived's KA_TMP_DIR. */
  tmpDir?: string;
  /** Hold the event loop open while running (default true; unit tests with fake children say false). */
  keepAlive?: boolean;
  /** systemd notification (READY=1, RELOADING=1, STOPPING=1), when run by a Type=notify unit. */
  notify?: (state: string) => void;
  /** setns / mount calls for net_namespace (the addon by default). */
  ns?: () => NsSys;
  /** prctl for process_name (none: the name is left alone, as in unit tests). */
  process?: ProcessSys;
  /** reload_check_config's check process (runConfigCheck by default). */
  runCheck?: CheckRunner;
}

interface ChildSlot {
  role: ChildRole;
  handle: ChildHandle;
  startedAt: number;
  exited: boolean;
  exitWaiters: (() => void)[];
  reloadWaiter?: () => void;
  /** Stopped on purpose by a reload: its exit is not a death. */
  retiring?: boolean;
}

export class Parent {
  private config?: KeepalivedConfig;
  private readonly children = new Map<ChildRole, ChildSlot>();
  private stopping = false;
  private reloading = false;
  private reloadQueued = false;
  private pids: PidPaths;
  /** net_namespace / -s in effect (fixed at start: a reload cannot change it). */
  private namespace?: string;
  private nsState?: NamespaceState;
  /** instance NAME (fixed at start: a reload cannot change it). */
  private instance?: string;
  private pidDirCreated = false;
  private childUsage = { user: 0, system: 0 };
  /** Keeps the event loop alive while the daemon runs, also with no child to watch. */
  private keepAlive?: NodeJS.Timeout;
  /** Config problems the running configuration already had (a reload may keep them). */
  private accepted = new Set<string>();
  /** Config-check lines the VRRP child logs itself (loggedByVrrp), for its start or the reload in progress. */
  private vrrpLines: string[] = [];
  /** reload_time_file's monitor, while one runs. */
  private timeMonitor?: ReloadTimeMonitor;
  /** config_save_dir once set, and how many copies this process wrote there. */
  private saveDir?: string;
  private copies = 0;

  constructor(private readonly opts: CliOptions, private readonly deps: ParentDeps) {
    this.pids = pidPaths(opts);
  }

  private get log(): DaemonLogger { return this.deps.logger; }

  /** Start-up: returns false when the daemon did not start (already running, bad config). */
  async start(): Promise<boolean> {
    const log = this.log;
    log.info(`Starting ${VERSION_STRING}`);
    log.info(runningOnLine());
    for (const l of commandLineLines(this.deps.commandLine)) log.info(l);
    const { config: loaded, missing } = await this.load();
    if (!loaded) {
      // keepalived 2.2.7: a missing config file ends a real start with exit 6; a config the
      // parser aborts on (missing parameter) ends it with CONFIG (2).
      const self = process.resourceUsage();
      log.info(cpuUsageLine({ user: self.userCPUTime, system: self.systemCPUTime }, this.childUsage));
      log.info(`Stopped ${VERSION_STRING}`);
      await log.flush();
      log.close();
      this.deps.exit(missing ? 6 : PARENT_EXIT_FOR.CONFIG);
      return false;
    }
    this.config = loaded;
    if (loaded.global.processName !== undefined && this.deps.process) setProcessName(this.deps.process,
      loaded.global.processName, log);
    this.applyUmask(loaded);
    if (loaded.global.logFacility !== undefined && this.opts.logFacility === undefined) {
      const f = facilityFromConfig(loaded.global.logFacility);
      if (f !== undefined) log.setFacility(f);
    }
    if (!(await this.enterNamespace(loaded))) return false;
    // Refuse to run twice (any of our pid files naming a live process).
    for (const path of [this.pids.parent, ...this.wantedRoles(loaded).map((r) => this.pidFor(r))]) {
      const st = checkPidFile(path);
      if (st.state === 'running') { log.info('daemon is already running'); await log.flush(); this.deps.exit(0); return false; }
    }
    const st = checkPidFile(this.pids.parent);
    if (st.state === 'stale') { log.info(`Remove a zombie pid file ${this.pids.parent}`); removeStale(this.pids.parent); }
    if (!writePidFile(this.pids.parent)) log.error(`Unable to write pid file ${this.pids.parent}`);
    if (loaded.global.maxAutoPriority === undefined) {
      log.info('NOTICE: setting config option max_auto_priority should result in better keepalived performance');
    }
    if (this.opts.dumpConf) for (const l of formatParentDataDump(loaded).trimEnd().split('\n')) log.info(l);
    // the children start once the startup script has ended
    await this.runScript('startup', loaded);
    if (this.stopping) return true;
    const roles = this.wantedRoles(loaded);
    if (!roles.length) log.info('Warning - keepalived has no configuration to run');
    for (const r of roles) this.spawn(r);
    this.startTimeMonitor();
    if (this.deps.keepAlive !== false) this.keepAlive = setInterval(() => {}, 1 << 30);
    log.info('Startup complete');
    this.deps.notify?.(`READY=1\nMAINPID=${process.pid}`);
    return true;
  }

  /**
   * instance / net_namespace / -s / use_pid_dir, as keepalived 2.2.7's main(): with an instance or a
   * namespace the ident changes (Keepalived_NS_INSTANCE); /run/keepalived/ is created for the pid files;
   * for a namespace the process-event socket is opened and the namespace entered (pid files then live
   * in its private /run/keepalived/). False when the namespace cannot be entered (keepalived then
   * stops, exit 0).
   */
  private async enterNamespace(cfg: KeepalivedConfig): Promise<boolean> {
    const log = this.log;
    const ns = this.opts.namespace ?? cfg.netNamespace;
    if (this.opts.namespace !== undefined && cfg.netNamespace !== undefined) {
      log.info(`Overriding config net_namespace '${cfg.netNamespace}' with command line namespace '${this.opts.namespace}'`);
    }
    this.instance = cfg.instanceName;
    if (ns !== undefined || this.instance !== undefined) {
      const ident = syslogIdent('parent', { namespace: ns, instance: this.instance });
      log.info(`Changing syslog ident to ${ident}`);
      log.setIdent(ident);
    }
    const usePidDir = ns !== undefined || this.instance !== undefined || cfg.usePidDir === true;
    if (usePidDir) this.pidDirCreated = createPidDir(this.nsSys(), log);
    this.pids = pidPaths({ ...this.opts, namespace: ns, instance: this.instance, usePidDir });
    if (ns === undefined) return true;
    const sys = this.nsSys();
    const st = enterNamespace(ns, sys, log);
    if (!st) {
      log.error(`Unable to set network namespace ${ns} - exiting`);
      const self = process.resourceUsage();
      log.detail(cpuUsageLine({ user: self.userCPUTime, system: self.systemCPUTime }, this.childUsage));
      log.info(`Stopped ${VERSION_STRING}`);
      if (this.pidDirCreated) removePidDir(sys, log);
      await log.flush();
      log.close();
      this.deps.exit(0);
      return false;
    }
    this.namespace = ns;
    this.nsState = st;
    return true;
  }

  private nsSys(): NsSys { return (this.deps.ns ?? realNsSys)(); }

  /** Which children this config (and -P / -C / --all) asks for; checker first, as keepalived forks. */
  wantedRoles(cfg: KeepalivedConfig): ChildRole[] {
    const o = this.opts;
    // an unusable VRRP configuration still starts the VRRP process, which stops with its error (2.2.7)
    const wantVrrp = !o.checkOnly && (o.all || cfg.vrrpInstances.length > 0 || !!cfg.vrrpUnusable);
    const wantCheck = !o.vrrpOnly && (o.all || cfg.virtualServers.length > 0);
    return [...(wantCheck ? ['checker' as const] : []), ...(wantVrrp ? ['vrrp' as const] : [])];
  }

  private pidFor(role: ChildRole): string { return role === 'vrrp' ? this.pids.vrrp : this.pids.checker; }

  /** Reads and parses the config file; logs what keepalived logs. Undefined: unusable. */
  private async load(): Promise<{ config?: KeepalivedConfig; missing: boolean }> {
    const r = await this.readConfig();
    for (const d of r.diagnostics) if (!loggedByVrrp(d)) this.log.info(diagnosticLine(d));
    this.vrrpLines = r.diagnostics.filter(loggedByVrrp).map(diagnosticLine);
    if (!r.config) return { missing: !r.crashed };
    if (r.diagnostics.some(blocksStart)) return { missing: false };
    this.accepted = new Set(r.diagnostics.map(diagKey));
    return { config: r.config, missing: false };
  }

  /** Parses the config file; "Opening file" / "Configuration file" are logged only when it was found. */
  private async readConfig(copyDone = false): Promise<ConfigLoadResult & { crashed?: boolean }> {
    const path = this.opts.configFile;
    let r: ConfigLoadResult;
    try {
      r = await this.deps.loadConfig(path, { configId: this.opts.configId, allConfig: this.opts.allConfig });
    } catch (e) {
      // A parser exception must never take the running daemon down (HUP) or look like a missing file.
      return { diagnostics: [{ severity: 'fatal', code: 'KD_PARSER_EXCEPTION', message: `Configuration parse failed: ${(e as Error).message}` }], crashed: true };
    }
    if (r.config) {
      for (const f of r.config.files.length ? r.config.files : [path]) this.log.detail(`Opening file '${f}'.`);
      this.log.info(`Configuration file ${path}`);
    }
    // config_save_dir: the copy of what was read (not when a reload_check_config check read it first);
    // tmp_config_directory is where 2.2.7 would keep that copy: checked at each such read
    if (!copyDone) {
      const tmpDir = r.config && tmpConfigDirProblem(r.config, path);
      if (tmpDir) this.log.info(tmpDir);
      this.saveDir = stickySaveDir(this.saveDir, r.config);
      if (this.saveDir) saveConfigCopy(this.saveDir, this.copies++, path,
        { configId: this.opts.configId, allConfig: this.opts.allConfig });
    }
    return r;
  }

  private childOptions(role: ChildRole): ChildRuntimeOptions {
    const o = this.opts;
    const g = this.config?.global;
    const dp = this.dumpPaths(g);
    return {
      role,
      ident: syslogIdent(role, { namespace: this.namespace, instance: this.instance }),
      facility: this.facility(),
      logDetail: o.logDetail,
      logConsole: o.logConsole,
      noSyslog: o.noSyslog,
      syslogPath: process.env.KEEPALIVED_TS_SYSLOG_SOCKET || undefined,
      pidFile: this.pidFor(role),
      dontRelease: role === 'vrrp' ? o.dontReleaseVrrp : o.dontReleaseIpvs,
      releaseVips: o.releaseVips,
      dumpConf: o.dumpConf,
      umaskFromCommandLine: o.umask !== undefined,
      dumpPaths: { data: role === 'vrrp' ? dp.data : dp.checkData, stats: dp.stats, json: dp.json },
      ...(role === 'vrrp' && this.vrrpLines.length ? { configLines: this.vrrpLines } : {}),
    };
  }

  /** Where the dumps go: with data_use_instance the data dumps carry the namespace and instance names. */
  private dumpPaths(g: KeepalivedConfig['global'] | undefined) {
    return dumpPaths(g, this.deps.tmpDir, g?.dataUseInstance
      ? { namespace: this.namespace, instance: this.instance } : undefined);
  }

  private facility(): number {
    if (this.opts.logFacility !== undefined) return this.opts.logFacility;
    const f = this.config?.global.logFacility !== undefined ? facilityFromConfig(this.config.global.logFacility)
      : undefined;
    return f ?? 3;
  }

  /** Per kind of child: the delay its next quick death gets (respawn-delay.ts). */
  private readonly restartDelays = new Map<ChildRole, number>();

  private spawn(role: ChildRole): void {
    if (!this.config) return;
    const fd = role === 'vrrp' ? this.nsState?.connectorFd : undefined;
    const identity = { comm: this.config.global.processName ?? DEFAULT_COMM, cmdline: this.deps.commandLine };
    const handle = this.deps.launch(role, fd === undefined ? { identity } : { procConnectorFd: fd, identity });
    const slot: ChildSlot = { role, handle, startedAt: Date.now(), exited: false, exitWaiters: [] };
    this.children.set(role, slot);
    this.log.info(`Starting ${role === 'vrrp' ? 'VRRP' : 'Healthcheck'} child process, pid=${handle.pid}`);
    handle.onMessage((m) => this.onChildMessage(slot, m));
    handle.onExit((code, signal) => this.onChildExit(slot, code, signal));
    handle.send({ type: 'init', options: this.childOptions(role), config: this.config });
  }

  private onChildMessage(slot: ChildSlot, m: ChildToParent): void {
    if (m.type === 'stopped') { this.childUsage.user += m.usage.user; this.childUsage.system += m.usage.system; }
    else if (m.type === 'reloaded') { const w = slot.reloadWaiter; slot.reloadWaiter = undefined; w?.(); }
  }

  private onChildExit(slot: ChildSlot, code: number | null, signal: NodeJS.Signals | null): void {
    slot.exited = true;
    const waiters = slot.exitWaiters.splice(0);
    for (const w of waiters) w();
    if (slot.reloadWaiter) { const w = slot.reloadWaiter; slot.reloadWaiter = undefined; w(); }
    if (this.children.get(slot.role) === slot) this.children.delete(slot.role);
    if (this.stopping || slot.retiring) return;
    const pid = slot.handle.pid;
    const name = ROLE_NAME[slot.role];
    const perm = permanentKindOf(code);
    if (perm) {
      this.log.info(`pid ${pid} exited with permanent error ${perm}. Terminating`);
      void this.stop(PARENT_EXIT_FOR[perm]);
      return;
    }
    if (signal) {
      this.log.info(signalExitLine(`pid ${pid}`, signal));
    } else if (code) {
      this.log.info(`pid ${pid} exited with status ${code}`);
    }
    if (this.opts.dontRespawn) {
      this.log.info(`${name} child process(${pid}) died: Exiting`);
      void this.stop(0);
      return;
    }
    this.log.info(`${name} child process(${pid}) died: Respawning`);
    this.log.info('  Please log an issue at https://github.com/acassen/keepalived/issues/');
    this.log.info('  and include a full copy of your keepalived configuration files, and');
    this.log.info('  copies of the keepalived system log entries around the time this happened');
    // Respawn rate limit, as 2.2.7's: within a minute of its start a death waits 0, 1, 2, 4 ... 60 s.
    const d = restartDelay(this.restartDelays.get(slot.role) ?? 0, Date.now() - slot.startedAt);
    this.restartDelays.set(slot.role, d.nextDelayS);
    if (d.logged) this.log.info(`Restart of ${restartName(slot.role)} process delayed ${d.delayS} seconds to limit respawn rate`);
    const t = setTimeout(() => {
      this.pendingRespawns.delete(slot.role);
      if (!this.stopping) this.spawn(slot.role);
    }, d.delayS * 1000);
    this.pendingRespawns.set(slot.role, t);
  }

  private readonly pendingRespawns = new Map<ChildRole, NodeJS.Timeout>();

  /** SIGHUP: re-read, validate, and hand the new config to the children. */
  async reload(): Promise<void> {
    if (this.stopping) return;
    if (this.reloading) { this.reloadQueued = true; return; }
    this.reloading = true;
    let begun = false;
    try {
      const check = this.config?.global.reloadCheckConfig;
      if (check !== undefined && !(await this.checkNewConfig(check))) return;
      begun = true;
      this.log.info('Reloading ...');
      this.timeMonitor?.stop();
      this.timeMonitor = undefined;
      this.deps.notify?.('RELOADING=1');
      const r = await this.readConfig(check !== undefined);
      // a plain reload removes the new file's reload_file once it is read (2.2.7 never creates it then)
      const rf = check === undefined && r.config ? this.reloadFile(r.config) : undefined;
      if (rf) removeReloadFile(rf);
      for (const d of r.diagnostics) if (!loggedByVrrp(d)) this.log.info(diagnosticLine(d));
      const problems = reloadProblems(r.diagnostics, this.accepted);
      if (!r.config || problems.length) {
        const code = r.config ? exitCodeFor(problems) : 4;
        this.log.error(`New config failed validation (config test exit ${code}) - reload aborted, keeping the running configuration`);
        return;
      }
      const cfg = r.config;
      const unsupported = this.config ? unsupportedReloadChanges(this.config, cfg,
        { running: this.namespace, wanted: this.opts.namespace ?? cfg.netNamespace }) : [];
      for (const l of unsupported) this.log.info(l);
      // 2.2.7 then keeps the running configuration and does not reload the children
      if (unsupported.length) return;
      if (this.config) for (const l of lostIncludes(this.config, cfg)) this.log.warn(lostIncludeLine(l));
      if (this.deps.process) renameOnReload(this.deps.process, this.config?.global.processName,
        cfg.global.processName, this.log);
      this.applyUmask(cfg);
      this.config = cfg;
      this.accepted = new Set(r.diagnostics.map(diagKey));
      this.vrrpLines = r.diagnostics.filter(loggedByVrrp).map(diagnosticLine);
      // 2.2.7 restarts the reload_time_file monitor before it signals the children
      this.startTimeMonitor();
      const wanted = this.wantedRoles(cfg);
      const acks: Promise<void>[] = [];
      for (const [role, slot] of this.children) {
        if (!wanted.includes(role)) { slot.retiring = true; acks.push(this.stopChild(slot)); continue; }
        acks.push(new Promise<void>((resolve) => {
          const t = setTimeout(() => { slot.reloadWaiter = undefined; resolve(); }, 30_000);
          slot.reloadWaiter = () => { clearTimeout(t); resolve(); };
          slot.handle.send({ type: 'reload-begin' });
          slot.handle.send({ type: 'reload', config: cfg, ...(role === 'vrrp' && this.vrrpLines.length ? { configLines: this.vrrpLines } : {}) });
        }));
      }
      for (const role of wanted) if (!this.children.has(role) && !this.pendingRespawns.has(role)) this.spawn(role);
      await Promise.all(acks);
      if (!this.stopping) this.log.info('Reload complete');
    } finally {
      if (begun && !this.stopping) {
        // a refused file: the running configuration's monitor again
        if (!this.timeMonitor) this.startTimeMonitor();
        this.deps.notify?.('READY=1');
      }
      this.reloading = false;
      if (this.reloadQueued && !this.stopping) { this.reloadQueued = false; void this.reload(); }
    }
  }

  /**
   * reload_check_config: the check log truncated, reload_file created, the daemon's own -t run on
   * the new file (check-config.ts), reload_file removed; true when it passed (exit 0).
   */
  private async checkNewConfig(logFile: string): Promise<boolean> {
    this.log.detail('validate conf before Reload');
    try { truncateSync(logFile, 0); } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code !== 'ENOENT') { const errno = -(err.errno ?? -5); this.log.info(`truncate of config check log ${logFile} failed (${errno}) - ${strerror(errno)}`); }
    }
    const rf = this.config ? this.reloadFile(this.config) : undefined;
    if (rf) createReloadFile(rf, this.log);
    const script = this.deps.commandLine[0] ?? 'keepalived';
    const outcome = await (this.deps.runCheck ?? runConfigCheck)(script,
      checkArgs(this.deps.commandLine, logFile), this.log);
    if (rf) removeReloadFile(rf);
    for (const l of checkOutcomeLines(outcome, logFile)) this.log.info(l);
    return outcome.kind === 'exited' && outcome.code === 0;
  }

  /** reload_file's path for this configuration (its default follows the pid files). */
  private reloadFile(cfg: KeepalivedConfig): string | undefined {
    return reloadFilePath(cfg.global.reloadFile, { instance: this.instance, namespace: this.namespace,
      usePidDir: cfg.usePidDir === true });
  }

  /** reload_time_file: the monitor of the running configuration (after start-up and after each reload). */
  private startTimeMonitor(): void {
    const g = this.config?.global;
    if (!g?.reloadTimeFile || this.stopping) return;
    this.timeMonitor = new ReloadTimeMonitor(g.reloadTimeFile, g.reloadRepeat === true, this.log,
      () => { void this.reload(); });
    this.timeMonitor.start();
  }

  /** The reload reload_time_file scheduled, if one is (for the parent's data dump). */
  private scheduledReload(): { at: number; dateSpecified: boolean } | undefined {
    const s = this.timeMonitor?.schedule;
    return s && s.reloadTime ? { at: s.reloadTime, dateSpecified: s.dateSpecified } : undefined;
  }

  /** USR1 / USR2 / SIGRTMAX-1 / SIGRTMIN+2. */
  dump(kind: DumpKind): void {
    if (this.stopping) return;
    if (kind === 'data' && this.config) {
      this.log.info(`Printing parent data for process(${process.pid}) on signal`);
      const path = this.dumpPaths(this.config.global).parentData;
      let text: string;
      try { text = formatParentDataDump(this.config, this.scheduledReload()); } catch (e) { text = `dump failed: ${(e as Error).message}\n`; }
      text += `${resourceLines(sampleResources('parent')).join('\n')}\n`;
      const err = writeDump(path, text);
      if (err) for (const l of dumpFailureLines(path, err, 'keepalived_parent.data')) this.log.info(l);
    }
    for (const slot of this.children.values()) {
      if (kind !== 'data' && slot.role !== 'vrrp') continue;
      slot.handle.send({ type: 'dump', kind });
    }
  }

  private stopChild(slot: ChildSlot): Promise<void> {
    if (slot.exited) return Promise.resolve();
    const waitMs = (this.config?.global.childWaitTime ?? 5) * 1000;
    return new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        if (slot.exited) return;
        this.log.info(`${ROLE_NAME[slot.role]} process failed to die - forcing termination`);
        slot.handle.kill('SIGKILL');
      }, waitMs);
      slot.exitWaiters.push(() => { clearTimeout(t); resolve(); });
      slot.handle.send({ type: 'stop' });
    });
  }

  /** global_defs umask, unless -u gave one (children inherit it at fork; at a reload they set it too). */
  private applyUmask(cfg: KeepalivedConfig): void {
    if (cfg.global.umask === undefined) return;
    if (this.opts.umask !== undefined) { this.log.info('umask command line option specified, ignoring config option'); return; }
    if (this.deps.process) process.umask(cfg.global.umask);
  }

  private defaultUserAnnounced = false;

  private async runScript(phase: 'startup' | 'shutdown', cfg: KeepalivedConfig): Promise<void> {
    const announce = !this.defaultUserAnnounced;
    if ((phase === 'startup' ? cfg.global.startupScript : cfg.global.shutdownScript) !== undefined) this.defaultUserAnnounced = true;
    await runStartStopScript(phase, cfg.global, { log: this.log, detail: this.opts.logDetail > 0,
      announceDefaultUser: announce });
  }

  /** TERM / INT, or a child's permanent error: stop the children, then ourselves. */
  async stop(code = 0): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.keepAlive) clearInterval(this.keepAlive);
    for (const t of this.pendingRespawns.values()) clearTimeout(t);
    this.pendingRespawns.clear();
    if (code === 0) this.log.info('Stopping');
    this.timeMonitor?.stop();
    this.timeMonitor = undefined;
    this.deps.notify?.('STOPPING=1');
    // The VRRP child first: a director that leaves must stop attracting traffic (its VIPs) before it
    // stops forwarding it (IPVS), else a packet in between meets a local VIP without its service and
    // the connection is reset (seen with lvs_sync_daemon: test/vm/syncd.test.ts). keepalived 2.2.7
    // signals both at once and either may finish first; under load ours lost that race.
    const slots = [...this.children.values()];
    const vrrp = slots.filter((s) => s.role === 'vrrp');
    if (slots.length > vrrp.length) await Promise.all(vrrp.map((s) => this.stopChild(s)));
    await Promise.all(slots.map((s) => this.stopChild(s)));
    if (this.config) await this.runScript('shutdown', this.config);
    const self = process.resourceUsage();
    this.log.info(cpuUsageLine({ user: self.userCPUTime, system: self.systemCPUTime }, this.childUsage));
    this.log.info(`Stopped ${VERSION_STRING}`);
    removePidFile(this.pids.parent);
    if (this.nsState) leaveNamespace(this.nsState, this.nsSys(), this.log);
    if (this.pidDirCreated) removePidDir(this.nsSys(), this.log);
    await this.log.flush();
    this.log.close();
    this.deps.exit(code);
  }

  /** For tests. */
  childPids(): Partial<Record<ChildRole, number>> {
    const r: Partial<Record<ChildRole, number>> = {};
    for (const [role, s] of this.children) r[role] = s.handle.pid;
    return r;
  }
}

/** log_facility in the config: LOG_LOCAL0..7, or the names -S takes. */
export function facilityFromConfig(v: string): number | undefined {
  const s = v.toLowerCase().replace(/^log_/, '');
  if (/^[0-7]$/.test(s)) return 16 + Number(s);
  const m = /^local([0-7])$/.exec(s);
  if (m) return 16 + Number(m[1]);
  if (s === 'user') return 1;
  if (s === 'daemon') return 3;
  return undefined;
}

