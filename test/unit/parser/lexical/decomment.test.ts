// Physical lines and decomment(): table of input -> words per logical line and messages.
import assert from 'node:assert/strict';
import { after, describe, it } from 'mocha';
import { cleanupScratch, pp, ppCases, words, type PpCase } from './helpers.js';

const cases: PpCase[] = [
  ['plain words', 'router_id R1\n', [['router_id', 'R1']]],
  ['leading/trailing blanks', '   \t router_id   R1 \t \n', [['router_id', 'R1']]],
  ['empty lines skipped', '\n\n a\n\n', [['a']]],
  ['CRLF stripped', 'a b\r\nc\r\r\n', [['a', 'b'], ['c']]],
  ['no final newline', 'a b', [['a', 'b']]],
  ['# comment line', '# hello\na\n', [['a']]],
  ['! comment line', '! hello\na\n', [['a']]],
  ['comment at any column', 'a b#c d\n', [['a', 'b']]],
  ['bang mid word', 'a b!c\n', [['a', 'b']]],
  ['comment in double quotes kept', 'a "b # c" d\n', [['a', 'b # c', 'd']]],
  ['single quotes do not protect', "a 'b # c'\n", [['a', "'b"]]],
  ['escaped hash', 'a b\\#c\n', [['a', 'b#c']]],
  ['escaped bang', 'a \\!x\n', [['a', '!x']]],
  ['escaped hash inside quotes keeps backslash', 'a "b\\#c"\n', [['a', 'b\\#c']]],
  ['other backslashes kept', 'a b\\nc\n', [['a', 'b\\nc']]],
  ['trailing backslash kept, blanks before removed', 'router_id   \\\nR1\n', [['router_id\\'], ['R1']]],
  ['backslash-quote does not toggle quoting', 'a \\"b # c\n', [['a', '\\']], ["Unmatched quote: 'a \\\"b'"]],
  ['unterminated quote', 'a "b c\n', [['a']], ["Unterminated quote 'a \"b c'", "Unmatched quote: 'a \"b c'"]],
  ['unterminated quote before a comment', 'a "b # c\n', [['a']], ["Unterminated quote 'a \"b # c'", "Unmatched quote: 'a \"b # c'"]],
  ['comment ending in backslash leaves one', 'a # x \\\n', [['a\\']]],
  ['only comment after blanks', '   ! x\n', []],
  ['a line of \\f \\v only gives no line', '\f\v\nk\n', [['k']]],
  ['a line starting with an unmatched quote gives no line', '"abc\nk\n', [['k']], ["Unterminated quote '\"abc'", "Unmatched quote: '\"abc'"]],
];

describe('preprocessor: physical lines and decomment', () => {
  after(cleanupScratch);
  ppCases(cases);

  it('a line over 1023 bytes is read in 1023-byte pieces (keepalived 2.2.7)', () => {
    const r = pp('A'.repeat(1030) + ' B\nfoo\n');
    assert.deepEqual(words(r), [['A'.repeat(1023)], ['AAAAAAA', 'B'], ['foo']]);
    assert.equal(r.lines[1]!.pos.line, 1);
    assert.equal(r.lines[1]!.pos.col, 1024);
    assert.equal(r.lines[2]!.pos.line, 2);
    assert.ok(r.diagnostics.some((d) => d.code === 'KA_PRE_LINE_SPLIT' && d.severity === 'info'));
  });

  it('an embedded NUL cuts the rest of the line (keepalived 2.2.7)', () => {
    const r = pp('foo\0bar x\nbaz\n');
    assert.deepEqual(words(r), [['foo'], ['baz']]);
    assert.equal(r.lines[1]!.pos.line, 2);
    assert.ok(r.diagnostics.some((d) => d.code === 'KA_PRE_EMBEDDED_NUL' && d.pos?.col === 4));
  });

  it('non-ASCII bytes are kept and decoded as UTF-8 in words', () => {
    const r = pp('router_id héllo "wörld x"\n');
    assert.deepEqual(words(r), [['router_id', 'héllo', 'wörld x']]);
  });
});
