// Script strings: keepalived 2.2.7's two passes of alloc_strvec_quoted_escaped() (pass 1 splits
// the text after the keyword into CMD, user, group; pass 2 splits CMD into argv).
// The `script '/nonexist2\x41b\ c' root` case was checked on the 2.2.7 binary ("Script
// /nonexist2<ESC> cannot be accessed"): pass 1 already handles single quotes and escapes.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { isDiagnostic, splitQuotedEscaped, splitScript } from '../../../../src/parser/script-split.js';

const quotedEscaped: Array<[string, string[] | string]> = [
  ['abcd" efg h jkl "mnop', ['abcd efg h jkl mnop']],
  ['abcd "efg h jkl" mnop', ['abcd', 'efg h jkl', 'mnop']],
  ["a 'b c' d", ['a', 'b c', 'd']],
  ["'x'\"y\"z", ['xyz']],
  ['a\\ b', ['a b']],
  ['\\a\\b\\E\\f\\n\\r\\t\\v', ['\x07\x08\x1b\x0c\n\r\t\x0b']],
  ['\\101\\0601\\7777', ['A01\ufffd7']], // byte 0xff is not UTF-8
  ['\\x41\\x4a4b', ['AK']],
  ['\\x41b', ['\x1b']],
  ['\\cA\\c[', ['\x01\x1b']],
  ['\\\\ \\" \\\' \\q', ['\\', '"', "'", 'q']],
  ['"a \\" b"', ['a " b']],
  ["'a \\x41'", ['a A']],
  ['"" x', ['', 'x']],
  ['a\\0b c', ['a', 'c']],
  ['\\xc3\\xa9', ['é']],
  ['   ', []],
  ['"abc', "String '\"abc': missing terminating \""],
  ["x 'abc", "String 'x 'abc': missing terminating '"],
  ['abc\\', "Missing escape char at end: 'abc\\'"],
];

const scripts: Array<[string, { argv: string[]; user?: string; group?: string; extra?: string[] } | string]> = [
  ['/bin/true', { argv: ['/bin/true'] }],
  ['"/bin/echo a b" root', { argv: ['/bin/echo', 'a', 'b'], user: 'root' }],
  ['"/bin/echo \'a b\' c" nobody nogroup', { argv: ['/bin/echo', 'a b', 'c'], user: 'nobody', group: 'nogroup' }],
  ["'/nonexist2\\x41b\\ c' root", { argv: ['/nonexist2\x1b', 'c'], user: 'root' }],
  ['"/nonexist\\x41b\\ c arg1"', { argv: ['/nonexist\x1b', 'c', 'arg1'] }],
  ['/nonexist3\\x41b\\ c arg1', { argv: ['/nonexist3\x1b', 'c'], user: 'arg1' }],
  ['"\'/nonex 4\' a" nobody nogroup', { argv: ['/nonex 4', 'a'], user: 'nobody', group: 'nogroup' }],
  ['/x u g extra1 extra2', { argv: ['/x'], user: 'u', group: 'g', extra: ['extra1', 'extra2'] }],
  ['"/x \\"q\\""', { argv: ['/x', 'q'] }],
  ['"/x \\\\\\"q r\\\\\\""', { argv: ['/x', '"q', 'r"'] }],
  ['', 'Unable to parse notify script'],
  ['"  "', "Unable to parse script '  ' - ignoring"],
  ['"/x', "String '\"/x': missing terminating \""],
];

describe('script strings (two-pass split)', () => {
  for (const [input, expected] of quotedEscaped) {
    it(`alloc_strvec_quoted_escaped ${JSON.stringify(input)}`, () => {
      const r = splitQuotedEscaped(input, { file: 'f', line: 1, col: 1 });
      if (typeof expected === 'string') {
        assert.ok(isDiagnostic(r));
        assert.equal(r.message, expected);
        assert.deepEqual(r.pos, { file: 'f', line: 1, col: 1 });
      } else assert.deepEqual(r, expected);
    });
  }
  for (const [input, expected] of scripts) {
    it(`splitScript ${JSON.stringify(input)}`, () => {
      const r = splitScript(input);
      if (typeof expected === 'string') {
        assert.ok(isDiagnostic(r));
        assert.equal(r.message, expected);
      } else assert.deepEqual(r, expected);
    });
  }
});
