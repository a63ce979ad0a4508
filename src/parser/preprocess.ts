// The keepalived.conf preprocessor: keepalived 2.2.7's read_line() (lib/parser.c) turned into a
// function from files to a stream of logical ConfigLines (see lines.ts). This module drives the
// parts, each in its own file under pre/:
//  - files.ts: the file stack (main file, include* directives with globs, fgets() in 1024-byte
//    pieces, CR/LF stripping, text after a NUL lost, as in 2.2.7);
//  - pending.ts: the lines tried before the file's next one, in keepalived's order (brace-split
//    residue, the innermost ~SEQ/~LST generator, the rest of a multi-line definition);
//  - directives.ts: @ID / @^ID conditionals, $NAME=VALUE definitions, ~SEQ/~LST, $NAME
//    substitution (then decomment again and re-check);
//  - braces.ts: the brace splitter; block depth ("Extra '}' found") is counted here;
//  - fastpath.ts: the in-place scan of the usual line, equivalent to the general path;
//  - diagnostics.ts: the one sink every message goes to, with where keepalived reports it.
// Files come from PreprocessOptions.files (the host's): the preprocessor does no I/O itself.
// Our own additions, never in keepalived: include loops are refused (keepalived recurses until it
// runs out of file descriptors), self-referencing definitions stop after 1100 substitutions on a
// line and 200,000 on a physical line with its brace-split pieces (keepalived spins forever), and
// opts.maxLines bounds the output.
import type { ConfigLine, PreprocessOptions, PreprocessResult } from './lines.js';
import { hasWord, plainWords, splitWords } from './lexer.js';
import { LineStore } from './pre/linestore.js';
import { decomment } from './pre/decomment.js';
import { Definitions } from './pre/defs.js';
import { DiagnosticSink } from './pre/diagnostics.js';
import { Directives } from './pre/directives.js';
import { LastPos, newFastScan, scanFastLine } from './pre/fastpath.js';
import { FileStack, NON_ASCII } from './pre/files.js';
import { INCLUDE_M, INCLUDE_R, INCLUDE_W, includeCheckFromOpts, includeCheckSet, parseInclude } from './pre/include.js';
import { type LineBuf, colAt } from './pre/linebuf.js';
import { PendingLines } from './pre/pending.js';
import { splitAtBrace } from './pre/braces.js';
import { GlibcRandom } from './pre/random.js';
import { fromJs, toDisplay } from './pre/text.js';

const DEFAULT_MAX_LINES = 5_000_000;
const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

class Preprocessor {
  readonly lines = new LineStore();
  readonly lastPos = new LastPos();
  readonly diags = new DiagnosticSink(() => this.lastPos.get());
  readonly stack: FileStack;
  private readonly pending: PendingLines;
  private readonly directives: Directives;
  private readonly defs: Definitions;
  private blockDepth = 0;
  private readonly maxLines: number;
  private stopped = false;
  /** Raw lines handled so far (from files, residues, generators, multi-line definitions). */
  private steps = 0;
  private readonly maxSteps: number;
  private readonly maxBytes: number;
  private bytes = 0;
  /** PreprocessOptions.copy: keepalived's consolidated copy of the configuration, line by line. */
  private readonly copy?: string[];
  /** Use the fast path (PreprocessOptions.noFastPath turns it off, for tests comparing both paths). */
  private readonly fast: boolean;
  private readonly scan = newFastScan();

  constructor(opts: PreprocessOptions) {
    const configId = fromJs(opts.configId);
    this.maxLines = opts.maxLines ?? DEFAULT_MAX_LINES;
    this.copy = opts.copy;
    // the copy is written line by line from the general path
    this.fast = !opts.noFastPath && !opts.copy;
    this.maxSteps = this.maxLines * 4 + 1000;
    this.maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    const includeCheck = includeCheckFromOpts(opts.includeCheck);
    this.stack = new FileStack(opts.files, opts.files.cwd(), includeCheck, this.diags, this.copy);
    if (NON_ASCII.test(configId)) this.stack.ascii = false;
    const seed = opts.randomSeed ?? Math.floor(Date.now() / 1000);
    const random = new GlibcRandom(seed);
    this.defs = new Definitions({ configId, cwd: () => this.stack.realCwd(), random, diags: this.diags });
    this.pending = new PendingLines(this.defs);
    this.directives = new Directives(configId, this.defs, this.pending, this.diags);
  }

  /** The main file (a glob, as keepalived's -f allows); false when nothing could be opened. */
  open(file: string): boolean {
    return this.stack.openGlob(fromJs(file), INCLUDE_R | INCLUDE_M | INCLUDE_W, null);
  }

