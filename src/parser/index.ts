// Public API of the config parser: preprocess -> table-driven read -> end-of-parse validation.
//   parseConfigFile(path, opts)  -> { config, diagnostics, exitCode }   (config always returned)
//   parseConfigText(text, name, opts) (same, from a string)
//   runConfigTest(path, opts)    -> { stderrLines, exitCode }           (keepalived -t)
//   printConfig(config) / dumpConfig(config)
// The parser does no I/O of its own: every fact about the machine (users, files, interfaces, ...)
// comes from ParseOptions.host (src/host/facts.ts; src/config/load.ts binds the real one).
import type { KeepalivedConfig } from '../config/model.js';
import { exitCodeFor, type Diagnostic } from '../common/diagnostic.js';
import type { PreprocessOptions, PreprocessResult } from './lines.js';
import { consolidatedCopy, preprocessFile, preprocessText } from './preprocess.js';
import { readConfig, type ParseDiagnostic } from './reader.js';
import { topTable, procOf, type TopCtx } from './keywords/top.js';
import { defaultGlobalDefs } from './keywords/global-defs.js';
import { newRuleState } from './keywords/route-values.js';
import { validateConfig } from './validate.js';
import type { HostFacts } from '../host/facts.js';
import type { VirtualServer } from '../config/model.js';
import type { LedgerLookup } from './ledger-types.js';

export { printConfig } from './printer.js';
export { dumpConfig } from './dump.js';
export { runConfigTest, formatDiagnostic } from './configtest.js';
export type { ParseDiagnostic } from './reader.js';

export interface ParseOptions {
  /** The machine the configuration is read on: users, files (the config itself, includes, scripts), interfaces. */
  host: HostFacts;
  /** -i/--config-id; default: hostname up to the first dot. */
  configId?: string;
  /** Check that referenced interfaces exist (keepalived -t does); default false. */
  checkInterfaces?: boolean;
  /** Override the set of existing interfaces (tests); implies checkInterfaces. */
  interfaces?: ReadonlySet<string>;
  /** -e/--all-config: strict includes. */
  allConfig?: boolean;
  /** Hostname used for defaults (router_id, email from, helo); default host.hostname(). */
  hostname?: string;
  /** Skip stat()-based script security checks. */
  skipScriptSecurity?: boolean;
  /** The keyword ledger to warn from (default: src/parser/ledger.ts); tests swap it. */
  ledger?: LedgerLookup;
  /** The second ${_RANDOM} is seeded with (tests; default: now, as keepalived's srandom(time(NULL))). */
  randomSeed?: number;
}

export interface ParseResult {
  config: KeepalivedConfig;
  diagnostics: ParseDiagnostic[];
  exitCode: number;
  /** The parser stopped at a missing parameter (exit 2). */
  aborted: boolean;
}

export function emptyConfig(hostname: string, files: string[] = []): KeepalivedConfig {
  return {
    files, global: defaultGlobalDefs(hostname), vrrpScripts: [], trackFiles: [], trackProcesses: [], vrrpInstances: [],
    vrrpSyncGroups: [], virtualServerGroups: [], virtualServers: [], staticIpaddress: [], staticRoutes: [],
    staticRules: [], extra: [],
  };
}

/** Structural messages the reader reports itself, in keepalived's order. */
const READER_OWNS = new Set(['KA_CFG_EXTRA_EOB', 'KA_CFG_MISSING_EOB']);

export function parsePreprocessed(pre: PreprocessResult, opts: ParseOptions): ParseResult {
  const host = opts.hostname ?? opts.host.hostname();
  const cfg = emptyConfig(host, pre.files);
  if (pre.includedBy && Object.keys(pre.includedBy).length) cfg.includedBy = pre.includedBy;
  const vsSet = new Map<VirtualServer, Set<string>>();
  const ctx: TopCtx = { cfg, hostname: host, seen: new Map(), scriptUserSet: false, rules: newRuleState(), vsSet };
  const present = opts.interfaces ?? (opts.checkInterfaces ? opts.host.interfaces() : undefined);
  // global dynamic_interfaces: every interface named after it counts as existing (keepalived creates a
  // placeholder and waits for it, so -t reports nothing)
  const interfaces = present && new InterfacesUnlessDynamic(present, () => cfg.global.dynamicInterfaces);
  const keep = pre.diagnostics.filter((d) => !READER_OWNS.has(d.code))
    // keepalived -t exits 0 on a missing main config unless -e (all-config) is given.
    .map((d) => (d.code === 'KA_CONFIG_FILE_MISSING' && !opts.allConfig ? { ...d, severity: 'info' as const } : d));
  const r = readConfig(pre.source ?? pre.lines, topTable, ctx, {
    host: opts.host, interfaces, procOf, pre: keep, ledger: opts.ledger,
  });
  let diagnostics = r.diagnostics;
  if (!r.aborted) {
    diagnostics = diagnostics.concat(validateConfig(cfg, {
      interfaces, missingInterface: r.missingInterface, vsSet, host: opts.host,
      skipScriptSecurity: opts.skipScriptSecurity,
    }));
  }
  return { config: cfg, diagnostics, exitCode: exitCodeFor(diagnostics), aborted: r.aborted };
}

class InterfacesUnlessDynamic extends Set<string> {
  constructor(names: Iterable<string>, private readonly dynamic: () => boolean) { super(names); }
  override has(name: string): boolean { return this.dynamic() || super.has(name); }
}

function ppOpts(opts: ParseOptions): PreprocessOptions {
  const configId = opts.configId ?? (opts.hostname ?? opts.host.hostname()).split('.')[0]!;
  const seed = opts.randomSeed !== undefined ? { randomSeed: opts.randomSeed } : {};
  const files = opts.host.files;
  return opts.allConfig
    ? { configId, files, includeCheck: { read: true, match: true, wildcardMatch: true, braceMatch: true }, ...seed }
    : { configId, files, ...seed };
}

export function parseConfigFile(path: string, opts: ParseOptions): ParseResult {
  return parsePreprocessed(preprocessFile(path, ppOpts(opts)), opts);
}

/** keepalived 2.2.7's consolidated copy of the file and its includes (config_save_dir's keepalived.conf.PID.N). */
export function configCopy(path: string, opts: ParseOptions): Buffer {
  return consolidatedCopy(path, ppOpts(opts));
}

export function parseConfigText(text: string, fileName: string, opts: ParseOptions): ParseResult {
  return parsePreprocessed(preprocessText(text, fileName, ppOpts(opts)), opts);
}
