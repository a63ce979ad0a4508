// The keepalived.conf preprocessor: keepalived 2.2.7's read_line() (lib/parser.c) turned into a
// function from files to a stream of logical ConfigLines (see lines.ts). Per physical line:
// fgets() into a 1024-byte buffer (longer lines come out in 1023-byte pieces, text after an
// embedded NUL is lost, as in 2.2.7), CR/LF stripped, decomment(), multi-line $DEF collection,
// @ID / @^ID conditionals, $NAME=VALUE definitions, ~SEQ/~LST generators, $NAME substitution
// (then decomment again and re-check), include* directives (textual, glob with braces, relative to
// the including file's directory), brace splitting, block depth ("Extra '}' found").
// The sources of the next line are tried in keepalived's order: brace-split residue, then the
// innermost generator, then the rest of a multi-line definition, then the file on top of the
// include stack.
// Our own additions, never in keepalived: include loops are refused (keepalived recurses until it
// runs out of file descriptors), self-referencing definitions stop after 1100 substitutions on a
// line and 200,000 on a physical line with its brace-split pieces (keepalived spins forever), and
// opts.maxLines bounds the output.
import * as path from 'node:path';
import { isHostError, type HostFiles } from '../host/facts.js';
import type { Diagnostic, Severity } from '../common/diagnostic.js';
import type { ConfigLine, IncludeSite, PreprocessOptions, PreprocessResult } from './lines.js';
import { hasWord, plainWords, splitWords } from './lexer.js';
import { LineStore } from './pre/linestore.js';
import { decomment } from './pre/decomment.js';
import { Definitions, MAXBUF, MAX_SUBSTITUTIONS_PER_LINE, MAX_SUBSTITUTIONS_PER_PHYSICAL_LINE, type Def, type MultilineCtl } from './pre/defs.js';
import { glob } from './pre/glob.js';
import {
  INCLUDE_B, INCLUDE_M, INCLUDE_R, INCLUDE_W, includeCheckFromOpts, includeCheckSet, parseInclude,
} from './pre/include.js';
import { type LineBuf, clone, colAt, dropPrefix, sub, truncate } from './pre/linebuf.js';
import { GlibcRandom } from './pre/random.js';
import { type SeqGen, addLst, addSeq } from './pre/seq.js';
import { fromJs, toDisplay } from './pre/text.js';

const NON_ASCII = /[\x80-\xff]/;
const MAX_INCLUDE_DEPTH = 100;
const MAX_SEQ_DEPTH = 100;
const DEFAULT_MAX_LINES = 5_000_000;
const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

interface Frame {
  /** The pattern as written (keepalived's file->file_name). */
  pattern: string;
  includeType: number;
  savIncludeCheck: number;
  matches: string[];
  next: number;
  /** Directory the glob was evaluated in (restored when a file ends). */
  globCwd: string;
  /** Position of the include directive, for diagnostics. */
  at: LineBuf | null;
  // the file being read
  name: string;
  real: string;
  dir: string;
  showFile: boolean;
  content: string;
  /** The same bytes (file content), for fastLine()'s scanning; null for in-memory text. */
  bytes: Uint8Array | null;
  off: number;
  lineNo: number;
  lineStart: number;
  /** Index of the next '\n' at or after `off` (or content.length), -1 when not yet searched. */
  nl: number;
}

interface MlEnt { ptr: string; seqDepth: number }

function errnoText(code: string): string {
  switch (code) {
    case 'EACCES': return 'Permission denied';
    case 'ENOENT': return 'No such file or directory';
    case 'EISDIR': return 'Is a directory';
    case 'ELOOP': return 'Too many levels of symbolic links';
    case 'EMFILE': return 'Too many open files';
    default: return code;
  }
}

class Preprocessor {
  readonly lines = new LineStore();
  readonly diags: Diagnostic[] = [];
  readonly before: number[] = [];
  readonly showFile: boolean[] = [];
  readonly files: string[] = [];
  readonly includedBy: Record<string, IncludeSite> = {};
  readonly fileNames: string[] = [];

