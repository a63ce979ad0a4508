// Timing and sharing of probes: the first check of each checker is placed at a random point of
// its warmup window (keepalived: 1 s bootstrap + rand(0..warmup)), so thousands of checks spread
// over the delay_loop instead of firing in bursts; identical in-flight probes are run once and
// their outcome shared by every checker that asked for it.
import type { Outcome } from './core/checker-fsm.js';
import type { Probe } from './probes/types.js';

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(h: unknown): void;
}

export const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export const BOOTSTRAP_DELAY_MS = 1000;

export function firstDelay(warmupMs: number, bootstrapMs = BOOTSTRAP_DELAY_MS, rand: () => number = Math.random): number {
  return bootstrapMs + Math.floor(rand() * Math.max(0, warmupMs));
}

export class ProbeSharer {
  private inflight = new Map<string, Promise<Outcome>>();
  /** Probes actually started, and requests served from a shared in-flight probe. */
  started = 0;
  shared = 0;

  run(probe: Probe, urlIdx: number): Promise<Outcome> {
    const key = probe.key(urlIdx);
    const existing = this.inflight.get(key);
    if (existing) { this.shared++; return existing; }
    this.started++;
    const p = probe.run(urlIdx).catch((): Outcome => ({ ok: false, msg: 'failed' }));
    this.inflight.set(key, p);
    void p.then(() => { this.inflight.delete(key); });
    return p;
  }
}
