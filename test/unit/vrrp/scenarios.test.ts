// FSM scenarios as data (test/unit/vrrp/scenarios/<name>/events.jsonl -> expected-actions.jsonl, see
// scenario-runner.ts): every action the FSM returns, with its time, must be the expected one, in order;
// a scenario naming a keepalived 2.2.7 log (data/ka227-*.log, recorded in namespaces) must also print
// the same VRRP lines in the same order.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertExpected, scenarioNames } from '../../helpers/jsonl-scenarios.js';
import { loadScenario, runScenario } from './scenario-runner.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, 'scenarios');

/** The VRRP lines of a keepalived log ("(VI) Sending/queueing ..." is the runtime's, not the FSM's). */
function keepalivedLines(file: string): string[] {
  return readFileSync(join(here, 'data', file), 'utf8').split('\n').filter((l) => l.startsWith('(') && !l.includes(') Sending/queueing '));
}

describe('vrrp/fsm scenarios as data (scenarios/*/events.jsonl -> expected-actions.jsonl)', () => {
  const names = scenarioNames(root);
  it('there are scenarios', () => assert.ok(names.length >= 20, `${names.length} scenarios`));
  for (const name of names) {
    const s = loadScenario(join(root, name), name);
    it(`${name}: ${s.header.title}`, () => {
      const { lines, logs } = runScenario(s);
      assertExpected(s, lines);
      if (s.header.keepalivedLog) assert.deepEqual(logs, keepalivedLines(s.header.keepalivedLog), `the log of keepalived 2.2.7 (${s.header.keepalivedLog})`);
    });
  }
});
