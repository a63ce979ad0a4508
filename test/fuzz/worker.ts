// Worker side of guard.ts: runs inputs [from, from + n) of one target and posts the report; before
// each input it writes the input's index and start time into the shared cells the watchdog reads.
import { parentPort, workerData } from 'node:worker_threads';
import { runFuzz } from './harness.js';
import { TARGETS } from './targets.js';

const { name, n, seed, from, cells } = workerData as { name: string; n: number; seed: number; from: number;
  cells: SharedArrayBuffer };
const progress = new Float64Array(cells);
const spec = TARGETS[name]!;
const report = await runFuzz(spec.make(), n, seed, { boundMs: spec.boundMs, from,
  progress: (i) => { progress[0] = i; progress[1] = Date.now(); } });
parentPort!.postMessage(report);
