// bin/keepalived with the real parser and the real VRRP subsystem, in a network namespace of our
// own (kd-*): a MASTER takes its VIP and runs notify_master, USR1/JSON dump the live state, a
// valid HUP reaches the VRRP child, a HUP with a broken file is
// refused without touching the VIP, TERM sends priority 0 and removes the VIP. Also checks that
// conf/keepalived.conf passes both keepalived 2.2.7's and our `-t`.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRoot, OwnedNetns, sh, waitFor } from '../../helpers/netns.js';
import { BIN } from './harness.js';

const netns = new OwnedNetns('kd-real');
const NS = netns.name;
const CONF_SAMPLE = fileURLToPath(new URL('../../../conf/keepalived.conf', import.meta.url));

const VRRP_CONF = `global_defs {
  router_id kd_real
}
vrrp_instance VI_1 {
  state MASTER
  interface eth0
  virtual_router_id 51
  priority 150
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass s3cret
  }
  virtual_ipaddress {
    10.199.0.100/24
  }
  notify_master "/bin/sh -c 'echo master > @DIR@/notified'"
}
`;

function nsUp(): void {
  netns.make();
  const x = (...a: string[]) => sh('ip', ['-n', NS, ...a]);
  x('link', 'set', 'lo', 'up');
  x('link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1');
  x('link', 'set', 'eth0', 'up');
  x('link', 'set', 'eth1', 'up');
  x('addr', 'add', '10.199.0.1/24', 'dev', 'eth0');
}

const hasVip = () => sh('ip', ['-n', NS, '-4', 'addr', 'show', 'dev', 'eth0']).includes('10.199.0.100/24');

