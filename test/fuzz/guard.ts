// Runs a fuzz target in a worker thread under a watchdog: an input still running after hangMs is a
// hang (a synchronous loop cannot be interrupted in-process), one that kills the worker (an
// exception outside the target's verdict, memory beyond the worker's 1.5 GiB) a crash. The worker
// is ended, the inputs before it are run again in a fresh worker (inputs are rebuilt from seed and
// index), the input is counted as HANG or EXCEPTION with its text, and the run goes on after it.
import { Worker } from 'node:worker_threads';
import { mergeReports, Rng, type FuzzReport } from './harness.js';
import { TARGETS } from './targets.js';

/** A report, or where it stopped: a hang, or a crash (`at` -1: before the first input). */
type Part = { report: FuzzReport } | { hangAt: number } | { error: Error; at: number };

function runPart(name: string, n: number, seed: number, from: number, hangMs: number): Promise<Part> {
  const cells = new SharedArrayBuffer(16);
  const progress = new Float64Array(cells);
  progress[0] = -1; progress[1] = Date.now();
  const w = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: { name, n, seed, from, cells }, resourceLimits: { maxOldGenerationSizeMb: 1536 } });
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (progress[0]! >= 0 && Date.now() - progress[1]! > hangMs) { clearInterval(timer);
        resolve({ hangAt: progress[0]! }); void w.terminate(); }
    }, 100);
    w.once('message', (report: FuzzReport) => { clearInterval(timer); resolve({ report }); void w.terminate(); });
    w.once('error', (error) => { clearInterval(timer); resolve({ error, at: progress[0]! }); });
    // a worker whose event loop ran dry (an input awaiting something that can never come) ends without a
    // report, with 13 (its top-level await unsettled) or 0
    w.once('exit', (code) => {
      clearInterval(timer);
      resolve(code === 0 || code === 13 ? { hangAt: progress[0]! } : { error: new Error(`worker exited with ${code} during input ${progress[0]}`), at: progress[0]! });
    });
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
    if ('error' in part && part.at < 0) throw part.error;
    if ('hangAt' in part && part.hangAt < 0) throw new Error(`fuzz worker for ${name} ended before its first input`);
    const at = 'hangAt' in part ? part.hangAt : part.at;
    if (at > from) {
      const again = await runPart(name, at - from, seed, from, hangMs);
      if ('report' in again) total = mergeReports(total, again.report);
    }
    const kind = 'hangAt' in part ? 'HANG' : 'EXCEPTION';
    const t = spec.make();
    let input = '';
    try { const g = t.generate(Rng.forInput(seed, at), at); input = t.show ? t.show(g)
      : JSON.stringify(g).slice(0, 2000); } finally { t.cleanup?.(); }
    total.byKind[kind] = (total.byKind[kind] ?? 0) + 1;
    total.inputs++;
    if (kind === 'EXCEPTION') { total.exceptions++; total.firstException ??= { index: at, error: String(('error' in part && part.error.stack) || 'worker died'), input }; }
    else { total.violations++; total.firstViolation ??= { index: at, kind: `HANG (over ${hangMs} ms, or waiting for what never comes)`, input }; }
    from = at + 1;
  }
  total.ms = performance.now() - t0;
  return total;
}
