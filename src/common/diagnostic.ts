// Errors as values: every problem found in input (config, packets, CLI) is a Diagnostic with a
// stable code and, where it came from a file, a position. Nothing in the cores throws strings.
import type { DiagCode } from './diag-codes.js';

export type { DiagCode } from './diag-codes.js';

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
  /** Stable machine code, e.g. KA_CFG_UNKNOWN_KEYWORD (diag-codes.ts). */
  code: DiagCode;
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

/** Exit codes in the order of keepalived's config_err_t (lib/parser.h): OK, fatal, any other error, security. */
const EXIT_RANK: Record<number, number> = { 0: 0, 4: 1, 5: 2, 6: 3 };

/**
 * keepalived -t exit code: 2 when the parse aborted, else from the largest config_err_t reported
 * (report_config_error keeps the larger enum value): 6 security, 5 any other printed config error,
 * 4 fatal (file not found, bad interface), 0. So a fatal error next to an ordinary one exits 5.
 * The one mapping for `-t`, the parser's result and the daemon's reload check.
 */
export function exitCodeFor(diags: readonly Diagnostic[]): number {
  let code = 0;
  for (const d of diags) {
    if (d.severity === 'abort') return 2;
    const c = EXIT_FOR_SEVERITY[d.severity];
    if (EXIT_RANK[c]! > EXIT_RANK[code]!) code = c;
  }
  return code;
}

export function formatPos(p: SourcePos | undefined): string {
  return p ? `${p.file}:${p.line}:${p.col}` : '';
}
