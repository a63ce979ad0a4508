// Checker scenarios as data (test/unit/check/scenarios/<name>/events.jsonl -> expected-actions.jsonl, see
// scenario-runner.ts): the per-checker FSM (fsm-*), the RS/VS core (core-*) and the engine replaying
// keepalived 2.2.7 captures (replay-*). Every line a step produces (log line, state update with its mail,
// weight, delay to the next check and its time; core log line, event, IPVS change, snapshot of the IPVS
// destinations; engine log line, event and IPVS state with its time) must be the expected one, in order;
// a replay must also log keepalived's checker lines, and hand over its destination sets, in its order.
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
    it(`${name}: ${s.header.title}`, async () => {
      const lines = await runScenario(s);
      assertExpected(s, lines);
      const ka = 'engine' in s.header ? s.header.keepalived : undefined;
      if (ka) {
        assert.deepEqual(lines.filter((l) => l.kind === 'log').map((l) => l.msg), ka.lines, `keepalived 2.2.7's lines (${ka.capture})`);
        if (ka.ipvs) {
          const octets = (l: Line): string => ((l.services as string[][])[0] ?? []).map((d) => d.split(/[.:]/)[3]).join(',');
          const sets = lines.filter((l) => l.kind === 'ipvs').map((l) => octets(l) || '-');
          assert.deepEqual(sets, ka.ipvs, `keepalived 2.2.7's destination sets (${ka.capture})`);
        }
      }
    });
  }

  describe('the runner fails on a difference', () => {
    const name = 'fsm-tcp-retry-1';
    const s = loadScenario(join(root, name), name);
    const want = readJsonl<Line>(join(root, name, EXPECTED));
    let lines: Line[] = [];
    before(async () => { lines = await runScenario(s); });
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
    it('a step of another core', async () => {
      await assert.rejects(runScenario({ ...s, steps: [{ checker: 0, up: true }] }), /not a checker step/);
      const core = loadScenario(join(root, 'core-start'), 'core-start');
      await assert.rejects(runScenario({ ...core, steps: [{ outcome: { ok: true } }] }), /not a core step/);
      await assert.rejects(runScenario({ ...core, steps: [{ advance: 1 }] }), /not a core step/);
    });
  });
});
