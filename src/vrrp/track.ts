// Effective priority and FAULT from trackers (track_interface, track_script, track_file,
// track_process, track_bfd) as keepalived applies them. Rules:
//   - weight 0: failure means FAULT ('reverse' inverts: FAULT while the object is up / the file is 0);
//   - weight w > 0 is added while the object is up, w < 0 while it is down; 'reverse' negates the
//     adjustment (priority decreased when up / increased when down);
//   - track_file: value * weight (negated by reverse) is added; a result below -253 means FAULT;
//   - effective priority = base + sum, clamped to 1..254; an owner (255) ignores weights.
// Pure state: feed statuses, read the result.

import { trackerKey, type TrackerParams, type TrackerRef, type TrackerStatus } from './fsm-types.js';

export const MIN_PRIORITY = 1;
export const MAX_NONOWNER_PRIORITY = 254;
export const OWNER_PRIORITY = 255;

interface Entry { p: TrackerParams; status: TrackerStatus }

function isOk(s: { ok: boolean } | { value: number }): boolean {
  return 'ok' in s ? s.ok : s.value === 0;
}

/** One tracker's contribution: a weight to add, or 'fault'. */
export function trackerEffect(p: TrackerParams, s: TrackerStatus, owner: boolean): number | 'fault' {
  if ('unknown' in s) return 0;
  const sign = p.reverse ? -1 : 1;
  if ('value' in s && p.kind === 'file') {
    if (p.weight === 0) return (p.reverse ? s.value === 0 : s.value !== 0) ? 'fault' : 0;
    const r = s.value * p.weight * sign;
    if (r < -253) return 'fault';
    return owner ? 0 : r;
  }
  const up = isOk(s);
  if (p.weight === 0) return (p.reverse ? up : !up) ? 'fault' : 0;
  if (owner) return 0;
  const applies = p.weight > 0 ? up : !up;
  return applies ? p.weight * sign : 0;
}

export class TrackSet {
  /** By trackerKey. */
  private entries = new Map<string, Entry>();

  constructor(trackers: readonly TrackerParams[], private readonly basePriority: number) {
    for (const p of trackers) this.entries.set(trackerKey(p), { p, status: p.initial });
  }

  has(t: TrackerRef): boolean { return this.entries.has(trackerKey(t)); }

  /** The recorded status of a tracker (undefined for an unknown one). */
  statusOf(t: TrackerRef): TrackerStatus | undefined { return this.entries.get(trackerKey(t))?.status; }

  /** Record a status; returns false for an unknown tracker. */
  update(t: TrackerRef, status: TrackerStatus): boolean {
    const e = this.entries.get(trackerKey(t));
    if (!e) return false;
    e.status = status;
    return true;
  }

  /** What one tracker contributes now: a weight, or 'fault' (undefined for an unknown one). */
  effectOf(t: TrackerRef): number | 'fault' | undefined {
    const e = this.entries.get(trackerKey(t));
    return e ? trackerEffect(e.p, e.status, this.basePriority === OWNER_PRIORITY) : undefined;
  }

  /** The trackers currently forcing FAULT, in their order. */
  faults(): TrackerParams[] {
    const owner = this.basePriority === OWNER_PRIORITY;
    const out: TrackerParams[] = [];
    for (const e of this.entries.values()) if (trackerEffect(e.p, e.status, owner) === 'fault') out.push(e.p);
    return out;
  }

  effectivePriority(): number {
    if (this.basePriority === OWNER_PRIORITY) return OWNER_PRIORITY;
    let sum = 0;
    for (const e of this.entries.values()) {
      const x = trackerEffect(e.p, e.status, false);
      if (x !== 'fault') sum += x;
    }
    return Math.min(MAX_NONOWNER_PRIORITY, Math.max(MIN_PRIORITY, this.basePriority + sum));
  }
}