  private stack: Frame[] = [];
  private residue: LineBuf | null = null;
  private seqs: SeqGen[] = [];
  private multilineSeqDepth = 0;
  private nextPtr: { text: string; pos: LineBuf } | null = null;
  private mlStack: MlEnt[] = [];
  private multilineParamDef = false;
  private def: Def | null = null;
  private blockDepth = 0;
  private includeCheck: number;
  private defs: Definitions;
  private readonly configIdBytes: string;
  private readonly maxLines: number;
  private baseCwd: string;
  private stopped = false;
  /** Set by fgets(): the line was empty after CR/LF stripping / needed no decomment(). */
  private fgetsEmpty = false;
  private fgetsClean = false;
  /** Raw lines handled so far (from files, residues, generators, multi-line definitions). */
  private steps = 0;
  private readonly maxSteps: number;
  private readonly maxBytes: number;
  private bytes = 0;
  /** PreprocessOptions.copy: keepalived's consolidated copy of the configuration, line by line. */
  private readonly copy?: string[];
  /** Use fastLine() (PreprocessOptions.noFastPath turns it off, for tests comparing both paths). */
  private readonly fast: boolean;
  private lastPosBuf: LineBuf | null = null;
  /** The last line came from fastLine(): lastPos is made from these on demand. */
  private fastLast = false;
  private fastFile = '';
  private fastLineNo = 0;
  private fastCol = 0;
  private fastShow = false;
  /** Position of the last line handed out (for diagnostics about "the current line"). */
  private get lastPos(): LineBuf | null {
    if (this.fastLast) {
      this.fastLast = false;
      this.lastPosBuf = { text: '', file: this.fastFile, line: this.fastLineNo, base: this.fastCol, map: null, showFile: this.fastShow };
    }
    return this.lastPosBuf;
  }
  private set lastPos(lb: LineBuf | null) { this.lastPosBuf = lb; this.fastLast = false; }
  private realCwdCache = new Map<string, string>();
  /** Every input so far is ASCII: words need no UTF-8 decoding. */
  private ascii = true;
  private readonly hostFiles: HostFiles;

  constructor(opts: PreprocessOptions) {
    this.hostFiles = opts.files;
    const baseCwd = opts.files.cwd();
    this.configIdBytes = fromJs(opts.configId);
    if (NON_ASCII.test(this.configIdBytes)) this.ascii = false;
    this.maxLines = opts.maxLines ?? DEFAULT_MAX_LINES;
    this.copy = opts.copy;
    // the copy is written line by line from the general path
    this.fast = !opts.noFastPath && !opts.copy;
    this.maxSteps = this.maxLines * 4 + 1000;
    this.maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    this.includeCheck = includeCheckFromOpts(opts.includeCheck);
    this.baseCwd = baseCwd;
    const seed = opts.randomSeed ?? Math.floor(Date.now() / 1000);
    this.defs = new Definitions({
      configId: fromJs(opts.configId),
      cwd: () => this.realCwd(),
      random: new GlibcRandom(seed),
      diags: this.diags,
    });
  }

  private cwd(): string {
    const top = this.stack[this.stack.length - 1];
    return top ? top.dir : this.baseCwd;
  }

  private realCwd(): string {
    const c = this.cwd();
    let r = this.realCwdCache.get(c);
    if (r === undefined) {
      const real = this.hostFiles.realpath(c);
      r = isHostError(real) ? c : real;
      this.realCwdCache.set(c, r);
    }
    return fromJs(r);
  }

  // ---------------------------------------------------------------- diagnostics

  private diag(severity: Severity, code: string, message: string, lb: LineBuf | null, col?: number): void {
    const d: Diagnostic = { severity, code, message };
    const at = lb ?? this.lastPos;
    if (at) d.pos = { file: toDisplay(at.file), line: at.line, col: col ?? colAt(at, 0) };
    this.diags.push(d);
    this.showFile[this.diags.length - 1] = at ? at.showFile : false;
  }

  /** file_config_error(): strict (exit 6) when include_check or the include type asks for it. */
  private fileError(level: number, code: string, message: string, frame: Frame | null): void {
    const strict = ((this.includeCheck | (frame ? frame.includeType : 0)) & level) !== 0;
    this.diag(strict ? 'security' : 'info', code, message, frame?.at ?? null);
    this.copy?.push(`#! ${fromJs(message)}`);
  }

  // ---------------------------------------------------------------- include stack

