// The line directives of keepalived 2.2.7's read_line(), applied to each logical line before
// include and brace handling: `@ID` / `@^ID` conditionals (kept only on the matching / other
// config ids), `$NAME=VALUE` definitions (and the collection of a multi-line one, `\` ending each
// line), `~SEQ` / `~SEQx` / `~LST` generators (handed to the pending lines), and `$NAME` / `${NAME}`
// substitution, after which the line is decommented again and re-checked. Our guard: a line's
// substitutions are budgeted (defs.ts) so self-referencing definitions end.
import { decomment } from './decomment.js';
import {
  Definitions, MAXBUF, MAX_SUBSTITUTIONS_PER_LINE, MAX_SUBSTITUTIONS_PER_PHYSICAL_LINE, type Def, type MultilineCtl,
} from './defs.js';
import type { DiagnosticSink } from './diagnostics.js';
import { type LineBuf, dropPrefix } from './linebuf.js';
import { MAX_SEQ_DEPTH, type PendingLines } from './pending.js';
import { addLst, addSeq } from './seq.js';
import { toDisplay } from './text.js';

export class Directives {
  /** The definition being collected (a multi-line one, or the last one made). */
  private def: Def | null = null;
  /** A multi-line definition is being collected: its lines are not configuration lines. */
  collecting = false;
  private readonly ml: MultilineCtl;

  constructor(
    private readonly configIdBytes: string, private readonly defs: Definitions,
    private readonly pending: PendingLines, private readonly diags: DiagnosticSink,
  ) {
    this.ml = {
      rest: null,
      budget: MAX_SUBSTITUTIONS_PER_LINE,
      lineBudget: MAX_SUBSTITUTIONS_PER_PHYSICAL_LINE,
      beginMultiline: (prev: string | null) => pending.beginMultiline(prev),
    };
  }

  /** A blank line ends a multi-line definition. */
  blankLine(): void {
    if (!this.collecting) return;
    this.collecting = false;
    if (this.def && this.def.value.length === 0) this.def.multiline = false;
  }

  /** One more line of the multi-line definition being collected. */
  collect(buf: LineBuf): void {
    let t = buf.text;
    if (t.endsWith('\\')) {
      let n = t.length - 1;
      while (n >= 1 && (t[n - 1] === ' ' || t[n - 1] === '\t')) n--;
      t = t.slice(0, n) + '\n';
    } else {
      this.collecting = false;
      if (this.def && this.def.value.length === 0) this.def.multiline = false;
    }
    if (this.def && (t.length >= 2 || (t.length > 0 && !this.collecting))) this.def.value += t;
  }

  /**
   * Conditionals, definitions, generators and substitution on `buf` (edited in place). False when
   * the line is used up (not for this config id, a definition, a generator, or empty after all).
   * `fromResidue`: the line is the rest of a physical line split at a brace (it shares that
   * line's substitution budget).
   */
  apply(buf: LineBuf, fromResidue: boolean): boolean {
    const ml = this.ml;
    let recheck: boolean;
    ml.budget = MAX_SUBSTITUTIONS_PER_LINE;
    // the pieces a physical line is split into at its braces share a second, larger budget (defs.ts)
    if (!fromResidue) ml.lineBudget = MAX_SUBSTITUTIONS_PER_PHYSICAL_LINE;
    do {
      recheck = false;
      const t0 = buf.text;
      if (t0.charCodeAt(0) === 64 /* @ */) {
        const rev = t0[1] === '^';
        const ofs = rev ? 2 : 1;
        let sp = ofs;
        while (sp < t0.length && t0[sp] !== ' ' && t0[sp] !== '\t') sp++;
        if (sp >= t0.length) return false;
        const id = t0.slice(ofs, sp);
        const mismatch = id !== this.configIdBytes;
        if (mismatch !== rev) return false;
        while (sp < t0.length && (t0[sp] === ' ' || t0[sp] === '\t')) sp++;
        dropPrefix(buf, sp);
      }
      const t = buf.text;
      if (t.charCodeAt(0) === 36 /* $ */) {
        const d = this.defs.checkDefinition(t);
        if (d) {
          this.def = d;
          if (d.multiline) this.collecting = true;
          return false;
        }
      }
      if (t.startsWith('~SEQ') || t.startsWith('~LST')) {
        this.generator(buf, t);
        return false;
      }
      if (t.charCodeAt(0) === 126 /* ~ */) break;
      if (t.indexOf('$') >= 0) {
        const pending = this.pending;
        ml.rest = pending.nextPtr ? pending.nextPtr.text : null;
        ml.refCol = undefined;
        if (!this.defs.replace(buf, MAXBUF, ml)) break;
        if (ml.refCol !== undefined) {
          // a multi-line definition was used: its remaining lines come next
          pending.nextPtr = ml.rest === null ? null : { text: ml.rest, pos: { ...buf, map: null, base: ml.refCol } };
        }
        decomment(buf, this.diags);
        if (buf.text.charCodeAt(0) === 64 || buf.text.indexOf('$') >= 0) recheck = true;
        if (ml.budget < 0) break;
      }
    } while (recheck);
    return buf.text.length > 0;
  }

  /** A ~SEQ / ~LST line: its generator joins the pending lines. */
  private generator(buf: LineBuf, t: string): void {
    const isSeq = t[1] === 'S';
    const g = isSeq ? addSeq(buf, this.defs, this.diags) : addLst(buf, this.diags);
    if (!g) {
      this.diags.report('error', 'KA_CFG_SEQ', `Invalid ${isSeq ? '~SEQ' : '~LST'} specification '${toDisplay(t)}'`, buf);
    } else if (this.pending.seqs.length >= MAX_SEQ_DEPTH) {
      const message = `~SEQ/~LST nested more than ${MAX_SEQ_DEPTH} deep - ignoring '${toDisplay(t)}'`;
      this.diags.report('error', 'KA_PRE_SEQ_DEPTH', message, buf);
    } else {
      this.pending.seqs.push(g);
    }
  }
}
