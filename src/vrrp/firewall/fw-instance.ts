// An instance's VIPs (virtual_ipaddress then virtual_ipaddress_excluded) as the VIP firewall sees
// them: address bytes, family, link-local or not, the interface each is on. Pure.
import type { VirtualIp, VrrpInstance } from '../../config/model.js';
import { isLinkLocal6 } from '../addr.js';
import { ipToBytes } from '../io/addr.js';
import type { FwAddr, FwInstance } from './plan.js';

export interface VipPlace { ifindex: number; ifname: string }

/** `where`: the interface a VIP goes on; `instIfindex`: the instance's own (its VMAC's with use_vmac). */
export function fwInstance(cfg: VrrpInstance, where: (v: VirtualIp) => VipPlace, instIfindex: number): FwInstance {
  const vips = cfg.noVirtualIpaddress ? [] : [...cfg.virtualIpaddress, ...cfg.virtualIpaddressExcluded];
  const addrs = vips.flatMap((v): FwAddr[] => {
    const bytes = ipToBytes(v.address);
    if (!bytes) return [];
    const w = where(v);
    return [{
      id: `${v.address}%${w.ifindex}`, family: v.family, bytes, linkLocal: bytes.length === 16 && isLinkLocal6(bytes),
      ifindex: w.ifindex, ifname: w.ifname, onInstanceIf: w.ifindex === instIfindex, noTrack: !!v.noTrack,
    }];
  });
  return { name: cfg.name, dontTrackPrimary: cfg.dontTrackPrimary, addrs };
}
