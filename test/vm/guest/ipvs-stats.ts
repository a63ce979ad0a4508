// Runs inside the scripts/vm guest: a namespace's IPVS connection counters, read two ways.
// `ipvsadm -Ln --stats` (like IPVS_SVC_ATTR_STATS / IPVS_DEST_ATTR_STATS over netlink, which it reads)
// shows what the kernel's rate estimator last summed from the per-CPU counters: in Debian 12's kernel
// (6.1, net/netfilter/ipvs/ip_vs_est.c, estimation_timer re-armed at jiffies + 2*HZ per namespace)
// that happens once every 2 s, so a connection shows there 0-2 s after IPVS counted it, and two reads
// less than 2 s apart can show the same numbers although connections were made between them.
// /proc/net/ip_vs_stats_percpu prints the per-CPU counters themselves (the namespace's total): live.
import { readFileSync } from 'node:fs';
import { ns, type Node } from './lvs-lab.js';
import { sh, sleep } from './shell.js';

/** The estimator's period: `ipvsadm --stats` numbers are at most this old (kernel 6.1, 2*HZ). */
export const IPVS_EST_PERIOD_MS = 2000;

/** `ipvsadm -Ln --stats` rows: real server -> Conns (as of the estimator's last run). */
export function statsConns(n: Node): Record<string, number> {
  const res: Record<string, number> = {};
  for (const l of sh(`ip netns exec ${ns(n)} ipvsadm -Ln --stats`).out.split('\n')) {
    const m = /^\s+->\s+(\d+\.\d+\.\d+\.\d+):\d+\s+(\d+)/.exec(l);
    if (m) res[m[1]!] = Number(m[2]);
  }
  return res;
}

/**
 * Conns summed over the per-CPU rows of an ip_vs_stats_percpu text: the rows `CPU Conns InPkts OutPkts
 * InBytes OutBytes` (six hex fields); not the `~` row (the estimator's sum) nor the rates row (five).
 */
export function perCpuConns(text: string): number {
  let sum = 0;
  for (const l of text.split('\n')) {
    const m = /^\s*[0-9A-F]+\s+([0-9A-F]+)(?:\s+[0-9A-F]+){4}\s*$/.exec(l);
    if (m) sum += parseInt(m[1]!, 16);
  }
  return sum;
}

/** Connections IPVS created in `n` so far: the live per-CPU counters of /proc/net/ip_vs_stats_percpu. */
export function liveConns(n: Node): number {
  return perCpuConns(sh(`ip netns exec ${ns(n)} cat /proc/net/ip_vs_stats_percpu`).out);
}

/**
 * The same two counters for the namespace of process `pid`, read from /proc/PID/net without starting a
 * process (a spawn takes 0.3-1 s under TCG): Conns of /proc/net/ip_vs_stats (the estimator's sums)
 * and the live per-CPU total. For the repro, where reads must be placed to within a few ms.
 */
export function procConns(pid: number): { summed: number; live: number } {
  const stats = readFileSync(`/proc/${pid}/net/ip_vs_stats`, 'utf8').split('\n')[2] ?? '';
  return { summed: parseInt(stats.trim().split(/\s+/)[0] ?? 'NaN', 16), live: perCpuConns(readFileSync(`/proc/${pid}/net/ip_vs_stats_percpu`, 'utf8')) };
}

export function delta(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v - (a[k] ?? 0)]));
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

/**
 * `ipvsadm --stats` of `n` once the estimator has run after `end` (so every connection IPVS counted
 * before `end` is in it): the first reading that differs from the one taken now, or, when nothing
 * changes (no connections), the reading at `end` + 2 periods (one period and the same again for a
 * timer running late on a loaded TCG host). `waitedMs`: from `end` to that reading.
 */
export async function statsPublishedAfter(n: Node, end: number): Promise<{ stats: Record<string, number>;
    waitedMs: number; changed: boolean }> {
  const first = sum(statsConns(n));
  const deadline = end + 2 * IPVS_EST_PERIOD_MS;
  for (;;) {
    const s = statsConns(n);
    const now = Date.now();
    if (sum(s) !== first) return { stats: s, waitedMs: now - end, changed: true };
    if (now >= deadline) return { stats: s, waitedMs: now - end, changed: false };
    await sleep(100);
  }
}
