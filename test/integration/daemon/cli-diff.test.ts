// Differential test of the command line against the installed keepalived 2.2.7: same stdout,
// stderr and exit code for every invocation that does not start a daemon. -v differs on purpose
// in the version line only (our name and version in keepalived's layout).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BIN } from './harness.js';

const REF = '/usr/sbin/keepalived';
const run = (cmd: string[], argv: string[]) => {
  const r = spawnSync(cmd[0], [...cmd.slice(1), ...argv], { encoding: 'utf8', cwd: '/tmp', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const ours = (argv: string[]) => run([process.execPath, '--expose-internals', BIN], argv);
const ref = (argv: string[]) => run([REF], argv);

const SAME: string[][] = [
  ['-Z'], ['--foo'], ['-Z', '-Y'], ['-PZ'], ['-f'], ['-p'], ['-r'], ['-c'], ['-i'], ['-S'], ['-u'], ['--vr'], ['--help=x'], ['--vrrp=x'],
  ['--signum=STOP'], ['--signum=RELOAD'], ['--signum=DATA'], ['--signum=STATS'], ['--signum=STATS_CLEAR'], ['--signum=JSON'],
  ['--signum=FOO'], ['--signum', 'JSON'], ['-h'], ['--help'], ['-hv'], ['-T'],
  ['-t', '-f', '/nonexistent-kd.conf'], ['-t', '-f', '/nonexistent-kd.conf', 'extra', 'args'], ['-S', '9', '-t', '-f', '/nonexistent-kd.conf'],
];

describe('daemon (integration): command line vs keepalived 2.2.7', function () {
  this.timeout(60_000);
  before(function () { if (!existsSync(REF)) this.skip(); });

  for (const argv of SAME) {
    it(`keepalived ${argv.join(' ')}`, () => {
      const a = ours(argv);
      const b = ref(argv);
      // Both print their own path where keepalived prints argv[0] (the usage line).
      const norm = (x: typeof a, prog: string) => ({ ...x, stderr: x.stderr.split(prog).join('PROG') });
      assert.deepEqual(norm(a, BIN), norm(b, REF));
    });
  }

  it('keepalived -v: keepalived\'s layout with our version line, on stderr, exit 0', () => {
    const a = ours(['-v']);
    const b = ref(['-v']);
    assert.equal(a.status, 0);
    assert.equal(a.stdout, '');
    assert.equal(b.stdout, '');
    assert.equal(a.stderr.split('\n')[0], 'Keepalived v2.2.7 (keepalived-ts 0.1.0)');
    assert.equal(a.stderr.split('\n')[2], b.stderr.split('\n')[2], 'copyright line');
    assert.match(a.stderr, /\nRunning on Linux /);
  });
});
