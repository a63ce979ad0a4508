// The Chevrotain word lexer and its hand-written fast path both implement keepalived's
// alloc_strvec_r(); checked against a direct port of it on random lines.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import type { Diagnostic } from '../../../../src/common/diagnostic.js';
import { splitWords } from '../../../../src/parser/lexer.js';
import type { LineBuf } from '../../../../src/parser/pre/linebuf.js';

/** Reference: alloc_strvec_r() transcribed (words and the unmatched-quote flag). */
function allocStrvec(s: string): { words: Array<[string, number]>; unmatched: boolean } {
  const WS = ' \t\f\n\r\v';
  const words: Array<[string, number]> = [];
  let cp = 0;
  for (;;) {
    while (cp < s.length && WS.includes(s[cp]!)) cp++;
    if (cp >= s.length) break;
    let start = cp;
    const at = cp;
    let len: number;
    if (s[start] === '"') {
      start++;
      const close = s.indexOf('"', start);
      if (close < 0) return { words, unmatched: true };
      len = close - start;
      cp = close + 1;
    } else {
      while (cp < s.length && !WS.includes(s[cp]!) && s[cp] !== '"') cp++;
      len = cp - start;
    }
    words.push([s.slice(start, start + len), at]);
  }
  return { words, unmatched: false };
}

function lb(text: string): LineBuf {
  return { text, file: 'f', line: 1, base: 1, map: null, showFile: false };
}

describe('word lexer (Chevrotain) vs alloc_strvec_r', () => {
  const line = fc.array(fc.constantFrom('a', 'b', ' ', '\t', '"', '{', '}', '\f', 'x y', '""', '\\', '#'), { maxLength: 30 }).map((a) => a.join(''));

  it('Chevrotain lexer matches the reference on random lines', () => {
    fc.assert(fc.property(line, (s) => {
      const diags: Diagnostic[] = [];
      const got = splitWords(lb(s), diags, true, true);
      const ref = allocStrvec(s);
      assert.deepEqual(got.map((w) => [w.text, w.pos.col - 1]), ref.words.map(([t, i]) => [t, i]));
      assert.equal(diags.length, ref.unmatched ? 1 : 0);
      if (ref.unmatched) assert.equal(diags[0]!.message, `Unmatched quote: '${s}'`);
    }), { numRuns: 2000, seed: 5 });
  });

  it('fast path matches the Chevrotain lexer on lines without quotes', () => {
    fc.assert(fc.property(line.map((s) => s.replace(/"/g, '')), (s) => {
      // fast-path words compute `pos` on access: compare as plain data
      const plain = (ws: ReturnType<typeof splitWords>): unknown => ws.map((w) => ({ text: w.text,
        quoted: w.quoted, pos: { ...w.pos } }));
      const a = splitWords(lb(s), [], true, false);
      const b = splitWords(lb(s), [], true, true);
      assert.deepEqual(plain(a), plain(b));
    }), { numRuns: 2000, seed: 6 });
  });

  it('quoted words are flagged', () => {
    assert.deepEqual(splitWords(lb('a "b c" d'), [], true).map((w) => [w.text, w.quoted]), [['a', false], ['b c', true], ['d', false]]);
  });
});
