// The GARP timing keywords, one table for global_defs and vrrp_instance (src/parser/keywords/garp.ts):
// every limit, message and value as keepalived 2.2.7 reported them on the same file
// (data/garp-2.2.7/, recorded with keepalived -t), and the printer writing what reads back.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfigText } from '../../../src/config/load.js';
import { printConfig } from '../../../src/parser/index.js';

const dir = new URL('./data/garp-2.2.7/', import.meta.url);
const text = readFileSync(new URL('keepalived.conf', dir), 'utf8');
const recorded = readFileSync(new URL('keepalived-t.txt', dir), 'utf8').split('\n').filter((l) => l !== '')
  .map((l) => l.replace(/^\(keepalived\.conf: (Line \d+)\)/, '($1)'));

describe('GARP keywords (global vrrp_garp_* and instance garp_*) as keepalived 2.2.7 reads them', () => {
  const r = parseConfigText(text, 'keepalived.conf', { interfaces: new Set(['eth0']) });

  it('the same messages on the same lines as keepalived -t (data/garp-2.2.7/keepalived-t.txt)', () => {
    assert.deepEqual(r.diagnostics.filter((d) => d.severity !== 'info').map((d) => `(Line ${d.pos?.line}) ${d.message}`), recorded);
    assert.equal(r.exitCode, 5);
  });

  it('the values kept: 300 is within every limit, 0 repeats become 1 (lower_prio_repeat: 0 kept, later 300), a bad refresh turns it off', () => {
    const g = r.config!.global, vi = r.config!.vrrpInstances[0]!;
    const params = ['MasterDelay', 'MasterRepeat', 'MasterRefresh', 'MasterRefreshRepeat', 'LowerPrioDelay', 'LowerPrioRepeat'] as const;
    assert.deepEqual(params.map((p) => g[`vrrpGarp${p}`]), [300, 300, 0, 1, 300, 300]);
    assert.deepEqual(params.map((p) => vi[`garp${p}`]), [300, 300, 0, 1, 300, 300]);
  });

  it('the printer writes them back from the same table', () => {
    const again = parseConfigText(printConfig(r.config!), 'p.conf', { interfaces: new Set(['eth0']) });
    assert.deepEqual(again.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.message), []);
    assert.deepEqual(again.config!.vrrpInstances[0]!.garpLowerPrioRepeat, 300);
    assert.deepEqual(again.config!.global.vrrpGarpMasterDelay, 300);
  });
});
