// Sysctls the VRRP runtime changes (use_vmac's arp_ignore / arp_filter): each write remembers the
// first value seen for its key, and restore() puts those back on stop.
import type { Logger } from '../../common/log.js';
import type { SysctlOps } from '../kernel/port.js';

export class SysctlStore {
  private readonly saved = new Map<string, string>();

  constructor(private readonly ops: SysctlOps, private readonly log: Logger) {}

  set(key: string, value: string): void {
    if (!this.saved.has(key)) {
      const old = this.ops.read(key);
      if (typeof old !== 'string') { this.log.error(`cannot set ${key}: ${old.message}`); return; }
      this.saved.set(key, old);
    }
    const e = this.ops.write(key, value);
    if (e) this.log.error(`cannot set ${key}: ${e.message}`);
  }

  /** Puts back every value changed (an interface gone meanwhile is skipped silently). */
  restore(): void {
    for (const [key, v] of this.saved) this.ops.write(key, v);
    this.saved.clear();
  }
}
