// Timers on a FakeClock for tests of pure cores that emit setTimer/cancelTimer actions: armed
// timers are kept by key with their due time, and advance() moves the clock to each due timer in
// due order (never backwards), fires it (which may arm or cancel others), then to the end.
import type { FakeClock } from '../../src/common/clock.js';

export class TimerWheel<T> {
  private readonly armed = new Map<string, { due: number; value: T }>();

  constructor(private readonly clock: FakeClock, private readonly fire: (value: T) => void) {}

  /** Arms (or re-arms) timer `key` to fire `delayMs` from now with `value`. */
  set(key: string, delayMs: number, value: T): void { this.armed.set(key, { due: this.clock.now() + delayMs, value }); }

  cancel(key: string): void { this.armed.delete(key); }

  /** When timer `key` fires (clock time), or undefined when it is not armed. */
  due(key: string): number | undefined { return this.armed.get(key)?.due; }

  /** Moves time on by `ms`, firing every timer that falls due on the way, earliest first. */
  advance(ms: number): void {
    const end = this.clock.now() + ms;
    for (;;) {
      let next: [string, { due: number; value: T }] | undefined;
      for (const e of this.armed) if (e[1].due <= end && (!next || e[1].due < next[1].due)) next = e;
      if (!next) break;
      this.clock.set(Math.max(this.clock.now(), next[1].due));
      this.armed.delete(next[0]);
      this.fire(next[1].value);
    }
    this.clock.set(end);
  }
}
