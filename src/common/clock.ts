// Time contract for the pure cores: a monotonic clock in milliseconds, injected so that state
// machines are tested with a fake clock and run with the real one.

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
