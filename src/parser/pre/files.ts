// The preprocessor's file stack: the main file and the include* directives (keepalived 2.2.7's
// open_glob_file(), open_conf_file(), get_next_file() and fgets() in lib/parser.c). An include
// pushes a frame holding its glob's matches; the frame reads them one after the other, each
// relative to the including file's directory, with the include_check strictness messages
// (file_config_error: 'security' when strict, else our 'info'). Every file comes from the host's
// files (HostFiles): nothing here touches the system. Our addition: include loops are refused.
import * as path from 'node:path';
import type { DiagCode } from '../../common/diagnostic.js';
import { isHostError, type HostFiles } from '../../host/facts.js';
import type { IncludeSite } from '../lines.js';
import type { DiagnosticSink } from './diagnostics.js';
import { glob } from './glob.js';
import { INCLUDE_B, INCLUDE_M, INCLUDE_R, INCLUDE_W } from './include.js';
import type { LineBuf } from './linebuf.js';
import { MAXBUF } from './defs.js';
import { fromJs, toDisplay } from './text.js';

export const NON_ASCII = /[\x80-\xff]/;
const MAX_INCLUDE_DEPTH = 100;

export interface Frame {
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
  /** The same bytes (file content), for the fast path's scanning. */
  bytes: Uint8Array | null;
  off: number;
  lineNo: number;
  lineStart: number;
  /** Index of the next '\n' at or after `off` (or content.length), -1 when not yet searched. */
  nl: number;
}

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

export class FileStack {
  readonly frames: Frame[] = [];
  /** Every file opened (absolute paths), the names they are shown under, and who included them. */
  readonly files: string[] = [];
  readonly fileNames: string[] = [];
  readonly includedBy: Record<string, IncludeSite> = {};
  /** include_check's current bits (the include directive's type adds to them per file). */
  includeCheck: number;
  /** Every input so far is ASCII: words need no UTF-8 decoding. */
  ascii = true;
  /** Set by fgets(): the line was empty after CR/LF stripping / needed no decomment(). */
  lastEmpty = false;
  lastClean = false;
  private readonly realCwdCache = new Map<string, string>();

  constructor(
    private readonly host: HostFiles, private readonly baseCwd: string, includeCheck: number,
    private readonly diags: DiagnosticSink, private readonly copy: string[] | undefined,
  ) {
    this.includeCheck = includeCheck;
  }

  get depth(): number { return this.frames.length; }
  top(): Frame | undefined { return this.frames[this.frames.length - 1]; }

  /** The directory relative names resolve in: the current file's. */
  cwd(): string {
    const top = this.top();
    return top ? top.dir : this.baseCwd;
  }

  /** cwd() with symbolic links resolved (${_PWD}), as a byte string. */
  realCwd(): string {
    const c = this.cwd();
    let r = this.realCwdCache.get(c);
    if (r === undefined) {
      const real = this.host.realpath(c);
      r = isHostError(real) ? c : real;
      this.realCwdCache.set(c, r);
    }
    return fromJs(r);
  }

  /** file_config_error(): strict (exit 6) when include_check or the include type asks for it. */
  private fileError(level: number, code: DiagCode, message: string, frame: Frame | null): void {
    const strict = ((this.includeCheck | (frame ? frame.includeType : 0)) & level) !== 0;
    this.diags.report(strict ? 'security' : 'info', code, message, frame?.at ?? null);
    this.copy?.push(`#! ${fromJs(message)}`);
  }

