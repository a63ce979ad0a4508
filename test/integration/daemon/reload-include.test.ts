// A reload after an include lost its file, as keepalived 2.2.7 does it (recorded:
// test/unit/daemon/data/reload-include-2.2.7.md): the instances defined there stop and their VIPs
// go; ours also logs a warning naming the include, the file and what was removed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot, OwnedNetns, sh, waitFor } from '../../helpers/netns.js';
import { BIN, vethNamespace } from './harness.js';

const netns = new OwnedNetns('kd-rinc');
const NS = netns.name;
const vi = (name: string, vrid: number) => `vrrp_instance ${name} {
  state MASTER
  interface eth0
  virtual_router_id ${vrid}
  priority 200
  advert_int 1
  virtual_ipaddress {
    10.194.0.${vrid}/24
  }
}
`;

describe('daemon (integration): reload after an include lost its file', function () {
  this.timeout(60_000);
  let dir: string;
  let pid: number | undefined;

  before(function () {
    if (!isRoot()) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'kd-rinc-'));
    mkdirSync(join(dir, 'inc'));
    vethNamespace(netns, '10.194.0.1/24');
  });
  after(() => {
    if (pid) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    netns.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the instances go with their VIPs, and a warning says which include and what', async () => {
    const main = join(dir, 'main.conf');
    writeFileSync(main, `${vi('VI_11', 11)}include ${dir}/inc/vi12.conf\ninclude ${dir}/inc/more*.conf\n`);
    writeFileSync(join(dir, 'inc/vi12.conf'), vi('VI_12', 12));
    writeFileSync(join(dir, 'inc/more1.conf'), vi('VI_13', 13));
    let log = '';
    const cp = spawn('ip', ['netns', 'exec', NS, process.execPath, '--expose-internals', BIN, '-n', '-l', '-G', '-f', main,
      '-p', join(dir, 'k.pid'), '-r', join(dir, 'v.pid'), '-c', join(dir, 'c.pid')], { stdio: ['ignore', 'ignore', 'pipe'] });
    pid = cp.pid;
    cp.stderr!.on('data', (d) => { log += d; });
    const exited = new Promise<number | null>((r) => cp.on('exit', (c) => r(c)));
    const vips = () => sh('ip', ['-n', NS, '-4', '-o', 'addr', 'show', 'dev', 'eth0']).match(/10\.194\.0\.\d+\/24/g)!.sort();
    await waitFor(() => vips().length === 4, 20_000, 50);
    renameSync(join(dir, 'inc/vi12.conf'), join(dir, 'inc/vi12.off'));
    renameSync(join(dir, 'inc/more1.conf'), join(dir, 'inc/more1.off'));
    const from = log.length;
    process.kill(cp.pid!, 'SIGHUP');
    await waitFor(() => /Reload complete/.test(log.slice(from)), 20_000, 50);
    await waitFor(() => vips().length === 2, 10_000, 50);
    assert.deepEqual(vips(), ['10.194.0.1/24', '10.194.0.11/24']);
    const lines = log.slice(from).split('\n').map((l) => l.replace(/^.*?: (?=WARNING|\(Line)/, ''));
    assert.ok(lines.includes(`(Line 11) Config files missing '${dir}/inc/vi12.conf'.`), log.slice(from));
    assert.ok(lines.includes(`WARNING - reload: include '${dir}/inc/vi12.conf' (${main}:11) no longer reads '${dir}/inc/vi12.conf' (missing file, or the pattern matches nothing) - removed: vrrp_instance VI_12 (VIPs 10.194.0.12/24 dropped)`), log.slice(from));
    assert.ok(lines.includes(`WARNING - reload: include '${dir}/inc/more*.conf' (${main}:12) no longer reads '${dir}/inc/more1.conf' (missing file, or the pattern matches nothing) - removed: vrrp_instance VI_13 (VIPs 10.194.0.13/24 dropped)`), log.slice(from));
    process.kill(cp.pid!, 'SIGTERM');
    assert.equal(await exited, 0);
  });
});