  /** open_glob_file() */
  openGlob(pattern: string, type: number, at: LineBuf | null): boolean {
    const globCwd = this.cwd();
    const frame: Frame = {
      pattern, includeType: type, savIncludeCheck: this.includeCheck, matches: [], next: 0,
      globCwd, at, name: '', real: '', dir: globCwd, showFile: false, content: '', bytes: null, off: 0, lineNo: 0, lineStart: 0, nl: -1,
    };
    const shown = toDisplay(pattern);
    if (this.stack.length >= MAX_INCLUDE_DEPTH) {
      this.diag('error', 'KA_PRE_INCLUDE_DEPTH', `Includes nested more than ${MAX_INCLUDE_DEPTH} deep - skipping '${shown}'`, at);
      return false;
    }
    this.stack.push(frame);
    const g = glob(toDisplay(pattern), globCwd, this.hostFiles);
    const chk = this.includeCheck | type;
    if (g.matches.length === 0) {
      if (g.missingFiles || g.missingDirs) {
        this.fileError(g.hasBrace ? INCLUDE_B : INCLUDE_M, 'KA_INCLUDE_MISSING', `Config files missing '${shown}'.`, frame);
      } else if (g.haveWildcards && (chk & INCLUDE_W)) {
        this.fileError(INCLUDE_W, 'KA_INCLUDE_NO_MATCH', `No config files matched '${shown}'.`, frame);
      }
      this.stack.pop();
      return false;
    }
    if (g.missingFiles || g.missingDirs) {
      this.fileError(INCLUDE_B, 'KA_INCLUDE_SOME_MISSING', `Some config files missing: "${shown}".`, frame);
      if (chk & INCLUDE_B) { this.stack.pop(); return false; }
    }
    frame.matches = g.matches.map(fromJs);
    if (!this.openConfFile(frame)) {
      this.stack.pop();
      return false;
    }
    return true;
  }

  /** open_conf_file(): open the next usable match of the glob on top of the stack. */
  private openConfFile(frame: Frame): boolean {
    while (frame.next < frame.matches.length) {
      const m = frame.matches[frame.next++]!;
      const ms = toDisplay(m);
      if (m.endsWith('/')) {
        this.fileError(INCLUDE_R, 'KA_INCLUDE_DIRECTORY', `Configuration file '${ms}' is a directory - skipping`, frame);
        continue;
      }
      const full = path.resolve(frame.globCwd, ms);
      const st = this.hostFiles.stat(full);
      if (isHostError(st) || st.kind !== 'file' || (st.mode & 0o111) !== 0) {
        this.fileError(INCLUDE_R, 'KA_INCLUDE_NOT_REGULAR', `Configuration file '${ms}' is not a regular non-executable file - skipping`, frame);
        continue;
      }
      const rp = this.hostFiles.realpath(full);
      const real = isHostError(rp) ? full : rp;
      const looping = this.stack.some((f) => f !== frame && f.real === real) ;
      if (looping) {
        this.diag('error', 'KA_PRE_INCLUDE_LOOP', `Include loop: configuration file '${ms}' is already being read - skipping`, frame.at);
        continue;
      }
      const bytes = this.hostFiles.read(full);
      if (isHostError(bytes)) {
        this.fileError(INCLUDE_R, 'KA_INCLUDE_OPEN', `Configuration file '${ms}' open problem (${errnoText(bytes.code)}) - skipping`, frame);
        continue;
      }
      const content = bytes.toString('latin1');
      this.files.push(full);
      this.fileNames.push(ms);
      if (frame.at) this.includedBy[ms] = { pattern: toDisplay(frame.pattern), file: toDisplay(frame.at.file), line: frame.at.line };
      if (this.ascii && (NON_ASCII.test(content) || NON_ASCII.test(m))) this.ascii = false;
      frame.name = m;
      frame.real = real;
      frame.content = content;
      frame.bytes = bytes;
      frame.off = 0;
      frame.lineNo = 1;
      frame.lineStart = 0;
      frame.nl = -1;
      frame.showFile = this.stack.length > 1 || frame.matches.length > 1;
      frame.dir = ms.includes('/') ? path.resolve(frame.globCwd, path.dirname(ms)) : frame.globCwd;
      this.copy?.push(`# ${m}`);
      return true;
    }
    return false;
  }

