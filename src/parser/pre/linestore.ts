// Compact storage of the preprocessor's output lines (a LineSource, see lines.ts). A large config
// has ~900k logical lines; keeping one ConfigLine object (plus words and positions) per line made
// garbage collection the main cost of parsing. Here the common line - ASCII, no '"', columns 1:1
// with its text, text still lying verbatim in the file content - is six small integers in one
// packed array (content index, start, end, line, column, file index + showFile); its ConfigLine
// (a PlainLine: words and positions made on access) is created when read. Lines whose text is not
// in the file any more keep their string; any other line keeps its eager ConfigLine object.
import type { ConfigLine, LineSource } from '../lines.js';
import { PlainLine } from '../lexer.js';

const STRIDE = 6;

/** Bits 1-2 of the flags word: 1 = the line is '{', 2 = '}'. */
function braceBits(text: string): number {
  return text === '{' ? 2 : text === '}' ? 4 : 0;
}

export class LineStore implements LineSource {
  /** STRIDE int32 per line: src index (-1: string in objs, -2: object in objs), a, b, line, col,
   *  file<<3|brace<<1|showFile. */
  private meta = new Int32Array(STRIDE * 1024);
  private readonly srcs: string[] = [];
  private readonly fileNames: string[] = [];
  private readonly objs: (string | ConfigLine)[] = [];
  private lastSrc: string | undefined;
  private lastSrcIdx = -1;
  private lastFile: string | undefined;
  private lastFileIdx = -1;
  private cacheIdx = -1;
  private cacheLine: ConfigLine | undefined;
  length = 0;

  private fileIdx(file: string): number {
    if (file === this.lastFile) return this.lastFileIdx;
    let i = this.fileNames.indexOf(file);
    if (i < 0) { i = this.fileNames.length; this.fileNames.push(file); }
    this.lastFile = file;
    this.lastFileIdx = i;
    return i;
  }

  /** The index of a file content in srcs (added when new); the callers test lastSrc first (hot path). */
  private srcIdx(src: string): number {
    let i = this.srcs.indexOf(src);
    if (i < 0) { i = this.srcs.length; this.srcs.push(src); }
    this.lastSrc = src;
    this.lastSrcIdx = i;
    return i;
  }

  /**
   * A plain line (ASCII, no '"', col of text[i] = col + i). `src`/`off` are where the text
   * probably lies in the file content; checked here, the string is kept when it does not.
   */
  pushPlain(text: string, file: string, line: number, col: number, showFile: boolean, src: string | undefined,
      off: number | undefined): void {
    const f = (this.fileIdx(file) << 3) | braceBits(text) | (showFile ? 1 : 0);
    if (src !== undefined && off !== undefined && src.startsWith(text, off)) {
      this.put(src === this.lastSrc ? this.lastSrcIdx : this.srcIdx(src), off, off + text.length, line, col, f);
    } else {
      this.put(-1, this.objs.length, 0, line, col, f);
      this.objs.push(text);
    }
  }

  /** A plain line known to be src[a, z) (the preprocessor's in-place fast path). */
  pushSpan(src: string, a: number, z: number, file: string, line: number, col: number, showFile: boolean): void {
    const si = src === this.lastSrc ? this.lastSrcIdx : this.srcIdx(src);
    const f = file === this.lastFile ? this.lastFileIdx : this.fileIdx(file);
    const br = z - a !== 1 ? 0 : src.charCodeAt(a) === 123 ? 2 : src.charCodeAt(a) === 125 ? 4 : 0;
    this.put(si, a, z, line, col, (f << 3) | br | (showFile ? 1 : 0));
  }

  private put(si: number, a: number, b: number, line: number, col: number, f: number): void {
    let m = this.meta;
    const k = this.length * STRIDE;
    if (k + STRIDE > m.length) {
      const g = new Int32Array(m.length * 2);
      g.set(m);
      this.meta = m = g;
    }
    m[k] = si; m[k + 1] = a; m[k + 2] = b; m[k + 3] = line; m[k + 4] = col; m[k + 5] = f;
    this.length++;
  }

  /** Any other line, kept as it is. */
  pushLine(l: ConfigLine): void {
    this.put(-2, this.objs.length, 0, 0, 0, 0);
    this.objs.push(l);
  }

  at(i: number): ConfigLine | undefined {
    if (i < 0) i += this.length;
    if (i < 0 || i >= this.length) return undefined;
    // the reader looks at the same line several times in a row: same object each time
    if (i === this.cacheIdx) return this.cacheLine;
    const m = this.meta;
    const k = i * STRIDE;
    const si = m[k]!;
    let l: ConfigLine;
    if (si === -2) l = this.objs[m[k + 1]!] as ConfigLine;
    else {
      const f = m[k + 5]!;
      const br = (f >> 1) & 3;
      const file = this.fileNames[f >> 3]!;
      const show = (f & 1) === 1 ? true : undefined;
      const brace = br === 1 ? '{' : br === 2 ? '}' : undefined;
      if (si === -1) {
        const text = this.objs[m[k + 1]!] as string;
        l = new PlainLine(text, 0, text.length, file, m[k + 3]!, m[k + 4]!, show, brace);
      } else l = new PlainLine(this.srcs[si]!, m[k + 1]!, m[k + 2]!, file, m[k + 3]!, m[k + 4]!, show, brace);
    }
    this.cacheIdx = i;
    this.cacheLine = l;
    return l;
  }

  /** Every line as a ConfigLine (for consumers that want an array). */
  toArray(): ConfigLine[] {
    const out: ConfigLine[] = new Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.at(i)!;
    return out;
  }
}
