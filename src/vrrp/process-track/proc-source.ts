// Reading processes from /proc the way keepalived 2.2.7 does for track_process, behind a small
// interface (a fake in the unit tests). At start-up every /proc/PID (names starting 1-9) is read:
// the comm from /proc/PID/stat (the text between the first '(' and the next ')'; zombies are
// skipped) and the first maxNameLen + 1 bytes of /proc/PID/cmdline. After an exec the comm comes
// from /proc/PID/comm and maxNameLen + 2 bytes of the command line are read. A process whose files
// cannot be read is left out.
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import type { ProcInfo } from './match.js';
import type { ProcNeeds } from './spec.js';

/** Raw access to /proc (the real one below, a map in tests). */
export interface ProcFiles {
  /** Names of the entries of /proc that are directories, in readdir order. */
  entries(): string[];
  /** The first `max` bytes of /proc/PID/FILE, or undefined when it cannot be opened or read. */
  read(pid: string, file: 'stat' | 'comm' | 'cmdline', max: number): Buffer | undefined;
}

export const realProcFiles: ProcFiles = {
  entries() {
    try { return readdirSync('/proc', { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name); } catch { return []; }
  },
  read(pid, file, max) {
    let fd: number;
    try { fd = openSync(`/proc/${pid}/${file}`, 'r'); } catch { return undefined; }
    try {
      const b = Buffer.alloc(max);
      const n = readSync(fd, b, 0, max, null);
      return b.subarray(0, n);
    } catch { return undefined; } finally { closeSync(fd); }
  },
};

/** The comm field of a /proc/PID/stat text, or 'zombie' / undefined. */
function commOfStat(stat: Buffer): Buffer | 'zombie' | undefined {
  let s = stat;
  if (s.length && s[s.length - 1] === 0x0a) s = s.subarray(0, s.length - 1);
  const open = s.indexOf(0x28, 2); // '(' from the third byte on
  if (open < 0) return undefined;
  const close = s.indexOf(0x29, open); // ')'
  if (close < 0) return undefined;
  if (s[close + 2] === 0x5a) return 'zombie'; // 'Z'
  return s.subarray(open + 1, close);
}

/** Start-up scan: every process that can be read, with what the tracked blocks need of it. */
export function* scanProcs(files: ProcFiles, needs: ProcNeeds): Generator<{ pid: number; info: ProcInfo }> {
  for (const name of files.entries()) {
    if (name[0]! <= '0' || name[0]! > '9') continue;
    const info: ProcInfo = {};
    if (needs.cmdline) {
      const c = files.read(name, 'cmdline', needs.maxNameLen + 1);
      if (!c) continue;
      info.cmdline = c;
    }
    if (needs.comm) {
      const st = files.read(name, 'stat', 127);
      if (!st) continue;
      const comm = commOfStat(st);
      if (comm === undefined || comm === 'zombie') continue;
      info.comm = comm;
    }
    yield { pid: Number.parseInt(name, 10), info };
  }
}

/** After an exec: what the blocks need of one process, or undefined when it is gone. */
export function readProc(files: ProcFiles, pid: number, needs: ProcNeeds): ProcInfo | undefined {
  const info: ProcInfo = {};
  if (needs.cmdline) {
    const c = files.read(String(pid), 'cmdline', needs.maxNameLen + 2);
    if (!c) return undefined;
    info.cmdline = c;
  }
  if (needs.comm) {
    const c = files.read(String(pid), 'comm', 16);
    if (!c) return undefined;
    info.comm = c.length && c[c.length - 1] === 0x0a ? c.subarray(0, c.length - 1) : c;
  }
  return info;
}
