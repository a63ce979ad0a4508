// Command-line parsing, checked case by case against what keepalived 2.2.7 prints and returns.
import assert from 'node:assert/strict';
import { parseCommandLine, parseFacility } from '../../../src/daemon/cli.js';

type Row = { argv: string[]; action: string; code?: number; stderr?: string[]; stdout?: string[];
  check?: (r: ReturnType<typeof parseCommandLine>) => void };

const opts = (r: ReturnType<typeof parseCommandLine>) => {
  if (!('opts' in r)) throw new Error(`no opts for ${r.action}`);
  return r.opts;
};

// Expected messages and exit codes were taken from /usr/sbin/keepalived 2.2.7 on this machine.
const rows: Row[] = [
  { argv: ['-Z'], action: 'exit', code: 1, stderr: ['Unknown option -Z'] },
  { argv: ['--foo'], action: 'exit', code: 1, stderr: ['Unknown option --foo'] },
  { argv: ['-Z', '-Y'], action: 'exit', code: 1, stderr: ['Unknown option -Z', 'Unknown option -Y'] },
  { argv: ['-PZ'], action: 'exit', code: 1, stderr: ['Unknown option -Z'] },
  { argv: ['-f'], action: 'exit', code: 1, stderr: ['Missing parameter for option -f'] },
  { argv: ['-p'], action: 'exit', code: 1, stderr: ['Missing parameter for option -p'] },
  { argv: ['-i'], action: 'exit', code: 1, stderr: ['Missing parameter for option -i'] },
  { argv: ['-u'], action: 'exit', code: 1, stderr: ['Missing parameter for option -u'] },
  { argv: ['--use-file'], action: 'exit', code: 1, stderr: ['Missing parameter for option --use-file'] },
  { argv: ['--vr'], action: 'exit', code: 1, stderr: ['Unknown option --vr'] }, // ambiguous: --vrrp, --vrrp_pid
  { argv: ['--help=x'], action: 'exit', code: 1, stderr: ['Unknown option --help=x'] },
  { argv: ['--vrrp=x'], action: 'exit', code: 1, stderr: ['Unknown option --vrrp=x'] },
  { argv: ['--signum=STOP'], action: 'exit', code: 0, stdout: ['15'] },
  { argv: ['--signum=RELOAD'], action: 'exit', code: 0, stdout: ['1'] },
  { argv: ['--signum=DATA'], action: 'exit', code: 0, stdout: ['10'] },
  { argv: ['--signum=STATS'], action: 'exit', code: 0, stdout: ['12'] },
  { argv: ['--signum=STATS_CLEAR'], action: 'exit', code: 0, stdout: ['63'] },
  { argv: ['--signum=JSON'], action: 'exit', code: 0, stdout: ['36'] },
  { argv: ['--signum', 'JSON'], action: 'exit', code: 0, stdout: ['36'] },
  { argv: ['--signum=TDUMP'], action: 'exit', code: 1, stderr: ['Unknown sigfunc TDUMP'] },
  { argv: ['--signum=stop'], action: 'exit', code: 1, stderr: ['Unknown sigfunc stop'] },
  { argv: ['-h'], action: 'help' },
  { argv: ['--help'], action: 'help' },
  { argv: ['-hv'], action: 'help' },
  { argv: ['-vh'], action: 'version' },
  { argv: ['-v', 'extra'], action: 'version' },
  { argv: ['--version'], action: 'version' },
  { argv: ['-Z', '-v'], action: 'version', stderr: ['Unknown option -Z'] },
  { argv: ['-T', 'x', '-y'], action: 'genhash', check: (r) => assert.deepEqual((r as { argv: string[] }).argv, ['x', '-y']) },
  { argv: ['--genhash', '-s', '1.2.3.4'], action: 'genhash', check: (r) => assert.deepEqual((r as { argv: string[] }).argv, ['-s', '1.2.3.4']) },
  { argv: ['-n', '-T', '-s'], action: 'genhash', stderr: ['Warning -- `-T` not used as first option, previous options ignored'], check: (r) => assert.deepEqual((r as { argv: string[] }).argv, ['-s']) },
  { argv: ['-t', '-f', '/x'], action: 'config-test', check: (r) => { assert.equal(opts(r).configFile, '/x'); assert.deepEqual(opts(r).configTest, { logFile: undefined }); } },
  { argv: ['-ffoo', '-t'], action: 'config-test', check: (r) => assert.equal(opts(r).configFile, 'foo') },
  { argv: ['--use=foo', '-t'], action: 'config-test', check: (r) => assert.equal(opts(r).configFile, 'foo') },
  { argv: ['-PCtfoo'], action: 'config-test', check: (r) => { const o = opts(r); assert.ok(o.vrrpOnly && o.checkOnly); assert.deepEqual(o.configTest, { logFile: 'foo' }); } },
  { argv: ['--config-test=/tmp/l', '-f', '/x'], action: 'config-test', check: (r) => assert.equal(opts(r).configTest?.logFile, '/tmp/l') },
  { argv: ['-t', '/x'], action: 'config-test', stdout: ['Unexpected argument(s): /x '], check: (r) => assert.equal(opts(r).configFile, '/etc/keepalived/keepalived.conf') },
  { argv: ['-n', 'extra', 'args', '-t', '-f', '/n'], action: 'config-test', stdout: ['Unexpected argument(s): extra args '] },
  { argv: ['-t', '-f', '/n', '--', '-extra'], action: 'config-test', stdout: ['Unexpected argument(s): -extra '] },
  { argv: ['-S', '9', '-t'], action: 'config-test', stderr: ["Invalid log facility '9'"], check: (r) => assert.equal(opts(r).logFacilityInvalid, '9') },
  { argv: ['-Sfoo', '-t'], action: 'config-test', stderr: ["Invalid log facility 'foo'"] },
  { argv: ['-S', '-G', '-n'], action: 'run', stderr: ["Invalid log facility '-G'"], check: (r) => { assert.equal(opts(r).noSyslog, false); assert.equal(opts(r).dontFork, true); } },
  { argv: ['-f', '-Z'], action: 'run', check: (r) => assert.equal(opts(r).configFile, '-Z') },
  {
    argv: ['-nlDDG', '-S', 'local3', '-f', '/etc/k.conf', '-p', '/run/a.pid', '--vrrp_pid=/run/b.pid', '-c/run/c.pid', '-RVIdPB', '-i', 'node1', '-e', '-u', '022', '--all', '--ignore-sigint', '-s', 'ns1', '-X'],
    action: 'run',
    check: (r) => {
      const o = opts(r);
      assert.deepEqual(
        { n: o.dontFork, l: o.logConsole, D: o.logDetail, G: o.noSyslog, S: o.logFacility, f: o.configFile,
          p: o.pidFile, r: o.vrrpPidFile, c: o.checkersPidFile, R: o.dontRespawn, V: o.dontReleaseVrrp,
          I: o.dontReleaseIpvs, d: o.dumpConf, P: o.vrrpOnly, B: o.noBfd, i: o.configId, e: o.allConfig, u: o.umask,
          all: o.all, ig: o.ignoreSigint, s: o.namespace, X: o.releaseVips },
        { n: true, l: true, D: 2, G: true, S: 19, f: '/etc/k.conf', p: '/run/a.pid', r: '/run/b.pid', c: '/run/c.pid', R: true, V: true, I: true, d: true, P: true, B: true, i: 'node1', e: true, u: 0o22, all: true, ig: true, s: 'ns1', X: true },
      );
    },
  },
  { argv: ['--log-detail', '--log-console', '--dont-fork', '--log-facility=user', '--check'], action: 'run', check: (r) => { const o = opts(r); assert.equal(o.logDetail, 1); assert.equal(o.logFacility, 1); assert.ok(o.checkOnly && o.dontFork && o.logConsole); } },
  { argv: ['-g'], action: 'run', check: (r) => assert.equal(opts(r).logFile, '/tmp/keepalived.log') },
  { argv: ['-g/var/log/k.log'], action: 'run', check: (r) => assert.equal(opts(r).logFile, '/var/log/k.log') },
  { argv: [], action: 'run', check: (r) => { const o = opts(r); assert.equal(o.configFile, '/etc/keepalived/keepalived.conf'); assert.equal(o.dontFork, false); assert.equal(o.logFacility, undefined); } },
];

