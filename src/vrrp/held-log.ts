// A Logger that can hold its lines (and other deferred callbacks, e.g. notifies) while the runtime
// executes one event's actions, and writes them in their original order when the event is done.
// Takeover latency: the advert, the VIP add request and the gratuitous ARPs leave before any log
// line is written to a pipe or syslog (each write can wake the reader and cost a context switch on
// a busy machine); the lines and their order are exactly what they would have been.
import type { Logger, LogLevel } from '../common/log.js';

type Held = { level: LogLevel; msg: string } | { detail: 1 | 2; msg: string } | { run: () => void };

export class HeldLog implements Logger {
  private depth = 0;
  private readonly held: Held[] = [];

  constructor(private readonly out: Logger) {}

  log(level: LogLevel, msg: string): void {
    if (this.depth > 0) this.held.push({ level, msg }); else this.out.log(level, msg);
  }
  info(msg: string): void { this.log('info', msg); }
  warn(msg: string): void { this.log('warning', msg); }
  error(msg: string): void { this.log('err', msg); }
  detail(msg: string, level: 1 | 2 = 1): void {
    if (this.depth > 0) this.held.push({ detail: level, msg }); else this.out.detail(msg, level);
  }

  /** Runs `fn` now, or after the held lines before it once released. */
  later(fn: () => void): void { if (this.depth > 0) this.held.push({ run: fn }); else fn(); }

  /** Starts holding (nestable). */
  hold(): void { this.depth++; }

  /** Ends one hold; the outermost writes everything held, in order. */
  release(): void {
    if (this.depth === 0 || --this.depth > 0) return;
    for (let i = 0; i < this.held.length; i++) {
      const h = this.held[i]!;
      if ('run' in h) h.run();
      else if ('detail' in h) this.out.detail(h.msg, h.detail);
      else this.out.log(h.level, h.msg);
    }
    this.held.length = 0;
  }
}
