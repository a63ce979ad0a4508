// keepalived 2.2.7 decomment() (lib/parser.c): strips leading blanks, comments (`#`/`!` outside
// double quotes, at any column), the `\` of `\#`/`\!` outside quotes, trailing blanks, and keeps a
// trailing `\` (continuation marker for $DEF=) with the blanks before it removed.
// Quirks kept on purpose: `\"` does not toggle the quote state; after a comment has started the
// scan goes on, so a comment ending in `\` still leaves a trailing `\`.
import type { DiagnosticOut } from './diagnostics.js';
import { type LineBuf, colAt, dropPrefix, splice, truncate, append } from './linebuf.js';
import { toDisplay } from './text.js';

export function decomment(lb: LineBuf, diags: DiagnosticOut): void {
  let s = lb.text;
  let i = 0;
  while (i < s.length && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  if (i) { dropPrefix(lb, i); s = lb.text; }

  let quote = false;
  let quoteAt = -1;
  let cont = false;
  let skip = -1;
  let p = 0;
  while (p < s.length) {
    const c = s.charCodeAt(p);
    if (c === 34 /* " */) {
      if (skip < 0) { quote = !quote; if (quote) quoteAt = p; }
      p++;
      continue;
    }
    if (c === 92 /* \ */) {
      if (p + 1 < s.length) {
        const n = s.charCodeAt(p + 1);
        if (!quote && (n === 35 || n === 33)) {
          // drop the backslash; the escaped character takes its column (start of the token)
          splice(lb, p, 2, s[p + 1]!, colAt(lb, p));
          s = lb.text;
          p++;
        } else p += 2;
        continue;
      }
      truncate(lb, p);
      s = lb.text;
      cont = true;
      break;
    }
    if ((c === 35 || c === 33) && !quote && skip < 0) skip = p;
    p++;
  }

  if (quote) {
    diags.push({
      severity: 'error', code: 'KA_CFG_UNTERMINATED_QUOTE',
      message: `Unterminated quote '${toDisplay(s)}'`,
      pos: { file: lb.file, line: lb.line, col: colAt(lb, quoteAt) },
    });
  }
  if (skip >= 0) { truncate(lb, skip); s = lb.text; }
  let e = s.length;
  while (e > 0 && (s.charCodeAt(e - 1) === 32 || s.charCodeAt(e - 1) === 9)) e--;
  if (e < s.length) truncate(lb, e);
  if (cont) append(lb, '\\');
}
