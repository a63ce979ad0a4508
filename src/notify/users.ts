// Script user resolution (script_user / per-script "user [group]"): names -> uid/gid from
// /etc/passwd and /etc/group, keepalived's default user `keepalived_script` (root if it does not
// exist). Reads the two files only; no NSS, which matches a plain Debian host.
import { readFileSync } from 'node:fs';
import type { GlobalDefs, ScriptSpec } from '../config/model.js';

export interface ScriptIds { uid: number; gid: number; user: string }

export interface UserDb {
  user(name: string): { uid: number; gid: number } | undefined;
  group(name: string): number | undefined;
}

function table(path: string): string[][] {
  try {
    return readFileSync(path, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
  } catch {
    return [];
  }
}

export function systemUserDb(passwd = '/etc/passwd', group = '/etc/group'): UserDb {
  const pw = table(passwd);
  const gr = table(group);
  return {
    user(name) {
      if (/^\d+$/.test(name)) { const r = pw.find((f) => f[2] === name); return { uid: Number(name), gid: r ? Number(r[3]) : Number(name) }; }
      const r = pw.find((f) => f[0] === name);
      return r ? { uid: Number(r[2]), gid: Number(r[3]) } : undefined;
    },
    group(name) {
      if (/^\d+$/.test(name)) return Number(name);
      const r = gr.find((f) => f[0] === name);
      return r ? Number(r[2]) : undefined;
    },
  };
}

/**
 * uid/gid a script runs as: its own `user [group]`, else global script_user, else
 * `keepalived_script` if that user exists, else root. An unknown user yields undefined.
 */
export function scriptIds(spec: ScriptSpec | { user?: string; group?: string }, global: Pick<GlobalDefs, 'scriptUser'>, db: UserDb): ScriptIds | undefined {
  let user = spec.user;
  let group = spec.group;
  if (!user && global.scriptUser) { user = global.scriptUser.user; group = global.scriptUser.group; }
  if (!user) {
    const d = db.user('keepalived_script');
    if (d) return { ...d, user: 'keepalived_script' };
    return { uid: 0, gid: 0, user: 'root' };
  }
  const u = db.user(user);
  if (!u) return undefined;
  let gid = u.gid;
  if (group) {
    const g = db.group(group.replace(/^:/, ''));
    if (g === undefined) return undefined;
    gid = g;
  }
  return { uid: u.uid, gid, user };
}
