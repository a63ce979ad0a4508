// keepalived -t (--config-test): parse + validate with interface checks, print every diagnostic
// in keepalived's wording with its "(Line N)" / "(FILE: Line N)" prefix, followed by our
// file:line:col, and give keepalived 2.2.7's exit code (0 ok, 2 missing parameter, 4 fatal,
// 5 config errors, 6 script security).
//
// keepalived 2.2.7 prints some messages up to three times under -t (its parent, then its checker
// and vrrp children each re-read the file); we print each message once, in the order
// parent -> checker -> vrrp, which is the order of first appearance in keepalived's output.
// After keepalived's lines come our warnings for keywords the ledger lists as not implemented
// (ledger.ts), in file order; they do not change the exit code.
import { parseConfigFile, type ParseOptions } from './index.js';
import type { ParseDiagnostic, Proc } from './reader.js';
import { isNoteCode, type DiagCode } from '../common/diag-codes.js';
import { isNotImplementedWarning } from './ledger-types.js';

export interface ConfigTestOptions extends ParseOptions {
  /** Append our "\t[file:line:col]" to each message that has a position (default true). */
  positions?: boolean;
  /** Also print our own notes (P2 keywords, extra cross-checks) as "note: ..." (default false). */
  notes?: boolean;
}

/** One printed line and the code of the diagnostic it shows (tests tell our lines from keepalived's by code). */
export interface ConfigTestLine { text: string; code: DiagCode }

export interface ConfigTestResult {
  stderrLines: string[];
  /** The same lines with their diagnostic codes. */
  lines: ConfigTestLine[];
  exitCode: number;
  /** config_save_dir as the file set it (the check writes its copy there, as 2.2.7's -t does). */
  configSaveDir?: string;
}

/** One diagnostic as keepalived prints it (no position suffix). */
export function formatDiagnostic(d: ParseDiagnostic, multiFile = false): string {
  if (!d.pos || d.prefix === 'none') return d.message;
  if (d.prefix === 'file' || d.showFile || multiFile) return `(${d.pos.file}: Line ${d.pos.line}) ${d.message}`;
  return `(Line ${d.pos.line}) ${d.message}`;
}

const ORDER: Record<Proc, number> = { parent: 0, checker: 1, vrrp: 2 };

export function isOurNote(d: ParseDiagnostic): boolean { return isNoteCode(d.code); }

export function configTestLines(diags: readonly ParseDiagnostic[],
    opts: { positions?: boolean; notes?: boolean; multiFile?: boolean } = {}): ConfigTestLine[] {
  const withPos = opts.positions ?? true;
  const at = (d: ParseDiagnostic): string => (d.pos && withPos ? `\t[${d.pos.file}:${d.pos.line}:${d.pos.col}]` : '');
  const sorted = diags.map((d, i) => ({ d, i })).sort((a, b) => ORDER[a.d.proc] - ORDER[b.d.proc]
    || a.i - b.i).map((x) => x.d);
  const out: ConfigTestLine[] = [];
  for (const d of sorted) {
    if (isNotImplementedWarning(d)) continue;
    if (isOurNote(d)) {
      if (opts.notes) out.push({ text: `note: ${d.message}${at(d)}`, code: d.code });
      continue;
    }
    out.push({ text: `${formatDiagnostic(d, opts.multiFile)}${at(d)}`, code: d.code });
  }
  // Not-implemented keywords, in file order; without positions the place goes in front.
  for (const d of diags) {
    if (isNotImplementedWarning(d)) out.push({ text: withPos ? `${d.message}${at(d)}` : formatDiagnostic(d), code: d.code });
  }
  return out;
}

export function runConfigTest(path: string, opts: ConfigTestOptions): ConfigTestResult {
  const r = parseConfigFile(path, { checkInterfaces: true, ...opts });
  const lines = configTestLines(r.diagnostics, { positions: opts.positions, notes: opts.notes });
  const saveDir = r.config.global.configSaveDir;
  return { stderrLines: lines.map((l) => l.text), lines, exitCode: r.exitCode,
    ...(saveDir !== undefined ? { configSaveDir: saveDir } : {}) };
}
