// `npm test`: runs every test tier this machine supports, says plainly which tiers were skipped and
// why, and ends with one totals line ("tests: N passed, N failed, N skipped"). The first tier is the
// linter (`npm run lint`: eslint.config.js), counted as one check that fails on any problem.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const tiers = [];
const skipped = [];
const isRoot = process.getuid?.() === 0;
const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

tiers.push({ name: 'lint', script: 'lint', lint: true });
tiers.push({ name: 'unit', script: 'test:unit' });

if (!isRoot) skipped.push(['integration', 'not root (network namespaces need root)']);
else if (spawnSync('ip', ['netns', 'list']).status !== 0) skipped.push(['integration', '`ip netns` does not work here']);
else if (!have('keepalived')) skipped.push(['integration', 'keepalived is not installed (apt-get install keepalived; .ci/run does it)']);
else tiers.push({ name: 'integration', script: 'test:integration' });

if (process.env.SKIP_VM === '1') skipped.push(['vm', 'SKIP_VM=1 was set']);
else if (!isRoot) skipped.push(['vm', 'not root']);
else if (!have('qemu-system-x86_64')) skipped.push(['vm', 'qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)']);
else if (!existsSync('test/vm')) skipped.push(['vm', 'no VM tests in this checkout']);
else tiers.push({ name: 'vm', script: 'test:vm' });

let passed = 0, failed = 0, pending = 0, badExit = false;
for (const t of tiers) {
  console.log(`\n=== tier ${t.name} (npm run ${t.script}) ===`);
  const out = await new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', t.script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout.on('data', (d) => { process.stdout.write(d); buf += d; });
    child.on('close', (code) => resolve({ code, buf }));
  });
  const num = (re) => Number((out.buf.match(re) ?? [])[1] ?? 0);
  if (t.lint) {
    // eslint prints nothing when clean, else "✖ N problems (E errors, W warnings)"; exit 1 on an error
    const problems = num(/(\d+) problems?/);
    const clean = out.code === 0 && problems === 0;
    if (clean) passed += 1; else failed += 1;
    console.log(`=== tier lint: ${clean ? 'clean' : `${problems || 'exit ' + out.code} problem(s)`} ===`);
    continue;
  }
  const p = num(/(\d+) passing/), f = num(/(\d+) failing/), s = num(/(\d+) pending/);
  passed += p; failed += f; pending += s;
  if (out.code !== 0 && f === 0) { badExit = true; failed += 1; console.log(`tier ${t.name} exited ${out.code} without a failing test count`); }
  console.log(`=== tier ${t.name}: ${p} passed, ${f} failed, ${s} pending ===`);
}
for (const [name, why] of skipped) console.log(`SKIPPED tier ${name}: ${why}`);
console.log(`tests: ${passed} passed, ${failed} failed, ${pending + skipped.length} skipped`);
process.exit(failed > 0 || badExit ? 1 : 0);
