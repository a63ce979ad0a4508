// The "Interfaces" section of the USR1 data dump, ours against keepalived 2.2.7's on the same
// namespace and config (fixtures/ka-2.2.7-ifs/ka.conf): lo down, a veth pair, secondary and
// second-subnet IPv4 addresses, a global IPv6 address, a MASTER's VIP, three instances tracking.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRoot, OwnedNetns, sh, waitFor } from '../../helpers/netns.js';
import { BIN } from './harness.js';

const netns = new OwnedNetns('kd-dif');
const NS = netns.name;
const CONF = fileURLToPath(new URL('../../unit/daemon/fixtures/ka-2.2.7-ifs/ka.conf', import.meta.url));

describe('daemon (integration): USR1 Interfaces section, ours vs keepalived 2.2.7', function () {
  this.timeout(60_000);
  let dir: string;
  const pids: number[] = [];

  before(async function () {
    if (!isRoot() || !existsSync('/usr/sbin/keepalived')) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'kd-dif-'));
    netns.make();
    const x = (...a: string[]) => sh('ip', ['-n', NS, ...a]);
    x('link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
    x('link', 'set', 'veth0', 'up');
    x('link', 'set', 'veth1', 'up');
    for (const a of ['10.99.0.1/24', '10.99.0.7/24', '10.98.0.1/24']) x('addr', 'add', a, 'dev', 'veth0');
    x('-6', 'addr', 'add', 'fd00::1/64', 'dev', 'veth0', 'nodad');
    // the kernel announces the carrier of a new veth up to a second later (linkwatch): 2.2.7 shows an
    // "rp_filter" line for an interface whose RTM_NEWLINK came after its start (ours does not: README),
    // so both start once the links have settled
    await waitFor(() => ['veth0', 'veth1'].every((n) => / state UP /.test(sh('ip', ['-n', NS, 'link', 'show', n]))), 10_000, 50);
  });
  after(() => {
    for (const p of pids) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
    netns.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `prog` on the config until VI_1 is MASTER, dumps with USR1, stops it; the Interfaces section. */
  async function section(prog: string[], tag: string): Promise<string> {
    const tmp = join(dir, tag);
    sh('mkdir', ['-p', tmp]);
    let log = '';
    const cp = spawn('ip', ['netns', 'exec', NS, 'env', `KEEPALIVED_TS_TMP_DIR=${tmp}`, `TMPDIR=${tmp}`, ...prog, '-n', '-l', '-f', CONF,
      '-p', join(tmp, 'k.pid'), '-r', join(tmp, 'v.pid'), '-c', join(tmp, 'c.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
    pids.push(cp.pid!);
    cp.stderr!.on('data', (d) => { log += d; });
    cp.stdout!.on('data', (d) => { log += d; });
    const exited = new Promise<number | null>((r) => cp.on('exit', (c) => r(c)));
    await waitFor(() => /\(VI_1\) Entering MASTER STATE/.test(log), 20_000, 50);
    // keepalived 2.2.7 writes its dumps in $TMPDIR, ours in $KEEPALIVED_TS_TMP_DIR: both a directory of this run
    const file = join(tmp, 'keepalived.data');
    process.kill(cp.pid!, 'SIGUSR1');
    // 2.2.7 writes the file in place: read it once it has stopped changing
    let last = '';
    const text = await waitFor(() => {
      const t = existsSync(file) ? readFileSync(file, 'utf8') : '';
      const done = t === last && t.includes('------< Interfaces >------');
      last = t;
      return done ? t : undefined;
    }, 10_000, 200);
    process.kill(cp.pid!, 'SIGTERM');
    await exited;
    // (up to our own Process resources section, which 2.2.7 does not have)
    return text.split('------< Interfaces >------\n')[1]!.split('------< Process resources (keepalived-ts) >------\n')[0]!;
  }

  it('the same interfaces, addresses, states and trackers', async () => {
    const theirs = await section(['/usr/sbin/keepalived'], 'ka');
    const ours = await section([process.execPath, '--expose-internals', BIN], 'ours');
    assert.equal(ours, theirs);
    assert.match(ours, / Name = veth0\n(.*\n)*   Additional IPv4 addresses :\n     10\.98\.0\.1\n     10\.99\.0\.7\n/);
  });
});
