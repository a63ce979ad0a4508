// Why an instance starts in FAULT, in keepalived 2.2.7's words (initialise_tracking_priorities,
// measured in namespaces): its own interface or a weight-0 track_interface down ("(VI_1): entering
// FAULT state (interface eth1 down)", also for an interface that does not exist yet), a tracked
// file or process, no address on its interface ("(VI_1) entering FAULT state (no IPv4 address for
// interface)"), a weight-0 script; the FSM then logs "(VI_1) entering FAULT state". Pure: the
// instance's view in, lines out (2.2.7's order: interfaces, files, processes, address, scripts). 2.2.7
// logs the first three kinds ('objects') for every instance before the last two ('instance') of each.
import type { TrackRef, VrrpSyncGroup } from '../../config/model.js';
import { sameTracker, type FaultReason, type TrackerKind, type TrackerParams, type TrackerRef, type TrackerStatus } from '../fsm-types.js';
import type { Inst } from './instance.js';

export interface InitFaultInputs {
  /** The interface exists and is up (with carrier). */
  ifUp(name: string): boolean;
  /** A file tracker's status at start, if known. */
  status(t: TrackerRef): TrackerStatus | undefined;
  /** The instance's sync group, whose trackers the instance has too. */
  group?: VrrpSyncGroup;
}

export function initFaultLines(inst: Inst, faults: readonly FaultReason[], io: InitFaultInputs, part: 'objects' | 'instance' | 'all' = 'all'): string[] {
  const n = inst.cfg.name;
  const downTrackers = faults.flatMap((f) => (f.kind === 'tracker' ? [f.tracker] : []));
  const down = (t: TrackerRef): boolean => downTrackers.some((d) => sameTracker(d, t));
  /** The configured references of one kind whose tracker forces FAULT, with the tracker. */
  type Failing = { name: string; t: TrackerParams };
  const failing = (kind: TrackerKind, ...lists: (readonly TrackRef[] | undefined)[]): Failing[] => {
    const out: Failing[] = [];
    for (const r of lists.flatMap((l) => l ?? [])) {
      const t = inst.fsm.params.trackers.find((p) => p.kind === kind && p.name === r.name);
      if (t && down(t) && !out.some((o) => o.name === r.name)) out.push({ name: r.name, t });
    }
    return out;
  };
  const { cfg } = inst;
  const g = io.group;
  const objects: string[] = [];
  if (!cfg.dontTrackPrimary && !io.ifUp(inst.ifname)) objects.push(`(${n}): entering FAULT state (interface ${inst.ifname} down)`);
  // use_vmac on a missing base: its VMAC is missing too (measured)
  if (!cfg.dontTrackPrimary && inst.vmacName && !inst.vmac) objects.push(`(${n}): entering FAULT state (interface ${inst.vmacName} down)`);
  // tracked interfaces: track_interface, a tracked route's / rule's, a track_group's static entries'
  for (const t of inst.fsm.params.trackers) if (t.kind === 'interface' && down(t)) objects.push(`(${n}): entering FAULT state (interface ${t.name} down)`);
  for (const { name, t } of failing('file', cfg.trackFile, g?.trackFile)) {
    const s = io.status(t);
    const value = s && 'value' in s ? s.value : 0;
    const status = t.weight === 0 ? -254 : value * t.weight * (t.reverse ? -1 : 1);
    objects.push(`(${n}): entering FAULT state (tracked file ${name} has status ${status})`);
  }
  for (const { name } of failing('process', cfg.trackProcess)) objects.push(`(${n}) entering FAULT state (tracked process ${name} quorum not achieved)`);
  const own: string[] = [];
  // (an IPv4 use_ipvlan without an address: 2.2.7 has a source address for it, and a config fault)
  if (!inst.hasAddr && inst.fsm.params.configFault !== 'ipvlanNoAddress') own.push(`(${n}) entering FAULT state (no IPv${cfg.family === 'inet' ? 4 : 6} address for interface)`);
  for (const { name } of failing('script', cfg.trackScript, g?.trackScript)) own.push(`(${n}): entering FAULT state due to script ${name}`);
  return part === 'objects' ? objects : part === 'instance' ? own : [...objects, ...own];
}
