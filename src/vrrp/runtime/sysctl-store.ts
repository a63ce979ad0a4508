// Sysctls the VRRP runtime changes (use_vmac's arp_ignore / arp_filter, promote_secondaries): each
// change remembers the first value seen for its key, and restore() puts those back on stop. A value
// that is already what is wanted is left alone and not restored (as keepalived 2.2.7 does), and so
// is one set with `keep`.
import type { Logger } from '../../common/log.js';
import type { SysctlOps } from '../kernel/port.js';

export class SysctlStore {
  private readonly saved = new Map<string, string>();

  constructor(private readonly ops: SysctlOps, private readonly log: Logger) {}

  /** `keep`: never put back (use_vmac's arp_ignore / arp_filter on the base, which 2.2.7 leaves set). */
  set(key: string, value: string, opts: { keep?: boolean } = {}): void {
    if (!this.saved.has(key)) {
      const old = this.ops.read(key);
      if (typeof old !== 'string') { this.log.error(`cannot set ${key}: ${old.message}`); return; }
      if (old === value) return;
      if (!opts.keep) this.saved.set(key, old);
    }
    const e = this.ops.write(key, value);
    if (e) this.log.error(`cannot set ${key}: ${e.message}`);
  }

  /** Puts back every value changed, or those `only` picks (an interface gone meanwhile is skipped silently). */
  restore(only?: (key: string) => boolean): void {
    for (const [key, v] of this.saved) if (!only || only(key)) this.ops.write(key, v);
    this.saved.clear();
  }
}