  /** Push an in-memory file (preprocessText). */
  openText(text: string, name: string): void {
    const abs = path.resolve(this.baseCwd, name);
    this.stack.push({
      pattern: name, includeType: INCLUDE_R | INCLUDE_M | INCLUDE_W, savIncludeCheck: this.includeCheck,
      matches: [name], next: 1, globCwd: this.baseCwd, at: null, name: fromJs(name), real: abs,
      dir: path.dirname(abs), showFile: false, content: fromJs(text), bytes: null, off: 0, lineNo: 1, lineStart: 0, nl: -1,
    });
    const top = this.stack[this.stack.length - 1]!;
    top.bytes = Buffer.from(top.content, 'latin1');
    if (NON_ASCII.test(top.content) || NON_ASCII.test(top.name)) this.ascii = false;
    this.files.push(abs);
    this.fileNames.push(name);
  }

  /** get_next_file(): end the top file; false when every file is done. */
  private nextFile(): boolean {
    const frame = this.stack[this.stack.length - 1]!;
    this.includeCheck = frame.savIncludeCheck;
    this.copy?.push('!');
    frame.content = '';
    frame.bytes = null;
    if (this.openConfFile(frame)) return true;
    this.stack.pop();
    return this.stack.length > 0;
  }

  /** fgets() of the top file; null at the end of that file. */
  private fgets(frame: Frame): LineBuf | null {
    const c = frame.content;
    if (frame.off >= c.length) return null;
    // remember the end of a long line: it is read in many pieces
    if (frame.nl < frame.off) {
      frame.nl = c.indexOf('\n', frame.off);
      if (frame.nl < 0) frame.nl = c.length;
    }
    let nl = frame.nl < c.length ? frame.nl : -1;
    const hasNl = nl >= 0;
    if (!hasNl) nl = c.length;
    const start = frame.off;
    const col = start - frame.lineStart + 1;
    let end: number;
    let endsLine: boolean;
    if (nl + (hasNl ? 1 : 0) - start > MAXBUF - 1) {
      end = start + MAXBUF - 1;
      endsLine = false;
      frame.off = end;
      if (start === frame.lineStart) {
        this.diag('info', 'KA_PRE_LINE_SPLIT',
          `line longer than ${MAXBUF - 1} bytes - read in ${MAXBUF - 1} byte pieces, each taken as a line (keepalived 2.2.7 behaviour)`,
          { text: '', file: frame.name, line: frame.lineNo, base: 1, map: null, showFile: frame.showFile });
      }
    } else {
      end = nl;
      endsLine = true;
      frame.off = hasNl ? nl + 1 : c.length;
    }
    // CR/LF stripping, and for the usual line (no NUL, none of # ! \" \\) decomment() reduces to
    // trimming blanks: done here with a single slice
    let e = end;
    while (e > start) {
      const ce = c.charCodeAt(e - 1);
      if (ce !== 10 && ce !== 13) break;
      e--;
    }
    let special = false;
    for (let i = start; i < e; i++) {
      const ch = c.charCodeAt(i);
      if (ch === 35 || ch === 33 || ch === 34 || ch === 92 || ch === 0) { special = true; break; }
    }
    let lb: LineBuf;
    if (!special) {
      let a = start;
      while (a < e && (c.charCodeAt(a) === 32 || c.charCodeAt(a) === 9)) a++;
      let z = e;
      while (z > a && (c.charCodeAt(z - 1) === 32 || c.charCodeAt(z - 1) === 9)) z--;
      this.fgetsClean = true;
      this.fgetsEmpty = e === start;
      lb = { text: c.slice(a, z), file: frame.name, line: frame.lineNo, base: col + (a - start), map: null, showFile: frame.showFile, src: c, off: a };
    } else {
      let text = c.slice(start, e);
      const nul = text.indexOf('\0');
      if (nul >= 0) {
        this.diag('info', 'KA_PRE_EMBEDDED_NUL',
          'embedded NUL in configuration line - the rest of the line is ignored (keepalived 2.2.7 behaviour)',
          { text: '', file: frame.name, line: frame.lineNo, base: col + nul, map: null, showFile: frame.showFile });
        text = text.slice(0, nul);
      }
      this.fgetsClean = false;
      this.fgetsEmpty = text.length === 0;
      lb = { text, file: frame.name, line: frame.lineNo, base: col, map: null, showFile: frame.showFile, src: c, off: start };
    }
    if (endsLine) { frame.lineNo++; frame.lineStart = frame.off; }
    return lb;
  }

