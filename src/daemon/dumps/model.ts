// The data the dump formatters need from the VRRP runtime (VrrpSnapshot, returned by the VRRP
// handle's snapshot()). Static values come from the parsed config; the snapshot carries only
// runtime state and counters. Every optional field that is missing is left out of the dump.

import type { InterfaceInfo } from './interfaces.js';

export type VrrpRuntimeState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';

/** keepalived's per-instance counters (vrrp_stats), the USR2 / JSON "stats" block. */
export interface VrrpStats {
  advertRcvd: number;
  advertSent: number;
  becomeMaster: number;
  releaseMaster: number;
  packetLenErr: number;
  advertIntervalErr: number;
  ipTtlErr: number;
  invalidTypeRcvd: number;
  addrListErr: number;
  invalidAuthtype: number;
  authtypeMismatch: number;
  authFailure: number;
  priZeroRcvd: number;
  priZeroSent: number;
  /** Ours (keepalived has no such counter): master-conflict episodes; dumped only when not 0. */
  masterConflict: number;
}

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
  return {
    advertRcvd: 0, advertSent: 0, becomeMaster: 0, releaseMaster: 0, packetLenErr: 0, advertIntervalErr: 0,
    ipTtlErr: 0, invalidTypeRcvd: 0, addrListErr: 0, invalidAuthtype: 0, authtypeMismatch: 0, authFailure: 0,
    priZeroRcvd: 0, priZeroSent: 0, masterConflict: 0,
  };
}

export function isVrrpSnapshot(x: unknown): x is VrrpSnapshot {
  return typeof x === 'object' && x !== null && Array.isArray((x as VrrpSnapshot).instances);
}
