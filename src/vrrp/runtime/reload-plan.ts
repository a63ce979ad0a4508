// Reload planner (pure): from the running config, the new one, the running instances and the
// interfaces, which instances keep running and take the new settings in place, which stop and which
// start. As keepalived 2.2.7 on SIGHUP (checked in namespaces): an instance that still exists with
// the same name, VRID, interface (by name: it may be missing or have no address) and family keeps
// its state; one whose socket (unicast/multicast,
// unicast_src_ip, unicast_ttl), VMAC or sync group changes is stopped and started again, and so are
// all members of a sync group when one of them restarts.
import type { KeepalivedConfig, VrrpInstance, VrrpSyncGroup } from '../../config/model.js';
import type { VrrpFsmParams } from '../fsm-types.js';
import { deriveFsmParams } from '../params.js';
import { trackGroups } from '../track-groups.js';
import type { LinkInfo } from '../kernel/port.js';

export interface KeptInstance { cfg: VrrpInstance; params: VrrpFsmParams; logs: string[] }

export interface ReloadPlan {
  /** Running instances that take the new config in place (through the FSM's 'reconfigure'). */
  keep: Map<string, KeptInstance>;
  /** Running instances to stop. */
  stop: string[];
  /** New-config instances to start from INIT. */
  start: VrrpInstance[];
}

export interface ReloadInputs {
  old: KeepalivedConfig;
  next: KeepalivedConfig;
  /**
   * The running instances: config, configured interface name, current advert source, and the
   * interface it runs on when that is another (its use_ipvlan ipvlan).
   */
  running: ReadonlyMap<string, { cfg: VrrpInstance; ifname: string; primary: string; runsOn?: string }>;
  link(name: string): LinkInfo | undefined;
  primaryOf(cfg: VrrpInstance, link: LinkInfo): string | undefined;
  /** -V / -X (VrrpFsmParams.releaseVipsAlways). */
  releaseVipsAlways?: boolean;
}

/** Can the running instance take the new config in place (same VRID, family, socket and VMAC)? */
export function sameSlot(a: VrrpInstance, b: VrrpInstance): boolean {
  return a.virtualRouterId === b.virtualRouterId && a.family === b.family
    && (a.unicastPeer.length > 0) === (b.unicastPeer.length > 0)
    && a.unicastSrcIp === b.unicastSrcIp && a.unicastTtl === b.unicastTtl
    && JSON.stringify(a.useVmac ?? null) === JSON.stringify(b.useVmac ?? null) && a.vmacXmitBase === b.vmacXmitBase
    && sameIpvlan(a.useIpvlan, b.useIpvlan);
}

/** The same use_ipvlan (name, type, address; not where it was written). */
function sameIpvlan(a: VrrpInstance['useIpvlan'], b: VrrpInstance['useIpvlan']): boolean {
  const key = (u: VrrpInstance['useIpvlan']) => u && [u.name, u.mode ?? 'bridge', u.address?.address, u.address?.prefixLen].join(' ');
  return key(a) === key(b);
}

const groupOf = (c: KeepalivedConfig, name: string): VrrpSyncGroup | undefined =>
  c.vrrpSyncGroups.find((g) => g.group.includes(name));

export function planReload(i: ReloadInputs): ReloadPlan {
  const { old, next } = i;
  const keep = new Map<string, KeptInstance>();
  const groupIfs = trackGroups(next).interfaces;
  for (const cfg of next.vrrpInstances) {
    const cur = i.running.get(cfg.name);
    if (!cur) continue;
    const ifname = cfg.interface ?? next.global.defaultInterface;
    if (ifname !== cur.ifname || !sameSlot(cur.cfg, cfg)) continue;
    const link = i.link(cur.runsOn ?? ifname);
    const primary = (link ? i.primaryOf(cfg, link) : undefined) ?? cur.primary;
    const sg = groupOf(next, cfg.name), oldSg = groupOf(old, cfg.name);
    if (JSON.stringify(sg?.group ?? null) !== JSON.stringify(oldSg?.group ?? null)) continue;
    const { params, logs } = deriveFsmParams(cfg, { global: next.global, vrrpScripts: next.vrrpScripts,
      trackFiles: next.trackFiles, trackProcesses: next.trackProcesses, primaryAddress: primary,
      releaseVipsAlways: !!i.releaseVipsAlways, groupInterfaces: groupIfs.get(cfg.name) ?? [],
      ...(sg ? { syncGroup: sg } : {}) });
    keep.set(cfg.name, { cfg, params, logs });
  }
  // a sync group restarts as a whole when one of its members does
  for (const g of [...next.vrrpSyncGroups, ...old.vrrpSyncGroups]) {
    if (g.group.some((n) => i.running.has(n) && !keep.has(n))) for (const n of g.group) keep.delete(n);
  }
  return {
    keep,
    stop: [...i.running.keys()].filter((n) => !keep.has(n)),
    start: next.vrrpInstances.filter((c) => !keep.has(c.name)),
  };
}
