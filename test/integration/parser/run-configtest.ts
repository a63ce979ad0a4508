// Helper run inside a network namespace by differential.test.ts: our `keepalived -t` on each
// file given on the command line; prints a JSON array ({file, exitCode, lines}), our
// not-implemented warnings left out.
// Run as: ip netns exec NS node --import tsx run-configtest.ts [-i CONFIG_ID] FILE...
import { runConfigTest } from '../../../src/config/load.js';
import { keepalivedLines } from '../../unit/parser/model/fixtures.js';

const args = process.argv.slice(2);
let configId: string | undefined;
if (args[0] === '-i') { configId = args[1]; args.splice(0, 2); }
const out = [];
for (const f of args) {
  const r = runConfigTest(f, { positions: false, checkInterfaces: true, ...(configId ? { configId } : {}) });
  // Our not-implemented warnings (told by their code) are not keepalived's: left out of the comparison.
  out.push({ file: f, exitCode: r.exitCode, lines: keepalivedLines(r) });
}
process.stdout.write(JSON.stringify(out));