  // ---------------------------------------------------------------- read_line()

  private ml: MultilineCtl = {
    rest: null,
    budget: MAX_SUBSTITUTIONS_PER_LINE,
    lineBudget: MAX_SUBSTITUTIONS_PER_PHYSICAL_LINE,
    beginMultiline: (prev: string | null) => {
      if (prev !== null) this.mlStack.push({ ptr: prev, seqDepth: this.multilineSeqDepth });
      this.multilineSeqDepth = this.seqs.length;
    },
  };

  /** Returns the next logical line, or null at the end of input. */
  readLine(): LineBuf | null {
    let buf: LineBuf | null = null;
    for (;;) {
      if (++this.steps > this.maxSteps) {
        this.diag('error', 'KA_PRE_RUNAWAY',
          `Configuration needs more than ${this.maxSteps} preprocessing steps (runaway ~SEQ/~LST or definitions?) - stopping`, buf);
        this.stopped = true;
        return null;
      }
      // ---- get the next raw line
      const residue = this.residue !== null;
      if (this.residue) {
        buf = this.residue;
        this.residue = null;
      } else if (this.seqs.length > 0 && this.seqs.length > this.multilineSeqDepth) {
        const seq = this.seqs[this.seqs.length - 1]!;
        if (seq.kind === 'seq') {
          this.defs.set(seq.name, seq.hex ? seq.next.toString(16) : String(seq.next));
          buf = clone(seq.text);
          seq.next += seq.step;
          if ((seq.step > 0 && seq.next > seq.last) || (seq.step < 0 && seq.next < seq.last)) this.seqs.pop();
        } else {
          const vals = seq.values[seq.idx]!;
          seq.params.forEach((p, i) => this.defs.set(p, vals[i] ?? ''));
          buf = clone(seq.text);
          if (++seq.idx >= seq.values.length) this.seqs.pop();
        }
      } else if (this.nextPtr) {
        const np = this.nextPtr;
        const nl = np.text.indexOf('\n');
        buf = { ...np.pos, text: nl < 0 ? np.text : np.text.slice(0, nl), src: undefined, off: undefined };
        if (nl < 0) {
          const popped = this.mlStack.pop();
          if (popped) { this.nextPtr = { text: popped.ptr, pos: np.pos }; this.multilineSeqDepth = popped.seqDepth; }
          else { this.nextPtr = null; this.multilineSeqDepth = 0; }
        } else {
          this.nextPtr = { text: np.text.slice(nl + 1), pos: np.pos };
        }
      } else {
        // the next non-blank line of the files
        if (this.stack.length === 0) return null;
        buf = null;
        for (;;) {
          const frame = this.stack[this.stack.length - 1]!;
          const lb = this.fgets(frame);
          if (!lb) {
            if (this.nextFile()) continue;
            return null;
          }
          if (this.fgetsEmpty) {
            this.copy?.push('');
            if (this.multilineParamDef) {
              this.multilineParamDef = false;
              if (this.def && this.def.value.length === 0) this.def.multiline = false;
            }
            continue;
          }
          if (!this.fgetsClean) decomment(lb, this.diags);
          // include lines are blank in the copy (line numbers stay right)
          this.copy?.push(parseInclude(lb.text) ? '' : lb.text);
          if (lb.text.length) { buf = lb; break; }
        }
      }
      this.lastPos = buf;

      // ---- multi-line definition being collected
      if (this.multilineParamDef) {
        let t = buf.text;
        if (t.endsWith('\\')) {
          let n = t.length - 1;
          while (n >= 1 && (t[n - 1] === ' ' || t[n - 1] === '\t')) n--;
          t = t.slice(0, n) + '\n';
        } else {
          this.multilineParamDef = false;
          if (this.def && this.def.value.length === 0) this.def.multiline = false;
        }
        if (this.def && (t.length >= 2 || (t.length > 0 && !this.multilineParamDef))) this.def.value += t;
        continue;
      }
      if (buf.text.length === 0) continue;

      // ---- conditionals, definitions, generators, substitution
      let recheck: boolean;
      let drop = false;
      this.ml.budget = MAX_SUBSTITUTIONS_PER_LINE;
      // the pieces a physical line is split into at its braces share a second, larger budget (defs.ts)
      if (!residue) this.ml.lineBudget = MAX_SUBSTITUTIONS_PER_PHYSICAL_LINE;
      do {
        recheck = false;
        const t0 = buf.text;
        if (t0.charCodeAt(0) === 64 /* @ */) {
          const rev = t0[1] === '^';
          const ofs = rev ? 2 : 1;
          let sp = ofs;
          while (sp < t0.length && t0[sp] !== ' ' && t0[sp] !== '\t') sp++;
          if (sp >= t0.length) { drop = true; break; }
          const id = t0.slice(ofs, sp);
          const mismatch = id !== this.configIdBytes;
          if (mismatch !== rev) { drop = true; break; }
          while (sp < t0.length && (t0[sp] === ' ' || t0[sp] === '\t')) sp++;
          dropPrefix(buf, sp);
        }
        const t = buf.text;
        if (t.charCodeAt(0) === 36 /* $ */) {
          const d = this.defs.checkDefinition(t);
          if (d) {
            this.def = d;
            if (d.multiline) this.multilineParamDef = true;
            drop = true;
            break;
          }
        }
        if (t.startsWith('~SEQ') || t.startsWith('~LST')) {
          const isSeq = t[1] === 'S';
          const g = isSeq ? addSeq(buf, this.defs, this.diags) : addLst(buf, this.diags);
          if (!g) {
            this.diag('error', 'KA_CFG_SEQ', isSeq ? `Invalid ~SEQ specification '${toDisplay(t)}'` : `Invalid ~LST specification '${toDisplay(t)}'`, buf);
          } else if (this.seqs.length >= MAX_SEQ_DEPTH) {
            this.diag('error', 'KA_PRE_SEQ_DEPTH', `~SEQ/~LST nested more than ${MAX_SEQ_DEPTH} deep - ignoring '${toDisplay(t)}'`, buf);
          } else {
            this.seqs.push(g);
          }
          drop = true;
          break;
        }
        if (t.charCodeAt(0) === 126 /* ~ */) break;
        if (t.indexOf('$') >= 0) {
          this.ml.rest = this.nextPtr ? this.nextPtr.text : null;
          this.ml.refCol = undefined;
          if (!this.defs.replace(buf, MAXBUF, this.ml)) break;
          if (this.ml.refCol !== undefined) {
            // a multi-line definition was used: its remaining lines come next
            this.nextPtr = this.ml.rest === null ? null
              : { text: this.ml.rest, pos: { ...buf, map: null, base: this.ml.refCol } };
          }
          decomment(buf, this.diags);
          if (buf.text.charCodeAt(0) === 64 || buf.text.indexOf('$') >= 0) recheck = true;
          if (this.ml.budget < 0) break;
        }
      } while (recheck);
      if (drop || buf.text.length === 0) continue;

      // ---- include
      const inc = buf.text.startsWith('include') ? parseInclude(buf.text) : null;
      if (inc) {
        this.openGlob(inc.pattern, inc.type, buf);
        continue;
      }
      break;
    }

    // ---- brace splitting
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
    if (p >= 0) {
      let skip = 0;
      if (p === 0) {
        skip = 1;
        while (skip < s.length && (s[skip] === ' ' || s[skip] === '\t')) skip++;
      }
      if (p + skip < s.length) {
        let e = s.length;
        while (e > p + skip && (s[e - 1] === ' ' || s[e - 1] === '\t')) e--;
        this.residue = sub(buf, p + skip, e);
        truncate(buf, p + skip);
      }
    }
    let e = buf.text.length;
    while (e > 0 && (buf.text[e - 1] === ' ' || buf.text[e - 1] === '\t')) e--;
    if (e < buf.text.length) truncate(buf, e);
    if (buf.text === '{') this.blockDepth++;
    else if (buf.text === '}') {
      if (this.blockDepth-- < 1) {
        this.diag('error', 'KA_CFG_EXTRA_EOB', "Extra '}' found", buf);
        this.blockDepth = 0;
      }
    }
    return buf;
  }

