// Profiling helper (not a test): bench/parse.ts's generated config and timer, our parse only,
// wall/CPU per phase (preprocess, read+build+validate) and RSS per run.
//   npx tsx test/unit/parser/lexical/prof-parse.ts [runs]
//   KPP_READ_ONLY=1 ...       the reader alone, several times over one preprocessed line store
//   node --import tsx --cpu-prof --cpu-prof-dir=DIR test/unit/parser/lexical/prof-parse.ts 3
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
let gcMs = 0;
new PerformanceObserver((l) => { for (const e of l.getEntries()) gcMs += e.duration; }).observe({ entryTypes: ['gc'] });
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
import { parsePreprocessed } from '../../../../src/parser/index.js';
import { systemFiles, systemHost } from '../../../../src/host/system.js';
import { preprocessFile } from '../../../../src/parser/preprocess.js';
import { BENCH_IFS as IFS, genParseBenchConfig, timeParse } from './gen-bench.js';
const dir = mkdtempSync(join(tmpdir(), 'kpp-'));
const file = join(dir, 'k.conf');
writeFileSync(file, genParseBenchConfig());
if (process.env['KPP_READ_ONLY']) {
  // profile the reader alone: one preprocess, many reads of the same line store
  const p = preprocessFile(file, { configId: 'bench', files: systemFiles });
  for (let k = 0; k < Number(process.argv[2] ?? 5); k++) {
    const c0 = process.cpuUsage();
    parsePreprocessed(p, { host: systemHost(), interfaces: IFS, configId: 'bench' });
    const c = process.cpuUsage(c0);
    console.log(`read ${((c.user + c.system) / 1000).toFixed(0)} ms cpu`);
  }
  process.exit(0);
}
for (let k = 0; k < Number(process.argv[2] ?? 2); k++) {
  await tick(); const g0 = gcMs;
  let g1 = 0;
  const t = await timeParse(file, async () => { await tick(); g1 = gcMs; });
  await tick(); const g2 = gcMs;
  const r = t.result;
  console.log(`pre ${t.preWall.toFixed(0)}/${t.preCpu.toFixed(0)} read ${(t.wall - t.preWall).toFixed(0)}/${(t.cpu - t.preCpu).toFixed(0)} gc ${(g1 - g0).toFixed(0)}+${(g2 - g1).toFixed(0)} ms rss ${(process.memoryUsage().rss / 1e6).toFixed(0)}MB exit ${r.exitCode} ${r.diagnostics.length}`);
}
rmSync(dir, { recursive: true });
