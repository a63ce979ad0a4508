// Performance guard for the preprocessor on a scaled benchmark configuration (1,000 virtual
// servers x 10 real servers + 100 vrrp_instances, ~68k lines). The machine running the tests may
// be loaded, so the limit is relative: preprocessFile() must stay within 3.5x a naive
// split-into-lines-and-words baseline building the same object shapes (measured ~1.5x before the in-place fast path and
// line store, ~0.1-0.3x since: the lines are counted on the store, not materialized), best of 4 after a warm-up, in CPU
// time.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, describe, it } from 'mocha';
import { preprocessFile } from '../../../../src/parser/preprocess.js';
import { genBenchConfig, naiveSplit as baseline } from './gen-bench.js';
import { OPTS, cleanupScratch, scratch } from './helpers.js';

describe('preprocessor: performance', function () {
  this.timeout(120000);
  after(cleanupScratch);
  it('stays within 3.5x a naive line/word split', () => {
    const dir = scratch({ 'keepalived.conf': genBenchConfig(1000, 10, 100) });
    const file = path.join(dir, 'keepalived.conf');
    let best = Infinity;
    let bestBase = Infinity;
    let lines = 0;
    const cpu = (): number => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
    preprocessFile(file, OPTS); // warm the JIT up
    baseline(file);
    for (let i = 0; i < 4; i++) {
      let t = cpu();
      baseline(file);
      bestBase = Math.min(bestBase, cpu() - t);
      t = cpu();
      { const r = preprocessFile(file, OPTS); lines = (r.source ?? r.lines).length; }
      best = Math.min(best, cpu() - t);
    }
    assert.equal(lines, 1000 * (2 + 4 + 10 * 8 + 1) + 100 * 17 + 8); // braces split off into lines
    assert.ok(best < bestBase * 3.5, `preprocess ${best.toFixed(0)} ms vs baseline ${bestBase.toFixed(0)} ms`);
  });
});
