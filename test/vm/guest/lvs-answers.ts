// Runs inside the scripts/vm guest: the LVS client's answers as the scenarios read them. Each sample
// (one HTTP request of lvs-client.ts) is attributed to the director whose IPVS forwarded it (its client
// port in that director's `ipvsadm -Lnc`, polled by ConnWatch); windows count answers per real server
// and per director; `answers` waits for n answers of a kind.
import type { Sample } from './lvs-client.js';
import { ConnWatch } from './lvs-lab.js';
import { sleep } from './shell.js';

/** One window of client samples, each answer attributed to the director whose IPVS forwarded it. */
export interface Window { from: number; to: number; ok: number; failed: number; byRs: Record<string, number>;
  byDirector: Record<string, number>; unattributed: number }

/** The client's request timeout (ms) as the scenarios start lvs-client.ts. */
export const CLIENT_TIMEOUT_MS = 1000;

export class Answers {
  readonly samples: Sample[] = [];
  readonly conns = new ConnWatch();

  /** Is sample `s` attributed to director `d`? */
  via(d: 'd1' | 'd2'): (s: Sample) => boolean { return (s) => this.conns.byPort.get(s.p)?.d === d; }

  window(from: number, to: number): Window {
    const w: Window = { from, to, ok: 0, failed: 0, byRs: {}, byDirector: {}, unattributed: 0 };
    for (const s of this.samples) {
      if (s.s < from || s.s > to) continue;
      if (s.b === null) { w.failed++; continue; }
      w.ok++;
      w.byRs[s.b] = (w.byRs[s.b] ?? 0) + 1;
      const d = this.conns.byPort.get(s.p)?.d;
      if (d) w.byDirector[d] = (w.byDirector[d] ?? 0) + 1; else w.unattributed++;
    }
    return w;
  }

  /** The window from `from` to now, once requests in flight have ended and both conn tables were read. */
  async settle(from: number): Promise<Window> {
    const to = Date.now();
    await sleep(CLIENT_TIMEOUT_MS + 200);
    await this.conns.pass();
    return this.window(from, to);
  }

  /** Waits for `n` answers started after `since` that `pred` accepts; returns the first one. */
  async wait(since: number, n: number, timeoutMs: number,
      pred: (s: Sample) => boolean = () => true): Promise<Sample | null> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      await this.conns.pass();
      const ok = this.samples.filter((s) => s.s >= since && s.b !== null && pred(s));
      if (ok.length >= n) return ok[0]!;
      if (Date.now() >= end) return ok[0] ?? null;
      await sleep(300);
    }
  }
}
