// Manual benchmark: npx tsx test/unit/parser/lexical/bench-preprocess.ts [nVs] [runs]
// Prints wall and CPU time of preprocessFile() on the generated benchmark configuration, next to a
// naive baseline (split lines, trim, split words into the same object shapes) so that results on a
// loaded machine can still be compared.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { preprocessFile } from '../../../../src/parser/preprocess.js';
import { systemFiles } from '../../../../src/host/system.js';
import { genBenchConfig, naiveSplit } from './gen-bench.js';

const nVs = Number(process.argv[2] ?? 10000);
const runs = Number(process.argv[3] ?? 3);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpa-bench-'));
const file = path.join(dir, 'keepalived.conf');
fs.writeFileSync(file, genBenchConfig(nVs));
const size = fs.statSync(file).size;

const best: Record<string, number> = {};
function measure(label: string, fn: () => string): void {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const what = fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cu = process.cpuUsage(c0);
  best[label] = Math.min(best[label] ?? Infinity, ms);
  console.log(`${label}: ${what} in ${ms.toFixed(0)} ms wall, ${((cu.user + cu.system) / 1000).toFixed(0)} ms cpu`);
}

try {
  console.log(`${(size / 1e6).toFixed(1)} MB, ${genBenchConfig(nVs).split('\n').length - 1} physical lines`);
  for (let run = 0; run < runs; run++) {
    measure('baseline  ', () => `${naiveSplit(file)} lines`);
    measure('preprocess', () => {
      const r = preprocessFile(file, { configId: 'bench', files: systemFiles, randomSeed: 1 });
      return `${(r.source ?? r.lines).length} lines (line store; the ConfigLine array is made on first use of .lines), ${r.diagnostics.length} diagnostics`;
    });
  }
  const b = best['baseline  ']!;
  const p = best['preprocess']!;
  console.log(`best wall: baseline ${b.toFixed(0)} ms, preprocess ${p.toFixed(0)} ms, ratio ${(p / b).toFixed(2)}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
