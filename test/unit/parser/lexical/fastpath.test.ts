// The preprocessor's in-place fast path (fastLine) and compact line store must give exactly what
// the general read_line() path gives: same lines (text, words, every position, braces, showFile),
// same diagnostics and their placement. Checked on the tricky table, random configurations over
// the config alphabet, the benchmark generator, and files with includes (showFile).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import { after, describe, it } from 'mocha';
import { preprocessFile, preprocessText } from '../../../../src/parser/preprocess.js';
import type { PreprocessResult } from '../../../../src/parser/lines.js';
import { OPTS, cleanupScratch, scratch } from './helpers.js';
import { TRICKY } from './tricky.js';
import { genBenchConfig } from './gen-bench.js';

function plain(r: PreprocessResult): unknown {
  return {
    lines: r.lines.map((l) => ({ text: l.text, brace: l.brace, showFile: l.showFile, pos: { ...l.pos },
      words: l.words.map((w) => ({ text: w.text, quoted: w.quoted, pos: { ...w.pos } })) })),
    diags: r.diagnostics, depth: r.unclosedBlocks,
  };
}

function same(text: string, dir: string): void {
  const file = path.join(dir, 'keepalived.conf');
  const a = preprocessText(text, file, OPTS);
  const b = preprocessText(text, file, { ...OPTS, noFastPath: true });
  assert.deepEqual(plain(a), plain(b), JSON.stringify(text));
}

describe('preprocessor: fast path == general path', function () {
  this.timeout(120000);
  after(cleanupScratch);

  it('tricky configurations', () => {
    const d = scratch();
    for (const t of TRICKY) same(typeof t === 'string' ? t : (t as { text: string }).text, d);
  });

  it('random configurations (fast-check)', () => {
    const d = scratch({ 'inc.conf': 'x 1 {\n  y 2\n}\n' });
    const ch = fc.constantFrom(...'ab {}"#!\\\n\t\r\f$@~_01'.split(''), '  ', 'include inc.conf\n', 'include_check\n', 'k v {\n', '}\n', ' }\n', '{\n', '$A', '$A=x y\n', '~SEQ(i,1,2) k $i\n', '@idX ', '@^idX ');
    fc.assert(fc.property(fc.array(ch, { maxLength: 300 }), (a) => { same(a.join(''), d); }), { seed: 31, numRuns: 400 });
  });

  it('long lines around MAXBUF', () => {
    const d = scratch();
    for (const n of [1020, 1021, 1022, 1023, 1024, 1025, 2100]) same(`a {\n${'b'.repeat(n)}\nc ${'d'.repeat(n)} {\n}\n}\n`, d);
  });

  it('benchmark configuration and includes (showFile) through preprocessFile', () => {
    const d = scratch({ 'keepalived.conf': genBenchConfig(50, 3, 10) + 'include sub/*.conf\n', 'sub/a.conf': 'vrrp_instance X {\n  state MASTER\n}\n', 'sub/b.conf': '}\n  k  v  \r\n' });
    const f = path.join(d, 'keepalived.conf');
    assert.deepEqual(plain(preprocessFile(f, OPTS)), plain(preprocessFile(f, { ...OPTS, noFastPath: true })));
  });
});
