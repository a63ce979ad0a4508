// The 21 `keepalived -t` captures of keepalived 2.2.7 (shared/reference/.../configtest): our
// runConfigTest gives the same exit code and the same set of messages (keepalived prints some
// messages up to 3 times, with "(Line N)" from its parent and "(FILE: Line N)" from its children;
// we print each once, so the comparison is on the de-duplicated set modulo that prefix).
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync, mkdtempSync, mkdirSync, writeFileSync, chmodSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConfigTest } from '../../../../src/config/load.js';
import { keepalivedLines } from './fixtures.js';

const DIR = '/work/shared/reference/keepalived-2.2.7-captures/configtest';
const KA_DIR = '/tmp/ka-lab/cfgtest/';

const norm = (l: string): string => l.replace(/^\([^)]*?Line (\d+)\) /, '(Line $1) ');

describe('parser: keepalived -t captures (2.2.7)', function () {
  if (!existsSync(DIR)) { it.skip('captures not available'); return; }
  let tmp: string;
  before(() => { tmp = mkdtempSync(join(tmpdir(), 'kpb-cap-')); });
  after(() => { rmSync(tmp, { recursive: true, force: true }); });

  const confs = readdirSync(DIR).filter((f) => f.endsWith('.conf')).sort();
  it('has all 21 .conf cases', () => { assert.equal(confs.length, 21); });

  for (const f of confs) {
    const base = f.replace(/\.conf$/, '');
    it(`${base}: same exit code and messages`, () => {
      let text = readFileSync(join(DIR, f), 'utf8');
      // 20-insecure-script runs a script in a world-writable directory: recreate that here.
      const ww = join(tmp, 'ww');
      if (text.includes(`${KA_DIR}ww/`)) {
        mkdirSync(ww, { recursive: true }); chmodSync(ww, 0o777);
        writeFileSync(join(ww, 'chk.sh'), '#!/bin/sh\nexit 0\n'); chmodSync(join(ww, 'chk.sh'), 0o755);
        text = text.split(`${KA_DIR}ww/`).join(`${tmp}/ww/`);
      }
      const file = join(tmp, f);
      writeFileSync(file, text);
      const rc = Number(readFileSync(join(DIR, `${base}.t.rc`), 'utf8').trim());
      const exp = [...new Set(readFileSync(join(DIR, `${base}.t.stderr`), 'utf8').split('\n').filter(Boolean)
        .map((l) => norm(l.split(KA_DIR).join(`${tmp}/`))))];
      const r = runConfigTest(file, { interfaces: new Set(['lo', 'pe0']), positions: false, hostname: 'kpbhost' });
      assert.equal(r.exitCode, rc, r.stderrLines.join('\n'));
      assert.deepEqual([...new Set(keepalivedLines(r).map(norm))], exp);
    });
  }

  it('99-nonexistent-file: exit 0, and 4 with -e (all-config)', () => {
    const missing = join(tmp, '99-nonexistent-file.conf');
    const r0 = runConfigTest(missing, { interfaces: new Set(['pe0']), positions: false });
    assert.equal(r0.exitCode, 0);
    assert.deepEqual(r0.stderrLines, [`Config files missing '${missing}'.`]);
    const r4 = runConfigTest(missing, { interfaces: new Set(['pe0']), positions: false, allConfig: true });
    assert.equal(r4.exitCode, 4);
  });
});
