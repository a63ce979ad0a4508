// `keepalived migrate --from ldirectord|heartbeat|piranha PATH [-o FILE] [--report FILE]
//  [--primary-id ID] [--backup-id ID] [--vrid N] [--strict]`: prints keepalived.conf (or writes it
// with -o) and the report on stderr. Configurations copied from guides are messy: a malformed or
// inconsistent line is reported with file:line and what was assumed instead, the rest is
// converted, exit 0. --strict refuses such input (exit 1, nothing written). Exit 1 also when there
// is nothing to convert (no input, no ha.cf), 2 on usage errors.
import { writeFileSync } from 'node:fs';
import { formatReport, migrate, type MigrationSource } from './index.js';

const USAGE = 'Usage: keepalived migrate --from ldirectord|heartbeat|piranha PATH [-o FILE] [--report FILE] [--primary-id ID] [--backup-id ID] [--vrid N] [--strict]\n';

export function migrateMain(argv: string[], io: { out: (s: string) => void; err: (s: string) => void } = {
  out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s),
}): number {
  let from: string | undefined, input: string | undefined, out: string | undefined, reportFile: string | undefined;
  let strict = false;
  const opts: { primaryId?: string; backupId?: string; vrid?: number; firstVrid?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = (): string | undefined => {
      const eq = a.indexOf('=');
      if (a.startsWith('--') && eq > 0) return a.slice(eq + 1);
      return argv[++i];
    };
    const name = a.startsWith('--') && a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    switch (name) {
      case '--from': from = val(); break;
      case '-o': case '--output': out = val(); break;
      case '--report': reportFile = val(); break;
      case '--primary-id': opts.primaryId = val(); break;
      case '--backup-id': opts.backupId = val(); break;
      case '--vrid': { const v = Number(val()); if (!Number.isInteger(v) || v < 1 || v > 255) { io.err('--vrid takes 1..255\n'); return 2; } opts.vrid = v; opts.firstVrid = v; break; }
      case '--strict': strict = true; break;
      case '-h': case '--help': io.out(USAGE); return 0;
      default:
        if (a.startsWith('-') || input !== undefined) { io.err(`Unknown option ${a}\n${USAGE}`); return 2; }
        input = a;
    }
  }
  if (!from || !['ldirectord', 'heartbeat', 'piranha'].includes(from) || !input) { io.err(USAGE); return 2; }
  const r = migrate(from as MigrationSource, input, opts);
  const rep = formatReport(r);
  if (reportFile) writeFileSync(reportFile, rep); else io.err(rep);
  if (r.errors.some((e) => e.fatal)) { io.err('nothing to convert: no configuration written\n'); return 1; }
  if (r.errors.length && strict) { io.err(`${r.errors.length} problem(s) and --strict: no configuration written\n`); return 1; }
  if (r.errors.length) io.err(`${r.errors.length} problem(s) in the input: each is reported above with what was assumed; everything else was converted (--strict refuses such input)\n`);
  if (out) writeFileSync(out, r.config); else io.out(r.config);
  return 0;
}
