// Runs the tracked objects a config uses: one ScriptRunner per referenced vrrp_script, one
// TrackFileWatcher per referenced track_file (after init_file has written the files it asks for),
// and the process monitor for every vrrp_track_process block; reports changes as tracker ids
// ('script:NAME', 'file:NAME', 'process:NAME') with their status, and answers the current status
// for start-up. The process-event socket is opened once (or taken from the parent, see
// process-track/connector-port.ts) and kept across reloads; each start counts the processes again.
import { monotonicClock, type Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { KeepalivedConfig } from '../../config/model.js';

/** The parts of a configuration the trackers read. */
export type TrackerConfig = Pick<KeepalivedConfig,
  'global' | 'vrrpInstances' | 'vrrpSyncGroups' | 'vrrpScripts' | 'trackFiles' | 'trackProcesses'>;
import type { TrackerRef, TrackerStatus } from '../fsm-types.js';
import { scriptIds, type UserDb } from '../../host/users.js';
import { resolveScriptFile } from '../../host/script-security.js';
import { systemScriptHost, systemUserDb } from '../../host/system.js';
import { ScriptRunner, type RiseFallState } from './script-runner.js';
import { initTrackFile, TrackFileWatcher, trackFileUsable } from './track-file.js';
import { connectorForThisProcess, EPROTONOSUPPORT, errnoText, type ConnectorPort, type OpenFailure } from '../process-track/connector-port.js';
import { configuredCpus, nodeTimers, ProcessMonitor, type ConnectorState, type Timers } from '../process-track/monitor.js';
import { rcvBufFor } from './rcvbuf.js';
import { realProcFiles, type ProcFiles } from '../process-track/proc-source.js';
import { specOf } from '../process-track/spec.js';

/** What the process monitor runs on (the real connector and /proc by default; fakes in tests). */
export interface TrackerHubDeps {
  connector?: () => ConnectorPort | OpenFailure;
  procFiles?: ProcFiles;
  clock?: Clock;
  timers?: Timers;
  cpus?: number;
}

function trackedScripts(config: TrackerConfig): Set<string> {
  const used = new Set<string>();
  for (const o of [...config.vrrpInstances, ...config.vrrpSyncGroups]) o.trackScript.forEach((r) => used.add(r.name));
  return used;
}

/** 2.2.7's "Warning - script X is not used" for each vrrp_script nothing tracks (logged at the end of its config
 *  completion). */
export function unusedScriptLines(config: TrackerConfig): string[] {
  const used = trackedScripts(config);
  return config.vrrpScripts.filter((s) => !used.has(s.name)).map((s) => `Warning - script ${s.name} is not used`);
}

export class TrackerHub {
  private readonly scripts = new Map<string, ScriptRunner>();
  private readonly files = new Map<string, TrackFileWatcher>();
  private processes?: ProcessMonitor;
  private port?: ConnectorPort;
  private portTried = false;
  private readonly conn: ConnectorState = { listening: false, responded: false };
  private started = false;
  /** The scripts' results when they stopped for a reload (2.2.7 keeps them: clear_diff_script). */
  private previous = new Map<string, RiseFallState>();

  constructor(
    private readonly log: Logger, private readonly onChange: (tracker: TrackerRef, status: TrackerStatus) => void,
    private readonly userDb: () => UserDb = () => systemUserDb(),
    private readonly deps: TrackerHubDeps = {},
  ) {}

  start(config: TrackerConfig): void {
    const reload = this.started;
    this.started = true;
    for (const f of config.trackFiles) initTrackFile(f, reload, this.log);
    const usedScripts = trackedScripts(config);
    const usedFiles = new Set<string>();
    for (const o of [...config.vrrpInstances,
      ...config.vrrpSyncGroups]) o.trackFile.forEach((r) => usedFiles.add(r.name));
    const db = this.userDb();
    const previous = this.previous;
    this.previous = new Map();
    // 2.2.7: each script of the old config that is in the new one and had a result keeps it
    for (const [name, st] of previous) {
      if (usedScripts.has(name) && config.vrrpScripts.some((s) => s.name === name)) this.log.info(`VRRP_Script(${name}) considered ${st.ok ? 'successful' : 'unsuccessful'} on reload`);
    }
    for (const s of config.vrrpScripts) {
      // 2.2.7 drops a vrrp_script no instance or group tracks (a sync group drops weighted ones): unusedScriptLines()
      if (!usedScripts.has(s.name)) continue;
      if (s.insecure || this.scripts.has(s.name)) continue;
      // Its user (own `user`, else the default script user); the parser removed those that do not resolve.
      const ids = scriptIds(s.user ?? {}, config.global, db);
      if (!ids) continue;
      const file = resolveScriptFile(s.script.argv[0] ?? '', ids, systemScriptHost);
      const r = new ScriptRunner(s, ids, this.log, (ok) => this.onChange({ kind: 'script', name: s.name }, { ok }), file, previous.get(s.name));
      this.scripts.set(s.name, r);
      r.start();
    }
    for (const f of config.trackFiles) {
      if (!usedFiles.has(f.name) || this.files.has(f.name) || !trackFileUsable(f, this.log)) continue;
      this.files.set(f.name, new TrackFileWatcher(f.file, (value) => this.onChange({ kind: 'file', name: f.name }, { value }), 1000, this.log));
    }
    // keepalived monitors every vrrp_track_process block, used or not
    if (config.trackProcesses.length) this.startProcesses(config, reload);
  }

  private startProcesses(config: TrackerConfig, reload: boolean): void {
    const d = this.deps;
    if (!this.portTried) {
      this.portTried = true;
      const p = (d.connector ?? connectorForThisProcess)();
      if ('errno' in p) {
        if (p.op === 'bind') this.log.info(`Failed to bind to process monitoring socket - errno ${p.errno} - ${errnoText(p.errno)}`);
        else if (p.errno === EPROTONOSUPPORT) this.log.detail('track_process not available - is CONFIG_PROC_EVENTS enabled in kernel config?');
        else this.log.info(`Failed to open process monitoring socket - errno ${p.errno} - ${errnoText(p.errno)}`);
      } else this.port = p;
    }
    this.processes = new ProcessMonitor(config.trackProcesses.map(specOf), {
      port: this.port, files: d.procFiles ?? realProcFiles, clock: d.clock ?? monotonicClock,
      timers: d.timers ?? nodeTimers,
      log: this.log, cpus: d.cpus ?? configuredCpus(),
      // process_monitor_rcv_bufs: 2.2.7 sets it at start only (measured: a reload leaves the size as it was)
      ...(reload ? {} : { rcvBuf: rcvBufFor(config.global, 'process_monitor') }),
      regrowForce: config.global.netlinkRcvBufs?.process_monitor?.force ?? false,
    }, this.conn, (name, up) => this.onChange({ kind: 'process', name }, { ok: up }));
    this.processes.start();
  }

  /** Current status of a tracker, if known (scripts: after their first result). */
  status(t: TrackerRef): TrackerStatus | undefined {
    switch (t.kind) {
      case 'script': {
        const ok = this.scripts.get(t.name)?.ok;
        return ok === undefined ? undefined : { ok };
      }
      case 'file': {
        const w = this.files.get(t.name);
        return w ? { value: w.value } : undefined;
      }
      case 'process': {
        const ok = this.processes?.haveQuorum(t.name);
        return ok === undefined ? undefined : { ok };
      }
      default: return undefined;
    }
  }

  /** Stops every tracker; the process-event socket stays open for the next start (a reload). */
  stop(): void {
    for (const [name, s] of this.scripts) {
      s.stop();
      const st = s.state();
      if (st) this.previous.set(name, st);
    }
    for (const f of this.files.values()) f.close();
    this.processes?.stop();
    this.processes = undefined;
    this.scripts.clear();
    this.files.clear();
  }
}
