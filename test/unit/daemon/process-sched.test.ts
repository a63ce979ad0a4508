// A child's scheduling and names against keepalived 2.2.7's rules (lib/process.c; measured values in
// test/unit/daemon/data/process-2.2.7.md), with a fake ProcessSys recording the calls; and the
// global_defs checks of these keywords, line for line as 2.2.7's -t prints them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '../../../src/common/log.js';
import type { ProcessSched } from '../../../src/config/model.js';
import { runConfigTest } from '../../../src/config/load.js';
import { defaultSched } from '../../../src/parser/keywords/process-defs.js';
import { identityFromArgv, childArgs, renameOnReload, setProcessName } from '../../../src/daemon/process/identity.js';
import { ProcessPriorities } from '../../../src/daemon/process/priorities.js';
import type { CmdlineResult, ProcessSys } from '../../../src/daemon/process/sys.js';

class FakeSys implements ProcessSys {
  calls: string[] = [];
  fail = new Set<string>();
  nice = 0;
  rlimit: [number, number] = [-1, -1];
  private r(name: string, text: string): number | undefined { this.calls.push(text);
    return this.fail.has(name) ? 1 : undefined; }
  setCommName(n: string) { return this.r('comm', `comm ${n}`); }
  setCmdline(argv: readonly string[]): CmdlineResult { this.calls.push(`cmdline ${argv.join(' ')}`); return 'in-place'; }
  setScheduler(p: number, reset: boolean) { return this.r('sched', `sched ${p}${reset ? ' reset-on-fork' : ''}`); }
  setNice(v: number) { const e = this.r('nice', `nice ${v}`); if (e === undefined) this.nice = v; return e; }
  getNice() { return this.nice; }
  setAffinity(c: readonly number[]) { return this.r('affinity', `affinity ${c.join(',')}`); }
  setRttimeLimit(s: number, h: number) { const e = this.r('rlimit', `rlimit ${s}/${h}`); if (e === undefined) this.rlimit = [s, h]; return e; }
  getRttimeLimit(): [number, number] { return this.rlimit; }
  nofile: [number, number] = [1024, 1024];
  scriptNofile: [number, number] | undefined;
  getNofileLimit(): [number, number] { return this.nofile; }
  setNofileLimit(c: number, m: number) { const e = this.r('nofile', `nofile ${c}:${m}`); if (e === undefined) this.nofile = [c, m]; return e; }
  setScriptNofileLimit(l: [number, number] | undefined) { this.scriptNofile = l; }
  strerror(n: number) { return `error ${n}`; }
}

const sched = (o: Partial<ProcessSched>): ProcessSched => ({ ...defaultSched(), ...o });

function setup(role: 'vrrp' | 'checker' = 'vrrp') {
  const sys = new FakeSys();
  const log = memoryLogger();
  const xcpu: (() => void)[] = [];
  const p = new ProcessPriorities(sys, log, role, (fn) => xcpu.push(fn));
  return { sys, log, p, xcpu };
}

