// The trackers' statuses an instance is given before its start-up and at a reload, as 2.2.7 reads
// them (initialise_tracking_priorities): interfaces from the link table; scripts, files and
// processes from the tracker hub (a file at 0 and a script without a result yet say nothing at
// start). Pure: lookups in, events / statuses out.
import { trackerKey, type TrackerParams, type TrackerRef, type TrackerStatus, type VrrpEvent } from '../fsm-types.js';

export interface StatusInputs {
  /** The interface exists and is up (with carrier). */
  ifUp(name: string): boolean;
  /** A script's, file's or process's status, when known. */
  status(t: TrackerRef): TrackerStatus | undefined;
}

/** The tracker events to feed before the start-up: the interfaces down, and every status that counts. */
export function startupTrackerEvents(trackers: readonly TrackerParams[], io: StatusInputs): VrrpEvent[] {
  const out: VrrpEvent[] = [];
  for (const t of trackers) {
    if (t.kind === 'interface') {
      if (!io.ifUp(t.name)) out.push({ type: 'tracker', tracker: t, status: { ok: false } });
    } else {
      const st = io.status(t);
      if (st && !('value' in st && st.value === 0)) out.push({ type: 'tracker', tracker: t, status: st });
    }
  }
  return out;
}

/**
 * The statuses a reload reads for these trackers, by trackerKey (interfaces, files and processes
 * anew; scripts as carried over).
 */
export function reloadStatuses(trackers: readonly TrackerParams[], io: StatusInputs): Record<string, TrackerStatus> {
  const out: Record<string, TrackerStatus> = {};
  for (const t of trackers) {
    if (t.kind === 'interface') { out[trackerKey(t)] = { ok: io.ifUp(t.name) }; continue; }
    const s = io.status(t);
    if (s) out[trackerKey(t)] = s;
  }
  return out;
}
