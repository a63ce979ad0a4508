// An in-memory machine for the parser (HostFacts, src/host/facts.ts): files and directories from a
// table (parents implied), users and groups, interfaces, host name, CPU count, $PATH. No symbolic
// links: realpath() only normalises. mkdir() adds a directory and is recorded in `made`.
import * as path from 'node:path';
import type { FileStat, HostError, HostFacts, HostFiles } from '../../src/host/facts.js';
import { RtNames } from '../../src/common/rt-names.js';
import type { UserDb } from '../../src/host/users.js';

/** A file's content (latin1) and, optionally, its mode and owner. */
export interface FakeFile { content?: string; mode?: number; uid?: number; gid?: number }

export interface FakeHostSpec {
  /** Absolute path -> content or FakeFile; a path ending in '/' is an (empty) directory. */
  files?: Record<string, string | FakeFile>;
  /** Directory modes/owners (default 0755 root:root). */
  dirs?: Record<string, FakeFile>;
  cwd?: string;
  users?: Record<string, { uid: number; gid: number }>;
  groups?: Record<string, number>;
  interfaces?: readonly string[];
  hostname?: string;
  cpus?: number;
  pathEnv?: string;
  /** Paths access(W_OK) accepts. */
  writable?: readonly string[];
}

export interface FakeHost extends HostFacts {
  /** Directories mkdir() created, in order. */
  readonly made: string[];
}

const ERR: Record<string, [number, string]> = {
  ENOENT: [2, 'No such file or directory'], ENOTDIR: [20, 'Not a directory'],
  EISDIR: [21, 'Is a directory'], EEXIST: [17, 'File exists'],
};
const fail = (code: keyof typeof ERR): HostError => ({ errno: ERR[code]![0], code, text: ERR[code]![1] });

interface Node { dir: boolean; content: string; mode: number; uid: number; gid: number }

export function fakeHost(spec: FakeHostSpec = {}): FakeHost {
  const cwd = spec.cwd ?? '/';
  const nodes = new Map<string, Node>([['/', { dir: true, content: '', mode: 0o755, uid: 0, gid: 0 }]]);
  const abs = (p: string): string => path.resolve(cwd, p);
  const addDirs = (p: string): void => {
    for (let d = path.dirname(p); !nodes.has(d); d = path.dirname(d)) {
      const o = spec.dirs?.[d];
      nodes.set(d, { dir: true, content: '', mode: o?.mode ?? 0o755, uid: o?.uid ?? 0, gid: o?.gid ?? 0 });
    }
  };
  for (const [p, v] of Object.entries(spec.files ?? {})) {
    const f: FakeFile = typeof v === 'string' ? { content: v } : v;
    const isDir = p.endsWith('/');
    const a = abs(isDir ? p.slice(0, -1) || '/' : p);
    addDirs(a);
    const mode = f.mode ?? (isDir ? 0o755 : 0o644);
    nodes.set(a, { dir: isDir, content: f.content ?? '', mode, uid: f.uid ?? 0, gid: f.gid ?? 0 });
  }
  for (const [d, o] of Object.entries(spec.dirs ?? {})) {
    const n = nodes.get(abs(d));
    if (n) Object.assign(n, { mode: o.mode ?? n.mode, uid: o.uid ?? n.uid, gid: o.gid ?? n.gid });
  }
  const lookup = (p: string): Node | HostError => {
    const a = abs(p);
    for (let d = path.dirname(a); d !== '/'; d = path.dirname(d)) {
      const n = nodes.get(d);
      if (n && !n.dir) return fail('ENOTDIR');
    }
    return nodes.get(a) ?? fail('ENOENT');
  };
  const stat = (p: string): FileStat | HostError => {
    const n = lookup(p);
    return 'errno' in n ? n : { kind: n.dir ? 'dir' : 'file', mode: n.mode, uid: n.uid, gid: n.gid };
  };
  const made: string[] = [];
  const writable = new Set(spec.writable ?? []);
  const files: HostFiles = {
    cwd: () => cwd,
    stat,
    lstat: stat,
    realpath: (p) => { const n = lookup(p); return 'errno' in n ? n : abs(p); },
    readdir(p) {
      const n = lookup(p);
      if ('errno' in n) return n;
      if (!n.dir) return fail('ENOTDIR');
      const a = abs(p);
      return [...nodes.keys()].filter((k) => k !== a && path.dirname(k) === a).map((k) => path.basename(k));
    },
    read(p) {
      const n = lookup(p);
      if ('errno' in n) return n;
      return n.dir ? fail('EISDIR') : Buffer.from(n.content, 'latin1');
    },
    writable: (p) => writable.has(abs(p)),
    mkdir(p, mode) {
      const a = abs(p);
      if (nodes.has(a)) return fail('EEXIST');
      const parent = nodes.get(path.dirname(a));
      if (!parent) return fail('ENOENT');
      if (!parent.dir) return fail('ENOTDIR');
      nodes.set(a, { dir: true, content: '', mode, uid: 0, gid: 0 });
      made.push(a);
      return undefined;
    },
  };
  const users: UserDb = {
    user: (name) => spec.users?.[name],
    group: (name) => spec.groups?.[name],
  };
  const text = (p: string): string | undefined => {
    const b = files.read(p);
    return 'errno' in b ? undefined : b.toString('latin1');
  };
  const interfaces = new Set(spec.interfaces ?? []);
  return {
    users, files, made,
    routeNames: new RtNames(text),
    interfaces: () => interfaces,
    hostname: () => spec.hostname ?? 'fakehost',
    cpuCount: () => spec.cpus ?? 2,
    pathEnv: () => spec.pathEnv ?? '/usr/sbin:/usr/bin:/sbin:/bin',
  };
}
