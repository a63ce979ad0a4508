// enable_script_security: check_script_secure's rules (table with a fake stat) and, on real files,
// the exact lines keepalived 2.2.7 logged for the same layout (recorded by running
// /usr/sbin/keepalived -n -l -D on these configs: see expected arrays below).
import { strict as assert } from 'node:assert';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkAllScripts, checkScriptSecurity, notifyScripts } from '../../../src/host/script-security.js';
import type { UserDb } from '../../../src/host/users.js';
import type { FileStat, HostError } from '../../../src/host/facts.js';
import { systemFiles, systemPathEnv } from '../../../src/host/system.js';
import { config, globalDefs, instance, script, virtualServer } from './fixtures.js';

type FakeNode = { uid: number; gid: number; mode: number; file?: boolean };
/** A ScriptHost whose stat() answers from the table (and $PATH as given). */
function fakeStat(fs: Record<string, FakeNode>, pathEnv = '/usr/bin') {
  const stat = (p: string): FileStat | HostError => {
    const n = fs[p];
    if (!n) return { errno: 2, code: 'ENOENT', text: 'No such file or directory' };
    return { uid: n.uid, gid: n.gid, mode: n.mode, kind: n.file ? 'file' : 'dir' };
  };
  return { files: { ...systemFiles, stat, lstat: stat }, pathEnv: () => pathEnv };
}
/** The real files, these users, and $PATH as given. */
const real = (users: UserDb, pathEnv?: string) => ({ users, files: systemFiles,
  pathEnv: pathEnv === undefined ? systemPathEnv : () => pathEnv });
const D = (mode: number, uid = 0, gid = 0): FakeNode => ({ uid, gid, mode });
const F = (mode: number, uid = 0, gid = 0): FakeNode => ({ uid, gid, mode, file: true });

