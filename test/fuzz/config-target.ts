// Fuzz target: keepalived.conf through the whole parser (preprocessor, table-driven reader,
// end-of-parse validation). Verdict: the exit code keepalived -t would give. Invariants checked on
// every input: a ParseResult comes back (nothing thrown), the exit code is one of keepalived's
// (0 2 4 5 6), every diagnostic is typed (known severity, a code) and each one that belongs to a
// line names its file and line (>= 1); an aborted parse exits 2.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type ParseOptions, type ParseResult } from '../../src/parser/index.js';
import { systemHost } from '../../src/host/system.js';
import { parseConfigFile, parseConfigText } from '../../src/config/load.js';
import type { FuzzTarget } from './harness.js';
import { corpusPool, genConfig, INCLUDE_FILES, type GeneratedConfig } from './config-gen.js';

const SEVERITIES = new Set(['info', 'warning', 'error', 'fatal', 'security', 'abort']);

/**
 * Codes of keepalived's end-of-parse verdicts on the configuration as a whole, with no line to
 * name: "Non-existent interface specified in configuration" (each missing interface has its own
 * line-numbered diagnostic before it) and "SECURITY VIOLATION - scripts are being executed but
 * script_security not enabled." (once for all scripts).
 */
export const WHOLE_CONFIG_CODES = new Set(['KA_NO_INTERFACE', 'KA_SCRIPT_SECURITY']);

/** The invariant a result breaks, or undefined. */
export function configViolation(r: ParseResult): string | undefined {
  if (![0, 2, 4, 5, 6].includes(r.exitCode)) return `!exit-code-${r.exitCode}`;
  if (r.aborted && r.exitCode !== 2) return '!aborted-without-exit-2';
  for (const d of r.diagnostics) {
    if (!SEVERITIES.has(d.severity) || typeof d.code !== 'string' || !d.code || typeof d.message !== 'string') return `!untyped-diagnostic:${d.code}`;
    if (d.pos) {
      if (typeof d.pos.file !== 'string' || !d.pos.file || !(d.pos.line >= 1) || !(d.pos.col >= 1)) return `!bad-position:${d.code}`;
    } else if (!WHOLE_CONFIG_CODES.has(d.code)) return `!no-position:${d.code}`;
  }
  return undefined;
}

export function configTarget(): FuzzTarget<GeneratedConfig> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `fuzz-config-${process.pid}-`));
  for (const [name, text] of Object.entries(INCLUDE_FILES)) fs.writeFileSync(path.join(dir, name), text);
  const file = path.join(dir, 'keepalived.conf');
  const pool = corpusPool();
  const codes: Record<string, number> = {};
  const base: ParseOptions = { host: systemHost(), interfaces: new Set(['eth0', 'eth1', 'lo']), configId: 'fz', hostname: 'fuzzhost.example', randomSeed: 1 };
  return {
    name: 'config',
    generate: (rng) => genConfig(rng, pool),
    run(g) {
      const opts: ParseOptions = { ...base, skipScriptSecurity: !g.scriptSecurity };
      let r: ParseResult;
      if (g.bytes) {
        fs.writeFileSync(file, g.bytes);
        r = parseConfigFile(file, opts);
      } else {
        r = parseConfigText(g.text, file, opts);
      }
      const bad = configViolation(r);
      if (bad) return bad;
      for (const d of r.diagnostics) codes[d.code] = (codes[d.code] ?? 0) + 1;
      return `exit ${r.exitCode}`;
    },
    show: (g) => JSON.stringify(g.bytes ? g.bytes.toString('latin1') : g.text).slice(0, 2000),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
    detail: () => codes,
  };
}
