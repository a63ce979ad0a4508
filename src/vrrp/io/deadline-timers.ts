// Named one-shot timers that fire at an absolute monotonic deadline (setTimeout re-armed for the
// remainder if Node fires early), so VRRP timers do not drift (platform-notes.md, Timers).
import type { Clock } from '../../common/clock.js';

export class DeadlineTimers<K extends string> {
  private readonly slots = new Map<K, NodeJS.Timeout>();

  constructor(private readonly clock: Clock, private readonly fire: (name: K, generation: number) => void) {}

  set(name: K, delayMs: number, generation: number): void {
    this.cancel(name);
    const deadline = this.clock.now() + Math.max(0, delayMs);
    const arm = (ms: number): void => {
      this.slots.set(name, setTimeout(() => {
        const left = deadline - this.clock.now();
        if (left > 0.25) { arm(left); return; }
        this.slots.delete(name);
        this.fire(name, generation);
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