  /** open_glob_file(): push the include's frame and open its first usable match. */
  openGlob(pattern: string, type: number, at: LineBuf | null): boolean {
    const globCwd = this.cwd();
    const frame: Frame = {
      pattern, includeType: type, savIncludeCheck: this.includeCheck, matches: [], next: 0,
      globCwd, at, name: '', real: '', dir: globCwd, showFile: false, content: '', bytes: null, off: 0, lineNo: 0, lineStart: 0, nl: -1,
    };
    const shown = toDisplay(pattern);
    if (this.frames.length >= MAX_INCLUDE_DEPTH) {
      this.diags.report('error', 'KA_PRE_INCLUDE_DEPTH', `Includes nested more than ${MAX_INCLUDE_DEPTH} deep - skipping '${shown}'`, at);
      return false;
    }
    this.frames.push(frame);
    const g = glob(toDisplay(pattern), globCwd, this.host);
    const chk = this.includeCheck | type;
    if (g.matches.length === 0) {
      if (g.missingFiles || g.missingDirs) {
        this.fileError(g.hasBrace ? INCLUDE_B : INCLUDE_M, 'KA_INCLUDE_MISSING', `Config files missing '${shown}'.`, frame);
      } else if (g.haveWildcards && (chk & INCLUDE_W)) {
        this.fileError(INCLUDE_W, 'KA_INCLUDE_NO_MATCH', `No config files matched '${shown}'.`, frame);
      }
      this.frames.pop();
      return false;
    }
    if (g.missingFiles || g.missingDirs) {
      this.fileError(INCLUDE_B, 'KA_INCLUDE_SOME_MISSING', `Some config files missing: "${shown}".`, frame);
      if (chk & INCLUDE_B) { this.frames.pop(); return false; }
    }
    frame.matches = g.matches.map(fromJs);
    if (!this.openConfFile(frame)) {
      this.frames.pop();
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
      const st = this.host.stat(full);
      if (isHostError(st) || st.kind !== 'file' || (st.mode & 0o111) !== 0) {
        this.fileError(INCLUDE_R, 'KA_INCLUDE_NOT_REGULAR', `Configuration file '${ms}' is not a regular non-executable file - skipping`, frame);
        continue;
      }
      const rp = this.host.realpath(full);
      const real = isHostError(rp) ? full : rp;
      if (this.frames.some((f) => f !== frame && f.real === real)) {
        this.diags.report('error', 'KA_PRE_INCLUDE_LOOP', `Include loop: configuration file '${ms}' is already being read - skipping`, frame.at);
        continue;
      }
      const bytes = this.host.read(full);
      if (isHostError(bytes)) {
        this.fileError(INCLUDE_R, 'KA_INCLUDE_OPEN', `Configuration file '${ms}' open problem (${errnoText(bytes.code)}) - skipping`, frame);
        continue;
      }
      const content = bytes.toString('latin1');
      this.files.push(full);
      this.fileNames.push(ms);
      const at = frame.at;
      if (at) this.includedBy[ms] = { pattern: toDisplay(frame.pattern), file: toDisplay(at.file), line: at.line };
      if (this.ascii && (NON_ASCII.test(content) || NON_ASCII.test(m))) this.ascii = false;
      frame.name = m;
      frame.real = real;
      frame.content = content;
      frame.bytes = bytes;
      frame.off = 0;
      frame.lineNo = 1;
      frame.lineStart = 0;
      frame.nl = -1;
      frame.showFile = this.frames.length > 1 || frame.matches.length > 1;
      frame.dir = ms.includes('/') ? path.resolve(frame.globCwd, path.dirname(ms)) : frame.globCwd;
      this.copy?.push(`# ${m}`);
      return true;
    }
    return false;
  }

  /** Push an in-memory file (preprocessText). */
  openText(text: string, name: string): void {
    const abs = path.resolve(this.baseCwd, name);
    const content = fromJs(text);
    this.frames.push({
      pattern: name, includeType: INCLUDE_R | INCLUDE_M | INCLUDE_W, savIncludeCheck: this.includeCheck,
      matches: [name], next: 1, globCwd: this.baseCwd, at: null, name: fromJs(name), real: abs,
      dir: path.dirname(abs), showFile: false, content, bytes: Buffer.from(content, 'latin1'), off: 0, lineNo: 1, lineStart: 0, nl: -1,
    });
    if (NON_ASCII.test(content) || NON_ASCII.test(fromJs(name))) this.ascii = false;
    this.files.push(abs);
    this.fileNames.push(name);
  }

  /** get_next_file(): end the top file; false when every file is done. */
  nextFile(): boolean {
    const frame = this.frames[this.frames.length - 1]!;
    this.includeCheck = frame.savIncludeCheck;
    this.copy?.push('!');
    frame.content = '';
    frame.bytes = null;
    if (this.openConfFile(frame)) return true;
    this.frames.pop();
    return this.frames.length > 0;
  }

  /**
   * fgets() of the top file: the next physical line (at most MAXBUF - 1 bytes, CR/LF stripped,
   * text after a NUL dropped), null at the end of that file. Sets lastEmpty / lastClean.
   */
  fgets(frame: Frame): LineBuf | null {
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
        this.diags.report('info', 'KA_PRE_LINE_SPLIT',
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
      this.lastClean = true;
      this.lastEmpty = e === start;
      lb = {
        text: c.slice(a, z), file: frame.name, line: frame.lineNo, base: col + (a - start), map: null,
        showFile: frame.showFile, src: c, off: a,
      };
    } else {
      let text = c.slice(start, e);
      const nul = text.indexOf('\0');
      if (nul >= 0) {
        this.diags.report('info', 'KA_PRE_EMBEDDED_NUL',
          'embedded NUL in configuration line - the rest of the line is ignored (keepalived 2.2.7 behaviour)',
          { text: '', file: frame.name, line: frame.lineNo, base: col + nul, map: null, showFile: frame.showFile });
        text = text.slice(0, nul);
      }
      this.lastClean = false;
      this.lastEmpty = text.length === 0;
      lb = {
        text, file: frame.name, line: frame.lineNo, base: col, map: null, showFile: frame.showFile, src: c, off: start,
      };
    }
    if (endsLine) { frame.lineNo++; frame.lineStart = frame.off; }
    return lb;
  }
}
