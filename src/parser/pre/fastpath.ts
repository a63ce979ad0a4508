// The preprocessor's fast path for the usual physical line, scanned in place in the file's bytes:
// nothing pending (residue, generator, multi-line definition), ASCII input, a full line ending in
// '\n' shorter than MAXBUF, no character that decomment, conditionals, definitions, generators or
// includes care about (# ! " \ NUL $ @ ~, other control characters, a leading "include"), and
// braces only as a lone '}' line or one '{' ending the line. Such a line gives exactly what the
// general path gives (one or two plain lines, block depth) without making a LineBuf or a string:
// test/unit/parser/lexical/fastpath.test.ts checks the two paths give the same result.
// Also here: the position of the last line handed out, made on demand after a fast-path line.
import { MAXBUF } from './defs.js';
import type { LineBuf } from './linebuf.js';

/** What scanFastLine() found. Indices are into the file's bytes. */
export interface FastScan {
  /** blank; a plain line; a lone '}'; text (possibly none) followed by a '{' that ends the line. */
  kind: 'blank' | 'line' | 'close' | 'open';
  /** The line without its blanks: [a, z). */
  a: number;
  z: number;
  /** 'open': the brace's index, and the end of the text before it (blanks trimmed). */
  brace: number;
  y: number;
  /** Where the next line starts. */
  next: number;
}

export function newFastScan(): FastScan {
  return { kind: 'blank', a: 0, z: 0, brace: -1, y: 0, next: 0 };
}

/** Scans the line starting at `start`; false when it needs the general path. Fills `out`. */
export function scanFastLine(b: Uint8Array, start: number, out: FastScan): boolean {
  let nl = start;
  const lim = Math.min(b.length, start + MAXBUF - 2);
  while (nl < lim && b[nl] !== 10) nl++;
  if (nl >= lim) return false; // no '\n' (last line), or a line of MAXBUF - 1 bytes or more
  let e = nl;
  while (e > start && b[e - 1] === 13) e--;
  let a = start;
  while (a < e && (b[a] === 32 || b[a] === 9)) a++;
  let z = e;
  while (z > a && (b[z - 1] === 32 || b[z - 1] === 9)) z--;
  let brace = -1;
  for (let i = a; i < z; i++) {
    const ch = b[i]!;
    // { } ~ DEL/high bytes, controls, ! " # $, @ \\
    const special = ch >= 97 ? ch >= 123
      : ch < 48 ? (ch < 32 ? ch !== 9 : ch === 33 || ch === 34 || ch === 35 || ch === 36)
        : ch === 64 || ch === 92;
    if (special) {
      if (ch === 123 && i === z - 1 && brace < 0) { brace = i; continue; }
      if (ch === 125 && a === z - 1) { brace = i; continue; }
      return false;
    }
  }
  // "include..." (also include_check): general path
  if (z - a >= 7 && b[a] === 105 && b[a + 1] === 110 && b[a + 2] === 99 && b[a + 3] === 108
    && b[a + 4] === 117 && b[a + 5] === 100 && b[a + 6] === 101) return false;
  out.a = a;
  out.z = z;
  out.brace = brace;
  out.next = nl + 1;
  if (a === z) out.kind = 'blank';
  else if (brace < 0) out.kind = 'line';
  else if (b[brace] === 125) out.kind = 'close';
  else {
    let y = brace;
    while (y > a && (b[y - 1] === 32 || b[y - 1] === 9)) y--;
    out.kind = 'open';
    out.y = y;
  }
  return true;
}

/** The position of the last line handed out: a LineBuf, or a fast-path line's place made into one on demand. */
export class LastPos {
  private buf: LineBuf | null = null;
  private fast = false;
  private file = '';
  private line = 0;
  private col = 0;
  private show = false;

  get(): LineBuf | null {
    if (this.fast) {
      this.fast = false;
      this.buf = { text: '', file: this.file, line: this.line, base: this.col, map: null, showFile: this.show };
    }
    return this.buf;
  }

  set(lb: LineBuf | null): void { this.buf = lb; this.fast = false; }

  setFast(file: string, line: number, col: number, show: boolean): void {
    this.fast = true;
    this.file = file;
    this.line = line;
    this.col = col;
    this.show = show;
  }
}
