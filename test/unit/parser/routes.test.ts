// virtual_routes / virtual_rules / static_routes / static_rules lines, as data: each recorded case
// (keepalived 2.2.7 -t messages and exit code, and the line in its configuration dump, or none when
// it dropped the line) read by our parser: same messages (our not-implemented notes aside: the
// wrapper's track_group block) and exit code, kept exactly when
// keepalived kept it, formatted as keepalived formats it, and printed back to the same model.
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import { configTestLines } from '../../../src/parser/configtest.js';
import { isNotImplementedWarning } from '../../../src/parser/ledger-types.js';
import { routeWords, ruleWords } from '../../../src/parser/keywords/route-print.js';
import { formatRoute, formatRule } from '../../../src/vrrp/routes/format.js';
import type { KeepalivedConfig, VirtualRoute, VirtualRule } from '../../../src/config/model.js';
import { caseConfig, loadCases, type RouteCase } from './route-cases.js';

const IFS = new Set(['lo', 'eth0', 'eth1']);

function itemOf(cfg: KeepalivedConfig, c: RouteCase): VirtualRoute | VirtualRule | undefined {
  const vi = cfg.vrrpInstances[0];
  switch (c.block) {
    case 'static_routes': return cfg.staticRoutes[0];
    case 'static_rules': return cfg.staticRules[0];
    case 'virtual_routes': return vi?.virtualRoutes[0];
    case 'virtual_rules': return vi?.virtualRules[0];
  }
}

const noPos = <T>(x: T): T => (x === undefined ? x : JSON.parse(JSON.stringify(x, (k, v) => (k === 'pos' ? undefined : typeof v === 'bigint' ? `${v}n` : v))) as T);

describe('parser: route and rule lines as keepalived 2.2.7 reads them (recorded cases)', () => {
  const { cases } = loadCases();
  it('has the recorded cases', () => { assert.ok(cases.length > 150); });
  for (const c of cases) {
    it(`${c.block}: ${c.line}`, () => {
      const r = parseConfigText(caseConfig(c), 'k.conf', { interfaces: IFS });
      const lines = [...new Set(configTestLines(r.diagnostics, { positions: false }).filter((l) => !isNotImplementedWarning(l)).map((l) => l.text.replace(/^\([^)]*?Line (\d+)\) /, '(Line $1) ')))];
      assert.deepEqual(lines, c.messages);
      assert.equal(r.exitCode, c.exitCode);
      if (r.aborted) return;
      const item = itemOf(r.config, c);
      // keepalived does not start with a missing interface: no dump to say what it kept
      if (!c.messages!.includes('Non-existent interface specified in configuration')) assert.equal(item !== undefined, c.dump !== null, `kept: ours ${JSON.stringify(noPos(item))}`);
      if (!item) return;
      const text = c.block.endsWith('routes') ? formatRoute(item as VirtualRoute) : formatRule(item as VirtualRule);
      if (c.dump !== null) assert.equal(text, c.dump!.replace(/ \[(installed ifindex \d+|dev \S+)\]$/, ''));
      // printed back, the line reads to the same route / rule
      const words = c.block.endsWith('routes') ? routeWords(item as VirtualRoute) : ruleWords(item as VirtualRule);
      const again = parseConfigText(caseConfig({ ...c, line: words.join(' ') }), 'k.conf', { interfaces: IFS });
      assert.deepEqual(noPos(itemOf(again.config, c)), noPos(item), `printed as: ${words.join(' ')}`);
    });
  }
});
