// net.ipv4.ping_group_range for PING_CHECK's datagram ICMP sockets, as keepalived 2.2.7 handles it
// (check_ping.c set_ping_group_range): when the first PING_CHECK is read, a range that does not start
// at gid 0 is rewritten to start there (same upper bound), with a warning when it was a real range
// (both bounds > 1); at stop the saved lower bound is written back. The file is per network namespace.
// `plan` is pure; `PingGroupRange` does the file I/O through an injected reader/writer.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Logger } from '../common/log.js';

export const PING_GROUP_RANGE = '/proc/sys/net/ipv4/ping_group_range';

/** The text to write (or null: nothing to do) and the warning to log, for the current contents. */
export function planWiden(text: string): { write: string | null; low: number; warn?: string } | null {
  const m = /^(\d+)[\t ](\d+)\n$/.exec(text);
  if (!m) return null;
  const low = Number(m[1]), high = Number(m[2]);
  if (low >= 2 ** 32 || high >= 2 ** 32) return null;
  if (low === 0) return { write: null, low };
  const warn = low > 1 && high > 1 ? `Warning: ${PING_GROUP_RANGE} being expanded from ${low} ${high} to 0 ${high}` : undefined;
  return { write: `0\t${high}\t\n`, low, ...(warn ? { warn } : {}) };
}

export interface RangeFile { read(): string; write(text: string): void }

const procFile: RangeFile = {
  read: () => readFileSync(PING_GROUP_RANGE, 'latin1'),
  write: (t) => writeFileSync(PING_GROUP_RANGE, t),
};

export class PingGroupRange {
  /** The lower bound found before widening, when we widened it. */
  private saved: number | null = null;
  private checked = false;
  constructor(private readonly logger: Logger, private readonly file: RangeFile = procFile) {}

  /** Once per process (later calls do nothing, as 2.2.7's checked flag). */
  widen(): void {
    if (this.checked) return;
    let text: string;
    try { text = this.file.read(); } catch { return; }
    const p = planWiden(text);
    if (!p) return;
    this.checked = true;
    if (p.write === null) return;
    if (p.warn) this.logger.info(p.warn);
    this.writeLine(p.write);
    this.saved = p.low;
  }

  /** At stop: the saved lower bound goes back (the upper bound as it is now). */
  restore(): void {
    if (!this.checked) return;
    this.checked = false;
    if (this.saved === null) return;
    let text: string;
    try { text = this.file.read(); } catch { return; }
    const m = /^(\d+)[\t ](\d+)\n$/.exec(text);
    if (m && Number(m[1]) !== this.saved) this.writeLine(`${this.saved}\t${m[2]}\t\n`);
    this.saved = null;
  }

  private writeLine(t: string): void {
    try { this.file.write(t); } catch (e) { this.logger.info(`Write ${PING_GROUP_RANGE} failed - errno ${Math.abs((e as NodeJS.ErrnoException).errno ?? 0)}`); }
  }
}
