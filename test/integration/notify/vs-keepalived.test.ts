// Differential test against the real keepalived 2.2.7 (root + /usr/sbin/keepalived; skipped
// otherwise): keepalived runs alone in a namespace with a sync group, notify scripts and both VRRP
// FIFOs, goes BACKUP(init) -> MASTER, then SIGTERM (STOP). We feed our notifier the same
// transitions and compare the FIFO bytes exactly and the script argv lists (as multisets, since
// keepalived forks notify scripts concurrently and their order is racy).
import { strict as assert } from 'node:assert';
import { existsSync, chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetnsLab, isRoot } from '../../helpers/netns.js';
import { memoryLogger } from '../../../src/common/log.js';
import { createNotifier } from '../../../src/notify/index.js';
import { config, globalDefs, group, instance, script } from '../../unit/notify/fixtures.js';

const KA = '/usr/sbin/keepalived';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('notify vs keepalived 2.2.7 (FIFO bytes, script argv)', function () {
  this.timeout(60000);
  let lab: NetnsLab | undefined;
  let dir = '';
  const readers: ChildProcess[] = [];
  before(function () {
    if (!isRoot() || !existsSync(KA)) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'kn-diff-'));
    chmodSync(dir, 0o755);
  });
  after(() => {
    for (const r of readers) if (r.exitCode === null && r.pid) { try { process.kill(r.pid, 'SIGKILL'); } catch { /* gone */ } }
    lab?.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const files = (tag: string) => ({ nf: join(dir, `${tag}-notify.fifo`), vf: join(dir, `${tag}-vrrp.fifo`), log: join(dir, `${tag}-scripts.log`), rec: join(dir, `${tag}-rec.sh`) });
  const writeRec = (f: ReturnType<typeof files>) => {
    writeFileSync(f.rec, `#!/bin/sh\nline=$(printf '%s\\037' "$@")\nprintf '%s\\n' "$line" >> "${f.log}"\n`);
    chmodSync(f.rec, 0o755);
  };
  const startReader = (path: string, out: string) => {
    const r = spawn('sh', ['-c', `exec cat "${path}" > "${out}"`], { stdio: 'ignore' });
    readers.push(r);
    return r;
  };
  const runsOf = (log: string) => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\x1f').slice(0, -1).join(' | ')).sort() : []);

  it('same FIFO bytes and the same script invocations for BACKUP(init) -> MASTER -> STOP', async () => {
    // --- keepalived ---
    const k = files('ka');
    writeRec(k);
    writeFileSync(join(dir, 'k.conf'), `global_defs {
    router_id lab_r1
    script_user root
    enable_script_security
    notify_fifo ${k.nf}
    vrrp_notify_fifo ${k.vf}
}
vrrp_sync_group G1 {
    group {
        VI_1
    }
    notify "${k.rec} ggeneric"
    notify_master "${k.rec} gmaster"
}
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    virtual_ipaddress {
        10.198.9.100/24
    }
    notify_master "${k.rec} master 'a b'"
    notify_backup "${k.rec} backup"
    notify_stop "${k.rec} stop"
    notify "${k.rec} generic \\"q x\\""
}
`);
    lab = new NetnsLab('kn').up();
    const h = lab.addHost('r1', { addr4: '10.198.9.1/24' });
    const ka = lab.spawn(h.ns, KA, ['-n', '-l', '-D', '-G', '-f', join(dir, 'k.conf'), '-p', join(dir, 'p1'), '-r', join(dir, 'p2'), '-c', join(dir, 'p3')]);
    let kaLog = '';
    ka.stderr!.on('data', (d) => { kaLog += d; });
    ka.stdout!.on('data', (d) => { kaLog += d; });
    const end = Date.now() + 5000;
    while (!(existsSync(k.nf) && existsSync(k.vf)) && Date.now() < end) await sleep(10);
    const kOut = { n: join(dir, 'ka-n.out'), v: join(dir, 'ka-v.out') };
    startReader(k.nf, kOut.n); startReader(k.vf, kOut.v);
    const end2 = Date.now() + 10000;
    while (!kaLog.includes('Entering MASTER STATE') && Date.now() < end2) await sleep(50);
    assert.ok(kaLog.includes('Entering MASTER STATE'), kaLog);
    await sleep(500);
    process.kill(ka.pid!, 'SIGTERM');
    await new Promise((r) => ka.once('exit', r));
    await sleep(300);
    assert.equal(existsSync(k.nf), false, 'keepalived removes its FIFOs');

    // --- ours, same transitions ---
    const o = files('ours');
    writeRec(o);
    const cfg = config({
      global: globalDefs({ enableScriptSecurity: true, scriptUser: { user: 'root' }, notifyFifo: { path: o.nf }, vrrpNotifyFifo: { path: o.vf } }),
      vrrpSyncGroups: [group('G1', ['VI_1'], { notify: script(o.rec, 'ggeneric'), notifyMaster: script(o.rec, 'gmaster') })],
      vrrpInstances: [instance('VI_1', {
        state: 'MASTER', priority: 150, notifyMaster: script(o.rec, 'master', 'a b'), notifyBackup: script(o.rec, 'backup'),
        notifyStop: script(o.rec, 'stop'), notify: script(o.rec, 'generic', 'q x'),
      })],
    });
    const n = createNotifier(cfg, { logger: memoryLogger() });
    const oOut = { n: join(dir, 'ours-n.out'), v: join(dir, 'ours-v.out') };
    const rn = startReader(o.nf, oOut.n), rv = startReader(o.vf, oOut.v);
    n.vrrpEvent({ kind: 'GROUP', name: 'G1', state: 'BACKUP', priority: 0 });
    n.vrrpEvent({ kind: 'INSTANCE', name: 'VI_1', state: 'BACKUP', priority: 150 });
    n.vrrpEvent({ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER', priority: 150 });
    n.vrrpEvent({ kind: 'GROUP', name: 'G1', state: 'MASTER', priority: 0 });
    n.vrrpEvent({ kind: 'INSTANCE', name: 'VI_1', state: 'STOP', priority: 150 });
    n.vrrpEvent({ kind: 'GROUP', name: 'G1', state: 'STOP', priority: 0 });
    await n.stop();
    await Promise.race([Promise.all([new Promise((r) => rn.once('exit', r)), new Promise((r) => rv.once('exit', r))]), sleep(2000)]);

    const kaN = readFileSync(kOut.n), kaV = readFileSync(kOut.v);
    assert.equal(kaN.toString('latin1'), 'GROUP "G1" BACKUP 0\nINSTANCE "VI_1" BACKUP 150\nINSTANCE "VI_1" MASTER 150\nGROUP "G1" MASTER 0\nINSTANCE "VI_1" STOP 150\nGROUP "G1" STOP 0\n');
    assert.deepEqual(readFileSync(oOut.n), kaN, 'notify_fifo bytes');
    assert.deepEqual(readFileSync(oOut.v), kaV, 'vrrp_notify_fifo bytes');
    const strip = (runs: string[], rec: string) => runs.map((r) => r.replace(rec, 'REC'));
    assert.deepEqual(strip(runsOf(o.log), o.rec), strip(runsOf(k.log), k.rec), 'script invocations');
    assert.equal(runsOf(k.log).length, 10, runsOf(k.log).join('\n'));
  });
});
