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

/**
 * Runs probes, sharing identical in-flight ones, with at most `maxInFlight` running at once: in
 * normal operation a probe lasts far less than a delay_loop and the cap never binds; when the
 * process is starved of CPU it keeps the backlog as a queue of closures rather than thousands of
 * half-open sockets (a probe's connect_timeout starts when it really starts).
 */
export class ProbeSharer {
  private inflight = new Map<string, Promise<Outcome>>();
  private running = 0;
  private queue: (() => void)[] = [];
  private qHead = 0;
  /** Probes actually started, requests served from a shared in-flight probe, and queued starts. */
  started = 0;
  shared = 0;
  queued = 0;

  constructor(readonly maxInFlight = 4096) {}

  run(probe: Probe, urlIdx: number): Promise<Outcome> {
    const key = probe.key(urlIdx);
    const existing = this.inflight.get(key);
    if (existing) { this.shared++; return existing; }
    this.started++;
    const p = new Promise<Outcome>((resolve) => {
      const go = (): void => {
        this.running++;
        probe.run(urlIdx).catch((): Outcome => ({ ok: false, msg: 'failed' })).then((o) => {
          this.running--;
          this.inflight.delete(key);
          this.next();
          resolve(o);
        });
      };
      if (this.running < this.maxInFlight) go();
      else { this.queued++; this.queue.push(go); }
    });
    this.inflight.set(key, p);
    return p;
  }

  private next(): void {
    if (this.qHead < this.queue.length && this.running < this.maxInFlight) {
      const go = this.queue[this.qHead]!;
      this.queue[this.qHead++] = undefined as unknown as () => void;
      if (this.qHead > 1024 && this.qHead * 2 > this.queue.length) { this.queue = this.queue.slice(this.qHead); this.qHead = 0; }
      go();
    }
  }
}
