// keepalived(8) entry point: command line, -t / -T hand-offs, daemonising, and the parent's
// signal wiring. bin/keepalived calls main(process.argv.slice(2)). genhash (-T) and `migrate` are
// imported only when asked for: they are not on the daemon's or -t's path (60 ms of start-up).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseCommandLine, type CliOptions } from './cli.js';
import { runConfigTest } from '../config/load.js';
import { configLoader } from './config-source.js';
import { syslogIdent } from './log-format.js';
import { createDaemonLogger } from './log-sink.js';
import { Parent, forkLauncher } from './parent.js';
import { malformedInput } from '../common/malformed.js';
import { watchRealtimeSignal } from './rt-signals.js';
import { sdNotifier } from './sd-notify.js';
import { usageText } from './usage.js';
import { saveConfigCopy } from './config-save.js';
import { versionText } from './version.js';
import { setCommandLine, setProcessName } from './process/identity.js';
import { realProcessSys } from './process/sys.js';

const DAEMON_ENV = 'KEEPALIVED_TS_DAEMONIZED';

function out(lines: string[], stream: NodeJS.WriteStream): void {
  for (const l of lines) stream.write(`${l}\n`);
}

/** Sets the exit code and lets stdout/stderr drain before leaving. */
function finish(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

export async function main(argv: string[]): Promise<void> {
  // Beyond keepalived: `keepalived migrate --from ldirectord|heartbeat|piranha PATH` (src/migrate).
  if (argv[0] === 'migrate') return finish((await import('../migrate/cli.js')).migrateMain(argv.slice(1)));
  const r = parseCommandLine(argv);
  out(r.stderr, process.stderr);
  out(r.stdout, process.stdout);
  switch (r.action) {
    case 'exit': return finish(r.code);
    case 'help': process.stderr.write(usageText(process.argv[1] ?? 'keepalived')); return finish(0);
    case 'version': process.stderr.write(versionText()); return finish(0);
    case 'genhash': {
      // Run as `keepalived -T`, genhash names itself the way keepalived does in its usage text.
      const prog = process.argv[1] ?? 'keepalived';
      const rename = (t: string) => t.replace(/^Usage: genhash /m, `Usage: ${prog} --genhash `);
      const io = { out: (t: string) => { process.stdout.write(rename(t)); },
        err: (t: string) => { process.stderr.write(rename(t)); } };
      const { genhashMain } = await import('../check/genhash.js');
      return finish(await genhashMain(r.argv, io));
    }
    case 'config-test': {
      // `ps` / pidof see a `keepalived` (2.2.7's -t, and its reload_check_config check, is the binary itself)
      const sys = realProcessSys();
      setCommandLine(sys, [process.argv[1] ?? 'keepalived', ...process.argv.slice(2)]);
      setProcessName(sys, undefined);
      return finish(configTest(r.opts));
    }
    case 'run': break;
  }
  const opts = r.opts;
  // keepalived's umask_val: 0177 unless -u (or global_defs umask, applied once the file is read) says otherwise
  process.umask(opts.umask ?? 0o177);
  if (!opts.dontFork && process.env[DAEMON_ENV] !== '1') return daemonize(argv);
  // Our own marker must not reach children or notify scripts.
  delete process.env[DAEMON_ENV];
  await runParent(opts);
}

function configTest(opts: CliOptions): number {
  const res = runConfigTest(opts.configFile, { configId: opts.configId, allConfig: opts.allConfig });
  // 2.2.7's -t writes its consolidated copy to config_save_dir too (keepalived.conf.PID.0)
  if (res.configSaveDir !== undefined) saveConfigCopy(res.configSaveDir, 0, opts.configFile,
    { configId: opts.configId, allConfig: opts.allConfig });
  const text = res.stderrLines.map((l) => `${l}\n`).join('');
  if (opts.configTest?.logFile) {
    try { writeFileSync(opts.configTest.logFile, text); } catch { process.stderr.write(text); }
  } else process.stderr.write(text);
  // keepalived counts a rejected -S value as a config error under -t.
  return res.exitCode === 0 && opts.logFacilityInvalid !== undefined ? 5 : res.exitCode;
}

/** keepalived forks and the foreground process exits 0; the daemon runs in its own session. */
function daemonize(argv: string[]): void {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...argv], {
    detached: true, stdio: 'ignore', env: { ...process.env, [DAEMON_ENV]: '1' },
  });
  child.unref();
  finish(0);
}

async function runParent(opts: CliOptions): Promise<void> {
  // `ps`, pidof, pgrep and killall see "keepalived" and the command line it was started with
  const commandLine = [process.argv[1] ?? 'keepalived', ...process.argv.slice(2)];
  const sys = realProcessSys();
  setCommandLine(sys, commandLine);
  setProcessName(sys, undefined);
  const logger = createDaemonLogger({
    // net_namespace / -s change it once the configuration is read ("Changing syslog ident to ...")
    ident: syslogIdent('parent'),
    facility: opts.logFacility ?? 3,
    detail: opts.logDetail,
    console: opts.logConsole,
    syslog: !opts.noSyslog,
  });
  const loadConfig = await configLoader();
  if ('error' in loadConfig) {
    logger.error(loadConfig.error);
    await logger.flush();
    logger.close();
    return finish(1);
  }
  // malformed netlink or IPC input seen by this process is logged as a warning (common/malformed.ts)
  malformedInput.setLog((l) => logger.warn(l));
  const parent = new Parent(opts, {
    logger,
    loadConfig,
    launch: forkLauncher,
    commandLine,
    process: sys,
    exit: (code) => finish(code),
    tmpDir: process.env.KEEPALIVED_TS_TMP_DIR || '/tmp',
    notify: sdNotifier(),
  });
  process.on('SIGHUP', () => { void parent.reload(); });
  process.on('SIGTERM', () => { void parent.stop(0); });
  process.on('SIGINT', () => { if (!opts.ignoreSigint) void parent.stop(0); });
  process.on('SIGUSR1', () => parent.dump('data'));
  process.on('SIGUSR2', () => parent.dump('stats'));
  process.on('SIGPIPE', () => {});
  for (const w of unsupportedOptionWarnings(opts)) logger.warn(w);
  const json = watchRealtimeSignal(36, () => parent.dump('json'));
  const clear = watchRealtimeSignal(63, () => parent.dump('stats_clear'));
  if (!json || !clear) logger.warn('JSON (signal 36) and STATS_CLEAR (signal 63) dumps are unavailable: node was started without --expose-internals');
  await parent.start();
}

/** Options keepalived has and this implementation accepts but does not act on (P2 in the feature table). */
export function unsupportedOptionWarnings(o: CliOptions): string[] {
  const names: string[] = [];
  if (o.logFile !== undefined) names.push('-g/--log-file');
  if (o.snmp || o.snmpAgentSocket !== undefined) names.push('-x/--snmp');
  if (o.coreDump) names.push('-m/--core-dump');
  if (o.addressMonitoring) names.push('-a/--address-monitoring');
  if (o.debug !== undefined) names.push('--debug');
  return names.map((n) => `Option ${n} is not supported by this keepalived implementation - ignored`);
}
