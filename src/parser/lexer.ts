// Word splitting of a finished config line: keepalived 2.2.7 alloc_strvec_r() (lib/parser.c).
// Separators are space, \t, \f, \n, \r, \v; "..." is one word with the quotes dropped and no
// escapes; a '"' also ends an unquoted word; an unmatched '"' reports `Unmatched quote: '<line>'`
// and drops the rest of the line. Tokens are defined with Chevrotain (word, quoted string,
// unmatched quote, braces, whitespace). Brace tokens only stand alone after brace splitting; if one
// touches a word it is glued back, as keepalived has no brace token at this stage.
// Lines without a '"' (nearly all of them) take an equivalent hand-written fast path: Chevrotain's
// per-call overhead would otherwise dominate the 674k-line benchmark.
import { createToken, Lexer, type IToken } from 'chevrotain';
import type { Diagnostic } from '../common/diagnostic.js';
import type { Word } from './lines.js';
import { type LineBuf, colAt } from './pre/linebuf.js';
import { toDisplay } from './pre/text.js';

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\f\n\r\v]+/, group: Lexer.SKIPPED });
export const Quoted = createToken({ name: 'Quoted', pattern: /"[^"]*"/ });
export const UnmatchedQuote = createToken({ name: 'UnmatchedQuote', pattern: /"[^]*/ });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/ });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/ });
export const Bare = createToken({ name: 'Bare', pattern: /[^ \t\f\n\r\v"{}]+/ });

export const allTokens = [WhiteSpace, Quoted, UnmatchedQuote, LBrace, RBrace, Bare];

export const lineLexer = new Lexer(allTokens, {
  positionTracking: 'onlyOffset',
  ensureOptimizations: false,
  skipValidations: true,
});

function isSep(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * Split a processed line into words, each with its source position. The text is a latin1 byte
 * string; words are returned UTF-8 decoded.
 */
export function splitWords(lb: LineBuf, diags: Diagnostic[], ascii = false, forceLexer = false): Word[] {
  const s = lb.text;
  const words: Word[] = [];
  if (!forceLexer && s.indexOf('"') < 0) {
    let i = 0;
    const n = s.length;
    const file = ascii ? lb.file : toDisplay(lb.file);
    const line = lb.line;
    while (i < n) {
      while (i < n && isSep(s.charCodeAt(i))) i++;
      if (i >= n) break;
      const st = i;
      while (i < n && !isSep(s.charCodeAt(i))) i++;
      const w = s.slice(st, i);
      words.push({ text: ascii ? w : toDisplay(w), pos: { file, line, col: lb.map ? colAt(lb, st) : lb.base + st }, quoted: false });
    }
    return words;
  }
  const r = lineLexer.tokenize(s);
  let prevEnd = -1;
  let prevBare = false;
  let bareStart = 0;
  for (const t of r.tokens as IToken[]) {
    const tt = t.tokenType;
    if (tt === UnmatchedQuote) {
      diags.push({
        severity: 'error', code: 'KA_CFG_UNMATCHED_QUOTE',
        message: `Unmatched quote: '${toDisplay(s)}'`,
        pos: { file: lb.file, line: lb.line, col: colAt(lb, t.startOffset) },
      });
      break;
    }
    if (tt === Quoted) {
      words.push({ text: toDisplay(t.image.slice(1, -1)), pos: { file: lb.file, line: lb.line, col: colAt(lb, t.startOffset) }, quoted: true });
      prevBare = false;
    } else {
      if (prevBare && t.startOffset === prevEnd) {
        const w = words[words.length - 1]!;
        w.text = toDisplay(s.slice(bareStart, t.startOffset + t.image.length));
      } else {
        bareStart = t.startOffset;
        words.push({ text: toDisplay(t.image), pos: { file: lb.file, line: lb.line, col: colAt(lb, t.startOffset) }, quoted: false });
      }
      prevBare = true;
    }
    prevEnd = t.startOffset + t.image.length;
  }
  return words;
}
