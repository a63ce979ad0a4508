// Timing and sharing of probes: the first check of each checker is placed at a random point of
// its warmup window (keepalived: 1 s bootstrap + rand(0..warmup)), so thousands of checks spread
// over the delay_loop instead of firing in bursts; identical in-flight probes are run once and
// their outcome shared by every checker that asked for it.
import type { Outcome } from './core/checker-fsm.js';
import type { Probe } from './probes/types.js';

export { realTimers, type Timers } from '../common/clock.js';

export const BOOTSTRAP_DELAY_MS = 1000;

export function firstDelay(warmupMs: number, bootstrapMs = BOOTSTRAP_DELAY_MS,
    rand: () => number = Math.random): number {
  return bootstrapMs + Math.floor(rand() * Math.max(0, warmupMs));
}

const FAILED: Outcome = Object.freeze({ ok: false, why: 'failed' });

/** Who waits for a probe's outcome: an object with a method, so a caller needs no closure per check. */
export interface Waiter { settled(o: Outcome): void }

/** One probe run and everyone waiting for its outcome. */
class Flight {
  more: Waiter[] | null = null;
  constructor(readonly owner: ProbeSharer, readonly key: string, readonly probe: Probe, readonly urlIdx: number,
    readonly first: Waiter) {}
  readonly done = (o: Outcome): void => { this.owner.settle(this, o); };
}

/**
 * Runs probes, sharing identical in-flight ones, with at most `maxInFlight` running at once: in
 * normal operation a probe lasts far less than a delay_loop and the cap never binds; when the
 * process is starved of CPU it keeps the backlog as a queue rather than thousands of half-open
 * sockets (a probe's connect_timeout starts when it really starts). Outcomes are delivered by
 * callback (probes with a callback `start` run without any promise).
 */
export class ProbeSharer {
  private inflight = new Map<string, Flight>();
  private running = 0;
  private queue: (Flight | undefined)[] = [];
  private qHead = 0;
  /** Probes actually started, requests served from a shared in-flight probe, and queued starts. */
  started = 0;
  shared = 0;
  queued = 0;
  /** The most probes that ran at once. */
  peakRunning = 0;

  constructor(readonly maxInFlight = 4096) {}

  /** Runs `probe` (or joins its identical in-flight run); `w` gets the outcome, never synchronously. */
  request(probe: Probe, urlIdx: number, w: Waiter): void {
    const key = probe.key(urlIdx);
    const existing = this.inflight.get(key);
    if (existing) { this.shared++; (existing.more ??= []).push(w); return; }
    this.started++;
    const f = new Flight(this, key, probe, urlIdx, w);
    this.inflight.set(key, f);
    if (this.running < this.maxInFlight) this.go(f);
    else { this.queued++; this.queue.push(f); }
  }

  /** Promise form of request(). */
  run(probe: Probe, urlIdx: number): Promise<Outcome> {
    return new Promise((resolve) => this.request(probe, urlIdx, { settled: resolve }));
  }

  private go(f: Flight): void {
    if (++this.running > this.peakRunning) this.peakRunning = this.running;
    try {
      if (f.probe.start) f.probe.start(f.urlIdx, f.done);
      else f.probe.run(f.urlIdx).then(f.done, () => f.done(FAILED));
    } catch {
      process.nextTick(f.done, FAILED);
    }
  }

  /** Called once per flight with its outcome. */
  settle(f: Flight, o: Outcome): void {
    if (this.inflight.get(f.key) !== f) return; // settled already
    this.running--;
    this.inflight.delete(f.key);
    this.next();
    f.first.settled(o);
    if (f.more) for (const w of f.more) w.settled(o);
  }

  private next(): void {
    if (this.qHead < this.queue.length && this.running < this.maxInFlight) {
      const f = this.queue[this.qHead]!;
      this.queue[this.qHead++] = undefined;
      if (this.qHead > 1024 && this.qHead * 2 > this.queue.length) { this.queue = this.queue.slice(this.qHead);
        this.qHead = 0; }
      this.go(f);
    }
  }
}
