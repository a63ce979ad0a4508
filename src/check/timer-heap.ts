// When each checker runs next: one binary min-heap of due times for every checker of the engine,
// served by a single timer. A Node Timeout per checker (with the closure it calls) costs ~200
// bytes of heap each, 2 MB at 10,000 real servers; an entry here is four array slots. Entries
// with the same due time run in the order they were pushed, as Node's timer lists do.
// Rescheduling or cancelling bumps the item's generation; its old entry is dropped when reached.
import type { Clock } from '../common/clock.js';
import type { Timers } from './scheduler.js';

/** Does (due a, push order oa) come before (b, ob)? */
function earlier(a: number, oa: number, b: number, ob: number): boolean {
  return a < b || (a === b && oa < ob);
}

/** What the heap schedules: anything with a generation counter the heap may bump. */
export interface HeapItem { timerGen: number }

export class TimerHeap<T extends HeapItem> {
  private due: number[] = [];
  private ord: number[] = [];
  private gen: number[] = [];
  private items: (T | undefined)[] = [];
  private n = 0;
  private pushes = 0;
  private handle: unknown = undefined;
  private armedFor = Infinity;
  private running = false;

  /**
   * `earlyMs`: how far before its due time an entry may run. Node fires timers on the loop's
   * cached time, which can lag the clock by a millisecond; 0 with fake timers on the same clock.
   * `maxPerTurn`: at most this many entries run per timer callback; when more are due (after a
   * stall of the event loop), the rest run from the next timer, after the loop's I/O phase.
   */
  constructor(private readonly clock: Clock, private readonly timers: Timers, private readonly run: (item: T) => void,
    private readonly earlyMs = 0, private readonly maxPerTurn = Infinity) {}

  /** Entries in the heap, stale ones included. */
  get size(): number { return this.n; }

  /** Schedules `item` in `ms` (replacing its pending entry, if any). */
  push(item: T, ms: number): void {
    const at = this.clock.now() + (ms > 0 ? ms : 0);
    const g = ++item.timerGen;
    let k = this.n++;
    const ord = this.pushes++;
    // Sift up.
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!earlier(at, ord, this.due[p]!, this.ord[p]!)) break;
      this.move(p, k);
      k = p;
    }
    this.set(k, at, ord, g, item);
    if (!this.running && at < this.armedFor) this.arm();
  }

  /** Drops `item`'s pending entry (lazily). */
  cancel(item: T): void { item.timerGen++; }

  /** Drops everything and the timer. */
  clear(): void {
    if (this.handle !== undefined) this.timers.clear(this.handle);
    this.handle = undefined;
    this.armedFor = Infinity;
    this.due.length = this.ord.length = this.gen.length = this.items.length = 0;
    this.n = 0;
  }

  private readonly onTimer = (): void => {
    this.handle = undefined;
    this.armedFor = Infinity;
    const limit = this.clock.now() + this.earlyMs;
    // Entries pushed while these run wait for the next timer, as a Node timer set from a timer does.
    const fence = this.pushes;
    let budget = this.maxPerTurn;
    this.running = true;
    try {
      while (this.n > 0 && this.due[0]! <= limit && this.ord[0]! < fence && budget > 0) {
        const item = this.items[0]!;
        const g = this.gen[0]!;
        this.pop();
        if (item.timerGen === g) { this.run(item); budget--; }
      }
    } finally {
      this.running = false;
      this.arm();
    }
  };

  private arm(): void {
    if (this.n === 0) return;
    const at = this.due[0]!;
    if (this.handle !== undefined) {
      if (at >= this.armedFor) return;
      this.timers.clear(this.handle);
    }
    this.armedFor = at;
    const wait = Math.ceil(at - this.clock.now());
    this.handle = this.timers.set(this.onTimer, wait > 0 ? wait : 0);
  }

  private pop(): void {
    const last = --this.n;
    const at = this.due[last]!, ord = this.ord[last]!, g = this.gen[last]!, item = this.items[last]!;
    this.items[last] = undefined;
    if (last === 0) return;
    // Sift the last entry down from the root.
    let k = 0;
    for (;;) {
      const l = 2 * k + 1;
      if (l >= last) break;
      const r = l + 1;
      const c = r < last && earlier(this.due[r]!, this.ord[r]!, this.due[l]!, this.ord[l]!) ? r : l;
      if (!earlier(this.due[c]!, this.ord[c]!, at, ord)) break;
      this.move(c, k);
      k = c;
    }
    this.set(k, at, ord, g, item);
  }

  private move(from: number, to: number): void {
    this.due[to] = this.due[from]!; this.ord[to] = this.ord[from]!; this.gen[to] = this.gen[from]!;
    this.items[to] = this.items[from]!;
  }

  private set(k: number, at: number, ord: number, g: number, item: T): void {
    this.due[k] = at; this.ord[k] = ord; this.gen[k] = g; this.items[k] = item;
  }
}
