// global_defs that act on IPVS as a whole: lvs_flush (at start), lvs_timeouts, lvs_flush_on_stop,
// and the lvs_sync_daemon parameters (started / stopped by the VRRP side on state changes).
import type { GlobalDefs } from '../config/model.js';
import type { Logger } from '../common/log.js';
import type { IpvsClient } from './client.js';
import type { IpvsDaemon } from './types.js';

/** At start-up, before the first apply: lvs_flush, then lvs_timeouts. */
export async function applyStartupGlobals(client: IpvsClient, g: Pick<GlobalDefs, 'lvsFlush' | 'lvsTimeouts'>, logger: Logger): Promise<void> {
  if (g.lvsFlush) {
    const r = await client.flush();
    if (!r.ok) logger.error(`IPVS: ${r.message}`);
  }
  if (g.lvsTimeouts && (g.lvsTimeouts.tcp || g.lvsTimeouts.tcpfin || g.lvsTimeouts.udp)) {
    // The kernel leaves a 0 timeout unchanged, so unset values are sent as 0.
    const r = await client.setTimeouts({ tcp: g.lvsTimeouts.tcp ?? 0, tcpfin: g.lvsTimeouts.tcpfin ?? 0, udp: g.lvsTimeouts.udp ?? 0 });
    if (!r.ok) logger.error(`IPVS: ${r.message}`);
  }
}

/** The sync daemon keepalived runs for lvs_sync_daemon (syncid defaults to the VRRP instance's VRID). */
export function syncDaemonFor(sd: NonNullable<GlobalDefs['lvsSyncDaemon']>, state: IpvsDaemon['state'], vrid: number): IpvsDaemon {
  return {
    state, ifname: sd.interface, syncId: sd.syncId ?? vrid,
    ...(sd.maxlen !== undefined ? { maxlen: sd.maxlen } : {}),
    ...(sd.port !== undefined ? { port: sd.port } : {}),
    ...(sd.ttl !== undefined ? { ttl: sd.ttl } : {}),
    ...(sd.group !== undefined ? { group: sd.group } : {}),
  };
}
