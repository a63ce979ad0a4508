// Writes expected-actions.jsonl of the named checker scenario folders from what the cores do now:
//   npx tsx test/unit/check/scenarios/record.ts NAME...
// Only for a new scenario or a deliberate change of behaviour: review the diff of the data before
// committing it (scenarios.test.ts fails on any difference).
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordScenarios } from '../../../helpers/jsonl-scenarios.js';
import { loadScenario, runScenario } from '../scenario-runner.js';

await recordScenarios(dirname(fileURLToPath(import.meta.url)), process.argv.slice(2),
  (dir, name) => runScenario(loadScenario(dir, name)));
