// Two runs of one test file at once must not share a file: host-side test code (integration tests,
// helpers, the VM tier's host side) names no fixed path under /tmp, /var/tmp or /dev/shm; it makes
// its directories with test/helpers/tmpdir.ts (mkdtemp) or names them with the pid. Guest programs
// (test/vm/guest, the *-guest.sh scripts) run inside their own VM and are not checked.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const HOST_SIDE = ['test/integration', 'test/helpers', 'test/vm/helpers'];
const FIXED_TMP = /['"`](\/(?:tmp|var\/tmp|dev\/shm)\/[^'"`$]*)['"`]/g;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === 'data' || n === 'fixtures' ? [] : files(p);
    return /\.(ts|mjs|js)$/.test(n) ? [p] : [];
  });
}

describe('test hygiene: no fixed temporary paths in host-side test code', () => {
  it('no string literal names a path under /tmp, /var/tmp or /dev/shm', () => {
    const vmHost = readdirSync(join(ROOT, 'test/vm')).filter((n) => n.endsWith('.ts')).map((n) => join(ROOT, 'test/vm', n));
    const found: string[] = [];
    for (const f of [...HOST_SIDE.flatMap((d) => files(join(ROOT, d))), ...vmHost]) {
      readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
        if (/^\s*(\/\/|\*)/.test(line)) return;
        for (const m of line.matchAll(FIXED_TMP)) found.push(`${relative(ROOT, f)}:${i + 1}: ${m[1]}`);
      });
    }
    assert.deepEqual(found, [], `fixed paths (use makeTempDir from test/helpers/tmpdir.ts):\n${found.join('\n')}`);
  });
});
