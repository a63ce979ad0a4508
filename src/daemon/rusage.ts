// CPU time of a child process's own children (its scripts), for the "Stopped - used (self/children)"
// line: getrusage(RUSAGE_CHILDREN) is not in Node, /proc/self/stat has the same sums.
import { readFileSync } from 'node:fs';

/** CPU time of this process's waited-for children (stat(5) fields 16 cutime, 17 cstime), microseconds. */
export function childrenUsage(stat = '/proc/self/stat', read: (p: string) => string = (p) => readFileSync(p, 'utf8')): { user: number; system: number } {
  try {
    const f = read(stat);
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3; clock ticks are 100 per second on Linux
    return { user: Number(rest[13]) * 10_000, system: Number(rest[14]) * 10_000 };
  } catch {
    return { user: 0, system: 0 };
  }
}
