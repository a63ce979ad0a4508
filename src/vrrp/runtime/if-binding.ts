// Binds an instance to its interface as the interface comes and goes: at start, when a missing
// interface is created (dynamic_interfaces) and when one is deleted and created again (a new
// ifindex). Attaching takes the interface's addresses for the advert source, opens the instance's
// socket in the pool (IPv6: once there is a link-local address to bind to) and prepares its VIP
// requests for the new ifindex; detaching closes the socket (keepalived's cleanup_lost_interface).
import type { Logger } from '../../common/log.js';
import type { GlobalDefs } from '../../config/model.js';
import { isKernelError, type KernelError, type LinkInfo } from '../kernel/port.js';
import type { Inst } from './instance.js';
import type { LinkTable } from './link-table.js';
import type { SocketPool } from './socket-pool.js';
import type { VipExecutor } from './vip-executor.js';

export class InterfaceBinding {
  constructor(private readonly sockets: SocketPool, private readonly links: LinkTable,
    private readonly vips: VipExecutor,
    private readonly log: Logger, private readonly global: () => GlobalDefs) {}

  /** Opens the instance's socket if its interface allows it now and it has none; an error value if that failed. */
  openSocket(inst: Inst): KernelError | undefined {
    const { cfg, link } = inst;
    if (inst.socket || !link || (cfg.family === 'inet6' && !inst.hasAddr)) return undefined;
    const unicast = cfg.unicastPeer.length > 0;
    const g = this.global();
    // the group this instance's adverts go to (mcast_dst_ip, else vrrp_mcast_group4/6): one socket per group
    const group = unicast ? undefined : inst.fsm.params.destination;
    const entry = this.sockets.acquire(
      { ifindex: link.index, family: cfg.family, unicast, ...(group ? { group } : {}) },
      { ifname: link.name, srcAddr: inst.primary, ...(group ? { group } : {}),
        ttl: unicast ? (cfg.unicastTtl ?? 255) : 255 },
      cfg.name);
    if (isKernelError(entry)) return entry;
    inst.socket = entry;
    return undefined;
  }

  /** Re-reads the interface's addresses: the advert source and whether there is one. */
  refreshPrimary(inst: Inst): { changed: boolean; hadAddr: boolean } {
    const hadAddr = inst.hasAddr;
    if (inst.cfg.unicastSrcIp) return { changed: false, hadAddr };
    const p = inst.link ? this.links.primaryOf(inst.cfg, inst.link) : undefined;
    const changed = !!p && p !== inst.primary;
    if (p) inst.primary = p;
    inst.hasAddr = !!p;
    if (inst.hasAddr && !inst.socket) this.reportOpen(inst);
    return { changed, hadAddr };
  }

  /** The instance's interface appeared (created, or created again with a new ifindex). */
  attach(inst: Inst, link: LinkInfo): void {
    if (inst.link && inst.link.index !== link.index) this.detach(inst);
    inst.link = link;
    this.refreshPrimary(inst);
    this.reportOpen(inst);
    this.vips.prepare(inst);
  }

  /** The instance's interface was deleted. */
  detach(inst: Inst): void {
    if (inst.socket) { this.sockets.release(inst.cfg.name); delete inst.socket; }
    delete inst.link;
    if (!inst.cfg.unicastSrcIp) inst.hasAddr = false;
  }

  private reportOpen(inst: Inst): void {
    const e = this.openSocket(inst);
    if (e) this.log.error(`(${inst.cfg.name}) cannot open VRRP socket on ${inst.ifname}: ${e.message}`);
  }
}
