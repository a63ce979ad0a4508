// The runtime's state as the dumps (-D data/stats/JSON) and tests read it: one entry per running
// instance (config, FSM params and view, counters, VIPs) and per sync group.
import type { VrrpInstance } from '../../config/model.js';
import type { VrrpFsmParams, VrrpInstanceView, VrrpState } from '../fsm-types.js';
import type { VrrpStats } from '../stats.js';
import type { SyncGroupCore } from '../sync-group.js';
import { vipList, type Inst } from './instance.js';

export interface InstanceSnapshot {
  name: string;
  /** The instance as configured and as the FSM runs it (priorities, timers, GARP, auth, trackers). */
  config: VrrpInstance;
  params: VrrpFsmParams;
  interface: string;
  vrid: number;
  family: 'inet' | 'inet6';
  version: 2 | 3;
  view: VrrpInstanceView;
  stats: VrrpStats;
  vips: string[];
  syncGroup?: string;
  lastTransitionMs: number;
}

export interface VrrpSnapshot { instances: InstanceSnapshot[];
  groups: { name: string; state: VrrpState; members: string[] }[] }

export function snapshotOf(insts: Iterable<Inst>, groups: Iterable<SyncGroupCore>): VrrpSnapshot {
  const list = [...insts];
  const instances = list.map((i): InstanceSnapshot => ({
    name: i.cfg.name, config: i.cfg, params: i.fsm.params, interface: i.ifname, vrid: i.fsm.params.vrid,
    family: i.cfg.family, version: i.fsm.params.version,
    view: i.fsm.view(), stats: { ...i.fsm.stats }, vips: vipList(i.cfg).map((v) => `${v.address}/${v.prefixLen}`),
    ...(i.fsm.params.syncGroup ? { syncGroup: i.fsm.params.syncGroup } : {}), lastTransitionMs: i.lastTransitionMs,
  }));
  return { instances, groups: [...groups].map((g) => ({ name: g.name, state: g.state,
    members: list.filter((i) => i.group === g).map((i) => i.cfg.name) })) };
}
