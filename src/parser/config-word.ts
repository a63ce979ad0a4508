// Writing one word of a keepalived.conf keyword line so that keepalived 2.2.7 (and our preprocessor,
// which follows it) reads back exactly that word. Used by every writer of configuration text (the
// canonical printer, the migrate tool). Facts, from lib/parser.c of 2.2.7 and measured with
// `keepalived -t` (test/unit/parser/config-word.test.ts):
// - a keyword line is split by alloc_strvec_r(): blanks (space, tab, \f, \v) separate words; a word
//   starting with '"' runs to the next '"' with no escapes at all, so a '"' can never be part of a word;
// - before that, decomment() ends the line at '!' or '#' outside quotes, turns an unquoted '\#' or '\!'
//   into '#' / '!', and takes a '\' right before a closing quote as escaping it ("Unterminated quote");
// - '{' and '}' outside quotes split the line into blocks; as the first word of a line they open or
//   close a block even when quoted (measured: `"}"` ends a notification_email block);
// - a line starting with '@' is a config-id condition, one starting with '~' a ~SEQ / ~LST, one
//   starting with the word include (or includer, includem, includew, includeb, includea) an include;
// - '$NAME' (followed by a blank, ',', ')' or the end of the line) and '${NAME}' are replaced, inside
//   quotes too, wherever NAME is defined; a file we write defines nothing, but keepalived's standard
//   definitions _PWD, _INSTANCE, _RANDOM, _HASH and _BANG always exist, and no spelling escapes them.

/** keepalived 2.2.7's always-defined names (add_std_definition()). */
export const STD_DEFINITIONS: readonly string[] = ['_PWD', '_INSTANCE', '_RANDOM', '_HASH', '_BANG'];

/** Why a word cannot be written so that it reads back unchanged. */
export type UnwritableReason = 'double-quote' | 'line-break' | 'nul' | 'backslash-before-quote' | 'definition' | 'brace-first';

export type WordSpelling = { ok: true; text: string } | { ok: false; reason: UnwritableReason };

export const UNWRITABLE_TEXT: Record<UnwritableReason, string> = {
  'double-quote': 'a \'"\' cannot be part of a keepalived word',
  'line-break': 'a line break cannot be part of a keepalived word',
  nul: 'a NUL byte cannot be part of a keepalived word',
  'backslash-before-quote': 'a word that must be quoted cannot end with \'\\\'',
  'brace-first': 'keepalived takes a \'{\' or \'}\' that starts a line as a block brace, even quoted',
  definition: `keepalived would replace a standard definition (${STD_DEFINITIONS.map((d) => `$${d}`).join(', ')})`,
};

const NEEDS_QUOTES = /[ \t\f\v"{}#!$]/;

/** True when the quoted text `"s"` would still hold a $NAME / ${NAME} of a standard definition. */
function expandsStdDefinition(s: string): boolean {
  for (let i = s.indexOf('$'); i >= 0; i = s.indexOf('$', i + 1)) {
    const braces = s[i + 1] === '{';
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i + (braces ? 2 : 1)));
    if (!m || !STD_DEFINITIONS.includes(m[0])) continue;
    const after = s.slice(i + (braces ? 2 : 1) + m[0].length);
    // ${NAME} (with optional numeric parameters: taken as replaced, erring on the safe side);
    // $NAME ends at a blank, ',' or ')': right before the closing quote it is not replaced
    if (braces ? /^[ \d]*}/.test(after) : /^[ \t,)]/.test(after)) return true;
  }
  return false;
}

/** Where a word stands: first on its line (a keyword, or an entry of a list block), or after it. */
export type WordPosition = 'first' | 'argument';

/** How to write `s` as one word of a keyword line. */
export function spellWord(s: string, at: WordPosition = 'argument'): WordSpelling {
  if (at === 'first' && (s === '{' || s === '}')) return { ok: false, reason: 'brace-first' };
  if (s.includes('"')) return { ok: false, reason: 'double-quote' };
  if (/[\n\r]/.test(s)) return { ok: false, reason: 'line-break' };
  if (s.includes('\0')) return { ok: false, reason: 'nul' };
  const quote = s === '' || NEEDS_QUOTES.test(s) || s.startsWith('@') || s.startsWith('~') || (at === 'first' && /^include[rmwba]?$/.test(s));
  if (!quote) return { ok: true, text: s };
  if (s.endsWith('\\')) return { ok: false, reason: 'backslash-before-quote' };
  if (expandsStdDefinition(s)) return { ok: false, reason: 'definition' };
  return { ok: true, text: `"${s}"` };
}

/** The words of one keyword line, spelled (the first at 'first'); throws RangeError as quoteWord(). */
export function quoteLine(words: readonly string[]): string {
  return words.map((w, i) => quoteWord(w, i === 0 ? 'first' : 'argument')).join(' ');
}

/** spellQuotedEscaped() for writers that only pass writable strings; throws RangeError otherwise. */
export function quoteQuotedEscaped(s: string): string {
  const r = spellQuotedEscaped(s);
  if (!r.ok) throw new RangeError(`cannot write ${JSON.stringify(s)} as a keepalived quoted string: ${UNWRITABLE_TEXT[r.reason]}`);
  return r.text;
}

/** spellWord() for writers that only pass words known to be writable; throws RangeError otherwise. */
export function quoteWord(s: string, at: WordPosition = 'argument'): string {
  const r = spellWord(s, at);
  if (!r.ok) throw new RangeError(`cannot write ${JSON.stringify(s)} as a keepalived word: ${UNWRITABLE_TEXT[r.reason]}`);
  return r.text;
}

/**
 * How to write `s` as the one string after a keyword that keepalived reads with
 * alloc_strvec_quoted_escaped() (scripts and notify commands before their second split, regex):
 * a double-quoted string where '\' and '"' are escaped with '\', and '$' is written as the octal
 * escape \044 so that no definition is replaced in it.
 */
export function spellQuotedEscaped(s: string): WordSpelling {
  if (/[\n\r]/.test(s)) return { ok: false, reason: 'line-break' };
  if (s.includes('\0')) return { ok: false, reason: 'nul' };
  return { ok: true, text: `"${s.replace(/[\\"]/g, '\\$&').replaceAll('$', '\\044')}"` };
}