  /** Returns the next logical line, or null at the end of input. */
  private readLine(): LineBuf | null {
    let buf: LineBuf | null = null;
    for (;;) {
      if (++this.steps > this.maxSteps) {
        this.diags.report('error', 'KA_PRE_RUNAWAY',
          `Configuration needs more than ${this.maxSteps} preprocessing steps (runaway ~SEQ/~LST or definitions?) - stopping`, buf);
        this.stopped = true;
        return null;
      }
      const fromResidue = this.pending.residue !== null;
      buf = this.pending.next();
      if (buf === null) {
        // the next non-blank line of the files
        if (this.stack.depth === 0) return null;
        for (;;) {
          const frame = this.stack.top()!;
          const lb = this.stack.fgets(frame);
          if (!lb) {
            if (this.stack.nextFile()) continue;
            return null;
          }
          if (this.stack.lastEmpty) {
            this.copy?.push('');
            this.directives.blankLine();
            continue;
          }
          if (!this.stack.lastClean) decomment(lb, this.diags);
          // include lines are blank in the copy (line numbers stay right)
          this.copy?.push(parseInclude(lb.text) ? '' : lb.text);
          if (lb.text.length) { buf = lb; break; }
        }
      }
      this.lastPos.set(buf);
      if (this.directives.collecting) { this.directives.collect(buf); continue; }
      if (buf.text.length === 0) continue;
      if (!this.directives.apply(buf, fromResidue)) continue;
      const inc = buf.text.startsWith('include') ? parseInclude(buf.text) : null;
      if (inc) {
        this.stack.openGlob(inc.pattern, inc.type, buf);
        continue;
      }
      break;
    }
    const residue = splitAtBrace(buf);
    if (residue) this.pending.residue = residue;
    if (buf.text === '{') this.blockDepth++;
    else if (buf.text === '}') {
      if (this.blockDepth-- < 1) {
        this.diags.report('error', 'KA_CFG_EXTRA_EOB', "Extra '}' found", buf);
        this.blockDepth = 0;
      }
    }
    return buf;
  }

  /** The fast path (fastpath.ts) for the top file's next line; false, consuming nothing, when it does not apply. */
  private fastLine(): boolean {
    const frame = this.stack.top();
    if (!frame) return false;
    const b = frame.bytes;
    const start = frame.off;
    if (b === null || start >= b.length || start !== frame.lineStart) return false;
    const s = this.scan;
    if (!scanFastLine(b, start, s)) return false;
    const c = frame.content;
    const lineNo = frame.lineNo;
    const col0 = 1 - start; // column of c[i] is i + col0
    const show = frame.showFile;
    switch (s.kind) {
      case 'blank':
        break;
      case 'close':
        if (this.blockDepth < 1) return false; // "Extra '}' found": general path
        this.blockDepth--;
        this.pushFast(c, s.a, s.z, frame.name, lineNo, s.a + col0, show);
        break;
      case 'open':
        if (s.y > s.a) this.pushFast(c, s.a, s.y, frame.name, lineNo, s.a + col0, show);
        this.blockDepth++;
        this.pushFast(c, s.brace, s.brace + 1, frame.name, lineNo, s.brace + col0, show);
        break;
      default:
        this.pushFast(c, s.a, s.z, frame.name, lineNo, s.a + col0, show);
    }
    frame.off = s.next;
    frame.lineNo++;
    frame.lineStart = frame.off;
    return true;
  }

  private pushFast(c: string, a: number, z: number, file: string, line: number, col: number, show: boolean): void {
    this.steps++;
    this.bytes += z - a + 16;
    this.lines.pushSpan(c, a, z, file, line, col, show);
    this.lastPos.setFast(file, line, col, show);
  }

