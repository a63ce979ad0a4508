// startup_script and shutdown_script as keepalived 2.2.7 runs them (recorded:
// test/unit/daemon/data/start-stop-script-2.2.7.md): bin/keepalived -D in a namespace of our own;
// the children start only after the startup script ended (here by its timeout), the shutdown script
// runs after the children stopped, with 2.2.7's lines; and a failing startup script's status.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot, OwnedNetns, waitFor } from '../../helpers/netns.js';
import { BIN, vethNamespace } from './harness.js';

const netns = new OwnedNetns('kd-sss');
const NS = netns.name;

const conf = (globals: string) => `global_defs {
  router_id kd_sss
${globals}
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 81
  priority 100
  advert_int 1
  virtual_ipaddress {
    10.195.0.100/24
  }
}
`;

describe('daemon (integration): startup_script and shutdown_script', function () {
  this.timeout(60_000);
  let dir: string;
  const pids: number[] = [];

  before(function () {
    if (!isRoot()) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'kd-sss-'));
    vethNamespace(netns, '10.195.0.1/24');
  });
  after(() => {
    for (const p of pids) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
    netns.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function run(cfgText: string, untilLine: RegExp): Promise<string> {
    const cfg = join(dir, 'ka.conf');
    writeFileSync(cfg, cfgText);
    let log = '';
    const cp = spawn('ip', ['netns', 'exec', NS, process.execPath, '--expose-internals', BIN, '-n', '-l', '-G', '-D', '-f', cfg,
      '-p', join(dir, 'k.pid'), '-r', join(dir, 'v.pid'), '-c', join(dir, 'c.pid')], { stdio: ['ignore', 'ignore', 'pipe'] });
    pids.push(cp.pid!);
    cp.stderr!.on('data', (d) => { log += d; });
    const exited = new Promise<number | null>((r) => cp.on('exit', (c) => r(c)));
    await waitFor(() => untilLine.test(log), 20_000, 50);
    process.kill(cp.pid!, 'SIGTERM');
    assert.equal(await exited, 0);
    return log;
  }

  it('children after the startup script (ended by its timeout), shutdown script after them', async () => {
    const out = join(dir, 'out');
    const log = await run(conf(`  startup_script "/bin/sh -c 'echo start >> ${out}; sleep 3; exit 3'"
  startup_script_timeout 1
  shutdown_script "/bin/sh -c 'echo stop >> ${out}; exit 0'"`), /Entering BACKUP STATE/);
    const lines = log.split('\n');
    const at = (re: RegExp) => { const i = lines.findIndex((l) => re.test(l)); assert.ok(i >= 0, `no line ${re}:\n${log}`); return i; };
    assert.ok(at(/SECURITY VIOLATION - start\/shutdown scripts are being executed but script_security not enabled\./) < at(/Running startup script \/usr\/bin\/sh$/));
    assert.ok(at(/Running startup script \/usr\/bin\/sh$/) < at(/startup script timed out$/));
    assert.ok(at(/startup script timed out$/) < at(/Starting VRRP child process/));
    assert.ok(at(/Stopped - used/) < at(/Running shutdown script \/usr\/bin\/sh$/));
    assert.ok(at(/Running shutdown script/) < at(/shutdown script script succeeded$/));
    assert.ok(at(/shutdown script script succeeded$/) < at(/Stopped Keepalived/));
    assert.equal(readFileSync(out, 'utf8'), 'start\nstop\n');
  });

  it('a startup script that fails: its status logged, then the children start', async () => {
    const log = await run(conf(`  startup_script "/bin/sh -c 'exit 3'"`), /Entering BACKUP STATE/);
    assert.match(log, /startup script script failed, status 3\n(.*\n)*.*Starting VRRP child process/);
    assert.equal(existsSync(join(dir, 'k.pid')), false);
  });
});