describe('daemon (integration): real parser + VRRP subsystem in a namespace', function () {
  this.timeout(120_000);
  let dir: string;
  let pid: number | undefined;

  before(function () {
    if (!isRoot()) this.skip();
    if (!existsSync(fileURLToPath(new URL('../../../src/vrrp/index.ts', import.meta.url)))) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'kd-real-'));
    nsUp();
  });
  after(() => {
    if (pid) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    // Anything of ours still inside the namespace is ended by PID before it is deleted.
    netns.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Starts bin/keepalived in the namespace on `conf` (-n -l -G and extraArgs; its pid files are
   * named after the config file) and waits for its pid file. stop() sends TERM and expects exit 0.
   */
  async function startDaemon(conf: string, extraArgs: string[] = []): Promise<{ pid: number; err: () => string;
      stop: () => Promise<void> }> {
    const base = join(dir, basename(conf, '.conf'));
    let err = '';
    const cp = spawn('ip', ['netns', 'exec', NS, process.execPath, '--expose-internals', BIN, '-n', '-l', '-G', ...extraArgs, '-f', conf,
      '-p', `${base}-ka.pid`, '-r', `${base}-v.pid`, '-c', `${base}-c.pid`],
    { env: { ...process.env, KEEPALIVED_TS_TMP_DIR: dir }, stdio: ['ignore', 'ignore', 'pipe'] });
    cp.stderr!.on('data', (d) => { err += d; });
    const exited = new Promise<number | null>((r) => cp.on('exit', (c) => r(c)));
    const started = await waitFor(() => { try { return Number(readFileSync(`${base}-ka.pid`, 'utf8')); } catch { return undefined; } }, 30_000);
    pid = started;
    return {
      pid: started,
      err: () => err,
      stop: async () => {
        process.kill(started, 'SIGTERM');
        assert.equal(await exited, 0);
        pid = undefined;
      },
    };
  }

  it('MASTER with VIP, live dumps, broken reload refused, TERM releases the VIP', async () => {
    const conf = join(dir, 'k.conf');
    writeFileSync(conf, VRRP_CONF.replace('@DIR@', dir));
    const d = await startDaemon(conf, ['-D']);
    await waitFor(() => d.err().includes('(VI_1) Entering MASTER STATE') && hasVip(), 40_000, 100);
    // The notify subsystem runs in the VRRP child: notify_master ran.
    await waitFor(() => existsSync(join(dir, 'notified')), 10_000);
    assert.equal(readFileSync(join(dir, 'notified'), 'utf8'), 'master\n');
    process.kill(d.pid, 'SIGUSR1');
    process.kill(d.pid, 36);
    await waitFor(() => existsSync(join(dir, 'keepalived.data')) && existsSync(join(dir, 'keepalived.json')), 10_000);
    await new Promise((r) => setTimeout(r, 200));
    assert.match(readFileSync(join(dir, 'keepalived.data'), 'utf8'), /\n VRRP Instance = VI_1\n   VRRP Version = 2\n   State = MASTER\n/);
    const j = JSON.parse(readFileSync(join(dir, 'keepalived.json'), 'utf8')) as { data: { state: number; vips: string[] }; stats: { advert_sent: number } }[];
    assert.equal(j[0].data.state, 2);
    assert.deepEqual(j[0].data.vips, ['10.199.0.100/24 dev eth0 scope global set']);
    assert.ok(j[0].stats.advert_sent >= 1);
    // A valid edit (priority 150 -> 200) is applied by the running VRRP child.
    writeFileSync(conf, VRRP_CONF.replace('@DIR@', dir).replace('priority 150', 'priority 200'));
    process.kill(d.pid, 'SIGHUP');
    await waitFor(() => d.err().includes(': Reload complete\n'), 20_000, 100);
    rmSync(join(dir, 'keepalived.data'), { force: true });
    process.kill(d.pid, 'SIGUSR1');
    await waitFor(() => existsSync(join(dir, 'keepalived.data')), 10_000);
    await new Promise((r) => setTimeout(r, 200));
    assert.match(readFileSync(join(dir, 'keepalived.data'), 'utf8'), /\n   Priority = 200\n/);
    // (The VRRP runtime re-initialises an instance whose parameters changed; it is MASTER again soon.)
    await waitFor(() => hasVip(), 20_000, 100);
    // A broken file (missing '}') is refused; the VIP stays.
    const completes = () => d.err().split(': Reload complete\n').length - 1;
    assert.equal(completes(), 1);
    writeFileSync(conf, VRRP_CONF.replace('@DIR@', dir).replace(/}\n$/, ''));
    process.kill(d.pid, 'SIGHUP');
    await waitFor(() => /New config failed validation/.test(d.err()), 20_000, 100);
    assert.match(d.err(), /There are 1 missing '}'s or extra '{'s/);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(completes(), 1, 'no second "Reload complete"');
    assert.ok(hasVip());
    await d.stop();
    assert.match(d.err(), /: Stopping\n/);
    assert.match(d.err(), /\(VI_1\) sent 0 priority\n/);
    assert.match(d.err(), /: Stopped Keepalived v2\.2\.7 \(keepalived-ts 0\.1\.0\)\n$/);
    assert.equal(hasVip(), false);
  });

  it('-V (--dont-release-vrrp): TERM sends no priority 0 and leaves the VIP in place (as 2.2.7, test/integration/vrrp/dont-release.test.ts)', async () => {
    const conf = join(dir, 'keep.conf');
    writeFileSync(conf, VRRP_CONF.replace('@DIR@', dir));
    const d = await startDaemon(conf, ['-D', '-V']);
    await waitFor(() => d.err().includes('(VI_1) Entering MASTER STATE') && hasVip(), 40_000, 100);
    await d.stop();
    assert.doesNotMatch(d.err(), /\(VI_1\) sent 0 priority\n/);
    assert.equal(hasVip(), true, 'the VIP stays with -V');
    sh('ip', ['-n', NS, 'addr', 'del', '10.199.0.100/24', 'dev', 'eth0']);
  });

  it('checker child: a failing TCP_CHECK is logged by Keepalived_healthcheckers and runs notify_down', async () => {
    const conf = join(dir, 'chk.conf');
    writeFileSync(conf, `global_defs {
  router_id kd_chk
}
virtual_server 10.199.0.1 80 {
  delay_loop 2
  lb_algo rr
  lb_kind DR
  protocol TCP
  real_server 10.199.0.1 80 {
    notify_down "/bin/sh -c 'echo down > ${dir}/rs-down'"
    TCP_CHECK {
      connect_timeout 1
      retry 0
    }
  }
}
`);
    const d = await startDaemon(conf);
    await waitFor(() => existsSync(join(dir, 'rs-down')), 40_000, 100);
    assert.match(d.err(), /: Starting Healthcheck child process, pid=\d+\n/);
    assert.doesNotMatch(d.err(), /Starting VRRP child process/);
    assert.match(d.err(), /: TCP_CHECK on service \[10\.199\.0\.1\]:tcp:80 failed\.\n/);
    assert.match(d.err(), /: Removing service \[10\.199\.0\.1\]:tcp:80 from VS \[10\.199\.0\.1\]:tcp:80\n/);
    await d.stop();
  });

  it('conf/keepalived.conf passes `-t` of keepalived 2.2.7 and of ours (namespace with eth0 and eth1)', function () {
    if (!existsSync('/usr/sbin/keepalived')) this.skip();
    const ref = spawnSync('ip', ['netns', 'exec', NS, '/usr/sbin/keepalived', '-t', '-f', CONF_SAMPLE], { encoding: 'utf8' });
    assert.equal(ref.status, 0, ref.stderr);
    const ours = spawnSync('ip', ['netns', 'exec', NS, process.execPath, '--expose-internals', BIN, '-t', '-f', CONF_SAMPLE], { encoding: 'utf8' });
    assert.equal(ours.stderr, ref.stderr);
    assert.equal(ours.status, 0);
  });
});
