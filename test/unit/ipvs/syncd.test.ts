// lvs_sync_daemon decisions (src/ipvs/syncd.ts) replayed against what keepalived 2.2.7 did in the
// qemu guest (test/vm/syncd/keepalived-2.2.7.txt, recorded by record-2.2.7.sh beside it): the
// same state changes, reloads and stops are fed to our core, its commands go to an in-memory
// kernel with the kernel's answers (EEXIST for a running daemon, ESRCH for a stopped one, ENODEV
// for an unknown interface), and at each point the recording lists `ipvsadm -L --daemon` the kernel
// must hold the same daemons, and the log the same "IPVS cmd ..." lines.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { memoryLogger } from '../../../src/common/log.js';
import type { KeepalivedConfig, LvsSyncDaemon } from '../../../src/config/model.js';
import { parseConfigText } from '../../../src/config/load.js';
import type { IpvsDaemon } from '../../../src/ipvs/types.js';
import type { GenlResult } from '../../../src/ipvs/transport.js';
import {
  checkerSyncdCmds, missingInstanceLine, SyncdFollower, syncdDumpLines, syncdErrorLine, syncdOwner, vrrpSyncdFor,
  type SyncdCmd, type SyncdState,
} from '../../../src/ipvs/syncd.js';
import { SyncdRunner, type DaemonPort } from '../../../src/ipvs/syncd-runner.js';
import { startVrrpSyncd } from '../../../src/ipvs/syncd-vrrp.js';
import type { IpvsClient } from '../../../src/ipvs/client.js';

const REC = readFileSync(new URL('../../vm/syncd/keepalived-2.2.7.txt', import.meta.url), 'utf8').split('\n');

/** The lines of the first section titled `title` after the section starting with `after`. */
function section(title: string, after?: string): string[] {
  let i = after ? REC.findIndex((l) => l.startsWith(`=== ${after}`)) : 0;
  assert.ok(i >= 0, after);
  i = REC.findIndex((l, j) => j >= i && l.startsWith(`=== ${title}`));
  assert.ok(i >= 0, `no section "${title}"`);
  const end = REC.findIndex((l, j) => j > i && l.startsWith('=== '));
  return REC.slice(i + 1, end);
}

