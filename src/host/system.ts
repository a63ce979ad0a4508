// HostFacts of the machine we run on (facts.ts): /etc/passwd and /etc/group, the file system
// through node:fs, /sys/class/net, iproute2's files, the host name, the CPU count and $PATH.
// systemHost() gives a fresh snapshot for one read of the configuration: the user database and the
// interface list are read once, on first use, per snapshot (the daemon takes one per start,
// reload and -t). iproute2's names are read once per process, as keepalived's lib/rttables.c does.
import * as fs from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { strerror } from '../vrrp/io/native.js';
import { RtNames } from '../common/rt-names.js';
import type { FileStat, HostError, HostFacts, HostFiles } from './facts.js';
import { userDbFromText, type UserDb } from './users.js';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function hostError(e: unknown): HostError {
  const x = e as NodeJS.ErrnoException;
  const errno = x.errno !== undefined ? -x.errno : 5;
  return { errno, code: x.code ?? `errno ${errno}`, text: strerror(errno) };
}

function fileStat(st: fs.Stats): FileStat {
  const kind = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
  return { kind, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
}

function readText(path: string): string | undefined {
  try { return fs.readFileSync(path, 'latin1'); } catch { return undefined; }
}

/** The real file system. */
export const systemFiles: HostFiles = {
  cwd: () => process.cwd(),
  stat(p) { try { return fileStat(fs.statSync(p)); } catch (e) { return hostError(e); } },
  lstat(p) { try { return fileStat(fs.lstatSync(p)); } catch (e) { return hostError(e); } },
  realpath(p) { try { return fs.realpathSync(p); } catch (e) { return hostError(e); } },
  readdir(p) { try { return fs.readdirSync(p); } catch (e) { return hostError(e); } },
  read(p) { try { return fs.readFileSync(p); } catch (e) { return hostError(e); } },
  writable(p) { try { fs.accessSync(p, fs.constants.W_OK); return true; } catch { return false; } },
  mkdir(p, mode) { try { fs.mkdirSync(p, mode); return undefined; } catch (e) { return hostError(e); } },
};

/** getpwnam/getgrnam through /etc/passwd and /etc/group, read now. */
export function systemUserDb(passwd = '/etc/passwd', group = '/etc/group'): UserDb {
  return userDbFromText(readText(passwd) ?? '', readText(group) ?? '');
}

/** Interfaces that exist in this network namespace (/sys/class/net). */
export function systemInterfaces(sysClassNet = '/sys/class/net'): Set<string> {
  try { return new Set(fs.readdirSync(sysClassNet)); } catch { return new Set(); }
}

/** iproute2's name tables of this process (/etc/iproute2/*, /etc/protocols), read on first use. */
export const systemRouteNames = new RtNames(readText);

/** $PATH, where scripts given by bare name are searched (keepalived's default when unset). */
export const systemPathEnv = (): string => process.env.PATH ?? DEFAULT_PATH;

/** What the script runners need to find a script (script-security.ts's ScriptHost). */
export const systemScriptHost = { files: systemFiles, pathEnv: systemPathEnv };

/** The host's facts, for one read of the configuration. */
export function systemHost(): HostFacts {
  let users: UserDb | undefined;
  let interfaces: Set<string> | undefined;
  return {
    get users(): UserDb { return (users ??= systemUserDb()); },
    files: systemFiles,
    routeNames: systemRouteNames,
    interfaces: () => (interfaces ??= systemInterfaces()),
    hostname: () => hostname(),
    cpuCount: () => availableParallelism(),
    pathEnv: systemPathEnv,
  };
}
