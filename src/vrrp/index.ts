// Public entry of the VRRP subsystem: start it from a parsed config, stop it (MASTERs send
// priority 0 and remove VIPs), reload it (unchanged instances keep state and VIPs), and read a
// snapshot for the state/stats/JSON dumps. State changes are reported through onStateChange.
import type { KeepalivedConfig } from '../config/model.js';
import { VrrpRuntime, type RuntimeDeps, type StateChangeEvent, type VrrpSnapshot } from './runtime/vrrp-runtime.js';

export type { StateChangeEvent, VrrpSnapshot, InstanceSnapshot, RuntimeDeps } from './runtime/vrrp-runtime.js';

export interface VrrpHandle {
  /** SIGTERM: MASTERs send priority 0 and remove VIPs (keepVips: keepalived -V leaves them). */
  stop(opts?: { keepVips?: boolean }): Promise<void>;
  reload(config: KeepalivedConfig): Promise<void>;
  snapshot(): VrrpSnapshot;
}

export async function startVrrp(config: KeepalivedConfig, deps: RuntimeDeps & { onStateChange?: (ev: StateChangeEvent) => void }): Promise<VrrpHandle> {
  const rt = new VrrpRuntime(deps);
  await rt.start(config);
  return {
    stop: (opts) => rt.stop(opts),
    reload: (c) => rt.reload(c),
    snapshot: () => rt.snapshot(),
  };
}
