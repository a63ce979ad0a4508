// linkbeat_interfaces / linkbeat_use_polling as keepalived 2.2.7 does them (vrrp_if.c): the state
// of these interfaces comes from polling every second (MII registers, ETHTOOL_GLINK, or the
// interface flags), not from netlink, whose flag changes for them are ignored; a change is logged
// "Linkbeat reports IF up|down". The probe kind is found at start: the configured one if it
// answers (ETHTOOL falls back to MII), else MII, then ETHTOOL, then the flags ("(IF): Configured
// linkbeat type MII not supported, using ETHTOOL"). Interfaces no instance uses are not polled
// ("Turning off linkbeat for IF since not used for tracking"), nor VMACs. Recorded: test/integration/
// vrrp/data/links-2.2.7/linkbeat.*. Pure: the probe is injected (kernel port), times are the caller's.
import type { KeepalivedConfig, LinkbeatInterface } from '../../config/model.js';
import type { KernelError } from '../kernel/port.js';

export type LbType = NonNullable<LinkbeatInterface['type']>;

/** A probe: MII / ETHTOOL link (0 down, 1 up) or the interface flags; why it failed otherwise. */
export type Probe = (ifname: string, kind: 'MII' | 'ETHTOOL' | 'FLAGS') => number | KernelError;

/** keepalived polls every TIMER_HZ. */
export const POLL_MS = 1000;

const IFF_UP = 0x1, IFF_RUNNING = 0x40;

/** if_ioctl_flags: up and running; a failed ioctl counts as up unless the interface is gone. */
function flagsProbe(probe: Probe, ifname: string): boolean {
  const f = probe(ifname, 'FLAGS');
  if (typeof f !== 'number') return f.code !== 'ENODEV';
  return (f & (IFF_UP | IFF_RUNNING)) === (IFF_UP | IFF_RUNNING);
}

/** init_linkbeat_status: the probe kind that works for this interface and its state now. */
export function firstProbe(ifname: string, configured: LbType | undefined, probe: Probe): { type: LbType;
    up: boolean; log?: string } {
  let type: LbType | undefined = configured;
  let up = false;
  if (!type || type === 'MII') {
    const st = probe(ifname, 'MII');
    if (typeof st === 'number') { type = 'MII'; up = st > 0; } else type = undefined;
  }
  if (!type || type === 'ETHTOOL') {
    const st = probe(ifname, 'ETHTOOL');
    if (typeof st === 'number') { type = 'ETHTOOL'; up = st > 0; } else {
      // ETHTOOL configured but not answering: MII is tried
      const mii = type ? probe(ifname, 'MII') : undefined;
      if (typeof mii === 'number') { type = 'MII'; up = mii > 0; } else type = undefined;
    }
  }
  if (!type || type === 'IOCTL') { type = 'IOCTL'; up = true; }
  if (up) up = flagsProbe(probe, ifname);
  const log = configured && configured !== type ? `(${ifname}): Configured linkbeat type ${configured} not supported, using ${type}` : undefined;
  return log ? { type, up, log } : { type, up };
}

/**
 * if_linkbeat_refresh_thread: the state now. MII / ETHTOOL decide first (2.2.7 takes a failed
 * probe, -1, as "up" there and lets the flags decide), then the flags; a missing interface is down.
 */
export function pollProbe(ifname: string, type: LbType, exists: boolean, probe: Probe): boolean {
  if (!exists) return false;
  let up = true;
  if (type === 'MII' || type === 'ETHTOOL') up = probe(ifname, type) !== 0; // a failure counts as up
  return up ? flagsProbe(probe, ifname) : false;
}

/** The interfaces to poll: linkbeat_interfaces, and every instance's interface with linkbeat_use_polling. */
export function polledInterfaces(cfg: KeepalivedConfig,
    isVmac: (ifname: string) => boolean): { poll: { name: string; type?: LbType }[]; logs: string[] } {
  const want = new Map<string, LbType | undefined>();
  for (const l of cfg.linkbeatInterfaces ?? []) want.set(l.name, l.type);
  for (const vi of cfg.vrrpInstances) {
    const ifname = vi.interface ?? cfg.global.defaultInterface;
    if ((vi.linkbeatUsePolling || cfg.linkbeatUsePolling) && !want.has(ifname)) want.set(ifname, undefined);
  }
  const used = usedInterfaces(cfg);
  const poll: { name: string; type?: LbType }[] = [];
  const logs: string[] = [];
  for (const [name, type] of want) {
    if (!used.has(name)) { logs.push(`Turning off linkbeat for ${name} since not used for tracking`); continue; }
    if (isVmac(name)) { logs.push(`Turning off linkbeat for ${name} since netlink works for vmacs/ipvlans`); continue; }
    poll.push(type ? { name, type } : { name });
  }
  return { poll, logs };
}

/** Interfaces some instance depends on: its own, its tracked ones, its VIPs' (keepalived's tracking_vrrp). */
function usedInterfaces(cfg: KeepalivedConfig): Set<string> {
  const s = new Set<string>();
  for (const vi of cfg.vrrpInstances) {
    s.add(vi.interface ?? cfg.global.defaultInterface);
    for (const t of vi.trackInterface) s.add(t.name);
    for (const v of [...vi.virtualIpaddress, ...vi.virtualIpaddressExcluded]) if (v.dev && !v.noTrack) s.add(v.dev);
  }
  return s;
}
