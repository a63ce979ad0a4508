// Test runner for our VRRP subsystem inside a lab namespace:
//   node --import tsx run-ours.ts CONF [-V]
// Parses CONF with the project parser (its diagnostics logged as the daemon's parent logs them,
// at start-up and on each reload), starts VRRP with -D detail, writes log lines (keepalived's
// text, no prefix) to stderr and notify events as "NOTIFY KIND NAME STATE PRIO" to stdout.
// SIGTERM: "Stopping", priority 0 / VIP removal (none with -V), "Stopped", exit 0. SIGHUP: reload. SIGUSR1: snapshot.
import { makeLogger } from '../../../src/common/log.js';
import { formatDiagnostic } from '../../../src/parser/index.js';
import { parseConfigFile } from '../../../src/config/load.js';
import { isStartFailure, startVrrp } from '../../../src/vrrp/index.js';

const conf = process.argv[2];
const dontRelease = process.argv.includes('-V');
if (!conf) { process.stderr.write('usage: run-ours.ts CONF\n'); process.exit(2); }
const logger = makeLogger((_level, msg) => { process.stderr.write(`${msg}\n`); }, 1);
const parsed = parseConfigFile(conf, { configId: 'lab' });
for (const d of parsed.diagnostics) logger.info(formatDiagnostic(d));
if (parsed.aborted) process.exit(2);
logger.info(`Configuration file ${conf}`);
const started = await startVrrp(parsed.config, {
  releaseVipsAlways: dontRelease,
  logger,
  onStateChange: (ev) => { process.stdout.write(`NOTIFY ${ev.kind} ${ev.name} ${ev.state} ${ev.priority}\n`); },
});
if (isStartFailure(started)) {
  logger.error(started.permanentError.message);
  process.exit(78); // the VRRP child's exit code for KEEPALIVED_EXIT_CONFIG (src/daemon/ipc.ts)
}
const handle = started;
let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  logger.info('Stopping');
  await handle.stop({ dontRelease });
  logger.info('Stopped');
  process.exit(0);
};
process.on('SIGTERM', () => { void stop(); });
process.on('SIGINT', () => { void stop(); });
process.on('SIGHUP', () => {
  logger.info('Reloading');
  const next = parseConfigFile(conf, { configId: 'lab' });
  for (const d of next.diagnostics) logger.info(formatDiagnostic(d));
  if (next.aborted) { logger.error('config: reload aborted'); return; }
  void handle.reload(next.config).then(() => logger.info('Reload finished'));
});
process.on('SIGUSR1', () => { process.stdout.write(`SNAPSHOT ${JSON.stringify(handle.snapshot())}\n`); });
