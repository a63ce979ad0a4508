// Every fuzz target by name with its bench size and per-input time bound, for bench/fuzz.ts, the
// guarded runner's worker (guard.ts) and the unit tests.
import type { FuzzTarget } from './harness.js';
import { configTarget } from './config-target.js';
import { ipvsTarget } from './ipvs-target.js';
import { rtnlTarget } from './rtnl-target.js';
import { ipcTarget } from './ipc-target.js';
import { dnsTarget, httpTarget, smtpTarget } from './checker-targets.js';

export interface TargetSpec {
  make: () => FuzzTarget<any>;
  /** Inputs of a bench run (bench/fuzz.ts without COUNT). */
  benchCount: number;
  /** An input slower than this is counted over the bound (ms, wall time). */
  boundMs: number;
  /** Not a product input: the harness's own check (left out of `bench/fuzz.ts all`). */
  selftest?: true;
}

/** Inputs 2 and 4 hang (a busy loop; an await of nothing), 6 throws outside its verdict, the rest pass: the watchdog
 *  must see all three. */
const selftest = (): FuzzTarget<number> => ({
  name: 'selftest',
  generate: (_rng, i) => i,
  run(i) {
    if (i === 2) for (;;) { /* a synchronous loop: only the watchdog can end it */ }
    if (i === 4) return new Promise<string>(() => {});
    if (i === 6) { setImmediate(() => { throw new Error('thrown outside the verdict'); }); return new Promise<string>(() => {}); }
    return 'ok';
  },
});

export const TARGETS: Record<string, TargetSpec> = {
  config: { make: configTarget, benchCount: 100_000, boundMs: 2000 },
  ipvs: { make: ipvsTarget, benchCount: 50_000, boundMs: 500 },
  rtnetlink: { make: rtnlTarget, benchCount: 50_000, boundMs: 500 },
  ipc: { make: ipcTarget, benchCount: 50_000, boundMs: 1000 },
  http: { make: httpTarget, benchCount: 100_000, boundMs: 500 },
  smtp: { make: smtpTarget, benchCount: 100_000, boundMs: 500 },
  dns: { make: dnsTarget, benchCount: 100_000, boundMs: 100 },
  selftest: { make: selftest, benchCount: 8, boundMs: 100, selftest: true },
};
