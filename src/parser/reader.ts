// Table-driven block reader (keepalived's process_stream / alloc_value_block): walks the
// preprocessed ConfigLine stream with the keyword tables and calls their handlers. It owns the
// brace rules: '{' on the same or next line, "Missing '{'", "Unexpected '{' - ignoring" (the
// unknown keyword's block is NOT skipped: its '}' closes the parent), "Extra '}' found",
// "There are N missing '}'s or extra '{'s", and the missing-parameter abort (exit 2).
import type { ConfigLine, LineSource, PreDiagnostic, Word } from './lines.js';
import type { DiagCode, Diagnostic, Severity, SourcePos } from '../common/diagnostic.js';
import type { KeywordDef, KeywordTable, KwArgs } from './schema.js';
import { NOT_IMPLEMENTED_CODE, notImplementedMessage, valueNotImplementedMessage, type LedgerLookup } from './ledger-types.js';
import { ledgerEntry } from './ledger.js';
import type { HostFacts } from '../host/facts.js';

/**
 * How keepalived prefixes the message under -t: '(Line N) ' for what its parent process reads
 * (global_defs and top-level structure), '(FILE: Line N) ' for what the children read (and for
 * everything once includes are involved), nothing for end-of-parse checks.
 */
export type PrefixStyle = 'line' | 'file' | 'none';

/** Which keepalived process prints a message under -t: the parent, the checker or the vrrp child. */
export type Proc = 'parent' | 'checker' | 'vrrp';

export interface ParseDiagnostic extends Diagnostic {
  prefix: PrefixStyle;
  proc: Proc;
  /** The line came from an included file (or -f matched several): '(FILE: Line N)' even for the parent. */
  showFile?: boolean;
}

/** Returned by a block handler to make the reader skip the block silently (keepalived's skip_block). */
export const SKIP_BLOCK = Symbol('skip-block');

class AbortParse { constructor(readonly diag: ParseDiagnostic) {} }

export interface ReaderOptions {
  /** The machine's facts handlers may ask (KwArgs.host). */
  host: HostFacts;
  /** Interfaces that exist (for keepalived -t's interface checks); undefined = no checks. */
  interfaces?: ReadonlySet<string>;
  /** Which keepalived process reads (and reports on) a top-level keyword's block; default parent. */
  procOf?: (topKeyword: string) => Proc;
  /** Preprocessor diagnostics to interleave: each is reported just before lines[d.before]. */
  pre?: readonly PreDiagnostic[];
  /** The keyword ledger (default: src/parser/ledger.ts): a not-implemented keyword gets a warning at each use. */
  ledger?: LedgerLookup;
}

export interface ReadResult {
  diagnostics: ParseDiagnostic[];
  aborted: boolean;
  missingInterface: boolean;
}

/** Our note that a keyword is a project extension beyond keepalived 2.2.7 (KeywordDef.extension). */
export const EXTENSION_CODE = 'KPB_EXTENSION_KEYWORD';
export const EXTENSION_NOTE = 'extension keyword (keepalived-ts)';

/** KwArgs of one line: one small object per line, methods on the prototype (no per-line closures). */
class LineArgs implements KwArgs {
  readonly words: readonly Word[];
  readonly size: number;
  readonly interfaces: ReadonlySet<string> | undefined;
  readonly host: HostFacts;
  constructor(private readonly r: Reader, readonly line: ConfigLine) {
    this.words = line.words;
    this.size = line.words.length;
    this.interfaces = r.opts.interfaces;
    this.host = r.opts.host;
  }
  need(i: number): string {
    const w = this.words[i];
    if (w === undefined) {
      const words = this.words;
      throw new AbortParse({
        severity: 'abort', code: 'KA_CFG_MISSING_PARAMETER', prefix: this.r.prefix, proc: this.r.proc, pos: this.line.pos,
        showFile: this.line.showFile,
        message: `*** Configuration line starting \`${words[0]?.text ?? '***MISSING***'}\` is missing a parameter after keyword \`${words[i - 1]?.text ?? '***MISSING***'}\` at word position ${i + 1}`,
      });
    }
    return w.text;
  }
  opt(i: number): string | undefined { return this.words[i]?.text; }
  pos(i?: number): SourcePos { return (i !== undefined && this.words[i]?.pos) || this.line.pos; }
  error(message: string, severity: Severity = 'error', code: DiagCode = 'KA_CFG_ERROR'): void {
    this.r.report(this.r.prefix, message, this.line.pos, severity, code);
  }
  info(message: string, code: DiagCode = 'KPB_INFO'): void { this.r.report('none', message, this.line.pos, 'info', code); }
  notImplemented(what: string, reason: string): void {
    this.r.warnNotImplemented(valueNotImplementedMessage(what, reason), this.line.words[0]?.pos ?? this.line.pos);
  }
  markMissingInterface(): void { this.r.missingInterface = true; }
}

