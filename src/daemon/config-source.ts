// Where the daemon gets its parsed configuration from. The parser (src/parser/index.ts) is
// expected to export `loadConfig(path, opts)`; the module is imported lazily so the daemon shell
// builds and is testable before/without it. KEEPALIVED_TS_CONFIG_LOADER names another module with
// the same export (tests use a JSON loader). Diagnostics are formatted as keepalived logs them.
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from '../common/diagnostic.js';
import type { KeepalivedConfig } from '../config/model.js';

export interface LoadOptions { configId?: string; allConfig: boolean }

export interface ConfigLoadResult {
  /** Undefined when the file could not be used at all. */
  config?: KeepalivedConfig;
  diagnostics: Diagnostic[];
}

export type ConfigLoader = (path: string, opts: LoadOptions) => Promise<ConfigLoadResult> | ConfigLoadResult;

export type ConfigTestFn = (path: string, opts: Record<string, unknown>) => Promise<{ stderrLines: string[]; exitCode: number }> | { stderrLines: string[]; exitCode: number };

async function importModule(spec: string, base: string): Promise<Record<string, unknown> | undefined> {
  const url = spec.startsWith('.') ? new URL(spec, base).href : spec.startsWith('/') ? pathToFileURL(spec).href : spec;
  try { return (await import(url)) as Record<string, unknown>; } catch (e) {
    if (process.env.KEEPALIVED_TS_DEBUG) process.stderr.write(`import ${url}: ${(e as Error).message}\n`);
    return undefined;
  }
}

/** The parser module next to us (src/parser/index.ts under tsx, dist/parser/index.js built). */
function parserSpec(): string { return '../parser/index.js'; }

type ParseFile = (path: string, o: { configId?: string; allConfig?: boolean }) => { config: KeepalivedConfig; diagnostics: Diagnostic[]; aborted: boolean };
type FormatDiag = (d: Diagnostic) => string;

/**
 * The loader: KEEPALIVED_TS_CONFIG_LOADER's `loadConfig`, else the parser's `loadConfig`, else an
 * adapter over the parser's `parseConfigFile` (a missing main file = no config, as keepalived).
 */
export async function resolveConfigLoader(): Promise<ConfigLoader | undefined> {
  const override = process.env.KEEPALIVED_TS_CONFIG_LOADER;
  const mod = await importModule(override || parserSpec(), import.meta.url);
  if (typeof mod?.loadConfig === 'function') return mod.loadConfig as ConfigLoader;
  const parse = mod?.parseConfigFile as ParseFile | undefined;
  if (typeof parse !== 'function') return undefined;
  const fmt = typeof mod?.formatDiagnostic === 'function' ? (mod.formatDiagnostic as FormatDiag) : undefined;
  return (path, o) => {
    const r = parse(path, { configId: o.configId, allConfig: o.allConfig });
    const diagnostics = fmt ? r.diagnostics.map((d) => ({ ...d, formatted: fmt(d) })) : r.diagnostics;
    if (r.diagnostics.some((d) => d.code === 'KA_CONFIG_FILE_MISSING')) return { diagnostics };
    return { config: r.config, diagnostics };
  };
}

export async function resolveConfigTest(): Promise<ConfigTestFn | undefined> {
  const mod = await importModule(parserSpec(), import.meta.url);
  const fn = mod?.runConfigTest;
  return typeof fn === 'function' ? (fn as ConfigTestFn) : undefined;
}

/** `(FILE: Line N) message` as keepalived prefixes config errors in its log. */
export function diagnosticLine(d: Diagnostic & { formatted?: string }): string {
  if (d.formatted !== undefined) return d.formatted;
  return d.pos ? `(${d.pos.file}: Line ${d.pos.line}) ${d.message}` : d.message;
}

/** Identity of a diagnostic across edits (positions move when lines are added above it). */
export function diagKey(d: Diagnostic): string {
  return `${d.code}\u0000${d.message}`;
}

/**
 * What makes a reload unsafe: a file that cannot be used (missing, missing parameter, parser
 * failure), or config errors the running configuration did not already have. keepalived 2.2.7
 * reloads whatever it reads; with reload_check_config it refuses any file `-t` rejects, which
 * would make configs with a standing warning (e.g. the script-security one) impossible to reload.
 * Refusing only new problems keeps a broken edit out and still lets such configs reload.
 */
export function reloadProblems(diags: readonly Diagnostic[], accepted: ReadonlySet<string>): Diagnostic[] {
  return diags.filter((d) => blocksStart(d) || (d.severity !== 'info' && !accepted.has(diagKey(d))));
}

/** Diagnostics that stop a start (keepalived: missing parameter -> CONFIG, file missing -> exit 6 path). */
export function blocksStart(d: Diagnostic): boolean {
  return d.severity === 'abort' || d.severity === 'fatal';
}
