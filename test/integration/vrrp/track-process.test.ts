// track_process beside keepalived 2.2.7, run the way it works (measured: the process-event
// connector answers only in the initial network namespace; see
// test/unit/vrrp/data/track-process-2.2.7.md): router r1's daemon is started in the initial
// namespace with `net_namespace <r1's lab namespace>` - it opens the connector, then switches - and
// runs ours (bin/keepalived) or keepalived 2.2.7 on the same config; r2 is keepalived 2.2.7 inside
// its namespace (priority 90, no tracking). VI_1 tracks process A without weight (dead -> FAULT),
// VI_2 tracks process B with weight -20 (dead -> priority 80 < 90, r2 takes over). Both daemons
// must log the same lines. Also: started inside `ip netns exec` without net_namespace, both log
// the refused listen request and keep VI_1 in FAULT. VRRP traffic stays in the lab's namespaces.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, rmSync, rmdirSync } from 'node:fs';
import { isRoot, waitFor } from '../../helpers/netns.js';
import { BIN } from '../daemon/harness.js';
import { KEEPALIVED, VrrpLab } from './lab.js';

const stripTime = (l: string) => l.replace(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: /, '');

/** One daemon run: its log lines (console, timestamps stripped). */
class Run {
  readonly lines: string[] = [];
  exited = false;
  constructor(readonly proc: ChildProcess) {
    let buf = '';
    const feed = (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) { this.lines.push(stripTime(buf.slice(0, i))); buf = buf.slice(i + 1); }
    };
    proc.stderr!.on('data', feed);
    proc.stdout!.on('data', feed);
    proc.on('exit', () => { this.exited = true; });
  }
  async wait(line: string, ms: number, from = 0): Promise<number> {
    try {
      return await waitFor(() => { const i = this.lines.indexOf(line, from);
        return i >= 0 ? i + 1 : undefined; }, ms, 20) - 1;
    } catch { throw new Error(`no line '${line}' within ${ms} ms:\n  ${this.lines.join('\n  ')}`); }
  }
  async stop(): Promise<void> {
    if (this.exited) return;
    try { process.kill(this.proc.pid!, 'SIGTERM'); } catch { /* gone */ }
    await waitFor(() => this.exited, 15_000, 50);
  }
}

const inst = (name: string, vrid: number, prio: number, vip: string, track?: string) => [
  `vrrp_instance ${name} {`, '    state BACKUP', '    interface eth0', `    virtual_router_id ${vrid}`, `    priority ${prio}`, '    advert_int 1',
  ...(track ? ['    track_process {', `        ${track}`, '    }'] : []),
  '    virtual_ipaddress {', `        ${vip}/24`, '    }', '}'].join('\n');