describe('daemon: process scheduling (2.2.7 rules)', () => {
  it('realtime priority: SCHED_RR with reset-on-fork, RLIMIT_RTTIME half/full, no nice; affinity', () => {
    const { sys, p, log, xcpu } = setup('checker');
    p.apply({ sched: sched({ rtPriority: 40, nice: -5, cpus: [1], rlimitRttime: 20000 }) });
    assert.deepEqual(sys.calls, ['sched 40 reset-on-fork', 'rlimit 10000/20000', 'affinity 1']);
    xcpu.forEach((f) => f());
    assert.deepEqual(log.lines(), ['Checker process has used too much CPU time, checker_rlimit_rttime may need to be increased']);
  });

  it('no realtime priority: the nice value, and no rlimit', () => {
    const { sys, p } = setup();
    p.apply({ sched: sched({ nice: -10, rlimitRttime: 20000 }) });
    assert.deepEqual(sys.calls, ['nice -10']);
  });

  it('defaults change nothing', () => {
    const { sys, p } = setup();
    p.apply({ sched: defaultSched() });
    assert.deepEqual(sys.calls, []);
  });

  it('max_auto_priority: late timers raise SCHED_RR from 1 up to the maximum, with the default rlimit once', () => {
    const { sys, p, log } = setup();
    p.apply({ sched: defaultSched(), maxAutoPriority: 2 });
    p.timerLate(150_000, 200_000); // not late enough
    p.timerLate(1_273_859, 200_000);
    p.timerLate(1_006_427, 200_000);
    p.timerLate(3_000_000, 200_000); // at the maximum: logged, not raised
    assert.deepEqual(log.lines(), [
      'A thread timer expired 1.273859 seconds ago', 'Set realtime priority 1',
      'A thread timer expired 1.006427 seconds ago', 'Set realtime priority 2',
      'A thread timer expired 3.000000 seconds ago',
    ]);
    assert.deepEqual(sys.calls, ['sched 1 reset-on-fork', 'rlimit 5000/10000', 'sched 2 reset-on-fork']);
  });

  it('max_auto_priority 0 or -1: a late timer is only logged', () => {
    for (const m of [undefined, 0, -1]) {
      const { sys, p, log } = setup();
      p.apply({ sched: defaultSched(), maxAutoPriority: m });
      p.timerLate(2_000_000, 1_000_000);
      assert.deepEqual(log.lines(), ['A thread timer expired 2.000000 seconds ago']);
      assert.deepEqual(sys.calls, []);
    }
  });

  it('reset (reload): SCHED_OTHER, the original rlimit and nice value back', () => {
    const { sys, p } = setup();
    p.apply({ sched: sched({ rtPriority: 50 }) });
    p.reset();
    assert.deepEqual(sys.calls, ['sched 50 reset-on-fork', 'rlimit 5000/10000', 'sched 0', 'rlimit -1/-1']);
    const b = setup();
    b.p.apply({ sched: sched({ nice: 5 }) });
    b.p.reset();
    assert.deepEqual(b.sys.calls, ['nice 5', 'nice 0']);
  });

  it('failures are logged with 2.2.7\'s lines', () => {
    const { sys, p, log } = setup('vrrp');
    sys.fail = new Set(['sched', 'affinity']);
    p.apply({ sched: sched({ rtPriority: 50, cpus: [0] }) });
    assert.deepEqual(log.lines(), ['child process: cannot raise priority', 'unable to set cpu affinity to vrrp process (error 1)']);
    const b = setup();
    b.sys.fail = new Set(['nice']);
    b.p.apply({ sched: sched({ nice: -3 }) });
    assert.deepEqual(b.log.lines(), ['Unable to set process priority to -3 - error 1']);
  });

  it('no_swap is refused with a warning (V8 aborts on locked memory)', () => {
    const { sys, p, log } = setup('checker');
    p.apply({ sched: sched({ noSwap: true }) });
    p.apply({ sched: sched({ noSwap: true }) });
    assert.deepEqual(sys.calls, []);
    assert.deepEqual(log.lines(), ["checker_no_swap is not applied: Node's V8 cannot run with its memory locked (mlockall)"]);
  });
});

describe('daemon: process names (2.2.7 rules)', () => {
  it('a child gets the parent name and command line through its arguments', () => {
    assert.deepEqual(identityFromArgv(childArgs('kaparent', ['/usr/sbin/keepalived', '-D'])), { comm: 'kaparent', cmdline: ['/usr/sbin/keepalived', '-D'] });
    assert.equal(identityFromArgv([]), undefined);
  });

  it('set_process_name(NULL) is "keepalived"; a reload renames only on a change', () => {
    const sys = new FakeSys();
    setProcessName(sys, undefined);
    renameOnReload(sys, 'a', 'a');
    renameOnReload(sys, 'a', undefined);
    renameOnReload(sys, undefined, 'keepalived_vrrp');
    assert.deepEqual(sys.calls, ['comm keepalived', 'comm keepalived', 'comm keepalived_vrrp']);
    const log = memoryLogger();
    sys.fail.add('comm');
    setProcessName(sys, 'x', log);
    assert.deepEqual(log.lines(), ["Failed to set process name 'x'"]);
  });
});

