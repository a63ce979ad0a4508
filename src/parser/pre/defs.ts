// $NAME=VALUE definitions and their substitution (keepalived 2.2.7 check_definition(),
// find_definition(), replace_param(), set_std_definitions()).
// Rules kept exactly: `$NAME` is replaced only before space, tab, `,`, `)` or end of line; `${NAME}`
// anywhere; undefined names stay verbatim; a multi-line definition only matches when the reference
// ends the line, and only its first line is spliced in (the rest is handed back as `rest`);
// replacement text is rescanned at once (recursive); a value starting with `~` stops the scan;
// a result of MAXBUF (1024) bytes or more stops with keepalived's message; and 2.2.7's bug where
// `${_RANDOM a b}` in the middle of a line leaves the line's tail garbled is reproduced.
import type { DiagnosticOut } from './diagnostics.js';
import { type LineBuf, colAt, splice } from './linebuf.js';
import { GlibcRandom } from './random.js';
import { isAlnum, isAlpha, isDigit, strtol, toDisplay } from './text.js';

export const MAXBUF = 1024;
/**
 * Our own guard: keepalived loops forever on e.g. `$A=$A`. Any substitution chain that grows the
 * line reaches MAXBUF (keepalived's own message) well before this many steps.
 */
export const MAX_SUBSTITUTIONS_PER_LINE = 1100;
/**
 * Our guard for a physical line and the pieces it is split into at braces: a self-referencing
 * definition that grows past MAXBUF and brings a '{' (`$X=${A}x$X`) restarts in every piece, and
 * 2.2.7 prints pieces forever; cases that do end in 2.2.7 take a few thousand substitutions.
 */
export const MAX_SUBSTITUTIONS_PER_PHYSICAL_LINE = 20_000;

export interface Def {
  name: string;
  value: string;
  multiline: boolean;
  /** Standard (computed) definitions. */
  fn?: (params: string | null) => string;
  maxParams: number;
}

export interface DefsEnv {
  configId: string;
  cwd: () => string;
  random: GlibcRandom;
  diags: DiagnosticOut;
}

/** keepalived's next_ptr / multiline stack, owned by the preprocessor. */
export interface MultilineCtl {
  /** Remaining lines of the multi-line definition being expanded (next_ptr), or null. */
  rest: string | null;
  /** A multi-line definition is being used; `prev` is the expansion it interrupts, if any. */
  beginMultiline(prev: string | null): void;
  /** Set by replace(): column of the last multi-line reference (position of the lines it adds). */
  refCol?: number;
  /** Substitutions still allowed on this logical line (our guard against `$A=$A`). */
  budget: number;
  /** Substitutions still allowed on this physical line, its brace-split pieces included. */
  lineBudget: number;
}

export class Definitions {
  readonly map = new Map<string, Def>();

  constructor(private env: DefsEnv) {
    this.std('_PWD', () => env.cwd(), 0);
    this.std('_INSTANCE', () => env.configId, 0);
    this.std('_RANDOM', (params) => this.random(params), 2);
    this.map.set('_HASH', { name: '_HASH', value: '#', multiline: false, maxParams: 0 });
    this.map.set('_BANG', { name: '_BANG', value: '!', multiline: false, maxParams: 0 });
  }

  private std(name: string, fn: (p: string | null) => string, maxParams: number): void {
    this.map.set(name, { name, value: '', multiline: false, fn, maxParams });
  }

  private pendingPos: LineBuf | null = null;

  private random(params: string | null): string {
    let min = 0;
    let max = 32767;
    if (params !== null) {
      const a = strtol(params, 0, 10, true);
      min = a.value;
      if (a.end < params.length - 1) {
        const b = strtol(params, a.end, 10, true);
        max = b.value;
        if (b.end !== params.length) {
          const lb = this.pendingPos;
          this.env.diags.push({
            severity: 'info', code: 'KA_CFG_RANDOM_PARAMS',
            message: `Too many parameters or extra text for \${_RANDOM ${params}}`,
            ...(lb ? { pos: { file: lb.file, line: lb.line, col: colAt(lb, 0) } } : {}),
          });
        }
      }
    }
    const span = max - min + 1;
    const r = this.env.random.next();
    const val = span > 0 ? (r % span) + min : r + min;
    // keepalived sizes the output buffer from the digits of MAX and snprintf truncates
    return String(val).slice(0, String(max).length);
  }

  /** set_definition(): used by ~SEQ/~LST. */
  set(name: string, value: string): void {
    const d = this.map.get(name);
    if (d) { d.value = value; delete d.fn; d.multiline = false; }
    else this.map.set(name, { name, value, multiline: false, maxParams: 0 });
  }

  /**
   * check_definition(): if `s` is `$NAME=VALUE`, store it and return the definition.
   */
  checkDefinition(s: string): Def | null {
    if (s.charCodeAt(0) !== 36) return null;
    const c1 = s.charCodeAt(1);
    if (!isAlpha(c1) && c1 !== 95) return null;
    let p = 2;
    for (; p < s.length; p++) {
      const c = s.charCodeAt(p);
      if (c === 61) break;
      if (!isAlnum(c) && c !== 95) return null;
    }
    if (p >= s.length) return null;
    const name = s.slice(1, p);
    let def = this.map.get(name);
    if (def) { delete def.fn; }
    else { def = { name, value: '', multiline: false, maxParams: 0 }; this.map.set(name, def); }
    p++;
    while (p < s.length && (s[p] === ' ' || s[p] === '\t')) p++;
    let v = s.slice(p);
    if (v.endsWith('\\')) {
      let n = v.length;
      while (n >= 2 && (v[n - 2] === ' ' || v[n - 2] === '\t')) n--;
      if (n < 2) v = '';
      else v = v.slice(0, n - 1) + '\n';
      def.multiline = true;
    } else def.multiline = false;
    def.value = v;
    return def;
  }

