// Malformed input from outside the process (kernel netlink replies and notifications, messages on
// the parent/child channel): the adapter that receives it drops it and notes it here, by source and
// reason. Counted always; logged for the first of each (source, reason) and then once every
// LOG_EVERY, so that a flood cannot fill the log. One table per process: a child points it at its
// logger when it starts (daemon/child-runtime.ts); tests read and reset the counts.

export type MalformedSource = 'rtnetlink' | 'ipvs' | 'ipc';

const LOG_EVERY = 1000;

export class MalformedInput {
  private readonly counts = new Map<string, number>();
  private log: (line: string) => void = () => {};

  /** Where the lines go (the child's logger, as a warning). */
  setLog(fn: (line: string) => void): void { this.log = fn; }

  /** One dropped input: `reason` is a short stable token, `detail` what was seen (not for counting). */
  note(source: MalformedSource, reason: string, detail?: string): void {
    const key = `${source}:${reason}`;
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    if (n === 1 || n % LOG_EVERY === 0) {
      this.log(`Malformed ${source} input dropped (${reason})${detail ? `: ${detail}` : ''}${n > 1 ? ` - ${n} so far` : ''}`);
    }
  }

  /** "source:reason" -> count. */
  snapshot(): Record<string, number> { return Object.fromEntries(this.counts); }

  total(): number { let n = 0; for (const v of this.counts.values()) n += v; return n; }

  reset(): void { this.counts.clear(); }
}

/** This process's table. */
export const malformedInput = new MalformedInput();
