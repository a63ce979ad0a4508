// The daemon shell end to end: bin/keepalived as a real process tree (parent + forked VRRP and
// checker children running the probe stand-ins), logging to a real rsyslogd through a private
// socket. Checks identities, pids and facility in syslog, pid files, double start, every signal,
// reloads (good and broken), respawn after SIGKILL, permanent errors, parent death, daemonising.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { waitFor } from '../../helpers/netns.js';
import { Lab, alive } from './harness.js';
import { statFields } from '../../../src/common/proc.js';

const vip = (a: string) => ({ address: a, prefixLen: 24, family: 'inet', options: [] });
const vs = { vs: { kind: 'ip', address: '10.0.0.1', port: 80, family: 'inet' }, realServers: [] };

function cfg(lab: Lab, instances: string[], withVs = true) {
  return {
    global: { routerId: 'kd_test', stateDumpFile: lab.path('k.data'), statsDumpFile: lab.path('k.stats'), jsonDumpFile: lab.path('k.json') },
    vrrpInstances: instances.map((name, i) => ({ name, interface: 'eth0', virtualRouterId: 51 + i, priority: 100, virtualIpaddress: [vip(`10.0.0.${i + 1}`)] })),
    virtualServers: withVs ? [vs] : [],
  };
}

const haveRsyslog = () => { try { return existsSync('/usr/sbin/rsyslogd'); } catch { return false; } };

