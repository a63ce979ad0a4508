// The real subsystem behind each child: VRRP (src/vrrp startVrrp) or the checkers (src/check
// startCheckers), each with the notify subsystem (src/notify createNotifier) fed by its events, so
// VRRP state changes and checker events become notify scripts, FIFO lines and SMTP alerts in that
// child, as keepalived's children do. Each child imports only its own subsystem, and does so while
// the parent is still sending the configuration (see runChild): the VRRP child never loads the
// checkers, the checker child never loads VRRP and its netlink addon.
import type { KeepalivedConfig } from '../config/model.js';
import type { Logger } from '../common/log.js';
import type { Notifier } from '../notify/index.js';
import type { ChildRole } from './ipc.js';
import { isPermanentError, type StartFn, type StartResult, type SubsystemDeps, type SubsystemHandle } from './subsystem.js';

type Events = Pick<Notifier, 'vrrpEvent' | 'checkerEvent'>;
type Start = (config: KeepalivedConfig, deps: SubsystemDeps, events: Events) => Promise<StartResult>;

/** The start function of a role's real subsystem. */
export async function loadSubsystem(role: ChildRole): Promise<StartFn> {
  const [start, { createNotifier }] = await Promise.all([role === 'vrrp' ? vrrpStart() : checkerStart(), import('../notify/index.js')]);
  return async (config, deps) => {
    let notifier: Notifier | undefined;
    // the VRRP process logs the config check's SECURITY VIOLATION line (deps.configLines) instead of the notifier's
    try { notifier = createNotifier(config, { logger: deps.logger, routerId: config.global.routerId, violationLine: role !== 'vrrp' }); } catch (e) {
      deps.logger.error(`notify: ${(e as Error).message}`);
    }
    const r = await start(config, deps, {
      vrrpEvent: (e) => notifier?.vrrpEvent(e),
      checkerEvent: (e) => notifier?.checkerEvent(e),
    });
    if (isPermanentError(r)) { await notifier?.stop().catch(() => undefined); return r; }
    const handle: SubsystemHandle = {
      stop: async () => { await r.stop(); await notifier?.stop().catch(() => undefined); },
      reload: async (c, lines) => { notifier?.reload(c, { routerId: c.global.routerId }); await r.reload(c, lines); },
      snapshot: () => r.snapshot(),
    };
    if (r.clearStats) handle.clearStats = () => r.clearStats?.();
    if (r.dumpData) handle.dumpData = () => r.dumpData?.() ?? '';
    return handle;
  };
}

async function vrrpStart(): Promise<Start> {
  const { startVrrp, isStartFailure } = await import('../vrrp/index.js');
  return async (config, deps, events) => {
    // lvs_sync_daemon following an instance: this process runs the IPVS sync daemon (src/ipvs/syncd-vrrp.ts)
    const syncd = await vrrpSyncd(config, deps.logger);
    if (syncd === 'fatal') return { permanentError: { kind: 'FATAL', message: '' } };
    const vrrp = await startVrrp(config, {
      logger: deps.logger, clock: deps.clock, onStateChange: (e) => { if (e.kind === 'INSTANCE') syncd.stateChanged(e.name, e.state); events.vrrpEvent(e); },
      releaseVipsAlways: deps.dontRelease || deps.releaseVips,
      ...(deps.configLines ? { configLines: deps.configLines } : {}),
    });
    if (isStartFailure(vrrp)) { await syncd.stop(); return vrrp; }
    const isMaster = (name: string) => vrrp.snapshot().instances.some((i) => i.name === name && i.view.state === 'MASTER');
    return {
      // -V (--dont-release-vrrp): no priority 0, VIPs, virtual routes and VMACs left in place.
      // the sync daemon's stop is asked for first, as in 2.2.7, but the VIPs do not wait for its answer
      stop: async () => { await Promise.all([syncd.stop(), vrrp.stop({ dontRelease: deps.dontRelease })]); },
      reload: async (c, lines) => { await vrrp.reload(c, lines); await syncd.reload(c, isMaster); },
      snapshot: () => vrrp.snapshot(),
    };
  };
}

/** The sync daemon side of the VRRP process; IPVS is loaded only when the configuration asks for it. */
async function vrrpSyncd(config: KeepalivedConfig, logger: Logger): ReturnType<typeof import('../ipvs/syncd-vrrp.js').startVrrpSyncd> {
  const { startVrrpSyncd } = await import('../ipvs/syncd-vrrp.js');
  // net_namespace_ipvs: the sync daemon's IPVS too (a reload cannot change it)
  const netns = config.netNamespaceIpvs !== undefined ? { netns: config.netNamespaceIpvs } : {};
  return startVrrpSyncd(config, logger, async (l, reload) => (await import('../ipvs/index.js')).openIpvsClient(l, { reload, ...netns }));
}

async function checkerStart(): Promise<Start> {
  const { startCheckers, sslStartError } = await import('../check/index.js');
  return async (config, deps, events) => {
    const ssl = sslStartError(config, deps.logger); // the SSL{} files failed: 2.2.7's checker exits FATAL
    if (ssl) return { permanentError: { kind: 'FATAL', message: '' } }; // its lines are logged already
    return startCheckers(config, {
      logger: deps.logger, clock: deps.clock, dontRelease: deps.dontRelease, onEvent: (e) => events.checkerEvent(e),
    });
  };
}
