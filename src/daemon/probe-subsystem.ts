// Test mode for the daemon shell (KEEPALIVED_TS_PROBE_SUBSYSTEMS=1): a stand-in for startVrrp /
// startCheckers that touches no network, so the process model, signals, reloads, dumps and
// logging can be tested on their own. Every line it logs starts with "probe:" so it can never be
// mistaken for real VRRP/checker output. KEEPALIVED_TS_PROBE_FATAL=<role>:<FATAL|CONFIG> makes
// that role's start fail permanently.
import type { KeepalivedConfig } from '../config/model.js';
import type { ChildRole, PermanentKind } from './ipc.js';
import { zeroStats, type VrrpSnapshot } from './dumps/model.js';
import type { StartFn, SubsystemHandle } from './subsystem.js';

export function probeStart(role: ChildRole): StartFn {
  return (config, deps) => {
    const fatal = process.env.KEEPALIVED_TS_PROBE_FATAL;
    if (fatal && fatal.startsWith(`${role}:`)) {
      const kind = fatal.slice(role.length + 1) as PermanentKind;
      return { permanentError: { kind, message: `probe: ${role} start failed (${kind})` } };
    }
    let cfg: KeepalivedConfig = config;
    const started = Date.now() / 1000;
    const count = (c: KeepalivedConfig) => (role === 'vrrp' ? c.vrrpInstances.length : c.virtualServers.length);
    deps.logger.info(`probe: ${role} stand-in started with ${count(cfg)} ${role === 'vrrp' ? 'instance(s)' : 'virtual server(s)'}`);
    const stats = new Map(cfg.vrrpInstances.map((i) => [i.name, zeroStats()]));
    const handle: SubsystemHandle = {
      async stop() { deps.logger.info(`probe: ${role} stand-in stopping`); },
      async reload(c) {
        cfg = c;
        for (const i of c.vrrpInstances) if (!stats.has(i.name)) stats.set(i.name, zeroStats());
        deps.logger.info(`probe: ${role} stand-in reloaded with ${count(c)} ${role === 'vrrp' ? 'instance(s)' : 'virtual server(s)'}`);
      },
      snapshot(): VrrpSnapshot {
        // Each snapshot counts as one received advert, so tests can see counters move and clear.
        for (const st of stats.values()) st.advert_rcvd++;
        return {
          instances: cfg.vrrpInstances.map((i) => ({
            name: i.name, state: 'BACKUP', wantState: 'BACKUP', effectivePriority: i.priority,
            lastTransition: started, vipsSet: false, stats: { ...(stats.get(i.name) ?? zeroStats()) },
          })),
        };
      },
      clearStats() { for (const k of stats.keys()) stats.set(k, zeroStats()); },
    };
    return handle;
  };
}