class Reader {
  i = 0;
  pi = 0;
  depth = 0;
  curLine: ConfigLine | undefined;
  /** A '}' that took the depth below 0: keepalived's parent sees it at top level ("Unknown keyword '}'"). */
  extraLine: ConfigLine | undefined;
  diags: ParseDiagnostic[] = [];
  missingInterface = false;
  prefix: PrefixStyle = 'line';
  proc: Proc = 'parent';

  constructor(readonly lines: LineSource, readonly opts: ReaderOptions) {}

  /** Next line, counting braces as keepalived's read_line does. */
  next(): ConfigLine | undefined {
    const pre = this.opts.pre;
    if (pre) {
      while (this.pi < pre.length && pre[this.pi]!.before <= this.i) {
        const { before: _placed, showFile: _shown, ...d } = pre[this.pi++]!;
        const at = this.lines.length ? this.lines.at(Math.min(this.i, this.lines.length - 1)) : undefined;
        this.diags.push({ ...d, prefix: d.pos ? 'line' : 'none', proc: 'parent', showFile: at?.showFile });
      }
    }
    const l = this.lines.at(this.i++);
    if (!l) return undefined;
    this.curLine = l;
    if (l.brace === '{') this.depth++;
    else if (l.brace === '}') {
      if (--this.depth < 0) {
        this.report('line', "Extra '}' found", l.pos, 'error', 'KA_CFG_EXTRA_BRACE');
        this.depth = 0;
        this.extraLine = l;
      }
    }
    return l;
  }

  report(prefix: PrefixStyle, message: string, pos: SourcePos | undefined, severity: Severity, code: DiagCode): void {
    this.diags.push({ severity, code, message, pos, prefix, proc: prefix === 'line' ? 'parent' : this.proc, showFile: this.curLine?.showFile });
  }

  args(line: ConfigLine): KwArgs { return new LineArgs(this, line); }

  /** Named with its file and line wherever it is shown ('(FILE: Line N)' in the daemon's log). */
  warnNotImplemented(message: string, pos: SourcePos): void {
    this.diags.push({ severity: 'info', code: NOT_IMPLEMENTED_CODE, message, pos, prefix: 'file', proc: this.proc, showFile: true });
  }

  /** process_stream: returns when the block's '}' is read (or at EOF). */
  block(t: KeywordTable, ctx: unknown, needBob: boolean, level: number): void {
    for (;;) {
      const line = this.next();
      if (!line) return;
      if (needBob) {
        needBob = false;
        if (this.blockOpened(line, true)) continue;
      } else if (line.brace === '{') {
        this.report(this.prefix, "Unexpected '{' - ignoring", line.pos, 'error', 'KA_CFG_UNEXPECTED_BOB');
        continue;
      }
      if (line.brace === '}' && level > 0) {
        if (this.extraLine === line) this.report('line', "Unknown keyword '}'", line.pos, 'error', 'KA_CFG_UNKNOWN_KEYWORD');
        return;
      }
      const w0 = line.words[0];
      if (!w0) continue;
      if (level === 0) {
        this.proc = t.index.has(w0.text) && this.opts.procOf ? this.opts.procOf(w0.text) : 'parent';
        this.prefix = this.proc === 'parent' ? 'line' : 'file';
      }
      const def = t.index.get(w0.text);
      if (!def) {
        this.report(this.prefix, `Unknown keyword '${w0.text}'`, w0.pos, 'error', 'KA_CFG_UNKNOWN_KEYWORD');
        continue;
      }
      this.keyword(t, def, ctx, line, level);
    }
  }

  keyword(t: KeywordTable, def: KeywordDef, ctx: unknown, line: ConfigLine, level: number): void {
    const a = this.args(line);
    const word = line.words[0]!;
    const entry = (this.opts.ledger ?? ledgerEntry)(t.name, word.text);
    if (entry?.status === 'not-implemented') this.warnNotImplemented(notImplementedMessage(word.text, entry.reason), word.pos);
    if (def.extension) a.info(EXTENSION_NOTE, EXTENSION_CODE);
    if (def.block === undefined) { def.handle?.(ctx, a); return; }
    // A block keyword: its handler makes the block's context (or skips the block), then the
    // body is read by kind and `close` sees the line that ended it.
    const sub = def.handle ? def.handle(ctx, a) : ctx;
    if (sub === SKIP_BLOCK) { this.skip(); return; }
    if (def.block === 'keywords') {
      if (level === 0) this.shadowMissingBob();
      this.block(def.table!, sub, true, level + 1);
    } else if (def.block === 'raw') this.raw(def, sub);
    else this.values(def, sub, line);
    def.close?.(sub, this.args(this.curLine ?? line));
  }

  /**
   * The first line of a block's body: true when it is the block's '{' (then consumed). Otherwise,
   * where keepalived requires the '{' (keyword blocks, kept P2 blocks), "Missing '{' ...".
   */
  blockOpened(line: ConfigLine, required: boolean): boolean {
    if (line.brace === '{') return true;
    if (required) this.report(this.prefix, "Missing '{' at beginning of configuration block", line.pos, 'error', 'KA_CFG_MISSING_BOB');
    return false;
  }

