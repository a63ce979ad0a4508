// Real-world configurations (test/corpus/realworld: upstream's default keepalived.conf and the
// layouts of the common guides: strict mode, unicast pairs, sync groups, track_process, IPv6,
// LVS-DR, notify scripts): our -t gives the exit code and the lines keepalived 2.2.7 gave
// (recorded by test/corpus/realworld/record.ts in a namespace with eth0..eth3), in the same
// order, each once. Our own not-implemented warnings (told by their code) are left out.
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runConfigTest } from '../../../src/config/load.js';
import { keepalivedLines } from './model/fixtures.js';

const DIR = new URL('../../corpus/realworld/', import.meta.url).pathname;
const IFS = new Set(['lo', 'eth0', 'eth1', 'eth2', 'eth3', 'kpv0', 'kpv1', 'kpv2', 'kpv3']);
const norm = (l: string): string => l.replace(/^\([^)]*?Line (\d+)\) /, '(Line $1) ');
const uniq = (xs: string[]): string[] => [...new Set(xs.map(norm))];

describe('parser: real-world configs vs keepalived 2.2.7 -t (recorded)', () => {
  const confs = readdirSync(DIR).filter((f) => f.endsWith('.conf')).sort();
  it('has the corpus', () => { assert.ok(confs.length >= 15, String(confs.length)); });
  for (const f of confs) {
    it(`${f}: same exit code, same lines in the same order`, () => {
      const exp = JSON.parse(readFileSync(join(DIR, f.replace(/\.conf$/, '.expect.json')), 'utf8')) as { exitCode: number; messages: string[] };
      const r = runConfigTest(join(DIR, f), { interfaces: IFS, configId: 'kpbnode', positions: false });
      const got = keepalivedLines(r).map((l) => l.split(DIR).join('<DIR>/'));
      assert.deepEqual({ exit: r.exitCode, lines: uniq(got) }, { exit: exp.exitCode, lines: uniq(exp.messages) });
    });
  }
});
