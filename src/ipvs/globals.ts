// global_defs that act on IPVS as a whole: lvs_flush (at start), lvs_timeouts (start, reload, stop),
// lvs_flush_on_stop (lvs_sync_daemon: syncd.ts).
import type { GlobalDefs } from '../config/model.js';
import type { Logger } from '../common/log.js';
import type { IpvsClient } from './client.js';
import type { IpvsTimeouts } from './types.js';

/** At start-up, before the first apply: lvs_flush (only at start, on reload too in 2.2.7). */
export async function applyStartupGlobals(client: IpvsClient, g: Pick<GlobalDefs, 'lvsFlush'>, logger: Logger): Promise<void> {
  if (g.lvsFlush) {
    const r = await client.flush();
    if (!r.ok) logger.error(`IPVS: ${r.message}`);
  }
}

type Cfg = GlobalDefs['lvsTimeouts'];
const configured = (t: Cfg): t is NonNullable<Cfg> => !!t && !!(t.tcp || t.tcpfin || t.udp);

/**
 * What to send for lvs_timeouts (keepalived 2.2.7's libipvs ipvs_set_timeout): the kernel's values
 * are saved before the first change; a configured value is sent, an unset one goes back to the saved
 * value; a reload without lvs_timeouts, and the stop, put every saved value back. Pure.
 */
export function timeoutsToSend(cfg: Cfg, orig: IpvsTimeouts | null): IpvsTimeouts | null {
  if (!orig) return null;
  if (!configured(cfg)) return { ...orig };
  return { tcp: cfg.tcp || orig.tcp, tcpfin: cfg.tcpfin || orig.tcpfin, udp: cfg.udp || orig.udp };
}

/** The two IPVS client calls LvsTimeouts makes (IpvsClient; an in-memory fake in tests). */
export type TimeoutsClient = Pick<IpvsClient, 'getTimeouts' | 'setTimeouts'>;

/** lvs_timeouts at start, at each reload and at stop (check_daemon.c start_check / ipvs_stop). */
export class LvsTimeouts {
  private orig: IpvsTimeouts | null = null;
  constructor(private readonly client: TimeoutsClient, private readonly logger: Logger) {}

  /** Start (reload false) and reload: the configured values; none on reload: the saved ones back. */
  async apply(cfg: Cfg, reload: boolean): Promise<void> {
    if (!configured(cfg) && !reload) return;
    if (configured(cfg) && !this.orig) {
      const r = await this.client.getTimeouts();
      if (r.ok) this.orig = r.value;
    }
    await this.send(timeoutsToSend(cfg, this.orig));
  }

  /** At stop: the kernel's values from before the first change, if we changed them. */
  async restore(): Promise<void> { await this.send(timeoutsToSend(undefined, this.orig)); }

  private async send(t: IpvsTimeouts | null): Promise<void> {
    if (!t) return;
    const r = await this.client.setTimeouts(t);
    if (!r.ok) this.logger.info('Failed to set ipvs timeouts');
  }
}
