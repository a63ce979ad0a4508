// Which user, group and supplementary groups a script gets from the configuration: keepalived
// 2.2.7's rules (lib/notify.c set_uid_gid / get_default_script_user), as measured with the real
// binary (test/integration/host/script-user.test.ts), on an in-memory user database.
import { strict as assert } from 'node:assert';
import { defaultScriptUser, lookupUser, scriptGroups, scriptIds, type UserDb } from '../../../src/host/users.js';
import { systemUserDb } from '../../../src/host/system.js';
import { withTempDir } from '../../helpers/tmpdir.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const db: UserDb = {
  user: (n) => ({ u: { uid: 1001, gid: 1001 }, v: { uid: 1002, gid: 1002 }, root: { uid: 0, gid: 0 },
    keepalived_script: { uid: 990, gid: 990 } } as Record<string, { uid: number; gid: number }>)[n],
  group: (n) => ({ a: 2001, b: 2002, root: 0 } as Record<string, number>)[n],
};
const noKs: UserDb = { user: (n) => (n === 'keepalived_script' ? undefined : db.user(n)), group: db.group };
const G = (over: { scriptUser?: { user: string; group?: string };
  enableScriptSecurity?: boolean } = {}) => ({ enableScriptSecurity: false, ...over });

describe('host/users: the user a script runs as', () => {
  type Row = { name: string; spec: { user?: string; group?: string }; global: ReturnType<typeof G>; db: UserDb;
    want: { uid: number; gid: number } | undefined };
  const table: Row[] = [
    { name: 'own user: its primary group', spec: { user: 'v' }, global: G({ scriptUser: { user: 'u' } }), db, want: { uid: 1002, gid: 1002 } },
    { name: 'own user and group: the group replaces the primary group', spec: { user: 'v', group: 'a' }, global: G(), db, want: { uid: 1002, gid: 2001 } },
    { name: 'no own user: script_user', spec: {}, global: G({ scriptUser: { user: 'u' } }), db, want: { uid: 1001, gid: 1001 } },
    { name: 'no own user: script_user U G', spec: {}, global: G({ scriptUser: { user: 'u', group: 'b' } }), db, want: { uid: 1001, gid: 2002 } },
    { name: 'no script_user: keepalived_script', spec: {}, global: G(), db, want: { uid: 990, gid: 990 } },
    { name: 'no script_user, no keepalived_script: root', spec: {}, global: G(), db: noKs, want: { uid: 0, gid: 0 } },
    { name: 'no keepalived_script with enable_script_security: fails', spec: {}, global: G({ enableScriptSecurity: true }), db: noKs, want: undefined },
    { name: 'script_user U:G is a user name (none such): fails, no fallback', spec: {}, global: G({ scriptUser: { user: 'u:b' } }), db, want: undefined },
    { name: 'numeric script_user is a name (getpwnam): fails', spec: {}, global: G({ scriptUser: { user: '1001' } }), db, want: undefined },
    { name: 'own group ":a" is a name: fails', spec: { user: 'u', group: ':a' }, global: G(), db, want: undefined },
    { name: 'own unknown user: fails even with a good script_user', spec: { user: 'nosuch' }, global: G({ scriptUser: { user: 'u' } }), db, want: undefined },
    { name: 'own user with a failed script_user: fine', spec: { user: 'v' }, global: G({ scriptUser: { user: 'nosuch' } }), db, want: { uid: 1002, gid: 1002 } },
  ];
  for (const c of table) {
    it(c.name, () => {
      const r = scriptIds(c.spec, c.global, c.db);
      assert.deepEqual(r && { uid: r.uid, gid: r.gid }, c.want);
    });
  }

  it('supplementary groups are exactly [gid] (setgroups(1, &gid)), never the user\'s other groups', () => {
    assert.deepEqual(scriptGroups({ gid: 2001 }), [2001]);
    assert.deepEqual(scriptGroups({ gid: 0 }), [0]);
  });

  it("2.2.7's lines for unknown users and groups, and for the default user", () => {
    assert.deepEqual(lookupUser({ user: 'x' }, db), { ok: false, message: "Script user 'x' does not exist" });
    assert.deepEqual(lookupUser({ user: 'u', group: 'y' }, db), { ok: false, message: "Script group 'y' does not exist" });
    assert.deepEqual(defaultScriptUser(G(), noKs), { ok: true, ids: { uid: 0, gid: 0, user: 'root' }, message: "Script user 'keepalived_script' does not exist" });
    assert.deepEqual(defaultScriptUser(G({ enableScriptSecurity: true }), noKs), { ok: false, messages: ["Script user 'keepalived_script' does not exist", 'Unable to set default user keepalived_script for script'] });
    assert.deepEqual(defaultScriptUser(G({ scriptUser: { user: 'u:b' } }), db), { ok: false, messages: ["Script user 'u:b' does not exist"] });
  });

  it('systemUserDb reads passwd and group files by name only', async () => {
    await withTempDir('kusers', (dir) => {
      writeFileSync(join(dir, 'passwd'), 'root:x:0:0::/root:/bin/sh\n# c\nksu:x:4501:4502::/:/bin/false\n');
      writeFileSync(join(dir, 'group'), 'root:x:0:\nksg:x:4511:ksu\n');
      const d = systemUserDb(join(dir, 'passwd'), join(dir, 'group'));
      assert.deepEqual([d.user('ksu'), d.user('4501'), d.group('ksg'), d.group('4511'), d.user('nosuch')], [{ uid: 4501, gid: 4502 }, undefined, 4511, undefined, undefined]);
    });
  });
});
