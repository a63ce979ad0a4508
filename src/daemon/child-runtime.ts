// What runs inside a child process (VRRP or checker): receives its options and the parsed config
// from the parent over the IPC channel, logs with its own ident and pid, writes its pid file,
// starts the subsystem, and turns parent messages into reload / dump / stop. When the channel
// closes (the parent died, even by SIGKILL) it stops cleanly, like keepalived's
// PR_SET_PDEATHSIG(SIGTERM): no orphan keeps VIPs or IPVS entries.
import { resourceLines, sampleResources } from './process-resources.js';
import { shareStrings } from '../common/share-strings.js';
import { monotonicClock } from '../common/clock.js';
import type { KeepalivedConfig } from '../config/model.js';
import { dumpFailureLines, dumpReloadFile, formatJsonDump, formatStatsDump, formatVrrpDataDump, globalDefsLines, writeDump } from './dumps/index.js';
import { toDumpSnapshot } from './dumps/from-vrrp.js';
import { readInterfaces } from './dumps/interfaces.js';
import { malformedInput } from '../common/malformed.js';
import { CHILD_EXIT, decodeParentToChild, type ChildRole, type ChildToParent, type DumpKind, type ParentToChild } from './ipc.js';
import { createDaemonLogger, type DaemonLogger } from './log-sink.js';
import { stoppedUsageLine } from './log-format.js';
import { childrenUsage } from './rusage.js';
import { removePidFile, writePidFile } from './pidfile.js';
import { loadSubsystem } from './child-subsystems.js';
import { probeStart } from './probe-subsystem.js';
import { isPermanentError, type StartFn, type SubsystemHandle } from './subsystem.js';
import { ProcessPriorities, schedSettingsFor } from './process/priorities.js';
import { renameOnReload, setProcessName } from './process/identity.js';
import { watchLateTimers, type LateTimerWatch } from './process/late-timers.js';
import { realProcessSys } from './process/sys.js';
import { checkerFdsRequired, FileLimit, vrrpFdsRequired } from './process/file-limit.js';
import { ReloadDumps, stickySaveDir } from './config-save.js';

const send = (m: ChildToParent) => { if (process.connected && process.send) process.send(m); };

/** The subsystem entry for a role: the probe stand-in in test mode, else the real subsystem. */
function loadStart(role: ChildRole): Promise<StartFn> {
  return process.env.KEEPALIVED_TS_PROBE_SUBSYSTEMS === '1' ? Promise.resolve(probeStart(role)) : loadSubsystem(role);
}

/**
 * One listener from the first moment: messages that arrive while the subsystem is still starting
 * (a reload, a dump, a stop) are queued and handled in order once it is up.
 */
class Inbox {
  private queue: ParentToChild[] = [];
  private handler?: (m: ParentToChild) => void;
  private waiter?: (m: ParentToChild | undefined) => void;
  constructor() {
    process.on('message', (raw: unknown) => {
      const d = decodeParentToChild(raw);
      if (!d.ok) { malformedInput.note('ipc', d.reason, 'message from the parent'); return; }
      const m = d.msg;
      if (this.waiter) { const w = this.waiter; this.waiter = undefined; w(m); }
      else if (this.handler) this.handler(m);
      else this.queue.push(m);
    });
    process.on('disconnect', () => { if (this.waiter) { const w = this.waiter; this.waiter = undefined; w(undefined); } });
  }
  next(): Promise<ParentToChild | undefined> {
    const m = this.queue.shift();
    if (m) return Promise.resolve(m);
    if (!process.connected) return Promise.resolve(undefined);
    return new Promise((resolve) => { this.waiter = resolve; });
  }
  /** Handles the queued messages, then every later one, with `fn`. */
  drainTo(fn: (m: ParentToChild) => void): void {
    this.handler = fn;
    for (const m of this.queue.splice(0)) fn(m);
  }
}

/** The configured name of this child's process (vrrp_process_name / checker_process_name). */
const nameOf = (role: ChildRole, c: KeepalivedConfig) => (role === 'vrrp' ? c.global.vrrpProcessName : c.global.checkerProcessName);

