// Helper run inside a network namespace by differential.test.ts: our `keepalived -t` on each
// file given on the command line; prints a JSON array ({file, exitCode, lines}).
// Run as: ip netns exec NS node --import tsx run-configtest.ts [-i CONFIG_ID] FILE...
import { runConfigTest } from '../../../src/parser/index.js';

const args = process.argv.slice(2);
let configId: string | undefined;
if (args[0] === '-i') { configId = args[1]; args.splice(0, 2); }
const out = [];
for (const f of args) {
  const r = runConfigTest(f, { positions: false, checkInterfaces: true, ...(configId ? { configId } : {}) });
  out.push({ file: f, exitCode: r.exitCode, lines: r.stderrLines });
}
process.stdout.write(JSON.stringify(out));
