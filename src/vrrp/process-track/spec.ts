// What one vrrp_track_process block asks for, in the form the process table compares against
// (keepalived 2.2.7's vrrp_tracked_process_t): the name as bytes, the configured parameters as
// NUL-terminated bytes, the kind of parameter match, quorum bounds and the two delays. Also the
// table-wide facts derived from all blocks: whether /proc/PID/comm and/or /proc/PID/cmdline must be
// read, and how many bytes of a command line are read (longer ones are cut, as keepalived cuts them).
import type { VrrpTrackProcess } from '../../config/model.js';

/** none: the name alone; exact: these parameters and no others; partial: the first n parameters
 *  are these; initial: as partial, but the last configured one may be the start of the real one. */
export type ParamMatch = 'none' | 'exact' | 'initial' | 'partial';

export interface ProcessSpec {
  /** The vrrp_track_process block's name. */
  name: string;
  /** Compared with /proc/PID/comm (fullCommand false) or with argv[0] of /proc/PID/cmdline. */
  path: Buffer;
  /** Configured parameters, each followed by a NUL byte; undefined when none were given. */
  params?: Buffer;
  paramMatch: ParamMatch;
  fullCommand: boolean;
  quorum: number;
  quorumMax: number;
  terminateDelayMs: number;
  forkDelayMs: number;
}

/** keepalived's quorum_max default (UINT_MAX). */
export const QUORUM_MAX_UNSET = 0xffffffff;

export function specOf(p: VrrpTrackProcess): ProcessSpec {
  const [path = '', ...params] = p.process;
  return {
    name: p.name,
    path: Buffer.from(path),
    ...(params.length ? { params: Buffer.concat(params.map((x) => Buffer.from(`${x}\0`))) } : {}),
    paramMatch: p.paramMatch ?? 'none',
    fullCommand: p.fullCommand,
    quorum: p.quorum,
    quorumMax: p.quorumMax ?? QUORUM_MAX_UNSET,
    terminateDelayMs: (p.terminateDelay ?? 0) * 1000,
    forkDelayMs: (p.forkDelay ?? 0) * 1000,
  };
}

/** Which /proc files the table needs and how much of a command line it reads. */
export interface ProcNeeds {
  comm: boolean;
  cmdline: boolean;
  /** The longest configured name plus parameters, with their NULs (vrrp_max_process_name_len). */
  maxNameLen: number;
}

export function procNeeds(specs: readonly ProcessSpec[]): ProcNeeds {
  let maxNameLen = 0;
  for (const s of specs) maxNameLen = Math.max(maxNameLen, s.path.length + 1 + (s.params?.length ?? 0));
  return { comm: specs.some((s) => !s.fullCommand), cmdline: specs.some((s) => s.fullCommand), maxNameLen };
}
