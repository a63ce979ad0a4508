// random_seed as keepalived 2.2.7 treats it (measured: test/unit/daemon/data/config-save-2.2.7.md):
// accepted and checked, but ${_RANDOM} is always seeded with the time in seconds when the file is
// read (srandom(time(NULL)) before any keyword is seen). Recorded: `random_seed 12345`,
// `$R=${_RANDOM 1 1000000}`, `router_id r$R` gave r160969 when read at 2026-12-07 11:10:01 UTC and
// r565625 at 11:10:04 (a reload), r42941 at 11:10:08 and r23673 at 11:10:11 (another run).
import assert from 'node:assert/strict';
import { parseConfigText } from '../../../src/config/load.js';
import { GlibcRandom } from '../../../src/parser/pre/random.js';

const TEXT = '$R=${_RANDOM 1 1000000}\nglobal_defs {\n  random_seed 12345\n  router_id r$R\n}\n';
const epoch = (s: string) => Math.floor(Date.parse(`${s}Z`) / 1000);

describe('parser: random_seed (keepalived 2.2.7 seeds ${_RANDOM} with the time anyway)', () => {
  it("the recorded router ids come from the read's second, not from random_seed", () => {
    for (const [at, id] of [['2026-12-07T11:10:01', 'r160969'], ['2026-12-07T11:10:04', 'r565625'], ['2026-12-07T11:10:08', 'r42941'], ['2026-12-07T11:10:11', 'r23673']] as const) {
      const r = parseConfigText(TEXT, 'k.conf', { randomSeed: epoch(at) });
      assert.equal(r.config.global.routerId, id, at);
      assert.equal(r.config.global.randomSeed, 12345);
    }
    assert.notEqual(`r${(new GlibcRandom(12345).next() % 1000000) + 1}`, 'r160969');
  });

  it('a real read is seeded with the current second, whatever random_seed says', () => {
    const before = Math.floor(Date.now() / 1000);
    const r = parseConfigText(TEXT, 'k.conf');
    const after = Math.floor(Date.now() / 1000);
    const candidates = new Set<string>();
    for (let t = before; t <= after; t++) candidates.add(`r${(new GlibcRandom(t).next() % 1000000) + 1}`);
    assert.ok(candidates.has(r.config.global.routerId), `${r.config.global.routerId} not in ${[...candidates].join(', ')}`);
  });
});
