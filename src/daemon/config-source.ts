// Where the daemon gets its parsed configuration from: the parser (src/parser), with its
// diagnostics formatted as keepalived logs them. KEEPALIVED_TS_CONFIG_LOADER names another module
// exporting `loadConfig(path, opts)` (the daemon shell tests use a JSON loader with it).
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from '../common/diagnostic.js';
import type { KeepalivedConfig } from '../config/model.js';
import { formatDiagnostic } from '../parser/index.js';
import { parseConfigFile } from '../config/load.js';

export interface LoadOptions { configId?: string; allConfig: boolean }

export interface ConfigLoadResult {
  /** Undefined when the file could not be used at all. */
  config?: KeepalivedConfig;
  diagnostics: Diagnostic[];
}

export type ConfigLoader = (path: string, opts: LoadOptions) => Promise<ConfigLoadResult> | ConfigLoadResult;

/** keepalived.conf through the parser; a missing main file gives no config (keepalived exits 6). */
export const parserLoader: ConfigLoader = (path, o) => {
  const r = parseConfigFile(path, { configId: o.configId, allConfig: o.allConfig });
  const diagnostics = r.diagnostics.map((d) => ({ ...d, formatted: formatDiagnostic(d) }));
  if (r.diagnostics.some((d) => d.code === 'KA_CONFIG_FILE_MISSING')) return { diagnostics };
  return { config: r.config, diagnostics };
};

/**
 * The daemon's loader: the parser, or the `loadConfig` of the module KEEPALIVED_TS_CONFIG_LOADER
 * names (an absolute path or a URL). A loader module that cannot be used is an error value.
 */
export async function configLoader(env: NodeJS.ProcessEnv = process.env): Promise<ConfigLoader | { error: string }> {
  const spec = env.KEEPALIVED_TS_CONFIG_LOADER;
  if (!spec) return parserLoader;
  const url = spec.startsWith('/') ? pathToFileURL(spec).href : spec;
  try {
    const mod = (await import(url)) as { loadConfig?: unknown };
    if (typeof mod.loadConfig === 'function') return mod.loadConfig as ConfigLoader;
    return { error: `KEEPALIVED_TS_CONFIG_LOADER ${spec} does not export loadConfig` };
  } catch (e) {
    return { error: `KEEPALIVED_TS_CONFIG_LOADER ${spec}: ${(e as Error).message}` };
  }
}

/**
 * A config-check line that keepalived 2.2.7 logs in its VRRP process, not in the parent: the VRRP
 * side's SECURITY VIOLATION (measured: once, after "Registering Kernel netlink command channel").
 */
export function loggedByVrrp(d: Diagnostic): boolean {
  return d.code === 'KA_SCRIPT_SECURITY' && d.proc === 'vrrp';
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