describe('notify/script-security', () => {
  const root = { uid: 0, gid: 0 };
  const table: [string, Record<string, FakeNode>, { uid: number; gid: number }, string, string[]][] = [
    ['secure path', { '/': D(0o755), '/etc': D(0o755), '/etc/s.sh': F(0o755) }, root, 'ok', []],
    ['world-writable dir', { '/': D(0o755), '/w': D(0o777), '/w/s.sh': F(0o755) }, root, 'insecure', ["Unsafe permissions found for script '/w/s.sh' - disabling."]],
    ['sticky world-writable dir (/tmp) is fine', { '/': D(0o755), '/tmp': D(0o1777), '/tmp/s.sh': F(0o755) }, root, 'ok', []],
    ['group-writable file, non-root group', { '/': D(0o755), '/s.sh': F(0o775, 0, 100) }, root, 'insecure', ["Unsafe permissions found for script '/s.sh' - disabling."]],
    ['group-writable file, root group is fine', { '/': D(0o755), '/s.sh': F(0o775, 0, 0) }, root, 'ok', []],
    ['file owned by non-root', { '/': D(0o755), '/s.sh': F(0o755, 1000) }, root, 'insecure', ["Unsafe permissions found for script '/s.sh' - disabling."]],
    ['dir owned by non-root', { '/': D(0o755), '/home': D(0o755, 1000), '/home/s.sh': F(0o755) }, root, 'insecure', ["Unsafe permissions found for script '/home/s.sh' - disabling."]],
    ['non-root user: no protection needed', { '/': D(0o755), '/w': D(0o777), '/w/s.sh': F(0o755, 1000, 1000) }, { uid: 1000, gid: 1000 }, 'ok', []],
    ['missing', { '/': D(0o755) }, root, 'notfound', ['Script /x.sh cannot be accessed - No such file or directory']],
    ['not executable', { '/': D(0o755), '/n.sh': F(0o644) }, root, 'not-executable', ["WARNING - script '/n.sh' is not executable for uid:gid 0:0 - disabling."]],
  ];
  for (const [name, fs, ids, status, msgs] of table) {
    it(name, () => {
      const file = Object.keys(fs).find((k) => fs[k]!.file) ?? '/x.sh';
      const r = checkScriptSecurity(file, ids, fakeStat(fs), { enableScriptSecurity: true });
      assert.equal(r.status, status);
      assert.deepEqual(r.messages, msgs);
      assert.equal(r.disable, status !== 'ok');
    });
  }

  it('without enable_script_security an insecure script is reported but kept', () => {
    const fs = { '/': D(0o755), '/w': D(0o777), '/w/s.sh': F(0o755) };
    const r = checkScriptSecurity('/w/s.sh', root, fakeStat(fs), { enableScriptSecurity: false });
    assert.deepEqual([r.status, r.disable, r.messages], ['insecure', false, ["Unsafe permissions found for script '/w/s.sh'."]]);
  });

  it('bare names are searched in PATH', () => {
    const fs = { '/': D(0o755), '/usr': D(0o755), '/usr/bin': D(0o755), '/usr/bin/true': F(0o755) };
    const r = checkScriptSecurity('true', root, fakeStat(fs, '/nope:/usr/bin'), { enableScriptSecurity: true });
    assert.equal(r.status, 'ok');
    assert.deepEqual(r.messages, ['WARNING - script `true` resolved by path search to `/usr/bin/true`. Please specify full path.']);
    const r2 = checkScriptSecurity('a.sh', root, fakeStat(fs, '/usr/bin'), { enableScriptSecurity: true });
    assert.deepEqual([r2.status, r2.messages], ['notfound', ['Cannot find script a.sh in path - disabling']]);
  });

  describe('real files, same layout as the keepalived 2.2.7 run', function () {
    const isRoot = process.getuid?.() === 0;
    let dir = '';
    const db: UserDb = { user: (n) => (n === 'root' ? { uid: 0, gid: 0 } : n === 'nobody' ? { uid: 65534, gid: 65534 } : undefined), group: () => 0 };
    before(function () {
      if (!isRoot) this.skip();
      dir = mkdtempSync(join(tmpdir(), 'kn-sec-'));
      chmodSync(dir, 0o755);
      mkdirSync(join(dir, 'ww'), { mode: 0o777 }); chmodSync(join(dir, 'ww'), 0o777);
      mkdirSync(join(dir, 'ok'), { mode: 0o755 });
      const mk = (p: string, mode: number) => { writeFileSync(join(dir, p), '#!/bin/sh\nexit 0\n'); chmodSync(join(dir, p), mode); };
      mk('ww/n.sh', 0o755); mk('ok/noexec.sh', 0o644); mk('ok/ww.sh', 0o777); mk('ok/nob.sh', 0o755); mk('ok/a.sh', 0o755);
      chownSync(join(dir, 'ok/nob.sh'), 65534, 65534);
    });
    after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

    const cfgFor = (enable: boolean) => config({
      global: globalDefs({ enableScriptSecurity: enable, scriptUser: { user: 'root' } }),
      vrrpInstances: [instance('VI_1', {
        notifyMaster: script(`${dir}/ww/n.sh`, 'a', 'b'), notifyBackup: script(`${dir}/ok/noexec.sh`),
        notifyFault: script(`${dir}/ok/ww.sh`), notifyStop: script(`${dir}/ok/nob.sh`), notify: script('a.sh'),
      })],
    });
    // 2.2.7 printed (k2 = without, k3 = with enable_script_security), with its paths replaced by ${dir}:
    const expected = (enable: boolean) => [
      `WARNING - script '${dir}/ok/noexec.sh' is not executable for uid:gid 0:0 - disabling.`,
      `Unsafe permissions found for script '${dir}/ww/n.sh'${enable ? ' - disabling' : ''}.`,
      `Unsafe permissions found for script '${dir}/ok/ww.sh'${enable ? ' - disabling' : ''}.`,
      `Unsafe permissions found for script '${dir}/ok/nob.sh'${enable ? ' - disabling' : ''}.`,
      'Cannot find script a.sh in path - disabling',
      ...(enable ? [] : ['SECURITY VIOLATION - scripts are being executed but script_security not enabled. There are insecure scripts.']),
    ];
    for (const enable of [false, true]) {
      it(`enable_script_security ${enable ? 'on' : 'off'}: same lines as keepalived 2.2.7`, () => {
        const c = cfgFor(enable);
        const rep = checkAllScripts(notifyScripts(c), c, real(db, '/nonexistent-kn'));
        assert.deepEqual(rep.messages, expected(enable));
        assert.equal(rep.securityViolation, !enable);
        assert.equal(rep.disabled.size, enable ? 5 : 2);
      });
    }

    it('secure root scripts without script security: SECURITY VIOLATION (no "insecure" suffix)', () => {
      const c = config({ global: globalDefs({ scriptUser: { user: 'root' } }), vrrpInstances: [instance('V', { notifyMaster: script(`${dir}/ok/a.sh`) })] });
      const rep = checkAllScripts(notifyScripts(c), c, real(db));
      assert.deepEqual(rep.messages, ['SECURITY VIOLATION - scripts are being executed but script_security not enabled.']);
    });
  });
});

