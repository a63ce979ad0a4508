// The RS/VS core returns what it changed in a virtual server's IPVS table (LvsChange), whatever it
// logs: the engine rebuilds a service's table on these, never on a log line.
import assert from 'node:assert/strict';
import { checkerChanged, clearRs, initVs, NO_CHANGE, newVsState, setWeight, updateQuorum, type CoreOut, type LvsChange } from '../../../src/check/core/lvs-core.js';
import { mkRs, mkVs } from './fixtures.js';

const TCP = { type: 'TCP_CHECK' as const, retry: 0 };
function setup(extra: Parameters<typeof mkVs>[3] = {}) {
  const vs = mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [TCP], { weight: 2 }), mkRs('10.0.0.3', 80, [TCP], { weight: 2 })], extra);
  const v = newVsState(vs);
  const lines: string[] = [];
  const out: CoreOut = { log: (m) => lines.push(m), event: () => {} };
  return { v, lines, out };
}
const kinds = (ch: readonly LvsChange[]): string[] => ch.map((c) => (c.kind === 'quorum' ? `quorum ${c.up ? 'up' : 'down'}${c.sorryActive ? ' sorry' : ''}` : c.kind === 'rs-weight' ? `rs-weight ${c.from}->${c.to}` : `${c.kind} ${c.kind === 'rs-alive' ? c.alive : c.set}`));

describe('check: RS/VS core returns its IPVS changes', () => {
  it('start: each real server set, then the quorum gained', () => {
    const { v, out } = setup();
    assert.deepEqual(kinds(initVs(v, out)), ['rs-set true', 'rs-set true', 'quorum up']);
  });

  it('a checker going down takes its real server out, and the quorum when it was the last', () => {
    const { v, out, lines } = setup({ quorum: 2 });
    initVs(v, out);
    lines.length = 0;
    assert.deepEqual(kinds(checkerChanged(v, v.rss[0]!, false, out)), ['rs-alive false']);
    assert.deepEqual(kinds(checkerChanged(v, v.rss[1]!, false, out)), ['rs-alive false', 'quorum down']);
    // a second failed checker of a real server already out changes nothing
    assert.equal(checkerChanged(v, v.rss[1]!, false, out), NO_CHANGE);
    assert.deepEqual(lines, ['Removing service [10.0.0.2]:tcp:80 from VS [10.0.0.100]:tcp:80', 'Removing service [10.0.0.3]:tcp:80 from VS [10.0.0.100]:tcp:80',
      'Lost quorum 2-0=2 > 0 for VS [10.0.0.100]:tcp:80']);
  });

  it('a weight change counts only when IPVS sees another weight', () => {
    const { v, out } = setup();
    initVs(v, out);
    assert.deepEqual(kinds(setWeight(v, v.rss[0]!, 5, out)), ['rs-weight 2->5']);
    assert.equal(setWeight(v, v.rss[0]!, 5, out), NO_CHANGE);
    setWeight(v, v.rss[0]!, -1, out);
    assert.equal(setWeight(v, v.rss[0]!, -7, out), NO_CHANGE, 'both 0 for IPVS');
  });

  it('the sorry server comes with the quorum lost at start', () => {
    const { v, out } = setup({ quorum: 10, sorryServer: { address: '10.0.0.9', port: 80, family: 'inet' } });
    assert.deepEqual(kinds(initVs(v, out)), ['rs-set true', 'rs-set true', 'quorum down sorry']);
    assert.equal(updateQuorum(v, out, false), NO_CHANGE);
  });

  it('clearing: a change only for a real server in the table (its "Shutting down" line is logged either way)', () => {
    const { v, out, lines } = setup();
    initVs(v, out);
    lines.length = 0;
    assert.deepEqual(kinds(clearRs(v, v.rss[0]!, out, true)), ['rs-set false']);
    assert.equal(clearRs(v, v.rss[0]!, out, true), NO_CHANGE);
    assert.equal(lines.length, 2);
  });
});
