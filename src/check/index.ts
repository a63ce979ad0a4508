// Public entry of the checker process: start every checker of a config, with reload (keeping the
// state of unchanged real servers), stop, and a state snapshot. See runtime.ts for the engine.
// Without an injected LvsSink it opens the kernel's IPVS (src/ipvs); when IPVS is missing that
// layer logs keepalived's "IPVS: Can't initialize ipvs" once and the checkers keep checking,
// logging and alerting (monitoring mode).
import type { KeepalivedConfig } from '../config/model.js';
import type { LvsSink } from '../common/lvs-desired.js';
import { CheckerEngine, type CheckerDeps } from './runtime.js';
import { PingGroupRange, type RangeFile } from './ping-group.js';
import { sslFor } from './probes/tls-context.js';
import type { Logger } from '../common/log.js';

export type { CheckerEvent, RsCheckerEvent, RsStateEvent, VsQuorumEvent } from './events.js';
export type { CheckerDeps } from './runtime.js';

export interface StartCheckersDeps extends Omit<CheckerDeps, 'lvs'> {
  /** Where the desired IPVS state goes; default: the kernel via src/ipvs (or nowhere if absent). */
  lvs?: LvsSink;
  /** -I / --dont-release-ipvs: leave the IPVS table as it is on stop. */
  dontRelease?: boolean;
  /** net.ipv4.ping_group_range (tests inject a file); default: /proc. */
  pingGroupRange?: RangeFile;
}

const hasPing = (c: KeepalivedConfig): boolean =>
  c.virtualServers.some((vs) => vs.realServers.some((rs) => rs.checkers.some((k) => k.type === 'PING_CHECK')));

export interface CheckerHandle {
  stop(): Promise<void>;
  reload(config: KeepalivedConfig): Promise<void>;
  /** Text for /tmp/keepalived_check.data. */
  snapshot(): string;
  /** Same text, for the daemon's dump (SubsystemHandle.dumpData). */
  dumpData(): string;
  stats(): { checks: number; probesStarted: number; probesShared: number; probesQueued: number; peakInFlight: number };
}

/**
 * The SSL{} block cannot be loaded (check_ssl.c init_ssl_ctx): logs keepalived's lines and returns
 * a message; the caller stops the checker process (KEEPALIVED_EXIT_FATAL), as 2.2.7 does at start.
 */
export function sslStartError(config: KeepalivedConfig, logger: Logger): string | null {
  const r = sslFor(config);
  if (!r || r.ok) return null;
  for (const l of r.lines) logger.info(l);
  return 'SSL context';
}

/** A sink for monitoring mode: the desired state has nowhere to go. */
export const monitoringSink: LvsSink = { apply: async () => {} };

export async function startCheckers(config: KeepalivedConfig, deps: StartCheckersDeps): Promise<CheckerHandle> {
  let lvs = deps.lvs;
  let current = config;
  let release: (() => Promise<void>) | undefined;
  let reloadIpvs: ((c: KeepalivedConfig) => Promise<void>) | undefined;
  if (!lvs) {
    const { openIpvs, applyStartupGlobals, LvsTimeouts, SyncdRunner, checkerSyncdCmds } = await import('../ipvs/index.js');
    const ipvs = await openIpvs({
      logger: deps.logger, ...(config.netNamespaceIpvs !== undefined ? { netns: config.netNamespaceIpvs } : {}),
    }).catch(() => null);
    lvs = ipvs ? ipvs.sink : monitoringSink;
    if (ipvs) {
      // keepalived's start_check: lvs_timeouts at start and at each reload, lvs_flush at start only;
      // lvs_sync_daemon without a VRRP instance: this process runs the master and backup daemons.
      const timeouts = new LvsTimeouts(ipvs.client, deps.logger);
      const syncd = new SyncdRunner(ipvs.client, deps.logger);
      await timeouts.apply(config.global.lvsTimeouts, false).catch(() => undefined);
      await syncd.run(checkerSyncdCmds('start', undefined, config.global.lvsSyncDaemon));
      await applyStartupGlobals(ipvs.client, config.global, deps.logger).catch(() => undefined);
      reloadIpvs = async (c) => {
        await timeouts.apply(c.global.lvsTimeouts, true).catch(() => undefined);
        await syncd.run(checkerSyncdCmds('reload', current.global.lvsSyncDaemon, c.global.lvsSyncDaemon));
      };
      // The sync daemons stop and the kernel's own timeouts go back (ipvs_stop), with -I too; then
      // lvs_flush_on_stop (of the config in force at stop): one flush instead of removing each
      // service. release() closes the IPVS socket, so the others go first.
      release = async () => {
        await syncd.run(checkerSyncdCmds('stop', current.global.lvsSyncDaemon, undefined));
        await timeouts.restore().catch(() => undefined);
        await ipvs.sink.release({ keep: !!deps.dontRelease, flush: current.global.lvsFlushOnStop });
      };
    }
  }
  // PING_CHECK's ICMP sockets need gid 0 in ping_group_range: widened when one is configured.
  const pingGroup = new PingGroupRange(deps.logger, deps.pingGroupRange);
  if (hasPing(config)) pingGroup.widen();
  const engine = new CheckerEngine(config, { ...deps, lvs }, { clearOnStop: !deps.dontRelease && !release });
  await engine.start();
  return {
    stop: async () => {
      // keepalived 2.2.7: with -I nothing is released; with lvs_flush_on_stop one flush replaces
      // clear_services(), so neither logs nor notifies per real server.
      const flush = !deps.dontRelease && current.global.lvsFlushOnStop;
      try {
        await engine.stop({ clearServices: !deps.dontRelease && !flush });
        if (release) await release().catch(() => undefined);
        else if (flush) deps.logger.info('Flushing lvs on shutdown in oneshot'); // the IPVS sink logs it when there is one
      } finally {
        pingGroup.restore();
      }
    },
    reload: async (c) => {
      if (hasPing(c)) pingGroup.widen();
      // 2.2.7 stops the checker on a reload whose SSL{} files fail; we log its lines and run on
      // (SSL_GET then connects without a client certificate).
      sslStartError(c, deps.logger);
      if (reloadIpvs) await reloadIpvs(c);
      current = c;
      await engine.reload(c);
    },
    snapshot: () => engine.snapshot(),
    dumpData: () => engine.snapshot(),
    stats: () => engine.stats(),
  };
}
