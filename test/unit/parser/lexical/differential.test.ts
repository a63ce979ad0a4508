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
import { cleanupScratch, scratch } from './helpers.js';
import { KEEPALIVED, predict, runKeepalived } from './oracle.js';

export const TRICKY: string[] = [
  'a b c\n  d e\n',
  'a # c\nb ! c\n"x # y" z\n',
  "a 'b # c'\n",
  'a b\\#c\n\\!x y\n',
  'a "b\\#c"\n',
  'a \\"b # c\n',
  'a "b c\n',
  'a "b # c\n',
  'a # x \\\n',
  'x\\\ny\n',
  'k { a b }\n',
  'k{a}\n',
  '{ a\n}\n}\n',
  'k "{ q }" { r }\n',
  'k "a" "b"{x\n',
  'k "unterminated { x\n',
  'a"b c"d e\n',
  '"" x\n',
  '@idX a1\n@idY a2\n@^idX a3\n@^idY a4\n@idX\n@ a5\n',
  '$A=va\nw1 $A\nw2 ${A}\nw3 $A$A\nw4 $A/24\nw5 r$A-x\nw6 ${A}x $A,y ($A) z\n',
  '$A=va\n"w7 $A" "${A}"\n',
  '$U=1\nw1 $UNDEF ${UNDEF} $U\n',
  '$A = x\nw1 $A\n',
  '$A=\nw1 [$A] [${A}]\n',
  '$A=1\n$A=2\nw1 $A\n',
  '$A=$B\n$B=bee\nw1 $A\n',
  '$A=x # y\nw1 $A\n',
  '$H=${_HASH}\nw1 a${_HASH}b\nw2 "a${_HASH}b"\nw3 "${_HASH}x${_BANG}y@${_INSTANCE}"\n',
  '$D=$E=3\n$D\nw1 $E\n',
  '$M= \\\n  m1 a\\\n  m2 b \\\n  m3\nw1 x\n$M\nw2 $M\nw3 ${M}\nw4 $M y\n',
  '$M=first \\\n second\n"w1" $M\n',
  '$M=a \\\n\nw1 x\n$M\nw2\n',
  '$M=a \\\n# comment\n  b\n$M\n',
  '$M=\\\n   \\\n x\n$M\n',
  '$N=n1 \\\n  n2\n$M=m1 \\\n  $N\n$M\nw9\n',
  '~SEQ(i,3) "s$i"\n~SEQ(i, 0) "z$i"\n~SEQ(i,-2) "n$i"\n',
  '~SEQ(i,2,4) "a$i"\n~SEQ(i,4,2) "b$i"\n~SEQ(i,1,2,6) "c$i"\n~SEQ(i,6,-3,0) "d$i"\n',
  '~SEQx(i,9,12) "h$i"\n~SEQx(i,-1,2) "q"\n~SEQ(i,1,-1,3) "q"\n~SEQ(i,1,0,3) "q"\n',
  '~SEQ(i) q\n~SEQ() q\n~SEQ i,1) q\n~SEQ(i,1 q\n~SEQUENCE(i,1) q\n~SEQ(i,1,2,3,4) q\n',
  '~SEQ(i,0x2,0x3) "x$i"\n~SEQ(i,010) "o$i"\n',
  '$N=3\n~SEQ(i,$N) "v$i"\n~SEQ(i,${N}) "w$i"\n',
  '~LST(v, a, b, c) "l$v"\n',
  '~LST({P,Q},{1,2},{3}) "l$P-$Q"\n',
  '~LST({P},{1,2}) "l$P"\n',
  '~LST(v a) q\n~LST v) q\n~LST(v) q\n',
  '~LST({IP, IP1}, {10,1},{20,4}) ~SEQ(N,1,2) "t${IP}.${IP1}${N}"\n',
  '~SEQ(i,1,2) ~SEQ(j,1,2) "p$i$j"\n',
  '~other line\n~ x\n',
  '$S=~SEQ(i,1,2) "s$i"\n$S\n',
  '$R=${_RANDOM 5 5}\nw1 "${_RANDOM 5 5} abc def"\nw2 ${_RANDOM 7 7}\n',
  '$B=${\nw1 $B x\n',
  'w1 ${_ENV H}\n',
  '$A=a\\\nb\nw1 $A\n',
  'include\nincluder\nincludex x\n',
];

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
      const ours = predict(preprocessFile(file, { configId: 'idX', randomSeed: 1 }));
      const theirs = runKeepalived(file, 'idX').lines;
      assert.deepEqual(ours, theirs);
    });
  });

  it('a definition holding an @id line (keepalived 2.2.7 crashes after the first line)', () => {
    const dir = scratch({ 'keepalived.conf': '$I=@idX wI\n$I\n' });
    const file = path.join(dir, 'keepalived.conf');
    const ours = predict(preprocessFile(file, { configId: 'idX', randomSeed: 1 }));
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
        const ours = predict(preprocessFile(file, { configId: 'idX', randomSeed: 1 }));
        const theirs = runKeepalived(file, 'idX').lines;
        assert.deepEqual(ours, theirs, `config:\n${safe}`);
      }),
      { numRuns: 150, seed: 4242 },
    );
  });
});
