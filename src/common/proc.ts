// Reading /proc/PID/stat and /proc/PID/status: the daemon's own accounting and the benchmarks'
// CPU / RSS samples share these parsers. Linux only.
import { readFileSync } from 'node:fs';

/** Clock ticks (USER_HZ, 100 on Linux) in microseconds. */
export const TICK_US = 10_000;

/**
 * The fields of a /proc/PID/stat text from field 3 (state) on: index k is stat(5) field k + 3
 * (utime 11, stime 12, cutime 13, cstime 14). The command name before them may hold spaces and ')'.
 */
export function statFields(text: string): string[] {
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** statFields of a live process, or undefined when it is gone. */
export function readStatFields(pid: number | 'self'): string[] | undefined {
  try { return statFields(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return undefined; }
}

/** A `Key:   N kB` value of a /proc/PID/status text, in kB (0 when absent). */
export function statusKb(text: string, key: string): number {
  return Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
}
