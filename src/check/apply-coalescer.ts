// Hands the desired IPVS state to the LvsSink: changes within one event-loop turn are applied
// together, never two applies at once (one that lands while an apply is in flight waits for it and
// is applied after). Only the virtual servers a change touched have their table rebuilt; the rest
// come from a cache (a storm of transitions over 10,000 real servers would otherwise rebuild every
// service on each turn).
import type { DesiredService, LvsDesiredState, LvsSink } from '../common/lvs-desired.js';
import { desiredService, type VsState } from './core/lvs-core.js';

/** The services and groups in force (the engine's, read at each apply). */
export interface DesiredSource {
  vss(): readonly VsState[];
  groups(): LvsDesiredState['groups'];
}

export class ApplyCoalescer {
  private dirty = false;
  private applying = false;
  private pending = false;
  private closed = false;
  private cache = new Map<VsState, DesiredService>();
  private changedVs = new Set<VsState>();
  private allChanged = true;
  /** Settles when the apply scheduled last is done. */
  done: Promise<void> = Promise.resolve();

  constructor(private readonly sink: LvsSink, private readonly source: DesiredSource,
    private readonly defer: (f: () => void) => void = setImmediate) {}

  /** `vs`'s table changed; `'all'`: more than one checker's VS changed (start, reload). */
  mark(what: VsState | 'all'): void {
    if (what === 'all') this.allChanged = true; else this.changedVs.add(what);
    this.schedule();
  }

  /** No apply is scheduled from now on (stop). */
  close(): void { this.closed = true; }

  private schedule(): void {
    if (this.dirty || this.closed) return;
    this.dirty = true;
    this.done = new Promise((resolve) => this.defer(() => { void this.flush().then(resolve); }));
  }

  private async flush(): Promise<void> {
    // Cleared first: while an apply is in flight the change waits as `pending`, and the re-mark at
    // its end must be able to schedule the next apply.
    this.dirty = false;
    if (this.applying) { this.pending = true; return; }
    this.applying = true;
    try {
      await this.sink.apply(this.build());
    } catch {
      // Monitoring mode: the IPVS layer reports its own failure once; checking goes on.
    } finally {
      this.applying = false;
      if (this.pending) { this.pending = false; this.schedule(); }
    }
  }

  /** The desired state now: changed services rebuilt, the others from the cache. */
  build(): LvsDesiredState {
    if (this.allChanged) this.cache.clear();
    const vss = this.source.vss();
    const services: DesiredService[] = new Array(vss.length);
    for (let k = 0; k < vss.length; k++) {
      const v = vss[k]!;
      let d = this.allChanged || this.changedVs.has(v) ? undefined : this.cache.get(v);
      if (!d) { d = desiredService(v); this.cache.set(v, d); }
      services[k] = d;
    }
    this.allChanged = false;
    this.changedVs.clear();
    return { services, groups: this.source.groups() };
  }
}
