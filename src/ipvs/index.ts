// Public API of the IPVS layer: openIpvs() resolves the kernel's IPVS Generic Netlink family (or
// logs keepalived's "Can't initialize ipvs" line and returns null: monitoring mode), and hands back
// the client plus an IpvsSink (the LvsSink the checkers feed); the lvs_sync_daemon decisions
// (syncd.ts) and their runner.
import type { Logger } from '../common/log.js';
import { IpvsClient } from './client.js';
import { IpvsSink, type IpvsSinkOptions } from './sink.js';
import { openGenlTransport, type GenlTransport } from './transport.js';
import { strerror as errnoText } from '../vrrp/io/native.js';
import { inIpvsNamespace } from './netns-socket.js';

export interface IpvsHandle {
  client: IpvsClient;
  sink: IpvsSink;
  version: string;
}

export interface OpenIpvsOptions extends IpvsSinkOptions {
  logger: Logger;
  /** Injected transport (tests); default: a real NETLINK_GENERIC socket. */
  transport?: GenlTransport;
  /** net_namespace_ipvs: the socket is made in this network namespace ('' = the initial one). */
  netns?: string;
}

/**
 * Resolves the IPVS family and logs as keepalived's ipvs_start ("Initializing ipvs", or
 * "Reinitializing ipvs" on a reload); null after its "IPVS: Can't initialize ipvs: ..." line.
 */
export async function openIpvsClient(logger: Logger, opts: { transport?: GenlTransport; reload?: boolean;
    netns?: string } = {}): Promise<IpvsClient | null> {
  logger.info(opts.reload ? 'Reinitializing ipvs' : 'Initializing ipvs');
  let t = opts.transport;
  if (!t) {
    const ns = opts.netns;
    const inNs = ns === undefined ? undefined : inIpvsNamespace(ns, openGenlTransport, logger);
    // a namespace that cannot be entered: 2.2.7 reports the errno of that failure
    if (inNs && !inNs.ok) { logger.info(`IPVS: Can't initialize ipvs: ${errnoText(inNs.errno)}`); return null; }
    const r = inNs ? inNs.value : openGenlTransport();
    if (!r.ok) { logger.info(`IPVS: Can't initialize ipvs: ${r.message}`); return null; }
    t = r.value;
  }
  const c = await IpvsClient.open(t);
  if (!c.ok) {
    logger.info(`IPVS: Can't initialize ipvs: ${c.message}`);
    t.close();
    return null;
  }
  return c.value;
}

export async function openIpvs(opts: OpenIpvsOptions): Promise<IpvsHandle | null> {
  const client = await openIpvsClient(opts.logger, { transport: opts.transport,
    ...(opts.netns !== undefined ? { netns: opts.netns } : {}) });
  if (!client) return null;
  const info = await client.getInfo();
  return { client, sink: new IpvsSink(client, opts.logger, { autoRepair: true, ...opts }), version: info.ok ? info.value.version : '' };
}

export { IpvsClient, type IpvsCounters } from './client.js';
export { IpvsSink, type ApplyReport } from './sink.js';
export { planOps, type IpvsOp } from './plan.js';
export { toKernelState, repairIntervalFor, type KernelState } from './desired.js';
export { DesiredIndex, type IndexUpdate } from './desired-index.js';
export { initialDesiredState, destinationsFor } from './initial.js';
export type { IpvsService, IpvsDest, IpvsTimeouts, IpvsDaemon, SvcKey } from './types.js';
export { openGenlTransport, type GenlTransport, type GenlResult } from './transport.js';
export { applyStartupGlobals, LvsTimeouts, timeoutsToSend } from './globals.js';
export { checkerSyncdCmds, SyncdFollower, syncdOwner, vrrpSyncdFor, type SyncdCmd } from './syncd.js';
export { SyncdRunner } from './syncd-runner.js';
export type { RepairRound } from './sink.js';
