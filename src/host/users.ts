// Who a script runs as, by keepalived 2.2.7's rules (lib/notify.c set_uid_gid,
// get_default_script_user; measured with /usr/sbin/keepalived, see test/integration/host/
// script-user.test.ts):
//  - a name is looked up as a name only (getpwnam / getgrnam): `script_user 4501` and
//    `script_user u:g` are unknown users, `user u :g` an unknown group;
//  - the script's own `user U [G]` wins; G replaces U's primary group;
//  - else the global `script_user U [G]`; if that failed, every script without its own user fails;
//  - else `keepalived_script` if it exists, else the daemon's own uid/gid (root), with
//    "Script user 'keepalived_script' does not exist" logged once (with enable_script_security
//    the missing default user is a failure instead);
//  - the supplementary group list of the running script is exactly [gid] (setgroups(1, &gid)),
//    not the user's groups from /etc/group.
// The user database is a value (HostFacts.users): system.ts reads /etc/passwd and /etc/group (the
// `files` NSS source), tests give their own. This module does no I/O.
import type { GlobalDefs } from '../config/model.js';

/** The credentials a script runs with. */
export interface ScriptIds { uid: number; gid: number; user: string }

export interface UserDb {
  /** getpwnam(name): uid and primary gid, by name only. */
  user(name: string): { uid: number; gid: number } | undefined;
  /** getgrnam(name): gid, by name only. */
  group(name: string): number | undefined;
}

function table(text: string): string[][] {
  return text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
}

/** A user database from the text of passwd(5) and group(5) files. */
export function userDbFromText(passwd: string, group: string): UserDb {
  const pw = table(passwd);
  const gr = table(group);
  return {
    user(name) {
      const r = pw.find((f) => f[0] === name);
      return r ? { uid: Number(r[2]), gid: Number(r[3]) } : undefined;
    },
    group(name) {
      const r = gr.find((f) => f[0] === name);
      return r ? Number(r[2]) : undefined;
    },
  };
}

/** A `user [group]` pair as written in the configuration. */
export interface UserSpec { user: string; group?: string }

export type UserLookup = { ok: true; ids: ScriptIds } | { ok: false; message: string };

/** keepalived's set_uid_gid(): the user's uid and primary gid, the group replacing the gid. */
export function lookupUser(spec: UserSpec, db: UserDb): UserLookup {
  const u = db.user(spec.user);
  if (!u) return { ok: false, message: `Script user '${spec.user}' does not exist` };
  if (spec.group === undefined) return { ok: true, ids: { ...u, user: spec.user } };
  const g = db.group(spec.group);
  if (g === undefined) return { ok: false, message: `Script group '${spec.group}' does not exist` };
  return { ok: true, ids: { uid: u.uid, gid: g, user: spec.user } };
}

export const DEFAULT_SCRIPT_USER = 'keepalived_script';

export type DefaultUser =
  | { ok: true; ids: ScriptIds;
    /** Logged once: the default user does not exist, scripts run as the daemon. */ message?: string }
  | { ok: false; /** Lines keepalived logs when the default is first needed. */ messages: string[] };

/** keepalived's get_default_script_user(): global script_user, else keepalived_script, else the daemon's ids. */
export function defaultScriptUser(
  global: Pick<GlobalDefs, 'scriptUser' | 'enableScriptSecurity'>,
  db: UserDb,
  self: { uid: number; gid: number } = { uid: 0, gid: 0 },
): DefaultUser {
  if (global.scriptUser) {
    const r = lookupUser(global.scriptUser, db);
    return r.ok ? { ok: true, ids: r.ids } : { ok: false, messages: [r.message] };
  }
  const r = lookupUser({ user: DEFAULT_SCRIPT_USER }, db);
  if (r.ok) return { ok: true, ids: r.ids };
  if (global.enableScriptSecurity) return { ok: false, messages: [r.message, `Unable to set default user ${DEFAULT_SCRIPT_USER} for script`] };
  return { ok: true, ids: { ...self, user: self.uid === 0 ? 'root' : String(self.uid) }, message: r.message };
}

/**
 * uid/gid a script runs as: its own `user [group]`, else the default script user. Undefined when
 * its user/group (or, without one, the default user) cannot be resolved: keepalived drops it.
 */
export function scriptIds(
  spec: { user?: string; group?: string },
  global: Pick<GlobalDefs, 'scriptUser' | 'enableScriptSecurity'>,
  db: UserDb,
): ScriptIds | undefined {
  if (spec.user !== undefined) {
    const r = lookupUser({ user: spec.user, group: spec.group }, db);
    return r.ok ? r.ids : undefined;
  }
  const d = defaultScriptUser(global, db);
  return d.ok ? d.ids : undefined;
}

/** The supplementary groups a script runs with: its gid alone (keepalived's setgroups(1, &gid)). */
export function scriptGroups(ids: { gid: number }): number[] {
  return [ids.gid];
}
