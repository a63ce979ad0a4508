// Helper run inside a network namespace by differential.test.ts: our `keepalived -t` on each
// file given on the command line; prints one JSON object per file ({file, exitCode, lines}).
// (Run as: ip netns exec NS node --import tsx run-configtest.ts FILE...)
import { runConfigTest } from '../../../src/parser/index.js';

const out = [];
for (const f of process.argv.slice(2)) {
  const r = runConfigTest(f, { positions: false, checkInterfaces: true });
  out.push({ file: f, exitCode: r.exitCode, lines: r.stderrLines });
}
process.stdout.write(JSON.stringify(out));