  // ---------------------------------------------------------------- driver

  /**
   * The fast path of readLine() + word splitting for the usual physical line, scanned in place in
   * the file content: nothing pending (residue, generator, multi-line definition), ASCII input, a
   * full line ending in '\n' shorter than MAXBUF, no character that decomment, conditionals,
   * definitions, generators or includes care about (# ! " \\ NUL $ @ ~, other control characters,
   * a leading "include"), and braces only as a lone '}' line or one '{' ending the line. Such a
   * line gives exactly what the general path gives (one or two plain lines, block depth), without
   * making a LineBuf or any string. Returns false, consuming nothing, when the line needs the
   * general path.
   */
  private fastLine(): boolean {
    const frame = this.stack[this.stack.length - 1];
    if (!frame) return false;
    const b = frame.bytes;
    const start = frame.off;
    if (b === null || start >= b.length || start !== frame.lineStart) return false;
    let nl = start;
    const lim = Math.min(b.length, start + MAXBUF - 2);
    while (nl < lim && b[nl] !== 10) nl++;
    if (nl >= lim) return false; // no '\n' (last line), or a line of MAXBUF - 1 bytes or more
    let e = nl;
    while (e > start && b[e - 1] === 13) e--;
    let a = start;
    while (a < e && (b[a] === 32 || b[a] === 9)) a++;
    let z = e;
    while (z > a && (b[z - 1] === 32 || b[z - 1] === 9)) z--;
    let brace = -1;
    for (let i = a; i < z; i++) {
      const ch = b[i]!;
      if (ch >= 97 ? ch >= 123 : ch < 48 ? (ch < 32 ? ch !== 9 : ch === 33 || ch === 34 || ch === 35 || ch === 36) : ch === 64 || ch === 92) {
        // { } ~ DEL/high bytes, controls, ! " # $, @ \\
        if (ch === 123 && i === z - 1 && brace < 0) { brace = i; continue; }
        if (ch === 125 && a === z - 1) { brace = i; continue; }
        return false;
      }
    }
    // "include..." (also include_check): general path
    if (z - a >= 7 && b[a] === 105 && b[a + 1] === 110 && b[a + 2] === 99 && b[a + 3] === 108 && b[a + 4] === 117 && b[a + 5] === 100 && b[a + 6] === 101) return false;
    const c = frame.content;
    const lineNo = frame.lineNo;
    const col0 = 1 - start; // column of c[i] is i + col0
    const show = frame.showFile;
    if (a === z) {
      // blank line
    } else if (brace >= 0 && b[brace] === 125) {
      if (this.blockDepth < 1) return false; // "Extra '}' found": general path
      this.blockDepth--;
      this.pushFast(c, a, z, frame.name, lineNo, a + col0, show);
    } else if (brace >= 0) {
      let y = brace;
      while (y > a && (b[y - 1] === 32 || b[y - 1] === 9)) y--;
      if (y > a) this.pushFast(c, a, y, frame.name, lineNo, a + col0, show);
      this.blockDepth++;
      this.pushFast(c, brace, brace + 1, frame.name, lineNo, brace + col0, show);
    } else {
      this.pushFast(c, a, z, frame.name, lineNo, a + col0, show);
    }
    frame.off = nl + 1;
    frame.lineNo++;
    frame.lineStart = frame.off;
    return true;
  }

