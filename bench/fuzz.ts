// Fuzz runs of the inputs keepalived-ts reads (test/fuzz/): prints per target the inputs, time,
// outcomes by kind, escaped exceptions, invariant violations and the slowest input; exits 1 on any
// exception, violation or hang. Usage: npx tsx bench/fuzz.ts TARGET|all [COUNT] [SEED]
import { formatReport } from '../test/fuzz/harness.js';
import { TARGETS } from '../test/fuzz/targets.js';
import { runGuarded } from '../test/fuzz/guard.js';

const [which = 'all', count, seedArg] = process.argv.slice(2);
const names = which === 'all' ? Object.keys(TARGETS).filter((k) => !TARGETS[k]!.selftest) : which.split(',');
let bad = false;
for (const name of names) {
  if (!TARGETS[name]) { console.error(`unknown target ${name}; targets: ${Object.keys(TARGETS).join(' ')}`); process.exit(2); }
  const r = await runGuarded(name, count !== undefined ? Number(count) : undefined, Number(seedArg ?? 1));
  console.log(formatReport(r));
  if (r.exceptions || r.violations || r.byKind.HANG) bad = true;
}
process.exit(bad ? 1 : 0);
