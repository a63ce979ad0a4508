// Named one-shot timers that fire at an absolute monotonic deadline (setTimeout re-armed for the
// remainder if Node fires early), so VRRP timers do not drift (platform-notes.md, Timers). A timer
// re-set from its own expiry (the advert timer, GARP refresh) counts from the deadline that just
// expired, not from the late moment the callback ran, so periodic adverts keep their rate under
// load (at advert_int 10 ms, event-loop latency would otherwise stretch every period).
import type { Clock } from '../../common/clock.js';

export class DeadlineTimers<K extends string> {
  private readonly slots = new Map<K, NodeJS.Timeout>();
  /** The timer whose callback is running and its deadline. */
  private firing?: { name: K; deadline: number };

  constructor(private readonly clock: Clock, private readonly fire: (name: K, generation: number) => void) {}

  set(name: K, delayMs: number, generation: number): void {
    this.cancel(name);
    const now = this.clock.now();
    const f = this.firing;
    // periodic re-arm: from the expired deadline unless that is already past the new period
    const base = f && f.name === name && f.deadline + delayMs > now ? f.deadline : now;
    const deadline = base + Math.max(0, delayMs);
    delayMs = deadline - now;
    const arm = (ms: number): void => {
      this.slots.set(name, setTimeout(() => {
        const left = deadline - this.clock.now();
        if (left > 0.25) { arm(left); return; }
        this.slots.delete(name);
        this.firing = { name, deadline };
        try { this.fire(name, generation); } finally { this.firing = undefined; }
      }, Math.max(0, ms)));
    };
    arm(delayMs);
  }

  cancel(name: K): void {
    const t = this.slots.get(name);
    if (t) { clearTimeout(t); this.slots.delete(name); }
  }

  cancelAll(): void { for (const k of [...this.slots.keys()]) this.cancel(k); }

  pending(): K[] { return [...this.slots.keys()]; }
}
