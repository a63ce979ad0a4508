// The preprocessor's one diagnostics sink. Every message it or its helpers (decomment, definitions,
// generators, the word splitter) report goes into one list of PreDiagnostic entries, each carrying
// where keepalived reports it: `before` (just before handing out line N of the output, so the
// reader can interleave its own messages in keepalived's order) and `showFile` (whether its prefix
// names the file). A message about a known line gets its showFile when reported; the others take
// the line being read when they are placed (place(), called as each output line is decided).
import type { DiagCode, Diagnostic, Severity } from '../../common/diagnostic.js';
import type { PreDiagnostic } from '../lines.js';
import { type LineBuf, colAt } from './linebuf.js';
import { toDisplay } from './text.js';

/** Where helper modules report to (an array will do in their unit tests). */
export interface DiagnosticOut { push(d: Diagnostic): unknown }

export class DiagnosticSink implements DiagnosticOut {
  private readonly entries: PreDiagnostic[] = [];
  /** entries[0 .. placed) have their `before` set. */
  private placed = 0;

  /** `current()`: the line being worked on, for messages about "this line". */
  constructor(private readonly current: () => LineBuf | null) {}

  get length(): number { return this.entries.length; }

  /** A helper's message, placed with the next place(). */
  push(d: Diagnostic): void {
    this.entries.push({ ...d, before: -1 });
  }

  /** A message about `lb` (default: the current line), at column `col` (default: the line's first). */
  report(severity: Severity, code: DiagCode, message: string, lb: LineBuf | null, col?: number): void {
    const at = lb ?? this.current();
    const d: PreDiagnostic = { severity, code, message, before: -1, showFile: at ? at.showFile : false };
    if (at) d.pos = { file: toDisplay(at.file), line: at.line, col: col ?? colAt(at, 0) };
    this.entries.push(d);
  }

  /** Messages reported since the last place() come before output line `before`. */
  place(before: number): void {
    const es = this.entries;
    for (; this.placed < es.length; this.placed++) {
      const e = es[this.placed]!;
      e.before = before;
      if (e.showFile === undefined) { const at = this.current(); e.showFile = at ? at.showFile : false; }
    }
  }

  /** Every message before the first line, none naming its file (nothing was read). */
  placeAllFirst(): void {
    for (const e of this.entries) { e.before = 0; e.showFile = false; }
    this.placed = this.entries.length;
  }

  /** The entries in order; all placed once the preprocessor has run. */
  list(): PreDiagnostic[] { return this.entries; }
}