  private pushFast(c: string, a: number, z: number, file: string, line: number, col: number, show: boolean): void {
    this.steps++;
    this.bytes += z - a + 16;
    this.lines.pushSpan(c, a, z, file, line, col, show);
    this.fastLast = true;
    this.fastFile = file;
    this.fastLineNo = line;
    this.fastCol = col;
    this.fastShow = show;
  }

  run(): void {
    for (;;) {
      if (this.fast && this.lines.length + 2 <= this.maxLines && this.bytes <= this.maxBytes && this.steps + 2 <= this.maxSteps
        && this.ascii && this.residue === null && this.seqs.length === 0 && this.nextPtr === null && !this.multilineParamDef
        && this.fastLine()) continue;
      if (this.lines.length >= this.maxLines || this.bytes > this.maxBytes) {
        const nd = this.diags.length;
        this.diag('error', 'KA_PRE_TOO_MANY_LINES', this.bytes > this.maxBytes
          ? `Configuration expands to more than ${this.maxBytes} bytes - stopping`
          : `Configuration expands to more than ${this.maxLines} lines - stopping`, this.lastPos);
        this.markBefore(nd);
        this.stopped = true;
        break;
      }
      const nd = this.diags.length;
      const lb = this.readLine();
      if (!lb) { this.markBefore(nd); if (this.stopped) return; break; }
      this.bytes += lb.text.length + 16;
      if (this.ascii && !lb.map && lb.text.indexOf('"') < 0) {
        // the common case: no quote, no edit, ASCII - words and positions are made on access
        if (this.diags.length !== nd) this.markBefore(nd);
        if (!hasWord(lb.text)) continue;
        this.lines.pushPlain(lb.text, lb.file, lb.line, lb.base, lb.showFile, lb.src, lb.off);
        if (lb.text.startsWith('include_check')) this.checkIncludeCheck(plainWords(lb.text, lb.file, lb.line, lb.base));
        continue;
      }
      const words = splitWords(lb, this.diags, this.ascii);
      if (this.diags.length !== nd) this.markBefore(nd);
      // keepalived's alloc_strvec() gives NULL for a line without words (only \f \v \r, or an
      // unmatched quote first) and the line is skipped
      if (words.length === 0) continue;
      const col = colAt(lb, 0);
      const w0 = words[0];
      const text = this.ascii ? lb.text : toDisplay(lb.text);
      // the first word starts where the line does: share its position object
      const pos = w0 && w0.pos.col === col && w0.pos.line === lb.line ? w0.pos
        : { file: this.ascii ? lb.file : toDisplay(lb.file), line: lb.line, col };
      // complete object literals (no properties added later: V8 would give them a separate
      // property store)
      let line: ConfigLine;
      if (text === '{') line = { text, words, pos, brace: '{' };
      else if (text === '}') line = { text, words, pos, brace: '}' };
      else line = { text, words, pos };
      if (lb.showFile) line.showFile = true;
      this.lines.pushLine(line);
      this.checkIncludeCheck(words);
    }
    if (!this.stopped && this.blockDepth > 0) {
      const nd = this.diags.length;
      this.diags.push({
        severity: 'error', code: 'KA_CFG_MISSING_EOB',
        message: `There are ${this.blockDepth} missing '}'s or extra '{'s`,
        ...(this.lastPos ? { pos: { file: toDisplay(this.lastPos.file), line: this.lastPos.line, col: 1 } } : {}),
      });
      this.markBefore(nd);
    }
  }

