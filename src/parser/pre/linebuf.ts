// A line being worked on by the preprocessor (keepalived's read_line() `buf`), plus where each
// of its characters came from. Text is a "byte string" (latin1: one char per file byte), because
// keepalived's limits (MAXBUF) and scanning are byte based. Columns are 1-based byte columns.
// Most lines only lose a prefix, so the column map stays implicit (base + index) until an edit in
// the middle of the line needs an explicit per-character map.

export interface LineBuf {
  text: string;
  /** File name as keepalived shows it (the glob match as written). */
  file: string;
  line: number;
  /** Column of text[0] while `map` is null. */
  base: number;
  /** Explicit column of each character, when edits made the implicit mapping wrong. */
  map: number[] | null;
  /** keepalived prints "(FILE: Line N)" instead of "(Line N)" for this line's file. */
  showFile: boolean;
  /**
   * Where the text probably still lies verbatim: src.slice(off, off + text.length) (the file
   * content it was read from). Kept up to date by fgets, dropPrefix and sub; only a hint - the
   * line store checks it before storing offsets instead of the string.
   */
  src?: string;
  off?: number;
}

export function colAt(lb: LineBuf, i: number): number {
  if (lb.map) {
    if (lb.map.length === 0) return lb.base;
    return i < lb.map.length ? lb.map[i]! : lb.map[lb.map.length - 1]! + 1;
  }
  return lb.base + i;
}

function materialize(lb: LineBuf): number[] {
  if (lb.map) return lb.map;
  const m = new Array<number>(lb.text.length);
  for (let i = 0; i < m.length; i++) m[i] = lb.base + i;
  lb.map = m;
  return m;
}

/** Drop the first n characters. */
export function dropPrefix(lb: LineBuf, n: number): void {
  if (n <= 0) return;
  if (lb.map) lb.map = lb.map.slice(n);
  else lb.base += n;
  if (lb.off !== undefined) lb.off += n;
  lb.text = lb.text.slice(n);
}

/** Keep the first n characters. */
export function truncate(lb: LineBuf, n: number): void {
  if (n >= lb.text.length) return;
  lb.text = lb.text.slice(0, n);
  if (lb.map) lb.map.length = n;
}

/** Replace text[start, start+len) by repl; every new character gets column `col`. */
export function splice(lb: LineBuf, start: number, len: number, repl: string, col: number): void {
  const m = materialize(lb);
  const cols = new Array<number>(repl.length).fill(col);
  m.splice(start, len, ...cols);
  lb.text = lb.text.slice(0, start) + repl + lb.text.slice(start + len);
}

/** Append characters that take their column from the last existing character + 1. */
export function append(lb: LineBuf, s: string): void {
  if (lb.map) {
    const c = colAt(lb, lb.text.length);
    for (let i = 0; i < s.length; i++) lb.map.push(c + i);
  }
  lb.text += s;
}

/** A new LineBuf for text[start, end). */
export function sub(lb: LineBuf, start: number, end?: number): LineBuf {
  const e = end ?? lb.text.length;
  return {
    text: lb.text.slice(start, e),
    file: lb.file,
    line: lb.line,
    base: lb.map ? colAt(lb, start) : lb.base + start,
    map: lb.map ? lb.map.slice(start, e) : null,
    showFile: lb.showFile,
    src: lb.src,
    off: lb.off === undefined ? undefined : lb.off + start,
  };
}

export function clone(lb: LineBuf): LineBuf {
  return { ...lb, map: lb.map ? lb.map.slice() : null };
}