describe('daemon/cli: keepalived 2.2.7 command line', () => {
  for (const row of rows) {
    it(`keepalived ${row.argv.join(' ') || '(no args)'} -> ${row.action}${row.code !== undefined ? ` ${row.code}` : ''}`, () => {
      const r = parseCommandLine(row.argv);
      assert.equal(r.action, row.action);
      if (row.code !== undefined) assert.equal((r as { code: number }).code, row.code);
      assert.deepEqual(r.stderr, row.stderr ?? []);
      assert.deepEqual(r.stdout, row.stdout ?? []);
      row.check?.(r);
    });
  }

  it('parses -S facilities like keepalived', () => {
    const table: [string, number | undefined][] = [['0', 16], ['7', 23], ['8', undefined], ['local0', 16], ['local7', 23], ['local8', undefined], ['user', 1], ['daemon', 3], ['kern', undefined], ['', undefined]];
    for (const [v, f] of table) assert.equal(parseFacility(v), f, v);
  });
});

describe('daemon/main: options accepted but not acted on', () => {
  it('are named in a warning at start-up', async () => {
    const { unsupportedOptionWarnings } = await import('../../../src/daemon/main.js');
    const r = parseCommandLine(['-n', '-g', '-s', 'blue', '-x', '-m', '-a']);
    assert.equal(r.action, 'run');
    const w = unsupportedOptionWarnings((r as { opts: Parameters<typeof unsupportedOptionWarnings>[0] }).opts);
    assert.deepEqual(w.map((x) => x.split(' ')[1]), ['-g/--log-file', '-x/--snmp', '-m/--core-dump', '-a/--address-monitoring']);
    const none = parseCommandLine(['-n', '-D', '-l']);
    type Opts = Parameters<typeof unsupportedOptionWarnings>[0];
    assert.deepEqual(unsupportedOptionWarnings((none as { opts: Opts }).opts), []);
  });
});
