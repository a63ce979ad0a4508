// Adapts the VRRP runtime's snapshot (src/vrrp: instances with an FSM view and keepalived-named
// counters) to the dump formatters' VrrpSnapshot. Structural types only, so the daemon shell does
// not depend on the VRRP module's internals.
import { isVrrpSnapshot, zeroStats, type VrrpRuntimeState, type VrrpSnapshot, type VrrpStats } from './model.js';
import { DUMPED_STATS } from '../../vrrp/stats.js';

interface RuntimeInstance {
  name: string;
  view: { state: VrrpRuntimeState; effectivePriority: number; masterAddress?: string };
  stats: Partial<Record<string, number>>;
  lastTransitionMs: number;
}

function isRuntimeSnapshot(x: unknown): x is { instances: RuntimeInstance[] } {
  const i = (x as { instances?: unknown[] } | null)?.instances;
  return Array.isArray(i) && i.every((e) => typeof e === 'object' && e !== null && 'view' in e && 'stats' in e);
}

function stats(s: Partial<Record<string, number>>): VrrpStats {
  const out = zeroStats();
  for (const k of DUMPED_STATS) out[k] = s[k] ?? 0;
  return out;
}

/** Either snapshot shape in, the dump shape out (undefined when neither). */
export function toDumpSnapshot(x: unknown): VrrpSnapshot | undefined {
  if (isRuntimeSnapshot(x)) {
    return {
      instances: x.instances.map((i) => ({
        name: i.name,
        state: i.view.state,
        wantState: i.view.state,
        masterRouter: i.view.state === 'BACKUP' ? i.view.masterAddress : undefined,
        masterPriority: 0,
        effectivePriority: i.view.effectivePriority,
        lastTransition: i.lastTransitionMs / 1000,
        vipsSet: i.view.state === 'MASTER',
        stats: stats(i.stats),
      })),
    };
  }
  return isVrrpSnapshot(x) ? x : undefined;
}