  /**
   * find_definition() for a reference starting at s[i] (just after the `$`).
   * Returns the definition, the length of the text replaced (from the `$`) and any parameters.
   */
  findRef(s: string, i: number): { def: Def; span: number; params: string | null; paramsMid: boolean } | null {
    let p = i;
    let braces = false;
    if (s.charCodeAt(p) === 123) { braces = true; p++; }
    const nameStart = p;
    const c0 = s.charCodeAt(p);
    if (!isAlpha(c0) && c0 !== 95) return null;
    p++;
    while (p < s.length) {
      const c = s.charCodeAt(p);
      if (!isAlnum(c) && c !== 95) break;
      p++;
    }
    const nameEnd = p;
    let paramStart = -1;
    let paramEnd = -1;
    if (braces) {
      while (p < s.length && (s[p] === ' ' || isDigit(s.charCodeAt(p)))) {
        if (s[p] !== ' ') { if (paramStart < 0) paramStart = p; paramEnd = p; }
        p++;
      }
      if (paramStart >= 0 && paramEnd + 1 !== p) return null;
      if (s.charCodeAt(p) !== 125) return null;
    } else if (p < s.length) {
      const c = s.charCodeAt(p);
      if (c !== 32 && c !== 9 && c !== 44 && c !== 41) return null;
    }
    const len = nameEnd - nameStart;
    const allowMultiline = braces ? nameStart + len + 1 >= s.length : nameStart + len >= s.length;
    const def = this.map.get(s.slice(nameStart, nameEnd));
    if (!def || (!allowMultiline && def.multiline)) return null;
    if (paramStart >= 0 && !def.maxParams) return null;
    let span: number;
    if (paramStart >= 0) span = paramEnd + 2 - (i - 1);
    else span = len + 1 + (braces ? 2 : 0);
    return {
      def, span,
      params: paramStart >= 0 ? s.slice(paramStart, paramEnd + 1) : null,
      // 2.2.7 only moves the text correctly when a parameterised reference ends the line
      paramsMid: paramStart >= 0 && paramEnd + 2 < s.length,
    };
  }

  /**
   * replace_param(): substitute in place. Returns whether anything was replaced; `rest` receives
   * the remaining lines of a multi-line definition (keepalived's next_ptr) when one was used.
   */
  replace(lb: LineBuf, maxLen: number, out: MultilineCtl): boolean {
    let s = lb.text;
    let cur = s.indexOf('$');
    let found = false;
    let rest: string | null = out.rest;
    let count = 0;
    while (cur >= 0 && cur + 1 < s.length) {
      const ref = this.findRef(s, cur + 1);
      if (!ref) { cur = s.indexOf('$', cur + 1); continue; }
      if (++count > MAX_SUBSTITUTIONS_PER_LINE || --out.budget < 0 || --out.lineBudget < 0) {
        out.budget = -1;
        this.env.diags.push({
          severity: 'error', code: 'KA_PRE_SUBST_LOOP',
          message: `Parameter substitution on line '${toDisplay(s)}' does not terminate (recursive definition) - stopping`,
          pos: { file: lb.file, line: lb.line, col: colAt(lb, cur) },
        });
        break;
      }
      found = true;
      const def = ref.def;
      if (def.multiline) { out.beginMultiline(rest); out.refCol = colAt(lb, cur); }
      let value = def.value;
      if (def.fn) { this.pendingPos = lb; value = def.fn(ref.params); def.value = value; this.pendingPos = null; }
      let repl: string;
      if (def.multiline) {
        const nl = value.indexOf('\n');
        repl = nl < 0 ? value : value.slice(0, nl);
        rest = nl < 0 ? '' : value.slice(nl + 1);
        if (nl < 0) rest = null;
      } else repl = value;
      if (s.length - ref.span + repl.length >= maxLen) {
        this.env.diags.push({
          severity: 'info', code: 'KA_CFG_SUBST_TOO_LONG',
          message: `Parameter substitution on line '${toDisplay(s)}' would exceed maximum line length`,
          pos: { file: lb.file, line: lb.line, col: colAt(lb, cur) },
        });
        return false;
      }
      const col = colAt(lb, cur);
      if (ref.paramsMid && repl.length < ref.span) {
        // keepalived 2.2.7 shortens only up to the character after the '}' and leaves the old
        // bytes behind it in place.
        const after = s[cur + ref.span] ?? '';
        const tail = s.slice(cur + repl.length + 1);
        const newText = s.slice(0, cur) + repl + after + tail;
        splice(lb, cur, s.length - cur, newText.slice(cur), col);
      } else {
        splice(lb, cur, ref.span, repl, col);
      }
      s = lb.text;
      let k = 0;
      while (k < value.length && (value[k] === ' ' || value[k] === '\t')) k++;
      if (value[k] === '~') break;
    }
    if (found) out.rest = rest;
    return found;
  }
}
