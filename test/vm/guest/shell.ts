// Guest-side helpers (run inside the scripts/vm guest): shell commands and ipvsadm listings.
import { execFileSync, spawnSync } from 'node:child_process';

export function sh(cmd: string): { code: number; out: string; err: string } {
  const r = spawnSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout ?? '', err: r.stderr ?? '' };
}

export function shOk(cmd: string): string {
  return execFileSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `what` every `everyMs` until it holds (its time) or `timeoutMs` passed (null). */
export async function until(what: () => boolean, timeoutMs: number, everyMs = 250): Promise<number | null> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (what()) return Date.now();
    if (Date.now() >= end) return null;
    await sleep(everyMs);
  }
}

export interface Listing { ln: string; thresholds: string; save: string; tun: string; persistent: string }

/** Everything ipvsadm shows about the table (save format sorted: rule order is not part of the state). */
export function listing(): Listing {
  return {
    ln: sh('ipvsadm -Ln').out,
    thresholds: sh('ipvsadm -Ln --thresholds').out,
    save: sh('ipvsadm -Sn').out.split('\n').filter(Boolean).sort().join('\n'),
    tun: sh('ipvsadm -Ln --tun-info').out,
    persistent: sh('ipvsadm -Ln --persistent-conn').out,
  };
}

/** Waits until `ipvsadm -Sn` is non-empty and unchanged for `quietMs`. */
export async function waitStable(quietMs: number, maxMs: number): Promise<boolean> {
  const t0 = Date.now();
  let last = '', since = Date.now();
  while (Date.now() - t0 < maxMs) {
    const s = sh('ipvsadm -Sn').out;
    if (s !== last) { last = s; since = Date.now(); }
    else if (s.trim() && Date.now() - since >= quietMs) return true;
    await sleep(200);
  }
  return false;
}
