// Public entry of the VRRP subsystem: start it from a parsed config, stop it (MASTERs send
// priority 0 and remove VIPs), reload it (unchanged instances keep state and VIPs), and read a
// snapshot for the state/stats/JSON dumps. State changes are reported through onStateChange. A
// config naming an interface that does not exist (without dynamic_interfaces) does not start: the
// result is then a permanent CONFIG error, as keepalived 2.2.7's VRRP process exits with.
import type { KeepalivedConfig } from '../config/model.js';
import { VrrpRuntime, type RuntimeDeps, type StartFailure, type StateChangeEvent, type VrrpSnapshot } from './runtime/vrrp-runtime.js';

export type { StateChangeEvent, VrrpSnapshot, InstanceSnapshot, RuntimeDeps, StartFailure } from './runtime/vrrp-runtime.js';

export interface VrrpHandle {
  /** SIGTERM: MASTERs send priority 0 and remove VIPs (dontRelease, keepalived -V: neither). */
  stop(opts?: { dontRelease?: boolean }): Promise<void>;
  /** `configLines`: lines of the config check this process logs (RuntimeDeps.configLines), for the new file. */
  reload(config: KeepalivedConfig, configLines?: readonly string[]): Promise<void>;
  snapshot(): VrrpSnapshot;
}

export function isStartFailure(r: VrrpHandle | StartFailure): r is StartFailure { return 'permanentError' in r; }

export async function startVrrp(config: KeepalivedConfig,
    deps: RuntimeDeps & { onStateChange?: (ev: StateChangeEvent) => void }): Promise<VrrpHandle | StartFailure> {
  const rt = new VrrpRuntime(deps);
  const failed = await rt.start(config);
  if (failed) return failed;
  return {
    stop: (opts) => rt.stop(opts),
    reload: (c, lines) => rt.reload(c, lines),
    snapshot: () => rt.snapshot(),
  };
}