  private checkIncludeCheck(words: readonly { text: string }[]): void {
    if (words.length && words[0]!.text === 'include_check') {
      this.includeCheck = includeCheckSet(this.includeCheck, words.slice(1).map((w) => w.text));
    }
  }

  private markBefore(from: number): void {
    for (let i = from; i < this.diags.length; i++) {
      this.before[i] = this.lines.length;
      // diagnostics pushed by helper modules (decomment, defs, lexer) concern the current line
      if (this.showFile[i] === undefined) this.showFile[i] = this.lastPos ? this.lastPos.showFile : false;
    }
  }

  result(): PreprocessResult {
    const store = this.lines;
    let arr: ConfigLine[] | undefined;
    return {
      // materialized on first use; the reader reads `source` directly
      get lines(): ConfigLine[] { return (arr ??= store.toArray()); },
      source: store, diagnostics: this.diags, files: this.files, fileNames: this.fileNames, includedBy: this.includedBy,
      diagnosticsBefore: this.before, diagnosticsShowFile: this.showFile, unclosedBlocks: this.blockDepth,
    };
  }
}

/**
 * Preprocess a configuration file (the path may itself be a glob, as keepalived's -f allows).
 * Relative includes resolve against each including file's directory.
 */
export function preprocessFile(file: string, opts: PreprocessOptions): PreprocessResult {
  const pp = new Preprocessor(opts);
  const ok = pp.openGlob(fromJs(file), INCLUDE_R | INCLUDE_M | INCLUDE_W, null);
  if (!ok) {
    // keepalived logs "Config files missing '<file>'." (already reported by openGlob) and reads nothing
    const missing = pp.diags.find((d) => d.code === 'KA_INCLUDE_MISSING' || d.code === 'KA_INCLUDE_NO_MATCH');
    if (missing) { missing.severity = 'fatal'; missing.code = 'KA_CONFIG_FILE_MISSING'; }
    else pp.diags.push({ severity: 'fatal', code: 'KA_CONFIG_FILE_MISSING', message: 'Failed to open configuration file' });
    for (let i = 0; i < pp.diags.length; i++) { pp.before[i] = 0; pp.showFile[i] = false; }
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
  pp.openText(text, fileName);
  pp.run();
  return pp.result();
}
