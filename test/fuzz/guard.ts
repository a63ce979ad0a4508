// Runs a fuzz target in a worker thread under a watchdog: an input still running after hangMs is a
// hang (a synchronous loop cannot be interrupted in-process). The worker is terminated, the inputs
// before it are run again in a fresh worker (inputs are rebuilt from seed and index), the input is
// counted as HANG with its text, and the run goes on after it.
import { Worker } from 'node:worker_threads';
import { mergeReports, Rng, type FuzzReport } from './harness.js';
import { TARGETS } from './targets.js';

type Part = { report: FuzzReport } | { hangAt: number } | { error: Error };

function runPart(name: string, n: number, seed: number, from: number, hangMs: number): Promise<Part> {
  const cells = new SharedArrayBuffer(16);
  const progress = new Float64Array(cells);
  progress[0] = from; progress[1] = Date.now();
  const w = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: { name, n, seed, from, cells } });
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (Date.now() - progress[1]! > hangMs) { clearInterval(timer); const at = progress[0]!; void w.terminate().then(() => resolve({ hangAt: at })); }
    }, 100);
    w.once('message', (report: FuzzReport) => { clearInterval(timer); resolve({ report }); void w.terminate(); });
    w.once('error', (error) => { clearInterval(timer); resolve({ error }); });
    // a worker whose event loop ran dry (an input awaiting something that can never come) ends without a report
    w.once('exit', (code) => { clearInterval(timer); resolve({ error: new Error(`worker exited (${code}) during input ${progress[0]} without a report: an input waits for something that never comes`) }); });
  });
}

const empty = (name: string, seed: number, boundMs: number): FuzzReport => ({
  target: name, seed, inputs: 0, ms: 0, byKind: {}, exceptions: 0, violations: 0, slowest: { index: -1, ms: 0, kind: '' }, overBound: 0, boundMs,
});

export async function runGuarded(name: string, n?: number, seed = 1, hangMs = 30_000): Promise<FuzzReport> {
  const spec = TARGETS[name];
  if (!spec) throw new Error(`no fuzz target ${name}`);
  const count = n ?? spec.benchCount;
  let total = empty(name, seed, spec.boundMs);
  let from = 0;
  const t0 = performance.now();
  while (from < count) {
    const part = await runPart(name, count - from, seed, from, hangMs);
    if ('report' in part) { total = mergeReports(total, part.report); break; }
    // a worker that fails before its first input (it cannot load) is a broken run, not a finding
    if ('error' in part && total.inputs === 0 && from === 0) throw part.error;
    const at = 'hangAt' in part ? part.hangAt : 'error' in part && /during input (\d+)/.test(part.error.message) ? Number(/during input (\d+)/.exec(part.error.message)![1]) : from;
    if (at > from) {
      const again = await runPart(name, at - from, seed, from, hangMs);
      if ('report' in again) total = mergeReports(total, again.report);
    }
    const kind = 'hangAt' in part || 'error' in part && /never comes/.test(part.error.message) ? 'HANG' : 'EXCEPTION';
    const t = spec.make();
    let input = '';
    try { const g = t.generate(Rng.forInput(seed, at), at); input = t.show ? t.show(g) : JSON.stringify(g).slice(0, 2000); } finally { t.cleanup?.(); }
    total.byKind[kind] = (total.byKind[kind] ?? 0) + 1;
    total.inputs++;
    if (kind === 'EXCEPTION') { total.exceptions++; total.firstException ??= { index: at, error: String(('error' in part && part.error.stack) || 'worker died'), input }; }
    else { total.violations++; total.firstViolation ??= { index: at, kind: 'hangAt' in part ? `HANG (> ${hangMs} ms)` : 'HANG (waits forever)', input }; }
    from = at + 1;
  }
  total.ms = performance.now() - t0;
  return total;
}
