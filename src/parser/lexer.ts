// Word splitting of a finished config line: keepalived 2.2.7 alloc_strvec_r() (lib/parser.c).
// Separators are space, \t, \f, \n, \r, \v; "..." is one word with the quotes dropped and no
// escapes; a '"' also ends an unquoted word; an unmatched '"' reports `Unmatched quote: '<line>'`
// and drops the rest of the line. Tokens are defined with Chevrotain (word, quoted string,
// unmatched quote, braces, whitespace). Brace tokens only stand alone after brace splitting; if one
// touches a word it is glued back, as keepalived has no brace token at this stage.
// Lines without a '"' (nearly all of them) take an equivalent hand-written fast path: Chevrotain's
// per-call overhead would otherwise dominate the 674k-line benchmark.
import { createToken, Lexer, type IToken } from './chevrotain.js';
import type { SourcePos } from '../common/diagnostic.js';
import type { DiagnosticOut } from './pre/diagnostics.js';
import type { ConfigLine, Word } from './lines.js';
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

/** Does a quote-free line have at least one word (a non-separator character)? */
export function hasWord(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isSep(s.charCodeAt(i))) return true;
  return false;
}

/**
 * The words of a line without '"' (the fast path of splitWords): runs of non-separators, `col0`
 * the column of s[0]; `s` and `file` are already display strings (ASCII input: bytes == chars).
 */
export function plainWords(s: string, file: string, line: number, col0: number): Word[] {
  return plainWordsIn(s, 0, s.length, { file, line }, col0);
}

/** plainWords of s[a, z), the column of s[a] being `col`. */
export function plainWordsIn(s: string, a: number, z: number, at: WordAt, col: number): Word[] {
  const words: Word[] = [];
  let i = a;
  const d = col - a;
  while (i < z) {
    while (i < z && isSep(s.charCodeAt(i))) i++;
    if (i >= z) break;
    const st = i;
    while (i < z && !isSep(s.charCodeAt(i))) i++;
    words.push(new PlainWord(s.slice(st, i), at, d + st));
  }
  return words;
}

/** An unquoted word whose position object is made on access (most words' positions are never read). */
class PlainWord implements Word {
  /** `at`: the line's file and number (the PlainLine itself, shared by its words). */
  constructor(readonly text: string, private readonly at: WordAt, private readonly col: number) {}
  get quoted(): boolean { return false; }
  get pos(): SourcePos { return { file: this.at.file, line: this.at.line, col: this.col }; }
}

interface WordAt { readonly file: string; readonly line: number }

/**
 * A ConfigLine of ASCII text without '"' whose columns map 1:1 to its text (nearly every line of
 * a real configuration). Only the text and where it starts are kept; `words` and `pos` are made on
 * access (fresh plain objects, like the eager ones), so the million-line stream retains two
 * objects per line instead of ~9. The last line's words are cached so that the reader's repeated
 * `line.words` accesses split once. Words are those splitWords() gives for the same LineBuf.
 */
export class PlainLine implements ConfigLine {
  private static lastLine: PlainLine | null = null;
  private static lastWords: Word[] = [];
  /**
   * The line is src[a, z) (src: the file content, or the line's own text); `brace` is given when
   * the text is a lone '{' or '}'. The text string itself is made on access too.
   */
  constructor(
    private readonly src: string,
    private readonly a: number,
    private readonly z: number,
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly showFile: boolean | undefined,
    readonly brace: '{' | '}' | undefined,
  ) {}
  get text(): string { return this.src.slice(this.a, this.z); }
  get words(): Word[] {
    if (PlainLine.lastLine === this) return PlainLine.lastWords;
    const w = plainWordsIn(this.src, this.a, this.z, this, this.col);
    PlainLine.lastLine = this;
    PlainLine.lastWords = w;
    return w;
  }
  get pos(): SourcePos { return { file: this.file, line: this.line, col: this.col }; }
}

/**
 * Split a processed line into words, each with its source position. The text is a latin1 byte
 * string; words are returned UTF-8 decoded.
 */
export function splitWords(lb: LineBuf, diags: DiagnosticOut, ascii = false, forceLexer = false): Word[] {
  const s = lb.text;
  const words: Word[] = [];
  if (!forceLexer && s.indexOf('"') < 0) {
    if (ascii && !lb.map) return plainWords(s, lb.file, lb.line, lb.base);
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
      words.push({ text: ascii ? w : toDisplay(w), pos: { file, line,
        col: lb.map ? colAt(lb, st) : lb.base + st }, quoted: false });
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
      words.push({ text: toDisplay(t.image.slice(1, -1)), pos: { file: lb.file, line: lb.line,
        col: colAt(lb, t.startOffset) }, quoted: true });
      prevBare = false;
    } else {
      if (prevBare && t.startOffset === prevEnd) {
        const w = words[words.length - 1]!;
        w.text = toDisplay(s.slice(bareStart, t.startOffset + t.image.length));
      } else {
        bareStart = t.startOffset;
        words.push({ text: toDisplay(t.image), pos: { file: lb.file, line: lb.line,
          col: colAt(lb, t.startOffset) }, quoted: false });
      }
      prevBare = true;
    }
    prevEnd = t.startOffset + t.image.length;
  }
  return words;
}