describe('parser: process keywords, -t as 2.2.7', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'kd-psched-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('invalid values: the recorded 2.2.7 lines and exit 5', () => {
    const f = join(dir, 'bad.conf');
    writeFileSync(f, `global_defs {
  process_name averyveryverylongname
  vrrp_rt_priority 200
  checker_rt_priority 0
  vrrp_priority 30
  checker_priority abc
  vrrp_cpu_affinity 0 7
  checker_rlimit_rtime 1
  vrrp_rlimit_rttime xyz
  max_auto_priority 100
  min_auto_priority_delay 0
  lvs_process_name foo
}
`);
    const r = runConfigTest(f, {});
    const lines = r.stderrLines.map((l) => l.split('\t')[0]).filter((l) => !l.includes('WARNING - keyword'));
    // test/unit/daemon/data/process-2.2.7.md; cpu 7 is out of range on a 2-CPU machine only
    const cpuLines = lines.filter((l) => l.startsWith('(Line 7)'));
    assert.deepEqual(lines.filter((l) => !l.startsWith('(Line 7)')), [
      '(Line 2) Process name averyveryverylongname more than 15 characters, truncating',
      '(Line 3) vrrp process real-time priority 200 greater than maximum 99 - setting to maximum',
      '(Line 4) checker process real-time priority 0 less than minimum 1 - setting to minimum',
      "(Line 5) number '30' outside range [-20, 19]",
      '(Line 5) Invalid vrrp process priority specified',
      "(Line 6) invalid number 'abc'",
      '(Line 6) Invalid checker process priority specified',
      "(Line 9) invalid number 'xyz'",
      '(Line 9) Invalid vrrp real-time limit - xyz',
      "(Line 10) number '100' outside range [-1, 99]",
      "(Line 10) max_auto_priority '100' must be in [0, 99] (or -1 to disable) - ignoring",
      "(Line 11) number '0' outside range [1, 10000000]",
      "(Line 11) min_auto_priority_delay '0' must be in [1, 10000000] - ignoring",
    ]);
    if (cpuLines.length) assert.equal(cpuLines.at(-1), '(Line 7) Invalid cpu_id:7 specified for vrrp process');
    assert.equal(r.exitCode, 5);
  });
});

describe('daemon: instance, use_pid_dir, data_use_instance paths (2.2.7 names)', () => {
  it('pid files: /run, use_pid_dir, instance, and -p/-r/-c first', async () => {
    const { pidPaths } = await import('../../../src/daemon/pidfile.js');
    assert.deepEqual(pidPaths({}), { parent: '/run/keepalived.pid', vrrp: '/run/vrrp.pid', checker: '/run/checkers.pid' });
    assert.deepEqual(pidPaths({ usePidDir: true }), { parent: '/run/keepalived/keepalived.pid', vrrp: '/run/keepalived/vrrp.pid', checker: '/run/keepalived/checkers.pid' });
    assert.deepEqual(pidPaths({ instance: 'A' }), { parent: '/run/keepalived/keepalived_A.pid', vrrp: '/run/keepalived/vrrp_A.pid', checker: '/run/keepalived/checkers_A.pid' });
    assert.equal(pidPaths({ instance: 'A', pidFile: '/x.pid' }).parent, '/x.pid');
  });

  it('data dumps: keepalived.NS_INSTANCE.data with data_use_instance; stats and json keep their names', async () => {
    const { dumpPaths } = await import('../../../src/daemon/dumps/index.js');
    assert.deepEqual(dumpPaths(undefined, '/t', { namespace: 'N', instance: 'I' }), {
      data: '/t/keepalived.N_I.data', stats: '/t/keepalived.stats', json: '/t/keepalived.json',
      parentData: '/t/keepalived_parent.N_I.data', checkData: '/t/keepalived_check.N_I.data',
    });
    assert.equal(dumpPaths(undefined, '/t', { instance: 'I' }).data, '/t/keepalived.I.data');
    assert.equal(dumpPaths(undefined, '/t', { namespace: 'N' }).parentData, '/t/keepalived_parent.N.data');
    assert.equal(dumpPaths(undefined, '/t', {}).data, '/t/keepalived.data');
  });

  it('-t: instance and data_use_instance checks as 2.2.7', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kd-inst-t-'));
    try {
      const f = join(dir, 'i.conf');
      writeFileSync(f, 'instance\ninstance A\ninstance B\nuse_pid_dir\nglobal_defs {\n data_use_instance maybe\n data_use_instance\n}\n');
      const r = runConfigTest(f, {});
      assert.deepEqual(r.stderrLines.map((l) => l.split('\t')[0]), [
        '(Line 1) instance name missing - ignoring',
        '(Line 3) Duplicate instance definition B - ignoring',
        "(Line 6) Invalid value 'maybe' for global date_use_instance specified",
      ]);
      assert.equal(r.exitCode, 5);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
