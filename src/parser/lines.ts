// Contract between the two halves of the parser:
//  - the preprocessor (src/parser/preprocess.ts) turns files into a stream of logical ConfigLines:
//    comments stripped, @conditionals applied, $DEFS substituted, ~SEQ/~LST expanded, includes
//    spliced in, and braces split off into lines of their own (keepalived's read_line()).
//  - the reader (src/parser/reader.ts) walks that stream with the keyword tables and builds the model.
// Every word keeps the file, line and column it came from, through includes and macro expansion.
import type { Diagnostic, SourcePos } from '../common/diagnostic.js';
import type { HostFiles } from '../host/facts.js';

export interface Word {
  /** The word with double quotes removed (keepalived's alloc_strvec). */
  text: string;
  /** Where the word starts: for words produced by a $DEF, the position of the reference. */
  pos: SourcePos;
  quoted: boolean;
}

/**
 * ConfigLines may be produced lazily (the preprocessor's PlainLine): `words` and `pos` can be
 * getters that build fresh plain objects on access. Consumers must not mutate them nor rely on
 * their identity; compare lines (from the same LineSource read in order) or values instead.
 */
export interface ConfigLine {
  /**
   * The processed line text (after decomment and substitution), as keepalived's handlers see it
   * (buf_extern: what script keywords re-split with script-split.ts). Lines always have words.
   */
  text: string;
  words: Word[];
  pos: SourcePos;
  /** Set when this line is a lone '{' or '}' (brace splitting). */
  brace?: '{' | '}';
  /**
   * keepalived prefixes messages about this line with "(FILE: Line N)" rather than "(Line N)":
   * true for lines of included files, and of the main file when -f matched several files.
   */
  showFile?: boolean;
}

export interface PreprocessOptions {
  /** -i/--config-id; default: hostname up to the first dot. */
  configId: string;
  /** Where the files come from (the main file, includes, globs): the preprocessor does no I/O itself. */
  files: HostFiles;
  /** include_check default / -e (all-config): strictness of include directives. */
  includeCheck?: { read: boolean; match: boolean; wildcardMatch: boolean; braceMatch: boolean };
  /** Random seed for ${_RANDOM}; default: time-based. */
  randomSeed?: number;
  /** Hard limit against hostile input (expanded lines); default 5,000,000. */
  maxLines?: number;
  /** Hard limit on the total text of the expanded lines, in bytes; default 256 MiB. */
  maxBytes?: number;
  /** Tests only: read every line through the general path (no in-place fast path). */
  noFastPath?: boolean;
  /**
   * Collects keepalived 2.2.7's consolidated copy of the files read (lib/parser.c's conf_copy: each
   * physical line decommented, include lines blank, "# FILE" when a file opens, "!" when it ends,
   * "#! MESSAGE" for include problems), one entry per line, as latin1 byte strings.
   */
  copy?: string[];
}

/** Read access to a line stream: ConfigLine[] is one; the preprocessor's LineStore another. */
export interface LineSource {
  readonly length: number;
  /** Line i (negative counts from the end, as Array.prototype.at), undefined out of range. */
  at(i: number): ConfigLine | undefined;
}

/** An include directive: its pattern as written and where it stands. */
export interface IncludeSite { pattern: string; file: string; line: number }

/** A preprocessor message and where keepalived reports it. */
export interface PreDiagnostic extends Diagnostic {
  /**
   * keepalived reports it just before handing out lines[before] (== lines.length: after the last
   * line, e.g. "There are %d missing '}'s or extra '{'s", which keepalived prints after the blocks'
   * end handlers ran). Lets the reader interleave its own messages in keepalived's order.
   * Word-splitting messages (Unmatched quote) belong to the line they are reported before.
   */
  before: number;
  /**
   * keepalived names the file in its prefix ("(FILE: Line N) msg" rather than "(Line N) msg"), as
   * for ConfigLine.showFile. KA_CFG_MISSING_EOB ("There are %d missing '}'s...") has no prefix at all.
   */
  showFile?: boolean;
}

export interface PreprocessResult {
  /** Every line as an array (the preprocessor materializes it on first access). */
  lines: ConfigLine[];
  /** The same lines, stored compactly (the reader uses this when present). */
  source?: LineSource;
  diagnostics: PreDiagnostic[];
  /** Every file opened, in order (absolute paths). */
  files: string[];
  /** Parallel to `files`: the names keepalived logs them under with -D ("Opening file '%s'."). */
  fileNames?: string[];
  /** For each included file (by the name positions use), the include directive that read it. */
  includedBy?: Record<string, IncludeSite>;
  /** Block depth left at end of input (already reported as KA_CFG_MISSING_EOB). */
  unclosedBlocks?: number;
}
