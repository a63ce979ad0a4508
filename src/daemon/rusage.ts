// CPU time of a child process's own children (its scripts), for the "Stopped - used (self/children)"
// line: getrusage(RUSAGE_CHILDREN) is not in Node, /proc/self/stat has the same sums.
import { statFields, TICK_US } from '../common/proc.js';
import { readFileSync } from 'node:fs';

/** CPU time of this process's waited-for children (stat(5) fields 16 cutime, 17 cstime), microseconds. */
export function childrenUsage(stat = '/proc/self/stat', read: (p: string) => string = (p) => readFileSync(p, 'utf8')): { user: number; system: number } {
  try {
    const f = statFields(read(stat));
    return { user: Number(f[13]) * TICK_US, system: Number(f[14]) * TICK_US };
  } catch {
    return { user: 0, system: 0 };
  }
}