export async function runChild(role: ChildRole): Promise<void> {
  if (!process.send) { process.stderr.write('keepalived child: must be started by the keepalived parent\n'); process.exit(1); }
  // Stop signals are handled below; until then ignore them, as a freshly forked keepalived child would block them.
  const early = () => {};
  process.on('SIGTERM', early); process.on('SIGINT', early); process.on('SIGHUP', early);
  const inbox = new Inbox();
  // Load the subsystem's code while the parent is still sending the config (start-up latency).
  const startP = loadStart(role).catch((e: Error) => e);
  const init = await inbox.next();
  if (!init || init.type !== 'init') process.exit(0);
  const o = init.options;
  // JSON IPC made a string per occurrence (every source position's file name): one copy each.
  let config: KeepalivedConfig = shareStrings(init.config);
  const logger: DaemonLogger = createDaemonLogger({
    ident: o.ident, facility: o.facility, detail: o.logDetail, console: o.logConsole, syslog: !o.noSyslog,
    syslogPath: o.syslogPath,
  });
  // malformed netlink or IPC input seen by this child is logged as a warning (common/malformed.ts)
  malformedInput.setLog((l) => logger.warn(l));
  writePidFile(o.pidFile);
  const what = role === 'vrrp' ? 'VRRP' : 'checker';
  let handle: SubsystemHandle | undefined;
  let stopping = false;
  const sys = realProcessSys();
  // a child keeps the name it was forked with unless its own is configured
  if (nameOf(role, config) !== undefined) setProcessName(sys, nameOf(role, config), logger);
  const prio = new ProcessPriorities(sys, logger, role, (fn) => { process.on('SIGXCPU', fn); });
  let lateWatch: LateTimerWatch | undefined;

  const finish = async (code: number) => {
    lateWatch?.stop();
    // back to normal scheduling before leaving
    prio.reset();
    const u = process.resourceUsage();
    logger.info(stoppedUsageLine({ user: u.userCPUTime, system: u.systemCPUTime }, childrenUsage()));
    send({ type: 'stopped', usage: { user: u.userCPUTime, system: u.systemCPUTime } });
    removePidFile(o.pidFile);
    await logger.flush();
    logger.close();
    // Let the IPC message go out before leaving.
    setTimeout(() => process.exit(code), 20);
  };
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    try { await handle?.stop(); } catch (e) { logger.error(`${what} stop failed: ${(e as Error).message}`); }
    await finish(0);
  };

  const start = await startP;
  if (start instanceof Error) {
    logger.error(`${what} start failed: ${start.message}`);
    send({ type: 'permanent-error', kind: 'FATAL', message: start.message });
    await finish(CHILD_EXIT.FATAL);
    return;
  }
  process.on('disconnect', () => { void stop(); });
  process.off('SIGTERM', early); process.off('SIGINT', early); process.off('SIGHUP', early);
  process.on('SIGTERM', () => { void stop(); });
  process.on('SIGINT', () => { void stop(); });
  process.on('SIGHUP', () => { /* reloads come from the parent with the new config */ });

  // enough descriptors for what this configuration runs (2.2.7's set_max_file_limit), before its checks start
  const fileLimit = new FileLimit(sys, logger);
  const fdsRequired = (c: KeepalivedConfig): number | undefined => (role === 'checker' ? checkerFdsRequired(c) : vrrpFdsRequired(c));
  fileLimit.apply(fdsRequired(config));
  try {
    const r = await start(config, {
      logger, clock: monotonicClock, dontRelease: o.dontRelease, releaseVips: o.releaseVips, logDetail: o.logDetail,
      ...(o.configLines ? { configLines: o.configLines } : {}),
    });
    if (isPermanentError(r)) {
      if (r.permanentError.message) logger.error(r.permanentError.message);
      send({ type: 'permanent-error', kind: r.permanentError.kind, message: r.permanentError.message });
      stopping = true;
      await finish(CHILD_EXIT[r.permanentError.kind]);
      return;
    }
    handle = r;
  } catch (e) {
    // A start that throws is permanent too; an error carrying kind 'CONFIG' maps to keepalived's
    // KEEPALIVED_EXIT_CONFIG (e.g. "Non-existent interface specified in configuration").
    const kind = (e as { kind?: unknown }).kind === 'CONFIG' ? 'CONFIG' : 'FATAL';
    logger.error(`${what} start failed: ${(e as Error).message}`);
    send({ type: 'permanent-error', kind, message: (e as Error).message });
    stopping = true;
    await finish(CHILD_EXIT[kind]);
    return;
  }
  send({ type: 'started' });
  // keepalived sets the child's priorities once it has started (start_vrrp / start_check)
  prio.apply(schedSettingsFor(config.global, role));
  lateWatch = watchLateTimers((late) => prio.timerLate(late, config.global.minAutoPriorityDelay ?? 1_000_000));
  // -d: dump the configuration this child runs to the log, once, as keepalived does at start.
  if (o.dumpConf && role === 'vrrp') {
    const snap = toDumpSnapshot(handle.snapshot());
    if (snap) for (const l of formatVrrpDataDump(config, snap).trimEnd().split('\n')) logger.info(l);
  }
  // The parent went away while we were starting: stop now (nothing else will tell us).
  if (!process.connected) { await stop(); return; }

  /** This child's data dump (USR1, and config_save_dir's .pre / .post); undefined without a VRRP snapshot. */
  const dataText = (): string | undefined => {
    if (!handle) return undefined;
    if (role === 'checker') {
      const extra = handle.dumpData?.() ?? '';
      return globalDefsLines(config.global, { parent: false, proc: 'checker', instance: config.instanceName, reload: { reloadFile: dumpReloadFile(config) }, netnsIpvs: config.netNamespaceIpvs }).map((l) => `${l}\n`).join('') + extra;
    }
    const snap = toDumpSnapshot(handle.snapshot());
    return snap ? formatVrrpDataDump(config, { ...snap, interfaces: readInterfaces() }) : undefined;
  };
  const reloadDumps = new ReloadDumps(role === 'vrrp' ? 'vrrp' : 'check', logger);
  let saveDir = stickySaveDir(undefined, config);

  /** A data dump written on signal ends with this process's resources (process-resources.ts). */
  const withResources = (text: string): string => `${text}${resourceLines(sampleResources(role)).join('\n')}\n`;

  const dump = (kind: DumpKind) => {
    if (!handle) return;
    const pid = process.pid;
    if (role === 'checker') {
      if (kind !== 'data') return;
      logger.info(`Printing checker data for process(${pid}) on signal`);
      const err = writeDump(o.dumpPaths.data, withResources(dataText() ?? ''));
      if (err) for (const l of dumpFailureLines(o.dumpPaths.data, err, 'keepalived_check.data')) logger.info(l);
      return;
    }
    const snap = toDumpSnapshot(handle.snapshot());
    if (!snap) { logger.error(`VRRP snapshot unavailable for ${kind} dump`); return; }
    let path: string; let text: string;
    if (kind === 'data') { logger.info(`Printing VRRP data for process(${pid}) on signal`); path = o.dumpPaths.data; text = withResources(dataText() ?? ''); }
    else if (kind === 'json') { logger.info(`Printing VRRP as json for process(${pid}) on signal`); path = o.dumpPaths.json; text = formatJsonDump(config, snap); }
    else { logger.info(`Printing VRRP stats for process(${pid}) on signal`); path = o.dumpPaths.stats; text = formatStatsDump(snap); }
    const err = writeDump(path, text);
    if (err) for (const l of dumpFailureLines(path, err, kind === 'data' ? 'keepalived.data' : undefined)) logger.info(l);
    if (kind === 'stats_clear') handle.clearStats?.();
  };

  inbox.drainTo((m) => {
    if (stopping) return;
    if (m.type === 'stop') void stop();
    // standard scheduling while reloading, as 2.2.7, before the configuration arrives
    else if (m.type === 'reload-begin') prio.reset();
    else if (m.type === 'dump') {
      try { dump(m.kind); } catch (e) { logger.error(`Dump failed: ${(e as Error).message}`); }
    } else if (m.type === 'reload') {
      logger.info('Reloading');
      prio.reset();
      // config_save_dir: the state before the reload, and after it below
      reloadDumps.save(saveDir, false, () => dataText() ?? '');
      const next = shareStrings(m.config);
      renameOnReload(sys, nameOf(role, config), nameOf(role, next), logger);
      if (next.global.umask !== undefined && !o.umaskFromCommandLine) process.umask(next.global.umask);
      config = next;
      saveDir = stickySaveDir(saveDir, next);
      fileLimit.apply(fdsRequired(next));
      const settle = () => { if (!stopping) prio.apply(schedSettingsFor(next.global, role)); };
      Promise.resolve().then(() => handle?.reload(next, m.configLines)).then(
        () => { reloadDumps.save(saveDir, true, () => dataText() ?? ''); settle(); send({ type: 'reloaded', ok: true }); },
        (e: Error) => { settle(); logger.error(`Reload failed: ${e.message}`); send({ type: 'reloaded', ok: false }); },
      );
    }
  });
}