/** `ipvsadm -L --daemon` of one director in a section: "master 51 eth0" per daemon, sorted. */
function daemonsIn(title: string, director: string): string[] {
  const lines = section(title);
  const at = lines.indexOf(`-- ${director}:`);
  assert.ok(at >= 0, `${title}: no ${director}`);
  const out: string[] = [];
  for (const l of lines.slice(at + 1)) {
    const m = /^(master|backup) sync daemon \(mcast=(\S+), syncid=(\d+)/.exec(l);
    if (!m) break;
    out.push(`${m[1]} ${m[3]} ${m[2]}`);
  }
  return out.sort();
}

/** The "IPVS cmd" lines of a director's log section (after a scenario title). */
const ipvsLines = (log: string, after: string): string[] => section(log, after).filter((l) => l.startsWith('IPVS cmd'));

/** The kernel's sync daemons: one master and one backup at most, on interfaces that exist. */
class FakeKernel implements DaemonPort {
  readonly daemons = new Map<SyncdState, IpvsDaemon>();
  readonly sent: string[] = [];
  constructor(private readonly ifaces = new Set(['eth0'])) {}
  private err(errno: string): GenlResult<void> { return { ok: false, errno, message: errno }; }
  async startDaemon(d: IpvsDaemon): Promise<GenlResult<void>> {
    this.sent.push(`start ${d.state}`);
    if (this.daemons.has(d.state)) return this.err('EEXIST');
    if (!this.ifaces.has(d.ifname)) return this.err('ENODEV');
    this.daemons.set(d.state, d);
    return { ok: true, value: undefined };
  }
  async stopDaemon(state: SyncdState): Promise<GenlResult<void>> {
    this.sent.push(`stop ${state}`);
    if (!this.daemons.delete(state)) return this.err('ESRCH');
    return { ok: true, value: undefined };
  }
  list(): string[] { return [...this.daemons.values()].map((d) => `${d.state} ${d.syncId} ${d.ifname}`).sort(); }
}

const INSTANCE = (extra = '') => `vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n  priority 100\n${extra}  virtual_ipaddress {\n    10.76.0.100/24\n  }\n}\n`;
function conf(globalLine: string, instanceExtra = ''): KeepalivedConfig {
  const r = parseConfigText(`global_defs {\n${globalLine}\n}\n${INSTANCE(instanceExtra)}`, 'k.conf', { interfaces: new Set(['eth0']) });
  return r.config;
}
const sd = (line: string): LvsSyncDaemon | undefined => conf(line).global.lvsSyncDaemon;

/** The VRRP process's follower on a fake kernel. */
function vrrpSide(cfg: KeepalivedConfig, ifaces?: Set<string>) {
  const kernel = new FakeKernel(ifaces);
  const logger = memoryLogger();
  const r = vrrpSyncdFor(cfg);
  const follower = new SyncdFollower(r && 'syncd' in r ? r.syncd : null);
  const runner = new SyncdRunner(kernel, logger);
  const run = (cmds: SyncdCmd[]) => runner.run(cmds);
  return { kernel, logger, follower, run, errors: () => logger.lines().filter((l) => l.startsWith('IPVS cmd')) };
}

describe('ipvs: lvs_sync_daemon as keepalived 2.2.7 runs it (recorded in the guest)', () => {
  it('which process runs it: the VRRP one with an instance, the checker one without', () => {
    assert.equal(syncdOwner(sd('lvs_sync_daemon eth0 VI_1')), 'vrrp');
    assert.equal(syncdOwner(sd('lvs_sync_daemon eth0 inst VI_1 id 3')), 'vrrp');
    assert.equal(syncdOwner(sd('lvs_sync_daemon eth0')), 'checker');
    assert.equal(syncdOwner(conf('', '  lvs_sync_daemon_interface eth0\n').global.lvsSyncDaemon), 'vrrp');
    assert.equal(syncdOwner(undefined), null);
  });

  it('A: follows VI_1 through BACKUP, MASTER, BACKUP, MASTER, two reloads, BACKUP and stop (d2 in the recording)', async () => {
    const v = vrrpSide(conf('lvs_sync_daemon eth0 VI_1'));
    const at = (title: string) => assert.deepEqual(v.kernel.list(), daemonsIn(title, 'd2'), title);
    assert.deepEqual(daemonsIn('A: lvs_sync_daemon eth0 VI_1, kernel before start', 'd2'), []);
    await v.run(v.follower.start());
    at('A: d2 started alone (BACKUP)');
    // d2 alone times out to MASTER, then d1 preempts it
    await v.run(v.follower.stateChanged('VI_1', 'MASTER'));
    await v.run(v.follower.stateChanged('VI_1', 'BACKUP'));
    at('A: d1 MASTER, d2 BACKUP');
    await v.run(v.follower.stateChanged('VI_1', 'MASTER'));
    at('A: after SIGTERM to d1: d2 MASTER');
    const master = () => true;
    const r1 = vrrpSyncdFor(conf('lvs_sync_daemon eth0 VI_1'));
    await v.run(v.follower.reload(r1 && 'syncd' in r1 ? r1.syncd : null, master));
    at('A: d2 after SIGHUP, same config');
    const r2 = vrrpSyncdFor(conf('lvs_sync_daemon eth0 VI_1 id 7'));
    await v.run(v.follower.reload(r2 && 'syncd' in r2 ? r2.syncd : null, master));
    at('A: d2 after SIGHUP, id 7 added');
    await v.run(v.follower.stateChanged('VI_1', 'BACKUP'));
    at('A: d1 restarted, preempts; d2 back to BACKUP');
    await v.run(v.follower.stop());
    at('A: d2 stopped (was BACKUP)');
    // the one error 2.2.7 logged: the unchanged reload asks for the running master daemon again
    assert.deepEqual(v.errors(), ipvsLines('d2 log', 'A: '));
    assert.deepEqual(v.errors(), ['IPVS cmd IP_VS_SO_SET_STARTDAEMON(1163) error: Daemon has already run(17)']);
    // events after the stop change nothing
    assert.deepEqual(v.follower.stateChanged('VI_1', 'MASTER'), []);
  });

  it('the d1 of A: started as BACKUP, MASTER, stopped as MASTER leaves no daemon', async () => {
    const v = vrrpSide(conf('lvs_sync_daemon eth0 VI_1'));
    await v.run(v.follower.start());
    await v.run(v.follower.stateChanged('VI_1', 'MASTER'));
    assert.deepEqual(v.kernel.list(), daemonsIn('A: d1 MASTER, d2 BACKUP', 'd1'));
    await v.run(v.follower.stop());
    assert.deepEqual(v.kernel.list(), daemonsIn('A: after SIGTERM to d1: d2 MASTER', 'd1'));
    assert.deepEqual(v.kernel.sent, ['start backup', 'stop backup', 'start master', 'stop master']);
    assert.deepEqual(v.errors(), ipvsLines('d1 log (first run', 'A: '));
  });

  it('only the followed instance counts; BACKUP <-> FAULT leaves the backup daemon alone', async () => {
    const v = vrrpSide(conf('lvs_sync_daemon eth0 VI_1'));
    await v.run(v.follower.start());
    assert.deepEqual(v.follower.stateChanged('VI_2', 'MASTER'), []);
    assert.deepEqual(v.follower.stateChanged('VI_1', 'FAULT'), []);
    assert.deepEqual(v.follower.stateChanged('VI_1', 'BACKUP'), []);
    assert.deepEqual(v.follower.stateChanged('VI_1', 'MASTER_RX_LOWER_PRI'), []);
    // MASTER -> FAULT leaves master as MASTER -> BACKUP does
    await v.run(v.follower.stateChanged('VI_1', 'MASTER'));
    assert.deepEqual(v.follower.stateChanged('VI_1', 'MASTER'), []);
    await v.run(v.follower.stateChanged('VI_1', 'FAULT'));
    assert.deepEqual(v.kernel.list(), ['backup 51 eth0']);
  });

  it('F: an interface that does not exist: the same four errors as 2.2.7, in order', async () => {
    const v = vrrpSide(conf('lvs_sync_daemon nosuch0 VI_1'));
    await v.run(v.follower.start());
    await v.run(v.follower.stateChanged('VI_1', 'MASTER'));
    await v.run(v.follower.stop());
    assert.deepEqual(v.kernel.list(), daemonsIn('F: lvs_sync_daemon nosuch0 VI_1 (no such interface), d1 alone', 'd1'));
    assert.deepEqual(v.errors(), ipvsLines('d1 log', 'F: '));
    assert.equal(v.errors().length, 4);
  });

  it('H: a BACKUP reloaded unchanged logs "Daemon has already run" once; with id 4 it restarts with syncid 4', async () => {
    const v = vrrpSide(conf('lvs_sync_daemon eth0 VI_1'));
    await v.run(v.follower.start());
    const backup = () => false;
    for (const [line, title] of [['lvs_sync_daemon eth0 VI_1', 'H: d2 (BACKUP) after SIGHUP, same config'], ['lvs_sync_daemon eth0 VI_1 id 4', 'H: d2 (BACKUP) after SIGHUP, id 4']] as const) {
      const r = vrrpSyncdFor(conf(line));
      await v.run(v.follower.reload(r && 'syncd' in r ? r.syncd : null, backup));
      assert.deepEqual(v.kernel.list(), daemonsIn(title, 'd2'), title);
    }
    assert.deepEqual(v.errors(), ipvsLines('d2 log', 'H: '));
    assert.equal(v.errors().length, 1);
  });

  it('C: the deprecated vrrp_instance lvs_sync_daemon_interface runs with syncid 0 (not the VRID)', async () => {
    const v = vrrpSide(conf('', '  lvs_sync_daemon_interface eth0\n'));
    await v.run(v.follower.start());
    await v.run(v.follower.stateChanged('VI_1', 'MASTER'));
    assert.deepEqual(v.kernel.list(), daemonsIn('C: deprecated vrrp_instance lvs_sync_daemon_interface eth0, d1 alone', 'd1'));
  });

  it('D: an instance that does not exist: logged, nothing runs', async () => {
    const cfg = conf('lvs_sync_daemon eth0 NOPE');
    assert.deepEqual(vrrpSyncdFor(cfg), { missing: 'NOPE' });
    assert.ok(section('d1 log', 'D: ').includes(missingInstanceLine('NOPE')));
    assert.deepEqual(daemonsIn('D: lvs_sync_daemon eth0 NOPE (no such instance), d1 alone', 'd1'), []);
    const logger = memoryLogger();
    let opened = 0;
    const h = await startVrrpSyncd(cfg, logger, async () => { opened++; return null; });
    assert.notEqual(h, 'fatal');
    assert.equal(opened, 0);
    assert.deepEqual(logger.lines(), [missingInstanceLine('NOPE')]);
  });

  it('E: id, maxlen, port, ttl and group reach the kernel as configured', async () => {
    const v = vrrpSide(conf('lvs_sync_daemon eth0 VI_1 id 9 maxlen 800 port 8850 ttl 3 group 239.1.2.3'));
    await v.run(v.follower.start());
    await v.run(v.follower.stateChanged('VI_1', 'MASTER'));
    assert.deepEqual(v.kernel.daemons.get('master'), { state: 'master', ifname: 'eth0', syncId: 9, maxlen: 800, port: 8850, ttl: 3, group: '239.1.2.3' });
    assert.deepEqual(v.kernel.list(), daemonsIn('E: lvs_sync_daemon eth0 VI_1 id 9 maxlen 800 port 8850 ttl 3 group 239.1.2.3, d1 MASTER d2 BACKUP', 'd1'));
  });

  it('B, I: without an instance the checker runs master and backup (syncid 0), restarts them on reload, stops both', async () => {
    const kernel = new FakeKernel();
    const logger = memoryLogger();
    const runner = new SyncdRunner(kernel, logger);
    const b = sd('lvs_sync_daemon eth0');
    await runner.run(checkerSyncdCmds('start', undefined, b));
    assert.deepEqual(kernel.list(), daemonsIn('B: lvs_sync_daemon eth0 (no instance), d1 alone', 'd1'));
    // a reload of the same file: without `id` 2.2.7 sees a change (0 running, unset in the file) and restarts quietly
    await runner.run(checkerSyncdCmds('reload', b, sd('lvs_sync_daemon eth0')));
    assert.deepEqual(kernel.list(), daemonsIn('I: after SIGHUP, same config', 'd1'));
    await runner.run(checkerSyncdCmds('reload', b, sd('lvs_sync_daemon eth0 id 6')));
    assert.deepEqual(kernel.list(), daemonsIn('I: after SIGHUP, id 6', 'd1'));
    assert.deepEqual(logger.lines(), ipvsLines('d1 log', 'I: '));
    await runner.run(checkerSyncdCmds('stop', sd('lvs_sync_daemon eth0 id 6'), undefined));
    assert.deepEqual(kernel.list(), daemonsIn('I: after stop', 'd1'));
    assert.deepEqual(logger.lines(), []);
    // with `id` in both files nothing changed: both are asked for again and each logs "already run"
    await runner.run(checkerSyncdCmds('start', undefined, sd('lvs_sync_daemon eth0 id 6')));
    await runner.run(checkerSyncdCmds('reload', sd('lvs_sync_daemon eth0 id 6'), sd('lvs_sync_daemon eth0 id 6')));
    assert.deepEqual(logger.lines(), Array(2).fill('IPVS cmd IP_VS_SO_SET_STARTDAEMON(1163) error: Daemon has already run(17)'));
  });

  it('B3: the checker leaves a daemon that follows an instance to the VRRP process', () => {
    assert.deepEqual(checkerSyncdCmds('start', undefined, sd('lvs_sync_daemon eth0 VI_1')), []);
    assert.deepEqual(checkerSyncdCmds('stop', sd('lvs_sync_daemon eth0 VI_1'), undefined), []);
    assert.deepEqual(daemonsIn('B3: lvs_sync_daemon eth0 VI_1, -C only', 'd1'), []);
  });

  it('error lines carry the errno 2.2.7 ends up with after libnl', () => {
    assert.equal(syncdErrorLine('start', 'EEXIST'), 'IPVS cmd IP_VS_SO_SET_STARTDAEMON(1163) error: Daemon has already run(17)');
    assert.equal(syncdErrorLine('start', 'ENODEV'), 'IPVS cmd IP_VS_SO_SET_STARTDAEMON(1163) error: No such device(19)');
    assert.equal(syncdErrorLine('stop', 'ESRCH'), 'IPVS cmd IP_VS_SO_SET_STOPDAEMON(1164) error: No such file or directory(2)');
    assert.equal(syncdErrorLine('start', 'EINVAL'), 'IPVS cmd IP_VS_SO_SET_STARTDAEMON(1163) error: Invalid operation.  Possibly wrong module version, address not unicast, ...(22)');
  });

  it('the VRRP process: IPVS opened only when an instance is followed, fatal when it cannot be', async () => {
    const logger = memoryLogger();
    assert.equal(await startVrrpSyncd(conf('lvs_sync_daemon eth0 VI_1'), logger, async () => null), 'fatal');
    const kernel = new FakeKernel();
    const opens: boolean[] = [];
    const closed: number[] = [];
    const client = { ...kernel, startDaemon: (d: IpvsDaemon) => kernel.startDaemon(d),
      stopDaemon: (s: SyncdState) => kernel.stopDaemon(s), close: () => { closed.push(1); } };
    const h = await startVrrpSyncd(conf('lvs_sync_daemon eth0 VI_1'), logger, async (_l, reload) => { opens.push(reload); return client; });
    assert.ok(h !== 'fatal');
    h.stateChanged('VI_1', 'MASTER');
    await h.reload(conf('lvs_sync_daemon eth0 VI_1 id 7'), () => true);
    assert.deepEqual(kernel.list(), ['master 7 eth0']);
    await h.stop();
    assert.deepEqual(kernel.list(), []);
    assert.deepEqual(opens, [false, true]);
    assert.equal(closed.length, 2);
    assert.deepEqual(kernel.sent, ['start backup', 'stop backup', 'start master', 'stop master', 'stop backup', 'start master', 'stop master']);
  });

  it('USR1 dump lines of each process as 2.2.7 writes them (H: instance, id 4; I: no instance, id 6)', () => {
    const rec = (title: string) => section(title).filter((l) => /LVS (syncd|mcast)/.test(l));
    const h = conf('lvs_sync_daemon eth0 VI_1 id 4');
    assert.deepEqual(syncdDumpLines(h, 'vrrp'), rec('H: USR1 keepalived.data'));
    assert.deepEqual(syncdDumpLines(h, 'checker'), rec('H: USR1 keepalived_check.data'));
    assert.deepEqual(syncdDumpLines(h, 'parent'), rec('H: USR1 keepalived_parent.data'));
    const i = conf('lvs_sync_daemon eth0 id 6');
    assert.deepEqual(syncdDumpLines(i, 'vrrp'), rec('I: USR1 keepalived.data'));
    assert.deepEqual(syncdDumpLines(i, 'checker'), rec('I: USR1 keepalived_check.data'));
    // unset syncid: the VRRP process has resolved it to the VRID, the others print UINT_MAX; options follow
    const e = conf('lvs_sync_daemon eth0 VI_1 maxlen 800 port 8850 ttl 3 group 239.1.2.3');
    assert.deepEqual(syncdDumpLines(e, 'vrrp'), [' LVS syncd vrrp instance = VI_1', ' LVS syncd interface = eth0', ' LVS syncd syncid = 51',
      ' LVS syncd maxlen = 800', ' LVS mcast group 239.1.2.3', ' LVS syncd mcast port = 8850', ' LVS syncd mcast ttl = 3']);
    assert.equal(syncdDumpLines(e, 'checker')[2], ' LVS syncd syncid = 4294967295');
    assert.deepEqual(syncdDumpLines(conf('lvs_sync_daemon eth0 NOPE'), 'vrrp'), []);
    assert.deepEqual(syncdDumpLines(conf('', '  lvs_sync_daemon_interface eth0\n'), 'checker'), []);
  });
});
