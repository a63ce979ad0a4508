// Receive buffers of the daemon's netlink sockets as keepalived 2.2.7 sizes them (measured in
// test/integration/daemon/data/netlink-bufs-2.2.7.md): each rtnetlink command and monitor socket of
// the VRRP process gets vrrp_netlink_cmd_rcv_bufs / vrrp_netlink_monitor_rcv_bufs, 64 KiB when not
// set, with SO_RCVBUF (the kernel doubles it and caps it at net.core.rmem_max) or, with
// *_rcv_bufs_force, SO_RCVBUFFORCE (no cap; needs CAP_NET_ADMIN). The process-event socket gets
// process_monitor_rcv_bufs only when it is set. Sockets of the `netlink` package expose no
// descriptor: netlinkFdOfPort finds it from the port id (/proc/self/net/netlink + /proc/self/fd).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { GlobalDefs, NetlinkBufKind } from '../../config/model.js';
import { C, intOpt, isNativeError, loadKanet } from './native.js';

/** A receive buffer to set: bytes as given to setsockopt, and SO_RCVBUFFORCE instead of SO_RCVBUF. */
export interface RcvBuf { size: number; force: boolean }

/** keepalived's IF_DEFAULT_BUFSIZE: what an rtnetlink socket gets when its *_rcv_bufs is not set. */
export const NETLINK_DEFAULT_RCVBUF = 64 * 1024;
const SO_RCVBUFFORCE = 33;

/** The buffer for a kind of socket; `undefined` for process_monitor when it is not configured (left alone). */
export function rcvBufFor(g: GlobalDefs, kind: NetlinkBufKind): RcvBuf | undefined {
  const b = g.netlinkRcvBufs?.[kind];
  if (kind === 'process_monitor' && !b?.size) return undefined;
  return { size: b?.size || NETLINK_DEFAULT_RCVBUF, force: b?.force ?? false };
}

/** setsockopt(SO_RCVBUF or SO_RCVBUFFORCE); the errno on failure. */
export function setRcvBuf(fd: number, b: RcvBuf): number | undefined {
  const k = loadKanet();
  if (isNativeError(k)) return k.errno;
  // the kernel takes an int; sizes past INT_MAX arrive as negative values, which it treats as 0
  const r = k.setsockopt(fd, C.SOL_SOCKET, b.force ? SO_RCVBUFFORCE : C.SO_RCVBUF, intOpt(b.size | 0));
  return r < 0 ? -r : undefined;
}

/** 2.2.7's line when an rtnetlink socket's buffer cannot be set. */
export function rcvBufFailure(b: RcvBuf, errno: number, text: string): string {
  return b.force ? `cant set SO_RCVBUFFORCE IP option. errno=${errno} (${text})` : `Cannot set SO_RCVBUF IP option. errno=${errno} (${text})`;
}

/** Sets `b` on `fd` and returns 2.2.7's failure line, if any. */
export function applyRcvBuf(fd: number, b: RcvBuf): string | undefined {
  const e = setRcvBuf(fd, b);
  if (e === undefined) return undefined;
  const k = loadKanet();
  return rcvBufFailure(b, e, isNativeError(k) ? `errno ${e}` : k.strerror(e));
}

/**
 * This process's descriptor of the netlink socket with this protocol and port id: its inode from
 * /proc/self/net/netlink (columns sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode), then the
 * descriptor whose /proc/self/fd link is socket:[inode].
 */
export function netlinkFdOfPort(protocol: number, port: number, proc = '/proc/self'): number | undefined {
  let inode: string | undefined;
  try {
    for (const line of readFileSync(`${proc}/net/netlink`, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length >= 10 && Number(f[1]) === protocol && Number(f[2]) === port) { inode = f[9]; break; }
    }
    if (inode === undefined) return undefined;
    const want = `socket:[${inode}]`;
    for (const name of readdirSync(`${proc}/fd`)) {
      try { if (readlinkSync(`${proc}/fd/${name}`) === want) return Number(name); } catch { /* closed meanwhile */ }
    }
  } catch { /* no /proc */ }
  return undefined;
}