describe('daemon (integration): process tree, syslog, signals', function () {
  this.timeout(120_000);
  let lab: Lab;
  let conf: string;
  let main: ReturnType<Lab['run']>;
  let vrrpPid = 0;
  let chkPid = 0;
  const base = () => ['-n', '-D', '-f', conf, '-p', lab.path('ka.pid'), '-r', lab.path('v.pid'), '-c', lab.path('c.pid')];

  before(async function () {
    if (!haveRsyslog()) this.skip();
    lab = new Lab();
    await lab.startSyslog();
    lab.listenNotify();
    conf = lab.writeConfig('k.conf', cfg(lab, ['VI_1']));
  });
  after(() => lab?.cleanup());

  it('starts a parent and two children that log to syslog with keepalived\'s identities, pids and facility', async () => {
    main = lab.run(base(), { NOTIFY_SOCKET: lab.notifySock });
    const v = await lab.waitLog((l) => l.ident === 'Keepalived_vrrp' && l.msg === 'probe: vrrp stand-in started with 1 instance(s)');
    const c = await lab.waitLog((l) => l.ident === 'Keepalived_healthcheckers' && l.msg.startsWith('probe: checker stand-in started'));
    const lines = lab.syslog();
    const parent = lines.filter((l) => l.ident === 'Keepalived');
    assert.ok(parent.length > 5);
    assert.ok(parent.every((l) => l.pid === main.pid), 'parent lines carry the parent pid');
    assert.equal(parent[0].msg, 'Starting Keepalived v2.2.7 (keepalived-ts 0.1.0)');
    assert.equal(parent[0].pri, 30, 'daemon.info');
    assert.ok(parent.some((l) => l.msg.startsWith("Command line: '")));
    assert.ok(parent.some((l) => l.msg === `Configuration file ${conf}`));
    assert.ok(parent.some((l) => l.msg === 'Startup complete'));
    vrrpPid = v.pid; chkPid = c.pid;
    assert.ok(parent.some((l) => l.msg === `Starting VRRP child process, pid=${vrrpPid}`));
    assert.ok(parent.some((l) => l.msg === `Starting Healthcheck child process, pid=${chkPid}`));
    // pid files
    assert.equal(lab.pidFile('ka.pid'), main.pid);
    await waitFor(() => lab.pidFile('v.pid') === vrrpPid && lab.pidFile('c.pid') === chkPid, 5000);
    assert.equal(readFileSync(lab.path('ka.pid'), 'utf8'), `${main.pid}\n`);
    // systemd Type=notify readiness
    await waitFor(() => lab.notifications.includes(`READY=1\nMAINPID=${main.pid}`), 5000);
  });

  it('refuses a second start while the first runs ("daemon is already running", exit 0, console format)', async () => {
    const second = lab.run(['-n', '-l', '-G', '-f', conf, '-p', lab.path('ka.pid'), '-r', lab.path('v.pid'), '-c', lab.path('c.pid')]);
    assert.equal(await second.exited, 0);
    const err = second.stderr_text();
    assert.match(err, /^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: Starting Keepalived v2\.2\.7/m);
    assert.match(err, /: daemon is already running$/m);
    assert.equal(lab.pidFile('ka.pid'), main.pid);
    assert.ok(alive(vrrpPid) && alive(chkPid));
  });

  it('USR1 / USR2 / SIGRTMIN+2 / SIGRTMAX-1 write the dump files', async () => {
    process.kill(main.pid!, 'SIGUSR1');
    await waitFor(() => existsSync(lab.path('k.data')) && existsSync(lab.path('keepalived_parent.data')) && existsSync(lab.path('keepalived_check.data')), 10_000);
    const data = readFileSync(lab.path('k.data'), 'utf8');
    assert.match(data, /^------< Global definitions >------\n/);
    assert.match(data, /\n Router ID = kd_test\n/);
    assert.match(data, /\n VRRP Instance = VI_1\n   VRRP Version = 2\n   State = BACKUP\n/);
    await lab.waitLog((l) => l.ident === 'Keepalived_vrrp' && l.msg === `Printing VRRP data for process(${vrrpPid}) on signal`);
    await lab.waitLog((l) => l.ident === 'Keepalived' && l.msg === `Printing parent data for process(${main.pid}) on signal`);
    process.kill(main.pid!, 'SIGUSR2');
    await waitFor(() => existsSync(lab.path('k.stats')), 10_000);
    assert.match(readFileSync(lab.path('k.stats'), 'utf8'), /^VRRP Instance: VI_1\n  Advertisements:\n    Received: \d+\n/);
    process.kill(main.pid!, 36);
    await waitFor(() => existsSync(lab.path('k.json')), 10_000);
    const json = JSON.parse(readFileSync(lab.path('k.json'), 'utf8')) as { data: { iname: string; state: number } }[];
    assert.equal(json[0].data.iname, 'VI_1');
    assert.equal(json[0].data.state, 1);
    await lab.waitLog((l) => l.msg === `Printing VRRP as json for process(${vrrpPid}) on signal`);
    // STATS_CLEAR: the stats are printed, then the counters start again from zero.
    const before = Number(/Received: (\d+)/.exec(readFileSync(lab.path('k.stats'), 'utf8'))![1]);
    process.kill(main.pid!, 63);
    await waitFor(() => lab.syslog().filter((l) => l.msg.startsWith('Printing VRRP stats')).length >= 2, 10_000);
    process.kill(main.pid!, 'SIGUSR2');
    await waitFor(() => lab.syslog().filter((l) => l.msg.startsWith('Printing VRRP stats')).length >= 3, 10_000);
    await new Promise((r) => setTimeout(r, 100));
    const after = Number(/Received: (\d+)/.exec(readFileSync(lab.path('k.stats'), 'utf8'))![1]);
    assert.ok(after < before + 2, `counters cleared (${before} -> ${after})`);
    assert.ok(alive(main.pid!), 'real-time signals did not kill the daemon');
  });

  it('HUP with a valid file: children get the new config, "Reload complete"', async () => {
    lab.writeConfig('k.conf', cfg(lab, ['VI_1', 'VI_2']));
    process.kill(main.pid!, 'SIGHUP');
    await lab.waitLog((l) => l.ident === 'Keepalived_vrrp' && l.msg === 'probe: vrrp stand-in reloaded with 2 instance(s)');
    await lab.waitLog((l) => l.ident === 'Keepalived' && l.msg === 'Reload complete');
    const lines = lab.syslog();
    assert.ok(lines.some((l) => l.ident === 'Keepalived' && l.msg === 'Reloading ...'));
    assert.ok(lines.some((l) => l.ident === 'Keepalived_vrrp' && l.pid === vrrpPid && l.msg === 'Reloading'));
    assert.ok(lines.some((l) => l.ident === 'Keepalived_healthcheckers' && l.pid === chkPid && l.msg === 'Reloading'));
    await waitFor(() => lab.notifications.slice(-2).join(',') === 'RELOADING=1,READY=1', 5000);
  });

  it('HUP with a broken file: an error line, no reload, the running config untouched', async () => {
    const n0 = lab.syslog().length;
    lab.writeConfig('k.conf', '{ "vrrpInstances": [ broken');
    process.kill(main.pid!, 'SIGHUP');
    const err = await lab.waitLog((l) => l.ident === 'Keepalived' && l.msg.startsWith('New config failed validation'));
    assert.equal(err.pri, 27, 'daemon.err');
    await new Promise((r) => setTimeout(r, 500));
    const since = lab.syslog().slice(n0);
    assert.ok(since.some((l) => l.msg.includes('invalid test config')), 'the reason is logged');
    assert.ok(!since.some((l) => l.msg === 'Reload complete' || l.msg === 'Reloading' || l.msg.includes('reloaded')));
    // The children still run the previous (valid) configuration.
    process.kill(main.pid!, 'SIGUSR1');
    await waitFor(() => lab.syslog().filter((l) => l.msg.startsWith('Printing VRRP data')).length >= 2, 10_000);
    await new Promise((r) => setTimeout(r, 100));
    assert.match(readFileSync(lab.path('k.data'), 'utf8'), /\n VRRP Instance = VI_2\n/);
    assert.ok(alive(vrrpPid) && alive(chkPid));
  });

  it('SIGKILL of the VRRP child: keepalived\'s lines, respawned with a new pid and pid file', async () => {
    process.kill(vrrpPid, 'SIGKILL');
    await lab.waitLog((l) => l.ident === 'Keepalived' && l.msg === `VRRP child process(${vrrpPid}) died: Respawning`);
    const lines = lab.syslog();
    assert.ok(lines.some((l) => l.msg === `pid ${vrrpPid} exited due to signal 9 (Killed) - has rlimit_rttime been exceeded?`));
    const start = await lab.waitLog((l) => l.ident === 'Keepalived' && /^Starting VRRP child process, pid=\d+$/.test(l.msg) && !l.msg.endsWith(`=${vrrpPid}`));
    const newPid = Number(start.msg.split('=')[1]);
    await lab.waitLog((l) => l.ident === 'Keepalived_vrrp' && l.pid === newPid && l.msg.startsWith('probe: vrrp stand-in started'));
    await waitFor(() => lab.pidFile('v.pid') === newPid, 5000);
    vrrpPid = newPid;
  });

  it('SIGTERM: children stop, stop lines, exit 0, pid files removed', async () => {
    process.kill(main.pid!, 'SIGTERM');
    assert.equal(await main.exited, 0);
    // rsyslogd writes the last lines after the exit is seen: wait for the parent's last one
    await lab.waitLog((l) => l.pid === main.pid && l.msg.startsWith('Stopped Keepalived'), 10_000);
    const lines = lab.syslog();
    const idx = (pred: (l: (typeof lines)[number]) => boolean) => lines.findIndex(pred);
    const stopping = idx((l) => l.ident === 'Keepalived' && l.msg === 'Stopping');
    assert.ok(stopping > 0);
    assert.ok(idx((l) => l.ident === 'Keepalived_vrrp' && l.pid === vrrpPid && /^Stopped - used \d+\.\d{6} user time, \d+\.\d{6} system time$/.test(l.msg)) > stopping);
    assert.ok(idx((l) => l.ident === 'Keepalived_healthcheckers' && /^Stopped - used /.test(l.msg)) > stopping);
    const cpu = idx((l) => l.ident === 'Keepalived' && /^CPU usage \(self\/children\) user: \d+\.\d{6}\/\d+\.\d{6} system: \d+\.\d{6}\/\d+\.\d{6}$/.test(l.msg));
    assert.ok(cpu > stopping);
    assert.equal(lines.at(-1)!.msg, 'Stopped Keepalived v2.2.7 (keepalived-ts 0.1.0)');
    for (const f of ['ka.pid', 'v.pid', 'c.pid']) assert.equal(existsSync(lab.path(f)), false, f);
    assert.ok(!alive(vrrpPid) && !alive(chkPid));
    assert.equal(lab.notifications.at(-1), 'STOPPING=1');
  });

  it('a child\'s permanent error stops everything (exit 1), with -S local3 as the facility', async () => {
    conf = lab.writeConfig('k.conf', cfg(lab, ['VI_1']));
    const n0 = lab.syslog().length;
    const run = lab.run(['-S', 'local3', ...base()], { KEEPALIVED_TS_PROBE_FATAL: 'checker:FATAL' });
    assert.equal(await run.exited, 1);
    await lab.waitLog((l) => l.pid === run.pid && l.msg.startsWith('Stopped Keepalived'), 10_000, n0);
    const lines = lab.syslog().slice(n0);
    const perm = lines.find((l) => /^pid \d+ exited with permanent error FATAL\. Terminating$/.test(l.msg));
    assert.ok(perm, 'permanent error line');
    assert.equal(perm.pri, 19 * 8 + 6, 'local3.info');
    assert.equal(lines.filter((l) => l.pid === run.pid).at(-1)!.msg, 'Stopped Keepalived v2.2.7 (keepalived-ts 0.1.0)');
    for (const f of ['ka.pid', 'v.pid', 'c.pid']) assert.equal(existsSync(lab.path(f)), false, f);
  });

  it('SIGKILL of the parent: the children notice and stop by themselves (no orphans)', async () => {
    const n0 = lab.syslog().length;
    const run = lab.run(base());
    const v = await lab.waitLog((l) => l.ident === 'Keepalived_vrrp' && l.msg.startsWith('probe: vrrp stand-in started'), 30_000, n0);
    const c = await lab.waitLog((l) => l.ident === 'Keepalived_healthcheckers' && l.msg.startsWith('probe: checker stand-in started'), 30_000, n0);
    process.kill(run.pid!, 'SIGKILL');
    await run.exited;
    await waitFor(() => !alive(v.pid) && !alive(c.pid), 15_000);
    // (rsyslogd may write their last lines after they are gone)
    await lab.waitLog((l) => l.pid === v.pid && l.msg === 'probe: vrrp stand-in stopping', 10_000, n0);
    await lab.waitLog((l) => l.pid === c.pid && /^Stopped - used /.test(l.msg), 10_000, n0);
    assert.equal(existsSync(lab.path('v.pid')), false);
    assert.equal(existsSync(lab.path('c.pid')), false);
  });

  it('with nothing to run it warns and keeps running until TERM, as keepalived does', async () => {
    const empty = lab.writeConfig('empty.conf', {});
    const run = lab.run(['-n', '-l', '-G', '-f', empty, '-p', lab.path('e.pid')]);
    await waitFor(() => run.stderr_text().includes('Warning - keepalived has no configuration to run'), 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(run.exitCode, null, 'still running');
    process.kill(run.pid!, 'SIGTERM');
    assert.equal(await run.exited, 0);
    assert.match(run.stderr_text(), /: Stopping\n[^]*: Stopped Keepalived v2\.2\.7 \(keepalived-ts 0\.1\.0\)\n$/);
  });

  it('without -n: the foreground process exits 0 and the daemon runs in its own session', async () => {
    const args = ['-D', '-f', conf, '-p', lab.path('d.pid'), '-r', lab.path('dv.pid'), '-c', lab.path('dc.pid'), '-P'];
    const n0 = lab.syslog().length;
    const fg = lab.run(args);
    assert.equal(await fg.exited, 0);
    const pid = await waitFor(() => lab.pidFile('d.pid'), 20_000);
    lab.track(pid);
    assert.notEqual(pid, fg.pid);
    const fields = statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    assert.equal(Number(fields[3]), pid, 'session leader (setsid)');
    await lab.waitLog((l) => l.ident === 'Keepalived' && l.pid === pid && l.msg === 'Startup complete', 30_000, n0);
    await lab.waitLog((l) => l.ident === 'Keepalived_vrrp' && l.msg.startsWith('probe: vrrp stand-in started'), 30_000, n0);
    process.kill(pid, 'SIGTERM');
    await waitFor(() => !alive(pid), 20_000);
    assert.equal(existsSync(lab.path('d.pid')), false);
  });
});
