// HTTP_GET / SSL_GET url regex as keepalived 2.2.7 applies it (check_http.c check_regex, PCRE2):
// the subject is the whole response as received, status line and headers included (2.2.7 runs the
// first read's buffer through pcre2 before dropping the headers), byte for byte; a match must start
// at or after regex_min_offset and at or before regex_max_offset (both from the first byte of the
// response). regex_options are PCRE2 compile options, mapped onto a JS RegExp where JS has them.
//
// What differs from PCRE2 (JS RegExp has no such option or behaves otherwise):
// - default `$` (no dollar_endonly, no multiline) also matches before a final "\n" in PCRE2: done
//   here by rewriting a top-level `$` outside classes to `(?=\n?$)`;
// - `extended` is done by removing unescaped whitespace and `#` comments outside classes (PCRE2's
//   rules for `(?#...)` and whitespace inside quantifiers `{1, 2}` are not followed);
// - `firstline`: the match must start before the first newline of the subject;
// - `utf`/`ucp`: the subject is decoded as UTF-8 and the `u` flag is set, so offsets then count
//   UTF-16 units instead of bytes, and `\w`/`\d`/`\b` stay ASCII-only in JS (PCRE2 ucp: Unicode);
// - `allow_empty_class`: JS `[]` is always an empty class; without the option PCRE2 reads `[]a]` as
//   a class holding `]` and `a`; JS does not;
// - `match_unset_backref`: JS always lets an unset group's backreference match empty (PCRE2 only
//   with the option);
// - `dupnames`: JS refuses duplicate group names outside alternatives (the regex then never matches);
// - the other options (alt_bsux, alt_circumflex, alt_verbnames, auto_callout, never_backslash_c,
//   never_ucp, never_utf, no_auto_capture, no_auto_possess, no_dotstar_anchor, no_start_optimize,
//   ungreedy, use_offset_limit) change which text matches or how fast, never whether a match exists
//   (only that is used), and are accepted;
// - regex_stack sizes PCRE2's JIT stack: a pattern that exhausts 2.2.7's stack fails there (no match)
//   and can match here; JS has no such limit. PCRE2-only syntax (possessive `*+`, atomic `(?>`,
//   `\A \Z \z`, recursion, callouts) is a RegExp syntax error here: the url then never matches.
// 2.2.7 matches the response in read-sized pieces with partial matching; here the whole response
// is matched at once, which gives the same result except for patterns whose lookbehind reaches
// further back than PCRE2 keeps between pieces.

export interface UrlRegex {
  pattern: string;
  options?: readonly string[];
  /** First byte offset a match may start at. */
  minOffset?: number;
  /** Last byte offset a match may start at. */
  maxOffset?: number;
}

/** Walks a pattern, calling `f` for each unit outside character classes (escapes kept whole). */
function rewrite(src: string, f: (unit: string, next: string) => string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (ch === '\\') { out += src.slice(i, i + 2); i++; continue; }
    if (inClass) { out += ch; if (ch === ']') inClass = false; continue; }
    if (ch === '[') { inClass = true; out += ch; if (src[i + 1] === '^') { out += '^'; i++; } if (src[i + 1] === ']') { out += '\\]'; i++; } continue; }
    out += f(ch, src.slice(i + 1));
  }
  return out;
}

function extended(src: string): string {
  let skipComment = false;
  return rewrite(src, (c) => {
    if (skipComment) { if (c === '\n') skipComment = false; return ''; }
    if (c === '#') { skipComment = true; return ''; }
    return /\s/.test(c) ? '' : c;
  });
}

export interface CompiledRegex { test(subject: Buffer): boolean }

/** Compiles once; a pattern JS cannot compile never matches (2.2.7 logs "Invalid regex" for its own). */
export function compileUrlRegex(r: UrlRegex): CompiledRegex {
  const opts = new Set(r.options ?? []);
  let src = r.pattern;
  if (opts.has('extended')) src = extended(src);
  if (!opts.has('dollar_endonly') && !opts.has('multiline')) src = rewrite(src, (c) => (c === '$' ? '(?=\\n?$)' : c));
  const unicode = opts.has('utf') || opts.has('ucp');
  let flags = 'g';
  if (opts.has('caseless')) flags += 'i';
  if (opts.has('multiline')) flags += 'm';
  if (opts.has('dotall')) flags += 's';
  if (unicode) flags += 'u';
  let re: RegExp | null;
  try { re = new RegExp(src, flags); } catch { re = null; }
  const min = r.minOffset ?? 0;
  const max = r.maxOffset;
  return {
    test(subject: Buffer): boolean {
      if (!re) return false;
      const text = subject.toString(unicode ? 'utf8' : 'latin1');
      const nl = opts.has('firstline') ? text.indexOf('\n') : -1;
      re.lastIndex = min;
      const m = re.exec(text);
      if (!m) return false;
      if (max !== undefined && m.index > max) return false;
      if (nl >= 0 && m.index > nl) return false;
      return true;
    },
  };
}
