// Replays of runs of the real keepalived 2.2.7 binary in network namespaces: the FSM, driven through
// the same events, must print the same VRRP lines in the same order. The runs logged in
// data/ka227-*.log are scenarios as data (scenarios/ka227-*/events.jsonl, naming their log);
// this one reads its timeline from the chaos tier's recording.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseParams, Harness, peerAdvert } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('vrrp/replay: the stalled master of the chaos tier (test/integration/chaos/data/ka-2.2.7-stop.txt)', () => {
  // r1's log there: "<ms> <line>"; SIGCONT at 5000 ms
  const rec = readFileSync(join(here, '../../integration/chaos/data/ka-2.2.7-stop.txt'), 'utf8').split('## r1 log\n')[1]!.split('\n## ')[0]!
    .split('\n').filter(Boolean).map((l) => ({ t: Number(l.slice(0, l.indexOf(' '))), text: l.slice(l.indexOf(' ') + 1) }));

  it('the woken master: 2.2.7\'s line per queued lower advert, one GARP burst each at once and one each garp_lower_prio_delay later', () => {
    const lower = rec.filter((l) => l.text.startsWith('(VI_1) Received advert from 10.199.0.2 with lower priority 100, ours 150'));
    const wake = lower[0]!.t;
    const late = rec.filter((l) => l.text.startsWith('(VI_1) Sending/queueing') && l.t >= wake + 4500);
    const p = baseParams({ priority: 150, initialState: 'MASTER', primaryAddress: '10.199.0.1', vips: ['10.199.0.100'] });
    const h = new Harness(p);
    h.feed({ type: 'startup' });
    h.advance(4000);
    assert.equal(h.stateAt(), 'MASTER');
    h.clear();
    for (let i = 0; i < lower.length; i++) h.feed(peerAdvert(p, '10.199.0.2', 100));
    assert.deepEqual(h.logs(false), lower.map((l) => l.text));
    const bursts = () => h.actions.filter((x) => x.action.kind === 'garp' && (x.action as { reason: string }).reason === 'lowerPrio').length;
    assert.equal(bursts(), lower.length);
    h.advance(5500);
    assert.equal(bursts() - lower.length, late.length, `2.2.7 sent ${late.length} delayed bursts`);
  });
});
