// The data the dump formatters need from the VRRP runtime (VrrpSnapshot, returned by the VRRP
// handle's snapshot()). Static values come from the parsed config; the snapshot carries only
// runtime state and counters. Every optional field that is missing is left out of the dump.

import type { InterfaceInfo } from './interfaces.js';
import { DUMPED_STATS, type DumpedStats } from '../../vrrp/stats.js';

export type VrrpRuntimeState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';

/** keepalived's per-instance counters (vrrp_stats), the USR2 / JSON "stats" block, as src/vrrp/stats.ts names them. */
export type VrrpStats = DumpedStats;

export interface VrrpInstanceRuntime {
  name: string;
  state: VrrpRuntimeState;
  wantState: VrrpRuntimeState;
  /** Address of the current master as seen in adverts (BACKUP). */
  masterRouter?: string;
  masterPriority?: number;
  effectivePriority: number;
  /** Priority including track weights before clamping; default = effectivePriority. */
  totalPriority?: number;
  /** Epoch seconds (fractions) of the last state change. */
  lastTransition: number;
  /** Epoch seconds of the next timer expiry. */
  readTimeout?: number;
  masterDownTimerUs?: number;
  /** Source address used for adverts. */
  srcIp?: string;
  vipsSet: boolean;
  numConfigFaults?: number;
  numFaults?: number;
  numScriptInit?: number;
  /** Socket fds (printed as keepalived does when known). */
  fdIn?: number;
  fdOut?: number;
  stats: VrrpStats;
}

export interface VrrpScriptRuntime { name: string; result: number; status: 'GOOD' | 'BAD' | 'INIT' | 'INIT_GOOD' | 'INIT_FAILED'; state: 'idle' | 'running' | 'requested termination' | 'forcing termination' }

export interface VrrpSnapshot {
  instances: VrrpInstanceRuntime[];
  scripts?: VrrpScriptRuntime[];
  /** The namespace's interfaces at the time of the dump (the "Interfaces" section). */
  interfaces?: InterfaceInfo[];
}

export function zeroStats(): VrrpStats {
  return Object.fromEntries(DUMPED_STATS.map((k) => [k, 0])) as Record<keyof VrrpStats, number>;
}

export function isVrrpSnapshot(x: unknown): x is VrrpSnapshot {
  return typeof x === 'object' && x !== null && Array.isArray((x as VrrpSnapshot).instances);
}
