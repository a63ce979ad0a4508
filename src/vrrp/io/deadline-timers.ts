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

  /**
   * beforeFire runs when a timer is due, before it fires: the runtime reads the packets already
   * queued on the socket there, so a packet that arrived while the event loop was busy counts
   * before the timer (Node runs expired timers before polling sockets; keepalived's read thread
   * favours a readable socket over its timeout). If that re-armed the timer, the expiry is dropped.
   */
  constructor(private readonly clock: Clock, private readonly fire: (name: K, generation: number) => void,
    private readonly beforeFire?: (name: K) => void) {}

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
        if (this.beforeFire) {
          this.beforeFire(name);
          if (this.slots.has(name)) return; // re-armed by what was pending
        }
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