describe('notify/script-security default user', () => {
  it('no script_user and no keepalived_script user: logged once, scripts run as root (2.2.7 text)', () => {
    const db: UserDb = { user: (n) => (n === 'root' ? { uid: 0, gid: 0 } : undefined), group: () => 0 };
    const c = config({ vrrpInstances: [instance('V', { notifyMaster: script('/bin/sh'), notifyBackup: script('/bin/sh') })] });
    const rep = checkAllScripts(notifyScripts(c), c, real(db));
    assert.deepEqual(rep.messages, [
      "Script user 'keepalived_script' does not exist",
      'SECURITY VIOLATION - scripts are being executed but script_security not enabled.',
    ]);
  });
  // 2.2.7 logs the violation for every script it could stat, whichever user runs it (measured:
  // keepalived_script and script_user runs both log it; test/integration/host/script-user.test.ts).
  it('keepalived_script exists: scripts run as it, and the SECURITY VIOLATION line is still logged', () => {
    const db: UserDb = { user: (n) => (n === 'keepalived_script' ? { uid: 990, gid: 990 } : undefined), group: () => undefined };
    const c = config({ vrrpInstances: [instance('V', { notifyMaster: script('/bin/sh') })] });
    const rep = checkAllScripts(notifyScripts(c), c, real(db));
    assert.deepEqual(rep.messages, ['SECURITY VIOLATION - scripts are being executed but script_security not enabled.']);
    assert.equal(rep.securityViolation, true);
    assert.equal(rep.disabled.size, 0);
  });
  it("a script's own unknown user/group, or a failed script_user: 2.2.7's lines, the script is dropped", () => {
    const db: UserDb = { user: (n) => (n === 'u' ? { uid: 10, gid: 10 } : undefined), group: (n) => (n === 'g' ? 20 : undefined) };
    const own = { ...script('/bin/sh'), user: 'u', group: 'nog' };
    const quorum = script('/bin/sh');
    const c = config({ global: globalDefs({ scriptUser: { user: 'u:g' } }), vrrpInstances: [instance('V', { notifyBackup: own, notifyMaster: script('/bin/true') })] });
    c.virtualServers = [virtualServer('10.0.0.1', 80, [], { quorumUp: quorum })];
    const rep = checkAllScripts([own, c.vrrpInstances[0]!.notifyMaster!, quorum], c, real(db));
    assert.deepEqual(rep.messages, [
      "Script group 'nog' does not exist",
      'Invalid user/group for notify script /bin/sh - ignoring',
      "Script user 'u:g' does not exist",
      'Failed to set default user for notify script /bin/true - ignoring',
      'Failed to set default user for quorum script /bin/sh - ignoring',
    ]);
    assert.equal(rep.disabled.size, 3);
    assert.equal(rep.securityViolation, false);
  });
});
