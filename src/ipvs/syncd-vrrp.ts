// The VRRP process's side of lvs_sync_daemon: when the configuration names a VRRP instance, the
// process opens IPVS itself (as 2.2.7's VRRP child does, logging "Initializing ipvs") and switches
// the sync daemon as that instance changes state (SyncdFollower's decisions, sent by SyncdRunner).
// An instance that does not exist is logged and nothing runs. IPVS that cannot be opened at start is
// fatal, as for 2.2.7 (stop_vrrp(KEEPALIVED_EXIT_FATAL)); at a reload the daemon is left as it is.
import type { Logger } from '../common/log.js';
import type { KeepalivedConfig } from '../config/model.js';
import type { NotifyState } from '../vrrp/fsm-types.js';
import type { IpvsClient } from './client.js';
import { missingInstanceLine, SyncdFollower, vrrpSyncdFor, type VrrpSyncd } from './syncd.js';
import { SyncdRunner, type DaemonPort } from './syncd-runner.js';

/** What this side uses of an IpvsClient: the two daemon commands and close. */
type SyncdClient = DaemonPort & Pick<IpvsClient, 'close'>;
type Open = (logger: Logger, reload: boolean) => Promise<SyncdClient | null>;
type Cfg = Pick<KeepalivedConfig, 'global' | 'vrrpInstances'>;

export interface VrrpSyncdHandle {
  /** Every instance state the VRRP side notifies (only the followed instance's matter). */
  stateChanged(instance: string, state: NotifyState): void;
  /** After the VRRP side has reloaded: `isMaster` reads an instance's state now. */
  reload(cfg: Cfg, isMaster: (instance: string) => boolean): Promise<void>;
  /** Before the VRRP side stops (2.2.7 stops the daemon before its priority-0 adverts). */
  stop(): Promise<void>;
}

/** The configuration's sync daemon for this process, or a logged "Unable to find" and none. */
function resolve(cfg: Cfg, logger: Logger): VrrpSyncd | null {
  const r = vrrpSyncdFor(cfg);
  if (r && 'missing' in r) { logger.error(missingInstanceLine(r.missing)); return null; }
  return r ? r.syncd : null;
}

/** Starts following (the backup daemon first); 'fatal' when IPVS cannot be opened. */
export async function startVrrpSyncd(cfg: Cfg, logger: Logger, open: Open): Promise<VrrpSyncdHandle | 'fatal'> {
  const first = resolve(cfg, logger);
  const follower = new SyncdFollower(first);
  let client: SyncdClient | null = null;
  let runner: SyncdRunner | null = null;
  /** Opens IPVS (again on a reload, as 2.2.7's ipvs_stop + ipvs_start), once queued commands are answered. */
  const connect = async (reload: boolean | null): Promise<boolean> => {
    await runner?.run([]);
    client?.close();
    client = reload === null ? null : await open(logger, reload);
    runner = client ? new SyncdRunner(client, logger) : null;
    return !!client;
  };
  if (first) {
    if (!(await connect(false))) return 'fatal';
    void runner!.run(follower.start());
  }
  return {
    stateChanged: (instance, state) => { if (runner) void runner.run(follower.stateChanged(instance, state)); },
    reload: async (next, isMaster) => {
      const sd = resolve(next, logger);
      // a reload whose IPVS cannot be opened again leaves the daemon as it is (2.2.7 exits instead)
      const opened = await connect(sd ? true : null);
      const cmds = follower.reload(opened ? sd : null, isMaster);
      if (runner) await runner.run(cmds);
    },
    stop: async () => {
      if (runner) await runner.run(follower.stop());
      await connect(null);
    },
  };
}
