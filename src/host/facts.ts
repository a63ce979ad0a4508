// The facts about this machine that reading a configuration depends on, behind one interface, so
// that the parser (src/parser) does no I/O of its own: the user database (script_user, `user`),
// the files it reads and checks (include globs, include files, script security, config_save_dir,
// a sysctl's writability), the network interfaces -t checks against, iproute2's name tables, the
// host name, the CPU count and $PATH. The real implementation is system.ts; unit tests use an
// in-memory fake (test/helpers/fake-host.ts). Types and one guard: this module does no I/O.
import type { UserDb } from './users.js';
import type { RtNames } from '../common/rt-names.js';

/** What stat(2) / lstat(2) says about a path: its kind, permission bits (with setuid/setgid/sticky) and owner. */
export interface FileStat {
  kind: 'file' | 'dir' | 'other';
  /** st_mode & 07777. */
  mode: number;
  uid: number;
  gid: number;
}

/** A failed system call: the errno, its name and strerror(3)'s text. */
export interface HostError {
  errno: number;
  /** ENOENT, EACCES ... */
  code: string;
  /** strerror(errno): "No such file or directory". */
  text: string;
}

export function isHostError(v: unknown): v is HostError {
  return typeof v === 'object' && v !== null && 'errno' in v && 'code' in v && 'text' in v;
}

/** The file system as the parser sees it. Paths are absolute or relative to cwd(). */
export interface HostFiles {
  /** The directory relative paths start from (the process's working directory). */
  cwd(): string;
  /** stat(2): follows symbolic links. */
  stat(path: string): FileStat | HostError;
  /** lstat(2): a dangling symbolic link still exists. */
  lstat(path: string): FileStat | HostError;
  /** realpath(3). */
  realpath(path: string): string | HostError;
  /** The names in a directory (readdir(3) without . and ..), in no particular order. */
  readdir(path: string): string[] | HostError;
  /** The whole file. */
  read(path: string): Buffer | HostError;
  /** access(path, W_OK). */
  writable(path: string): boolean;
  /**
   * mkdir(path, mode). The one change reading a configuration makes: keepalived 2.2.7 creates a
   * missing config_save_dir while it reads the file (-t included).
   */
  mkdir(path: string, mode: number): HostError | undefined;
}

export interface HostFacts {
  /** getpwnam(3) / getgrnam(3). */
  readonly users: UserDb;
  readonly files: HostFiles;
  /** iproute2's names for tables, protocols, scopes, realms, ... (/etc/iproute2/*, /etc/protocols). */
  readonly routeNames: RtNames;
  /** The network interfaces that exist now (/sys/class/net). */
  interfaces(): ReadonlySet<string>;
  /** gethostname(2). */
  hostname(): string;
  /** Online CPUs (sched_getaffinity count): the range of *_cpu_affinity. */
  cpuCount(): number;
  /** $PATH, where a script given by bare name is searched. */
  pathEnv(): string;
}