  run(): void {
    // messages from opening the main file come before its first line
    this.diags.place(0);
    for (;;) {
      if (this.fast && this.lines.length + 2 <= this.maxLines && this.bytes <= this.maxBytes
        && this.steps + 2 <= this.maxSteps && this.stack.ascii && this.pending.idle && !this.directives.collecting
        && this.fastLine()) continue;
      if (this.lines.length >= this.maxLines || this.bytes > this.maxBytes) {
        this.diags.report('error', 'KA_PRE_TOO_MANY_LINES', this.bytes > this.maxBytes
          ? `Configuration expands to more than ${this.maxBytes} bytes - stopping`
          : `Configuration expands to more than ${this.maxLines} lines - stopping`, null);
        this.diags.place(this.lines.length);
        this.stopped = true;
        break;
      }
      const lb = this.readLine();
      if (!lb) { this.diags.place(this.lines.length); if (this.stopped) return; break; }
      this.bytes += lb.text.length + 16;
      const ascii = this.stack.ascii;
      if (ascii && !lb.map && lb.text.indexOf('"') < 0) {
        // the common case: no quote, no edit, ASCII - words and positions are made on access
        this.diags.place(this.lines.length);
        if (!hasWord(lb.text)) continue;
        this.lines.pushPlain(lb.text, lb.file, lb.line, lb.base, lb.showFile, lb.src, lb.off);
        if (lb.text.startsWith('include_check')) this.checkIncludeCheck(plainWords(lb.text, lb.file, lb.line, lb.base));
        continue;
      }
      const words = splitWords(lb, this.diags, ascii);
      this.diags.place(this.lines.length);
      // keepalived's alloc_strvec() gives NULL for a line without words (only \f \v \r, or an
      // unmatched quote first) and the line is skipped
      if (words.length === 0) continue;
      this.lines.pushLine(configLine(lb, words, ascii));
      this.checkIncludeCheck(words);
    }
    if (!this.stopped && this.blockDepth > 0) {
      const at = this.lastPos.get();
      this.diags.push({
        severity: 'error', code: 'KA_CFG_MISSING_EOB',
        message: `There are ${this.blockDepth} missing '}'s or extra '{'s`,
        ...(at ? { pos: { file: toDisplay(at.file), line: at.line, col: 1 } } : {}),
      });
      this.diags.place(this.lines.length);
    }
  }

  private checkIncludeCheck(words: readonly { text: string }[]): void {
    if (words.length && words[0]!.text === 'include_check') {
      this.stack.includeCheck = includeCheckSet(this.stack.includeCheck, words.slice(1).map((w) => w.text));
    }
  }

  result(): PreprocessResult {
    const store = this.lines;
    let arr: ConfigLine[] | undefined;
    return {
      // materialized on first use; the reader reads `source` directly
      get lines(): ConfigLine[] { return (arr ??= store.toArray()); },
      source: store, diagnostics: this.diags.list(), files: this.stack.files, fileNames: this.stack.fileNames,
      includedBy: this.stack.includedBy, unclosedBlocks: this.blockDepth,
    };
  }
}

/** A line of words (quotes, edits or non-ASCII text) as a ConfigLine object. */
function configLine(lb: LineBuf, words: ConfigLine['words'], ascii: boolean): ConfigLine {
  const col = colAt(lb, 0);
  const w0 = words[0];
  const text = ascii ? lb.text : toDisplay(lb.text);
  // the first word starts where the line does: share its position object
  const pos = w0 && w0.pos.col === col && w0.pos.line === lb.line ? w0.pos
    : { file: ascii ? lb.file : toDisplay(lb.file), line: lb.line, col };
  // complete object literals (no properties added later: V8 would give them a separate
  // property store)
  let line: ConfigLine;
  if (text === '{') line = { text, words, pos, brace: '{' };
  else if (text === '}') line = { text, words, pos, brace: '}' };
  else line = { text, words, pos };
  if (lb.showFile) line.showFile = true;
  return line;
}

/**
 * Preprocess a configuration file (the path may itself be a glob, as keepalived's -f allows).
 * Relative includes resolve against each including file's directory.
 */
export function preprocessFile(file: string, opts: PreprocessOptions): PreprocessResult {
  const pp = new Preprocessor(opts);
  if (!pp.open(file)) {
    // keepalived logs "Config files missing '<file>'." (already reported by open) and reads nothing
    const missing = pp.diags.list().find((d) => d.code === 'KA_INCLUDE_MISSING' || d.code === 'KA_INCLUDE_NO_MATCH');
    if (missing) { missing.severity = 'fatal'; missing.code = 'KA_CONFIG_FILE_MISSING'; }
    else pp.diags.push({ severity: 'fatal', code: 'KA_CONFIG_FILE_MISSING', message: 'Failed to open configuration file' });
    pp.diags.placeAllFirst();
  } else {
    pp.run();
  }
  return pp.result();
}

/**
 * keepalived 2.2.7's consolidated copy of a configuration file and its includes (PreprocessOptions.copy),
 * the bytes config_save_dir keeps as keepalived.conf.PID.N.
 */
export function consolidatedCopy(file: string, opts: PreprocessOptions): Buffer {
  const copy: string[] = [];
  preprocessFile(file, { ...opts, copy });
  return Buffer.from(copy.map((l) => `${l}\n`).join(''), 'latin1');
}

/** Preprocess configuration text; includes still resolve relative to dirname(fileName). */
export function preprocessText(text: string, fileName: string, opts: PreprocessOptions): PreprocessResult {
  const pp = new Preprocessor(opts);
  pp.stack.openText(text, fileName);
  pp.run();
  return pp.result();
}
