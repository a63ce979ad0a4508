// The brace splitter of keepalived 2.2.7's read_line(): a line is cut before its first '{' or '}'
// outside double quotes (a brace at the start is cut after, with the blanks that follow), so that
// every brace ends up on a line of its own; the rest of the line is read next (the residue).
// Trailing blanks are trimmed from the part handed out. Pure: edits the LineBuf it is given.
import { type LineBuf, sub, truncate } from './linebuf.js';

/** Splits `buf` at its first brace outside quotes; returns the residue to read next, or null. */
export function splitAtBrace(buf: LineBuf): LineBuf | null {
  const s = buf.text;
  let p = -1;
  const c0 = s.charCodeAt(0);
  if (c0 === 123 || c0 === 125) p = 0;
  else {
    let i = 0;
    for (;;) {
      let j = i;
      while (j < s.length) {
        const c = s.charCodeAt(j);
        if (c === 123 || c === 125 || c === 34) break;
        j++;
      }
      if (j >= s.length) break;
      if (s.charCodeAt(j) !== 34) { p = j; break; }
      const close = s.indexOf('"', j + 1);
      if (close < 0) break;
      i = close + 1;
    }
  }
  let residue: LineBuf | null = null;
  if (p >= 0) {
    let skip = 0;
    if (p === 0) {
      skip = 1;
      while (skip < s.length && (s[skip] === ' ' || s[skip] === '\t')) skip++;
    }
    if (p + skip < s.length) {
      let e = s.length;
      while (e > p + skip && (s[e - 1] === ' ' || s[e - 1] === '\t')) e--;
      residue = sub(buf, p + skip, e);
      truncate(buf, p + skip);
    }
  }
  let e = buf.text.length;
  while (e > 0 && (buf.text[e - 1] === ' ' || buf.text[e - 1] === '\t')) e--;
  if (e < buf.text.length) truncate(buf, e);
  return residue;
}
