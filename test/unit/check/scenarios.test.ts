// Checker scenarios as data (test/unit/check/scenarios/<name>/events.jsonl -> expected-actions.jsonl, see
// scenario-runner.ts): the per-checker FSM (fsm-*) and the RS/VS core (core-*). Every line a step
// produces (log line, state update with its mail, weight, delay to the next check and its time; core log
// line, event, IPVS change, snapshot of the IPVS destinations) must be the expected one, in order.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertExpected, EXPECTED, readJsonl, scenarioNames, type Line } from '../../helpers/jsonl-scenarios.js';
import { loadScenario, runScenario } from './scenario-runner.js';

const root = join(dirname(fileURLToPath(import.meta.url)), 'scenarios');

describe('check: checker scenarios as data (scenarios/*/events.jsonl -> expected-actions.jsonl)', () => {
  const names = scenarioNames(root);
  it('there are scenarios of both cores', () => {
    assert.ok(names.filter((n) => n.startsWith('fsm-')).length >= 30, 'checker FSM');
    assert.ok(names.filter((n) => n.startsWith('core-')).length >= 10, 'RS/VS core');
  });
  for (const name of names) {
    const s = loadScenario(join(root, name), name);
    it(`${name}: ${s.header.title}`, () => assertExpected(s, runScenario(s)));
  }

  describe('the runner fails on a difference', () => {
    const name = 'fsm-tcp-retry-1';
    const s = loadScenario(join(root, name), name);
    const want = readJsonl<Line>(join(root, name, EXPECTED));
    const lines = runScenario(s);
    const at = want.findIndex((l) => l.kind === 'log');
    it('a changed log line, naming the file and line', () => {
      const changed = want.map((l, i) => (i === at ? { ...l, msg: `${String(l.msg)}!` } : l));
      assert.throws(() => assertExpected(s, lines, changed), new RegExp(`${name}/${EXPECTED} line ${at + 1}\\b`));
    });
    it('a changed time or delay', () => {
      const next = want.findIndex((l) => l.kind === 'next' && (l.at as number) > 0);
      const later = want.map((l, i) => (i === next ? { ...l, at: (l.at as number) + 1 } : l));
      assert.throws(() => assertExpected(s, lines, later), new RegExp(`line ${next + 1}\\b`));
      assert.throws(() => assertExpected(s, lines, want.map((l, i) => (i === next ? { ...l, delayMs: 1 } : l))),
        new RegExp(`line ${next + 1}\\b`));
    });
    it('a missing line, and an extra one', () => {
      assert.throws(() => assertExpected(s, lines, want.filter((_, i) => i !== at)), new RegExp(`line ${at + 1}\\b`));
      assert.throws(() => assertExpected(s, lines, want.slice(0, -1)), new RegExp(`line ${want.length}\\b`));
      assert.throws(() => assertExpected(s, lines, [...want, { step: 99 }]), new RegExp(`line ${want.length + 1}\\b`));
    });
    it('a step of the other core', () => {
      assert.throws(() => runScenario({ ...s, steps: [{ checker: 0, up: true }] }), /not a checker step/);
      const core = loadScenario(join(root, 'core-start'), 'core-start');
      assert.throws(() => runScenario({ ...core, steps: [{ outcome: { ok: true } }] }), /not a core step/);
    });
  });
});
