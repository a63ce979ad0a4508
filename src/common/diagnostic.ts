// Errors as values: every problem found in input (config, packets, CLI) is a Diagnostic with a
// stable code and, where it came from a file, a position. Nothing in the cores throws strings.

export interface SourcePos {
  file: string;
  line: number; // 1-based
  col: number;  // 1-based
}

/**
 * Severity classes follow keepalived's -t exit codes (features doc §1.7):
 *  - 'warning'   -> exit 5 (keepalived treats warnings as config errors under -t)
 *  - 'error'     -> exit 5
 *  - 'fatal'     -> exit 4 (file not found, bad interface, CONFIG_FATAL)
 *  - 'security'  -> exit 6 (script security / strict include failure)
 *  - 'abort'     -> exit 2 (missing parameter: parser aborts)
 *  - 'info'      -> no effect on the exit code (our own notes, e.g. "not implemented yet")
 */
export type Severity = 'info' | 'warning' | 'error' | 'fatal' | 'security' | 'abort';

export interface Diagnostic {
  severity: Severity;
  /** Stable machine code, e.g. KA_CFG_UNKNOWN_KEYWORD. */
  code: string;
  /** The message in keepalived's wording, without the "(Line N)" prefix. */
  message: string;
  pos?: SourcePos;
  /** Other places involved (e.g. the first definition of a duplicate). */
  related?: SourcePos[];
  /** The keepalived process that reports it at run time (the parser's; absent: the parent). */
  proc?: 'parent' | 'vrrp' | 'checker';
}

export const EXIT_FOR_SEVERITY: Record<Severity, number> = {
  info: 0, warning: 5, error: 5, fatal: 4, security: 6, abort: 2,
};

/** keepalived picks the most severe class seen; abort(2) stops parsing outright. */
export function exitCodeFor(diags: readonly Diagnostic[]): number {
  const rank: Severity[] = ['abort', 'security', 'fatal', 'error', 'warning'];
  for (const s of rank) if (diags.some((d) => d.severity === s)) return EXIT_FOR_SEVERITY[s];
  return 0;
}

export function formatPos(p: SourcePos | undefined): string {
  return p ? `${p.file}:${p.line}:${p.col}` : '';
}
