// Fake one-shot timers on a FakeClock (the Timers contract of src/common/clock.ts): advance() runs
// every timer that falls due, earliest first (same instant: in the order they were set), moving
// the clock to each due time and letting promises and setImmediate callbacks settle after each.
import type { FakeClock, Timers } from '../../src/common/clock.js';

export class FakeTimers implements Timers {
  private seq = 0;
  private q = new Map<number, { at: number; fn: () => void }>();
  /** set() calls. */
  sets = 0;
  constructor(readonly clock: FakeClock) {}
  set(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.sets++;
    this.q.set(id, { at: this.clock.now() + ms, fn });
    return id;
  }
  clear(h: unknown): void { this.q.delete(h as number); }
  pending(): number { return this.q.size; }
  /** Runs every timer due up to now+ms in time order, letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const target = this.clock.now() + ms;
    for (;;) {
      let best: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.q) if (e[1].at <= target && (!best || e[1].at < best[1].at
        || (e[1].at === best[1].at && e[0] < best[0]))) best = e;
      if (!best) break;
      // Like Node's timers phase: every timer due at that instant runs before I/O callbacks.
      const at = best[1].at;
      const due = [...this.q].filter((e) => e[1].at === at).sort((a, b) => a[0] - b[0]);
      this.clock.set(Math.max(this.clock.now(), at));
      for (const [id, e] of due) { if (this.q.delete(id)) e.fn(); }
      await settle();
    }
    this.clock.set(target);
    await settle();
  }
}

export async function settle(): Promise<void> {
  for (let k = 0; k < 5; k++) await new Promise((r) => setImmediate(r));
}