  /** The lines of a value or kept block up to the end of input, after its opening (blockOpened). */
  *body(required: boolean): Generator<ConfigLine> {
    let line = this.next();
    if (line && this.blockOpened(line, required)) line = this.next();
    for (; line; line = this.next()) yield line;
  }

  /**
   * alloc_value_block: '{' expected first, then items until '}'. keepalived 2.2.7 says nothing when
   * the '{' is missing (the first line is then an item), and "Block X has extra parameters Y ..."
   * when the keyword line has words after it.
   */
  values(def: KeywordDef, ctx: unknown, kwLine: ConfigLine): void {
    if (kwLine.words.length > 1 && !def.args?.length) {
      this.report(this.prefix, `Block ${kwLine.words[0]!.text} has extra parameters ${kwLine.words[1]!.text} ...`, kwLine.pos, 'error', 'KA_CFG_BLOCK_EXTRA_PARAMS');
    }
    for (const line of this.body(false)) {
      if (line.brace === '}') return;
      if (line.words.length === 0) continue;
      if (def.block === 'words') {
        for (const w of line.words) def.item?.(ctx, this.args({ text: w.text, words: [w], pos: w.pos,
          showFile: line.showFile }));
      } else {
        def.item?.(ctx, this.args(line));
      }
    }
  }

  /** A P2 block kept verbatim: balanced braces, every inner line handed to `item`. */
  raw(def: KeywordDef, ctx: unknown): void {
    let d = 0;
    for (const line of this.body(true)) {
      if (line.brace === '}') { if (d === 0) return; d--; }
      else if (line.brace === '{') d++;
      else if (d === 0 && def.inner && line.words[0] && !def.inner.has(line.words[0].text)) {
        this.report(this.prefix, `Unknown keyword '${line.words[0].text}'`, line.words[0].pos, 'error', 'KA_CFG_UNKNOWN_KEYWORD');
        continue;
      }
      def.item?.(ctx, this.args(line));
    }
  }

  /**
   * keepalived's other processes skip a top-level block they do not own with skip_block; when its
   * '{' is missing they read its body at top level instead: every line is an "Unknown keyword" and
   * the block's '}' is "Unknown keyword '}'". Reproduce those messages (printed with the other
   * process's prefix style) without consuming anything.
   */
  shadowMissingBob(): void {
    const nextLine = this.lines.at(this.i);
    if (!nextLine || nextLine.brace === '{') return;
    const other: PrefixStyle = this.prefix === 'line' ? 'file' : 'line';
    const saveProc = this.proc;
    this.proc = other === 'line' ? 'parent' : saveProc === 'parent' ? 'vrrp' : saveProc;
    let d = 0;
    for (let j = this.i; j < this.lines.length; j++) {
      const l = this.lines.at(j)!;
      if (l.brace === '{') { d++; continue; }
      if (l.brace === '}') {
        if (d === 0) { this.report(other, "Unknown keyword '}'", l.pos, 'error', 'KA_CFG_UNKNOWN_KEYWORD'); break; }
        d--; continue;
      }
      if (d === 0 && l.words[0]) this.report(other, `Unknown keyword '${l.words[0].text}'`, l.pos, 'error', 'KA_CFG_UNKNOWN_KEYWORD');
    }
    this.proc = saveProc;
  }

  /** skip_block: consume a balanced block without reporting anything inside. */
  skip(): void {
    let d = 0;
    for (;;) {
      const line = this.next();
      if (!line) return;
      if (line.brace === '{') d++;
      else if (line.brace === '}') { if (--d <= 0) return; }
      else if (d === 0) { this.i--; return; } // no block followed
    }
  }
}

/** Reads the whole stream with the top-level table; `ctx` is handed to top-level handlers. */
export function readConfig(lines: LineSource, top: KeywordTable, ctx: unknown, opts: ReaderOptions): ReadResult {
  const r = new Reader(lines, opts);
  let aborted = false;
  try {
    r.block(top, ctx, false, 0);
    r.next(); // flush preprocessor diagnostics reported after the last line
    if (r.depth > 0) {
      r.report('none', `There are ${r.depth} missing '}'s or extra '{'s`, (lines.length ? lines.at(lines.length - 1) : undefined)?.pos, 'error', 'KA_CFG_MISSING_EOB');
    }
  } catch (e) {
    if (!(e instanceof AbortParse)) throw e;
    r.diags.push(e.diag);
    aborted = true;
  }
  return { diagnostics: r.diags, aborted, missingInterface: r.missingInterface };
}

/** Helper for tables: the words of a line from index `from` joined by spaces. */
export function rest(words: readonly Word[], from: number): string[] {
  const out: string[] = [];
  for (let i = from; i < words.length; i++) out.push(words[i]!.text);
  return out;
}
