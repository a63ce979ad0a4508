// Differential tests against the real keepalived 2.2.7 binary (skipped when it is not installed):
// tricky inputs for every preprocessing rule, then random ones from fast-check. Each config's
// lines start with words that are not keepalived keywords, so `keepalived -t` reports every
// logical line it produced and we compare line by line, messages and line numbers included.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { after, describe, it } from 'mocha';
import { preprocessFile } from '../../../../src/parser/preprocess.js';
import { systemFiles } from '../../../../src/host/system.js';
import { cleanupScratch, scratch } from './helpers.js';
import { KEEPALIVED, predict, runKeepalived } from './oracle.js';
import { TRICKY } from './tricky.js';

describe('preprocessor vs keepalived 2.2.7 (-t)', function () {
  this.timeout(60000);
  after(cleanupScratch);
  if (!KEEPALIVED) {
    it.skip('keepalived binary not installed');
    return;
  }

  TRICKY.forEach((text, i) => {
    it(`tricky #${i}: ${JSON.stringify(text).slice(0, 70)}`, () => {
      const dir = scratch({ 'keepalived.conf': text });
      const file = path.join(dir, 'keepalived.conf');
      const ours = predict(preprocessFile(file, { configId: 'idX', files: systemFiles, randomSeed: 1 }));
      const theirs = runKeepalived(file, 'idX').lines;
      assert.deepEqual(ours, theirs);
    });
  });

  it('a definition holding an @id line (keepalived 2.2.7 crashes after the first line)', () => {
    const dir = scratch({ 'keepalived.conf': '$I=@idX wI\n$I\n' });
    const file = path.join(dir, 'keepalived.conf');
    const ours = predict(preprocessFile(file, { configId: 'idX', files: systemFiles, randomSeed: 1 }));
    const theirs = runKeepalived(file, 'idX').lines;
    assert.deepEqual(ours, ["(Line 2) Unknown keyword 'wI'"]);
    assert.equal(theirs[0], ours[0]);
  });

  it('random configurations (fast-check)', () => {
    const piece = fc.constantFrom(
      'w', 'x1', ' ', '  ', '\t', '"', '#', '!', '\\', '{', '}', '$A', '${A}', '$M', '$Z', ',', ')', '(',
      '@idX ', '@^idX ', '$A=', '$M=', '~SEQ(i,1,2) ', '~LST(v,a,b) ', '$i', '"q q"', '\\#', '\\!', '${_HASH}',
    );
    const line = fc.array(piece, { minLength: 0, maxLength: 8 }).map((a) => a.join(''));
    const prefix = fc.constantFrom('k1 ', 'k2 ', '"k 3" ', '', '$A=', '$M=', '@idX k4 ', '~SEQ(i,1,2) k5$i ');
    const conf = fc.array(fc.tuple(prefix, line).map(([p, l]) => p + l), { minLength: 1, maxLength: 8 })
      .map((ls) => '$A=aa\n$M=m1 \\\n m2\n' + ls.join('\n') + '\n');
    const dir = scratch();
    const file = path.join(dir, 'keepalived.conf');
    fc.assert(
      fc.property(conf, (text) => {
        // first words must never be real keywords or include directives: prefix them
        const safe = text.split('\n').map((l) => (/^\s*(include|global_defs|vrrp|virtual|static|linkbeat|garp|net_namespace|use_|instance|bfd)/.test(l) ? 'zz ' + l : l)).join('\n');
        fs.writeFileSync(file, safe);
        const ours = predict(preprocessFile(file, { configId: 'idX', files: systemFiles, randomSeed: 1 }));
        const theirs = runKeepalived(file, 'idX').lines;
        assert.deepEqual(ours, theirs, `config:\n${safe}`);
      }),
      { numRuns: 100, seed: 4242 },
    );
  });

  it('random configurations: definitions, generators and residues (fast-check)', () => {
    const piece = fc.constantFrom(
      'w', ' ', '{', '}', '$A', '${A}', '$M', '${M}', '$N', '$i', '${i}', '"', '"q { }"', '#', '\\#', '\\',
      '~SEQ(i,1,2) ', '~SEQx(i,9,11) ', '~LST({i,j},{1,2},{3}) ', '$A=', '$M=', '$N=', '@idX ', '@^idX ', '$X=${A}',
    );
    const line = fc.array(piece, { minLength: 0, maxLength: 7 }).map((a) => a.join(''));
    const prefix = fc.constantFrom('k1 ', 'k2 ', '"k 3" ', '', '$A=', '$M=', '$N=', '@idX k4 ', '~SEQ(i,1,2) k5 ', 'k6 { ', '} k7 ');
    const conf = fc.array(fc.tuple(prefix, line, fc.constantFrom('', ' \\', '\n')).map(([p, l, e]) => p + l + e), { minLength: 1, maxLength: 10 })
      .map((ls) => '$A=aa\n$M=m1 \\\n m2 $A\n$N= \\\n n1 \\\n $M\nk0\n' + ls.join('\n') + '\n');
    const dir = scratch();
    const file = path.join(dir, 'keepalived.conf');
    fc.assert(
      fc.property(conf, (text) => {
        fs.writeFileSync(file, text);
        const r = preprocessFile(file, { configId: 'idX', files: systemFiles, randomSeed: 1, maxLines: 20000 });
        const ka = runKeepalived(file, 'idX');
        if (r.diagnostics.some((d) => d.code === 'KA_PRE_TOO_MANY_LINES' || d.code === 'KA_PRE_RUNAWAY' || d.code === 'KA_PRE_SUBST_LOOP')) {
          // keepalived does not terminate on these either (a residue that substitution refills, a
          // definition that refers to itself: our guards stop them)
          assert.ok(ka.killed || ka.lines.length > 1000, `keepalived terminated normally:\n${text}`);
          return;
        }
        if (ka.killed) {
          // keepalived crashed (e.g. "double free or corruption" on a definition holding an @id
          // line): what it printed before must be the start of our output
          const t = ka.lines.filter((l) => !/double free|corruption|malloc|Segmentation|Aborted/.test(l));
          assert.deepEqual(predict(r).slice(0, t.length), t, `config:\n${text}`);
          return;
        }
        assert.deepEqual(predict(r), ka.lines, `config:\n${text}`);
      }),
      { numRuns: 100, seed: 777 },
    );
  });
});
