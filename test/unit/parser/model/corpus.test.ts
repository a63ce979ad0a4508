// The corpus (test/corpus/configs/*.conf, one file per lexical rule / check / seed article) and
// Debian's 25 sample configs: our -t gives the exit code and message set that keepalived 2.2.7
// gave (recorded in *.expect.json by running the real binary in a namespace with eth0..eth3; the
// integration test differential.test.ts re-runs the real binary live). Messages are compared as a
// de-duplicated list modulo the "(FILE: Line N)" vs "(Line N)" prefix (keepalived prints several
// passes). Also: spot checks of model values, and the printer round trip.
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { printConfig } from '../../../../src/parser/index.js';
import { parseConfigFile, parseConfigText, runConfigTest } from '../../../../src/config/load.js';
import type { KeepalivedConfig } from '../../../../src/config/model.js';
import { SPOT_CHECKS, stripPositions, get, autoChecks, keepalivedLines } from './fixtures.js';

const CORPUS = new URL('../../../corpus/configs/', import.meta.url).pathname;
const SAMPLES = '/usr/share/doc/keepalived/samples';
const IFS = new Set(['lo', 'eth0', 'eth1', 'eth2', 'eth3', 'kpv0', 'kpv1', 'kpv2', 'kpv3']);

const norm = (l: string): string => l.replace(/^\([^)]*?Line (\d+)\) /, '(Line $1) ');
const uniq = (xs: string[]): string[] => [...new Set(xs.map(norm))].sort();

const OPTS = { interfaces: IFS, configId: 'kpbnode', positions: false } as const;

describe('parser: corpus vs keepalived 2.2.7 (recorded)', () => {
  const confs = readdirSync(CORPUS).filter((f) => f.endsWith('.conf')).sort();
  it('has at least 40 corpus configs', () => { assert.ok(confs.length >= 40, String(confs.length)); });
  for (const f of confs) {
    it(`${f}: exit code and messages`, () => {
      const exp = JSON.parse(readFileSync(join(CORPUS, f.replace(/\.conf$/, '.expect.json')), 'utf8')) as { exitCode: number; messages: string[] };
      const r = runConfigTest(join(CORPUS, f), OPTS);
      const got = uniq(keepalivedLines(r).map((l) => l.split(CORPUS).join('<DIR>/')));
      assert.equal(r.exitCode, exp.exitCode, r.stderrLines.join('\n'));
      assert.deepEqual(got, uniq(exp.messages));
    });
  }
  for (const [f, checks] of Object.entries(SPOT_CHECKS)) {
    it(`${f}: model holds the values the file sets`, () => {
      const r = parseConfigFile(join(CORPUS, f), { interfaces: IFS, configId: 'kpbnode' });
      for (const [path, want] of checks) assert.deepEqual(stripPositions(get(r.config, path)), want, path);
    });
  }
  it('automatic spot checks: every vrrp_instance / virtual_server keeps vrid, priority, interface, lb_algo, lb_kind as written', () => {
    let n = 0;
    for (const f of confs) {
      const file = join(CORPUS, f);
      const r = parseConfigFile(file, { interfaces: IFS, configId: 'kpbnode' });
      for (const c of autoChecks(readFileSync(file, 'utf8'), r.config)) { assert.deepEqual(c.got, c.want, `${f}: ${c.what}`); n++; }
    }
    assert.ok(n >= 30, `only ${n} automatic checks`);
  });
});

describe('parser: Debian samples vs keepalived 2.2.7 (recorded)', function () {
  if (!existsSync(SAMPLES)) { it.skip('keepalived samples not installed'); return; }
  const exp = JSON.parse(readFileSync(new URL('../../../corpus/samples-2.2.7.expect.json', import.meta.url), 'utf8')) as { samples: Record<string, { exitCode: number; messages: string[] }> };
  for (const [f, e] of Object.entries(exp.samples)) {
    it(`${f}: exit ${e.exitCode} and the same messages`, () => {
      const r = runConfigTest(join(SAMPLES, f), { interfaces: IFS, positions: false });
      assert.equal(r.exitCode, e.exitCode, r.stderrLines.join('\n'));
      assert.deepEqual(uniq(keepalivedLines(r).map((l) => l.split(`${SAMPLES}/`).join('<DIR>/'))), uniq(e.messages));
    });
  }
});

export function roundTrip(cfg: KeepalivedConfig,
    opts: Parameters<typeof parseConfigText>[2]): { again: KeepalivedConfig; text: string } {
  const text = printConfig(cfg);
  return { again: parseConfigText(text, '/tmp/kpb-roundtrip.conf', opts).config, text };
}

describe('parser: printer round trip (print -> parse gives the same model)', () => {
  const files = [
    ...readdirSync(CORPUS).filter((f) => f.endsWith('.conf')).map((f) => join(CORPUS, f)),
    ...(existsSync(SAMPLES) ? readdirSync(SAMPLES).filter((f) => f.startsWith('keepalived.conf.')).map((f) => join(SAMPLES, f)) : []),
  ];
  for (const f of files) {
    it(f.split('/').pop()!, () => {
      const opts = { interfaces: IFS, configId: 'kpbnode', skipScriptSecurity: true };
      const a = parseConfigFile(f, opts);
      if (a.aborted) return; // keepalived stops at a missing parameter: nothing to print
      const { again, text } = roundTrip(a.config, opts);
      assert.deepEqual(stripPositions(again), stripPositions(a.config), text);
    });
  }
});
