// Differential test (root): every Debian sample config and every corpus config (test/corpus/configs
// and the real-world ones of test/corpus/realworld) is given to the
// real `keepalived -t -f F` (2.2.7) and to our runConfigTest, both inside one network namespace
// we create (kpb-cfg, with eth0..eth3). Exit codes must agree, and so must the de-duplicated
// message sets (modulo keepalived's "(FILE: Line N)" vs "(Line N)" prefix for repeated passes).
// The model must hold the values each file sets (automatic spot checks), and print -> parse must
// give the same model.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRoot, OwnedNetns, sh } from '../../helpers/netns.js';
import { printConfig } from '../../../src/parser/index.js';
import { parseConfigFile, parseConfigText } from '../../../src/config/load.js';
import { autoChecks, stripPositions } from '../../unit/parser/model/fixtures.js';
import { EXTENSION_KEYWORDS } from '../../../src/parser/keywords/global-defs.js';

const netns = new OwnedNetns('kpb-cfg');
const NS = netns.name;
const SAMPLES = '/usr/share/doc/keepalived/samples';
const CORPUS = new URL('../../corpus/configs/', import.meta.url).pathname;
const REALWORLD = new URL('../../corpus/realworld/', import.meta.url).pathname;
const CAPTURES = '/work/shared/reference/keepalived-2.2.7-captures/configtest';
const CONFIG_ID = 'kpbnode';
const norm = (l: string): string => l.replace(/^\([^)]*?Line (\d+)\) /, '(Line $1) ');
const uniq = (xs: string[]): string[] => [...new Set(xs.map(norm))].sort();

/** Our keywords beyond 2.2.7 (keepalived -t rejects them, exit 5): such configs are not compared. */
const EXT_RE = new RegExp(`^\\s*(${EXTENSION_KEYWORDS.join('|')})\\b`, 'm');
function usesExtension(f: string): boolean { return EXT_RE.test(readFileSync(f, 'latin1')); }

function haveKeepalived(): boolean {
  return spawnSync('keepalived', ['--version'], { encoding: 'utf8' }).status !== null && existsSync('/usr/sbin/keepalived');
}

describe('parser: differential vs real keepalived 2.2.7 -t (netns kpb-cfg-PID)', function () {
  this.timeout(300_000);
  if (!isRoot() || !haveKeepalived()) { it.skip('needs root and /usr/sbin/keepalived'); return; }

  const files = [
    ...(existsSync(SAMPLES) ? readdirSync(SAMPLES).filter((f) => f.startsWith('keepalived.conf.')).map((f) => join(SAMPLES, f)) : []),
    ...readdirSync(CORPUS).filter((f) => f.endsWith('.conf')).map((f) => join(CORPUS, f)),
    ...readdirSync(REALWORLD).filter((f) => f.endsWith('.conf')).map((f) => join(REALWORLD, f)),
    ...(existsSync(CAPTURES) ? readdirSync(CAPTURES).filter((f) => f.endsWith('.conf') && !f.startsWith('20-')).map((f) => join(CAPTURES, f)) : []),
  ].filter((f) => !usesExtension(f)).sort();
  const ours = new Map<string, { exitCode: number; lines: string[] }>();
  const theirs = new Map<string, { exitCode: number; lines: string[] }>();

  before(() => {
    netns.make();
    // Only veth is available here (no dummy driver): both ends stay inside the namespace.
    for (let i = 0; i < 4; i++) {
      sh('ip', ['-n', NS, 'link', 'add', `eth${i}`, 'type', 'veth', 'peer', 'name', `kpv${i}`]);
      sh('ip', ['-n', NS, 'link', 'set', `eth${i}`, 'up']);
    }
    sh('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
    for (const f of files) {
      const r = spawnSync('ip', ['netns', 'exec', NS, 'keepalived', '-t', '-i', CONFIG_ID, '-f', f], { encoding: 'utf8' });
      theirs.set(f, { exitCode: r.status ?? -1, lines: r.stderr.split('\n').filter(Boolean) });
    }
    const out = execFileSync('ip', ['netns', 'exec', NS, process.execPath, '--import', 'tsx',
      new URL('./run-configtest.ts', import.meta.url).pathname, '-i', CONFIG_ID, ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
    for (const r of JSON.parse(out) as { file: string; exitCode: number; lines: string[] }[]) ours.set(r.file, r);
  });
  after(() => { netns.remove(); });

  it('covers the 25 samples and the corpus', () => {
    assert.ok(files.filter((f) => f.startsWith(SAMPLES)).length >= 25 || !existsSync(SAMPLES));
    assert.ok(files.length >= 60, String(files.length));
  });

  for (const f of files) {
    const name = f.split('/').slice(-1)[0]!;
    it(`${name}: same exit code and messages as keepalived`, () => {
      const a = theirs.get(f)!; const b = ours.get(f)!;
      assert.equal(b.exitCode, a.exitCode, `keepalived:\n${a.lines.join('\n')}\nours:\n${b.lines.join('\n')}`);
      assert.deepEqual(uniq(b.lines), uniq(a.lines));
    });
    it(`${name}: model holds the file's values; print -> parse round trip`, () => {
      const ifs = new Set(['lo', 'eth0', 'eth1', 'eth2', 'eth3', 'kpv0', 'kpv1', 'kpv2', 'kpv3']);
      const r = parseConfigFile(f, { interfaces: ifs, configId: CONFIG_ID, skipScriptSecurity: true });
      if (r.aborted) return; // keepalived stops at a missing parameter: the rest of the file is not read
      for (const c of autoChecks(readFileSync(f, 'utf8'), r.config)) assert.deepEqual(c.got, c.want, c.what);
      const again = parseConfigText(printConfig(r.config), 'printed-kpb-rt.conf', { interfaces: ifs, configId: CONFIG_ID, skipScriptSecurity: true });
      assert.deepEqual(stripPositions(again.config), stripPositions(r.config));
    });
  }
});