describe('vrrp: track_process with net_namespace, ours beside keepalived 2.2.7', function () {
  this.timeout(120_000);
  let lab: VrrpLab | undefined;
  const runs: Run[] = [];
  const sleepers: ChildProcess[] = [];
  let nsDir = '';

  beforeEach(function () {
    if (!isRoot()) this.skip();
    lab = new VrrpLab('tproc').up();
    nsDir = `/run/keepalived/${lab.lab.ns('r1')}`;
  });
  afterEach(async () => {
    for (const r of runs.splice(0)) await r.stop().catch(() => { try { process.kill(r.proc.pid!, 'SIGKILL'); } catch { /* gone */ } });
    for (const s of sleepers.splice(0)) if (s.exitCode === null) { try { process.kill(s.pid!, 'SIGKILL'); } catch { /* gone */ } }
    await lab?.down();
    lab = undefined;
    // a daemon that could not clean up leaves its pid directory behind
    rmSync(nsDir, { recursive: true, force: true });
    try { rmdirSync('/run/keepalived'); } catch { /* in use by another run, or gone */ }
  });

  /** Programs with names of our own (comm = file name), so no other process matches. */
  function programs(): { a: string; b: string } {
    const id = process.pid.toString(36);
    const a = `${lab!.dir}/tpa${id}`, b = `${lab!.dir}/tpb${id}`;
    copyFileSync('/bin/sleep', a); copyFileSync('/bin/sleep', b);
    return { a, b };
  }
  const startProc = (path: string): ChildProcess => {
    const p = spawn(path, ['600'], { stdio: 'ignore' });
    sleepers.push(p);
    return p;
  };
  const killProc = async (p: ChildProcess) => { p.kill('SIGKILL'); await waitFor(() => p.exitCode !== null || p.signalCode !== null, 5000, 10); };

  function config(names: { a: string; b: string }, netns?: string): string {
    const base = (p: string) => p.split('/').pop()!;
    return [
      ...(netns ? [`net_namespace ${netns}`] : []),
      'global_defs {\n    router_id r1\n}',
      `vrrp_track_process PA {\n    process ${base(names.a)}\n}`,
      `vrrp_track_process PB {\n    process ${base(names.b)}\n    weight -20\n}`,
      inst('VI_1', 61, 100, '10.199.0.101', 'PA'),
      inst('VI_2', 62, 100, '10.199.0.102', 'PB'),
    ].join('\n') + '\n';
  }

  function startPeer(): void {
    const l = lab!;
    const conf = l.writeConf('r2', ['global_defs {\n    router_id r2\n}', inst('VI_1', 61, 90, '10.199.0.101'), inst('VI_2', 62, 90, '10.199.0.102')].join('\n') + '\n');
    l.start('keepalived', 'r2', conf);
  }

  /** The daemon under test, started in the initial namespace (net_namespace) or inside r1's (ip netns exec). */
  function startR1(kind: 'ours' | 'keepalived', conf: string, inside: boolean): Run {
    const l = lab!;
    const args = ['-n', '-l', '-D', '-P', '-f', conf];
    const cmd = kind === 'ours' ? [process.execPath, '--expose-internals', BIN, ...args] : [KEEPALIVED, ...args];
    if (inside) args.push('-p', `${l.dir}/r1.pid`, '-r', `${l.dir}/r1.vrrp.pid`);
    const argv = inside ? ['ip', 'netns', 'exec', l.lab.ns('r1'), ...cmd, ...args.slice(6)] : cmd;
    const r = new Run(spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }));
    runs.push(r);
    return r;
  }

  /** The lines of one instance and its process, in order, up to "Stopping". */
  const story = (r: Run, vi: string, p: string) => {
    const stop = r.lines.indexOf('Stopping');
    return r.lines.slice(0, stop < 0 ? undefined : stop)
      .filter((l) => l === `Quorum gained for tracked process ${p}` || l === `Quorum lost for tracked process ${p}` ||
        l.startsWith(`(${vi}) Entering `) || l.startsWith(`(${vi}) Changing effective priority`) || l === `(${vi}) sent 0 priority` ||
        l.startsWith(`(${vi}) Master received advert`));
  };

  for (const kind of ['ours', 'keepalived'] as const) {
    it(`${kind}: a dead process puts VI_1 in FAULT and lowers VI_2 to 80; both come back when the processes restart`, async () => {
      const l = lab!;
      const names = programs();
      let pa = startProc(names.a), pb = startProc(names.b);
      startPeer();
      const r1 = startR1(kind, l.writeConf('r1', config(names, l.lab.ns('r1'))), false);
      await r1.wait('(VI_1) Entering MASTER STATE', 20_000);
      await r1.wait('(VI_2) Entering MASTER STATE', 20_000);
      assert.ok(r1.lines.includes(`Changing syslog ident to Keepalived_${l.lab.ns('r1')}`));
      // pid files in the private /run/keepalived/ of the namespace, which is /run/keepalived/NAME outside
      assert.ok(existsSync(`${nsDir}/keepalived.pid`) && existsSync(`${nsDir}/vrrp.pid`), `pid files in ${nsDir}`);
      await l.waitAddr('r1', '10.199.0.101', true, 5000);

      await Promise.all([killProc(pa), killProc(pb)]);
      const lostAt = await r1.wait('Quorum lost for tracked process PA', 5000);
      await r1.wait('Quorum lost for tracked process PB', 5000);
      await l.waitAddr('r2', '10.199.0.101', true, 10_000);
      await l.waitAddr('r2', '10.199.0.102', true, 10_000);
      await r1.wait('(VI_2) Entering BACKUP STATE', 5000, lostAt);
      assert.equal(l.hasAddr('r1', '10.199.0.101') || l.hasAddr('r1', '10.199.0.102'), false);

      pa = startProc(names.a); pb = startProc(names.b);
      const gainedAt = await r1.wait('Quorum gained for tracked process PA', 5000, lostAt);
      await r1.wait('Quorum gained for tracked process PB', 5000, lostAt);
      await r1.wait('(VI_1) Entering MASTER STATE', 10_000, gainedAt);
      await r1.wait('(VI_2) Entering MASTER STATE', 10_000, gainedAt);
      await l.waitAddr('r1', '10.199.0.101', true, 5000);
      await l.waitAddr('r1', '10.199.0.102', true, 5000);
      await r1.stop();

      assert.deepEqual(story(r1, 'VI_1', 'PA'), [
        '(VI_1) Entering BACKUP STATE (init)', '(VI_1) Entering MASTER STATE',
        'Quorum lost for tracked process PA', '(VI_1) Entering FAULT STATE', '(VI_1) sent 0 priority',
        'Quorum gained for tracked process PA', '(VI_1) Entering BACKUP STATE', '(VI_1) Entering MASTER STATE',
      ]);
      assert.deepEqual(story(r1, 'VI_2', 'PB'), [
        '(VI_2) Entering BACKUP STATE (init)', '(VI_2) Entering MASTER STATE',
        'Quorum lost for tracked process PB', '(VI_2) Changing effective priority from 100 to 80',
        '(VI_2) Master received advert from 10.199.0.2 with higher priority 90, ours 80', '(VI_2) Entering BACKUP STATE',
        'Quorum gained for tracked process PB', '(VI_2) Changing effective priority from 80 to 100', '(VI_2) Entering MASTER STATE',
      ]);
      assert.ok(r1.lines.includes('proc_events has confirmed it is configured'));
      // the private /run/keepalived/ is gone with its pid files
      assert.equal(existsSync(nsDir), false, `${nsDir} removed at exit`);
    });

    it(`${kind}: started inside ip netns exec without net_namespace, the listen request is refused and VI_1 stays in FAULT`, async () => {
      const l = lab!;
      const names = programs();
      startProc(names.a); startProc(names.b);
      const r1 = startR1(kind, l.writeConf('r1', config(names)), true);
      await r1.wait('Failed to set/clear process event listen - errno 111 - Connection refused', 15_000);
      await r1.wait('(VI_2) Entering MASTER STATE', 15_000);
      // VI_1 never leaves FAULT (nothing is ever counted); VI_2, alone on the segment, is MASTER
      assert.equal(r1.lines.some((x) => x.startsWith('(VI_1) Entering MASTER') || x.startsWith('(VI_1) Entering BACKUP')), false, r1.lines.join('\n'));
      assert.equal(r1.lines.some((x) => x.startsWith('Quorum ')), false);
    });
  }
});
