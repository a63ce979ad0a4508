// spawn-as on real processes: what the child runs as (credentials, supplementary groups, process
// group, parent-death signal, umask, fds) -- the parts that need root are skipped without it --,
// exec and credential failures as values, and the timeout that ends the whole process group.
import { strict as assert } from 'node:assert';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSpawnError, runAs, spawnAs } from '../../../src/host/spawn-as.js';
import { realProcessSys } from '../../../src/daemon/process/sys.js';
import { makeTempDir, removeTempDir } from '../../helpers/tmpdir.js';

const self = { uid: process.getuid!(), gid: process.getgid!() };

describe('host/spawn-as', function () {
  this.timeout(20000);
  let dir = '';
  before(() => { dir = makeTempDir('kspawn', { mode: 0o777 }); });
  after(() => removeTempDir(dir));

  // Reads its own /proc status: uid/gid/groups, pgrp == pid, PR_GET_PDEATHSIG (python, since a
  // shell cannot ask prctl), umask, fds 0-2.
  const probe = (out: string): string[] => ['/usr/bin/python3', '-c', [
    'import ctypes, os',
    's = ctypes.c_int(); ctypes.CDLL(None).prctl(2, ctypes.byref(s))',
    'st = dict(l.split(":\\t", 1) for l in open("/proc/self/status").read().splitlines() if ":\\t" in l)',
    'um = os.umask(0)',
    'stat = open("/proc/self/stat").read().rsplit(")", 1)[1].split()',
    `open(${JSON.stringify(out)}, "w").write("|".join([str(os.getuid()), str(os.getgid()), st["Groups"].strip(), "%04o" % um, str(int(stat[2]) == os.getpid()), str(s.value), ",".join(os.readlink("/proc/self/fd/%d" % i) for i in range(3))]))`,
  ].join('\n')];

  // the script gets the daemon's umask: 0177 by default, -u MASK's otherwise (2.2.7,
  // test/integration/vrrp/script-umask.test.ts)
  for (const mask of [0o177, 0o027]) {
    it(`runs as uid/gid with supplementary groups [gid], own process group, SIGTERM on parent death, the daemon's umask (${mask.toString(8)}), /dev/null on 0-2 (root only)`, async function () {
      if (self.uid !== 0) this.skip();
      const out = join(dir, 'probe.out');
      const before = process.umask(mask);
      try {
        const r = await runAs(probe(out), { uid: 65534, gid: 4242 }, { timeoutMs: 10000, killGraceMs: 1000 });
        assert.deepEqual([r.code, r.error], [0, undefined]);
      } finally { process.umask(before); }
      assert.equal(readFileSync(out, 'utf8'), `65534|4242|4242|${mask.toString(8).padStart(4, '0')}|True|15|/dev/null,/dev/null,/dev/null`);
    });
  }

  it('the daemon\'s own identity keeps its ids (groups [gid] when root)', async () => {
    const out = join(dir, 'self.out');
    const r = await runAs(probe(out), self, { timeoutMs: 10000, killGraceMs: 1000, umask: 0o022 });
    assert.equal(r.code, 0);
    const [uid, gid, groups, umask, leader, pdeath] = readFileSync(out, 'utf8').split('|');
    assert.deepEqual([uid, gid, umask, leader, pdeath], [String(self.uid), String(self.gid), '0022', 'True', '15']);
    if (self.uid === 0) assert.equal(groups, String(self.gid));
  });

  it('scripts start with the descriptor limit the daemon started with while its own is raised (file-limit.ts)', async () => {
    const out = join(dir, 'nofile.out');
    const sys = realProcessSys();
    const [cur, max] = sys.getNofileLimit();
    const sh = ['/bin/sh', '-c', `echo "$(ulimit -Sn):$(ulimit -Hn)" > ${out}`];
    try {
      sys.setScriptNofileLimit([64, 128]);
      assert.equal((await runAs(sh, self, { timeoutMs: 10000, killGraceMs: 1000 })).code, 0);
      assert.equal(readFileSync(out, 'utf8').trim(), '64:128');
    } finally { sys.setScriptNofileLimit(undefined); }
    assert.equal((await runAs(sh, self, { timeoutMs: 10000, killGraceMs: 1000 })).code, 0);
    assert.equal(readFileSync(out, 'utf8').trim(), `${cur}:${max}`);
  });

  it('exec failures are values with errno, not throws or exit statuses', () => {
    const r = spawnAs(['/nonexistent/x'], self);
    assert.ok(isSpawnError(r));
    assert.deepEqual([r.step, r.code], ['exec', 'ENOENT']);
    const f = join(dir, 'noexec');
    writeFileSync(f, '#!/bin/sh\n');
    chmodSync(f, 0o644);
    const r2 = spawnAs([f], { uid: 65534, gid: 65534 });
    assert.ok(isSpawnError(r2));
    assert.equal(r2.code, self.uid === 0 ? 'EACCES' : 'EPERM');
  });

  it('a timeout ends the whole process group (SIGTERM, then SIGKILL for one that ignores it)', async () => {
    const pidFile = join(dir, 'bg.pid');
    const t0 = Date.now();
    const r = await runAs(['/bin/sh', '-c', `sleep 30 & echo $! > ${pidFile}; wait`], self, { timeoutMs: 200, killGraceMs: 500 });
    assert.deepEqual([r.signal, r.timedOut], ['SIGTERM', true]);
    assert.ok(Date.now() - t0 < 2000);
    const bg = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((res) => setTimeout(res, 100));
    // Dead: gone, or a zombie waiting for whichever process reaps orphans here.
    let state = 'gone';
    try { state = readFileSync(`/proc/${bg}/stat`, 'utf8').split(') ').pop()!.slice(0, 1); } catch { /* gone */ }
    assert.ok(state === 'gone' || state === 'Z', `the background child of the script was killed with its group (state ${state})`);
    const r2 = await runAs(['/bin/sh', '-c', 'trap "" TERM; sleep 30'], self, { timeoutMs: 200, killGraceMs: 300 });
    assert.deepEqual([r2.signal, r2.timedOut], ['SIGKILL', true]);
    assert.ok(r2.durationMs >= 480 && r2.durationMs < 3000, `${r2.durationMs}`);
  });

  it('exit codes and signals of scripts that end on their own', async () => {
    assert.deepEqual((await runAs(['/bin/sh', '-c', 'exit 3'], self, { timeoutMs: 5000, killGraceMs: 100 })).code, 3);
    const r = await runAs(['/bin/sh', '-c', 'kill -USR1 $$'], self, { timeoutMs: 5000, killGraceMs: 100 });
    assert.deepEqual([r.code, r.signal, r.timedOut], [null, 'SIGUSR1', false]);
  });
});
