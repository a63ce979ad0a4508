// Writes expected-actions.jsonl of the named scenario folders from what the FSM does now:
//   npx tsx test/unit/vrrp/scenarios/record.ts NAME...
// Only for a new scenario or a deliberate change of behaviour: review the diff of the data before
// committing it (the runner, scenarios.test.ts, fails on any difference).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario, runScenario } from '../scenario-runner.js';

const here = dirname(fileURLToPath(import.meta.url));
for (const name of process.argv.slice(2)) {
  const dir = join(here, name);
  const { lines } = runScenario(loadScenario(dir, name));
  writeFileSync(join(dir, 'expected-actions.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  console.log(`${name}: ${lines.length} lines`);
}
