// Named one-shot timers that fire at an absolute monotonic deadline (setTimeout re-armed for the
// remainder if Node fires early), so VRRP timers do not drift (platform-notes.md, Timers). A timer
// re-set from its own expiry (the advert timer, GARP refresh) counts from the deadline that just
// expired, not from the late moment the callback ran, so periodic adverts keep their rate under
// load (at advert_int 10 ms, event-loop latency would otherwise stretch every period).
// Cheap under load: a timer pushed later while armed (the backup's master-down timer, on every
// advert) only moves its deadline; the armed Node timer re-arms for the rest when it comes due.
// Node timers get whole-millisecond durations (Node fires on whole milliseconds anyway, and keeps
// one list per distinct duration), so at 5000 adverts/s they reuse a handful of lists.
// Timers come from the injected Timers (real setTimeout by default; fake ones in unit tests).
import { realTimers, type Clock, type Timers } from '../../common/clock.js';

interface Slot {
  deadline: number;
  generation: number;
  /** Clock time the armed Node timer is due (it never fires before the deadline it was armed for). */
  dueAt: number;
  handle: unknown;
}

export class DeadlineTimers<K extends string> {
  private readonly slots = new Map<K, Slot>();
  /** The timer whose callback is running (undefined: none) and its deadline. */
  private firingName?: K;
  private firingDeadline = 0;

  /**
   * beforeFire runs when a timer is due, before it fires: the runtime reads the packets already
   * queued on the socket there, so a packet that arrived while the event loop was busy counts
   * before the timer (Node runs expired timers before polling sockets; keepalived's read thread
   * favours a readable socket over its timeout). If that re-armed the timer, the expiry is dropped.
   */
  constructor(private readonly clock: Clock, private readonly fire: (name: K, generation: number) => void,
    private readonly beforeFire?: (name: K) => void, private readonly timers: Timers = realTimers) {}

  set(name: K, delayMs: number, generation: number): void {
    const now = this.clock.now();
    // periodic re-arm: from the expired deadline unless that is already past the new period
    const base = this.firingName === name && this.firingDeadline + delayMs > now ? this.firingDeadline : now;
    const deadline = base + Math.max(0, delayMs);
    const slot = this.slots.get(name);
    if (slot && slot.dueAt <= deadline) {
      // pushed later (or kept): the armed timer comes due first and re-arms for the rest
      slot.deadline = deadline;
      slot.generation = generation;
      return;
    }
    if (slot) this.timers.clear(slot.handle);
    const s = { deadline, generation } as Slot;
    this.slots.set(name, s);
    this.arm(name, s, deadline - now);
  }

  private arm(name: K, slot: Slot, ms: number): void {
    const whole = Math.max(0, Math.ceil(ms));
    slot.dueAt = this.clock.now() + whole;
    slot.handle = this.timers.set(() => this.due(name, slot), whole);
  }

  private due(name: K, slot: Slot): void {
    if (this.slots.get(name) !== slot) return;
    const left = slot.deadline - this.clock.now();
    if (left > 0.25) { this.arm(name, slot, left); return; }
    this.slots.delete(name);
    if (this.beforeFire) {
      this.beforeFire(name);
      if (this.slots.has(name)) return; // re-armed by what was pending
    }
    const outer = this.firingName, outerDeadline = this.firingDeadline;
    this.firingName = name;
    this.firingDeadline = slot.deadline;
    try { this.fire(name, slot.generation); } finally { this.firingName = outer; this.firingDeadline = outerDeadline; }
  }

  cancel(name: K): void {
    const s = this.slots.get(name);
    if (s) { this.timers.clear(s.handle); this.slots.delete(name); }
  }

  cancelAll(): void { for (const k of [...this.slots.keys()]) this.cancel(k); }

  pending(): K[] { return [...this.slots.keys()]; }
}
