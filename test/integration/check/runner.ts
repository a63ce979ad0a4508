// Runs the checker engine in a network namespace for integration tests:
//   node --import tsx runner.ts CONFIG_FILE
// Prints every log line as `LOG <line>`, every desired IPVS state as `LVS <json>`, every event as
// `EVT <json>`; SIGTERM stops the checkers (Shutting down lines) and exits.
import { parseConfigFile } from '../../../src/config/load.js';
import { makeLogger } from '../../../src/common/log.js';
import { startCheckers } from '../../../src/check/index.js';

const file = process.argv[2]!;
const parsed = await parseConfigFile(file, { skipScriptSecurity: true });
const w = (s: string): void => { process.stdout.write(s + '\n'); };
const logger = makeLogger((_lvl, msg) => w(`LOG ${msg}`), 0);
const h = await startCheckers(parsed.config, {
  logger,
  lvs: { apply: async (s) => { w(`LVS ${JSON.stringify(s.services.map((x) => ({ vs: x.vs.vs, d: x.destinations.map((d) => `${d.address}:${d.port}/${d.weight}`) })))}`); } },
  onEvent: (e) => w(`EVT ${JSON.stringify({ kind: e.kind, up: e.up, mail: 'mailBody' in e ? e.mailBody : undefined, rs: 'rsText' in e ? e.rsText : undefined })}`),
});
process.on('SIGTERM', () => { void h.stop().then(() => { w('STOPPED'); process.exit(0); }); });
w('STARTED');
