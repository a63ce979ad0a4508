// Time contract for the pure cores: a monotonic clock in milliseconds and one-shot timers, injected
// so that state machines and runtimes are tested with a fake clock and fake timers and run with the
// real ones.

export interface Clock {
  /** Monotonic milliseconds (fractions allowed). */
  now(): number;
}

export const monotonicClock: Clock = {
  now: () => Number(process.hrtime.bigint()) / 1e6,
};

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  constructor(private t = 0) {}
  now(): number { return this.t; }
  advance(ms: number): number { this.t += ms; return this.t; }
  set(ms: number): void { this.t = ms; }
}

/** One-shot timers (setTimeout / clearTimeout), injected so tests can run them on a FakeClock. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(h: unknown): void;
}

export const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};
