// The receive buffer of a VRRP socket as keepalived 2.2.7 sizes it (vrrp_scheduler.c): the sum over
// the instances using the socket of each one's share: its kernel_rx_buf_size, else the global
// vrrp_rx_bufs_policy (a size; multiplier x its advert's length; multiplier x its interface's MTU),
// else nothing (0: the kernel's default stays). The kernel doubles what it is given. Recorded:
// test/integration/vrrp/data/links-2.2.7/rx-bufs-*.rcvbuf.
import type { GlobalDefs, VrrpInstance } from '../../config/model.js';

/** vrrp_adv_len: the VRRP message with its VIPs and v2 auth data, plus the IPv4 header (and AH). */
export function advertLength(cfg: VrrpInstance): number {
  const vips = cfg.virtualIpaddress.filter((v) => v.family === cfg.family).length;
  if (cfg.family === 'inet6') return 8 + 16 * vips;
  return 8 + (cfg.version === 2 ? 8 : 0) + 4 * vips + 20 + (cfg.authentication?.type === 'AH' ? 24 : 0);
}

/** One instance's share of its socket's receive buffer (bytes; 0 = none). */
export function rxShare(cfg: VrrpInstance, global: GlobalDefs, mtu: number | undefined): number {
  if (cfg.kernelRxBufSize) return cfg.kernelRxBufSize;
  const p = global.vrrpRxBufsPolicy;
  const mult = global.vrrpRxBufsMultiplier ?? 3;
  if (p?.kind === 'size') return p.bytes;
  if (p?.kind === 'advert') return mult * advertLength(cfg);
  if (p?.kind === 'mtu' && mtu !== undefined) return mult * mtu;
  return 0;
}
