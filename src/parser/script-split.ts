// Script strings (`script`, `notify*`, `misc_path`, `quorum_up/down`, ... keywords installed with
// install_keyword_quoted). keepalived 2.2.7 splits them twice, both times with
// alloc_strvec_quoted_escaped() (lib/parser.c), which works like a shell: `'` and `"` quote,
// adjacent pieces concatenate, and `\a \b \E \f \n \r \t \v \nnn \xHH.. \cC` are escapes (`\C`
// gives C, in and out of quotes).
//   pass 1: the rest of the line after the keyword -> [CMD, user, group]
//   pass 2: CMD -> argv
// Verified on the 2.2.7 binary: `script '/x\x41b\ c' root` runs "/x\x1b" with argument "c", so
// pass 1 already processes escapes and single quotes (HEAD uses a non-escaping pass 1).
import type { Diagnostic, SourcePos } from '../common/diagnostic.js';
import { fromJs, toDisplay } from './pre/text.js';

const WS = ' \t\f\n\r\v';

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

/**
 * alloc_strvec_quoted_escaped(): returns the words, or a Diagnostic (keepalived's message) when
 * a quote is not closed or the string ends with a lone backslash. `src` is a JS string; escapes
 * producing bytes >= 0x80 are decoded as UTF-8 in the result.
 */
export function splitQuotedEscaped(srcJs: string, pos?: SourcePos): string[] | Diagnostic {
  const src = fromJs(srcJs);
  const words: string[] = [];
  let i = 0;
  let quote = '';
  const n = src.length;
  while (i < n) {
    while (i < n && WS.includes(src[i]!)) i++;
    if (i >= n) break;
    let out = '';
    while (i < n) {
      const c = src[i]!;
      if (quote) {
        if (c === quote) { quote = ''; i++; continue; }
        if (c !== '\\') { out += c; i++; continue; }
      } else {
        if (WS.includes(c)) break;
        if (c === '"' || c === "'") { quote = c; i++; continue; }
        if (c !== '\\') { out += c; i++; continue; }
      }
      // a backslash
      i++;
      if (i >= n) {
        return { severity: 'info', code: 'KA_CFG_SCRIPT_ESCAPE', message: `Missing escape char at end: '${toDisplay(src)}'`, ...(pos ? { pos } : {}) };
      }
      let code: number;
      const e = src[i]!;
      if (e === 'x' && isHex(src[i + 1])) {
        code = 0;
        i++;
        while (isHex(src[i])) { code = ((code << 4) | parseInt(src[i]!, 16)) & 0xff; i++; }
      } else if (e === 'c' && i + 1 < n) {
        code = src.charCodeAt(i + 1) & 0x1f;
        i += 2;
      } else if (e >= '0' && e <= '7') {
        code = e.charCodeAt(0) - 48;
        i++;
        for (let k = 0; k < 2 && src[i]! >= '0' && src[i]! <= '7'; k++) { code = ((code << 3) + src.charCodeAt(i) - 48) & 0xff; i++; }
      } else {
        switch (e) {
          case 'a': code = 7; break;
          case 'b': code = 8; break;
          case 'E': code = 0x1b; break;
          case 'f': code = 12; break;
          case 'n': code = 10; break;
          case 'r': code = 13; break;
          case 't': code = 9; break;
          case 'v': code = 11; break;
          default: code = e.charCodeAt(0); break;
        }
        i++;
      }
      out += String.fromCharCode(code);
    }
    if (quote && i >= n) {
      return {
        severity: 'error', code: 'KA_CFG_UNMATCHED_QUOTE',
        message: `String '${toDisplay(src)}': missing terminating ${quote}`, ...(pos ? { pos } : {}),
      };
    }
    // strndup() stops at an embedded NUL
    const nul = out.indexOf('\0');
    words.push(toDisplay(nul >= 0 ? out.slice(0, nul) : out));
  }
  return words;
}

export interface ScriptSplit {
  argv: string[];
  user?: string;
  group?: string;
  /** Words after the group, which keepalived ignores. */
  extra?: string[];
}

/**
 * Split the text of a script keyword's line after the keyword (e.g. for
 * `notify_master "/x.sh a b" user grp`, pass `"/x.sh a b" user grp`).
 */
export function splitScript(rawAfterKeyword: string, pos?: SourcePos): ScriptSplit | Diagnostic {
  const pass1 = splitQuotedEscaped(rawAfterKeyword, pos);
  if (!Array.isArray(pass1)) return pass1;
  if (pass1.length === 0) {
    return { severity: 'info', code: 'KA_CFG_SCRIPT_EMPTY', message: 'Unable to parse notify script', ...(pos ? { pos } : {}) };
  }
  const pass2 = splitQuotedEscaped(pass1[0]!, pos);
  if (!Array.isArray(pass2)) return pass2;
  if (pass2.length === 0) {
    return { severity: 'info', code: 'KA_CFG_SCRIPT_EMPTY', message: `Unable to parse script '${pass1[0]}' - ignoring`, ...(pos ? { pos } : {}) };
  }
  const r: ScriptSplit = { argv: pass2 };
  if (pass1.length > 1) r.user = pass1[1]!;
  if (pass1.length > 2) r.group = pass1[2]!;
  if (pass1.length > 3) r.extra = pass1.slice(3);
  return r;
}

export function isDiagnostic(x: unknown): x is Diagnostic {
  return typeof x === 'object' && x !== null && 'severity' in x && 'code' in x && 'message' in x;
}
