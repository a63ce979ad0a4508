// Profiling helper (not a test): the same generated config as bench/parse.ts, our parse only,
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
import { preprocessFile } from '../../../../src/parser/preprocess.js';
function generate(): string {
  const out: string[] = ['global_defs {', '    router_id bench', '}'];
  for (let i = 0; i < 1000; i++) {
    out.push(`vrrp_instance VI_${i} {`, '    state BACKUP', `    interface eth${i % 4}`, `    virtual_router_id ${1 + Math.floor(i / 4)}`,
      `    priority ${100 + (i % 100)}`, '    advert_int 1', '    authentication {', '        auth_type PASS', '        auth_pass s3cret', '    }',
      '    virtual_ipaddress {', `        10.200.${i >> 8}.${i & 255}/24`, '    }', '}');
  }
  for (let v = 0; v < 10000; v++) {
    const vip = `10.${100 + (v >> 16)}.${(v >> 8) & 255}.${v & 255}`;
    out.push(`virtual_server ${vip} 80 {`, '    delay_loop 6', '    lb_algo rr', '    lb_kind NAT', '    protocol TCP');
    for (let r = 0; r < 10; r++) {
      out.push(`    real_server 172.${16 + (v >> 16)}.${(v >> 8) & 255}.${(v & 255)} ${8000 + r} {`, '        weight 1', '        TCP_CHECK {',
        '            connect_timeout 3', '        }', '    }');
    }
    out.push('}');
  }
  return out.join('\n') + '\n';
}

const IFS = new Set(['lo', 'eth0', 'eth1', 'eth2', 'eth3']);
const dir = mkdtempSync(join(tmpdir(), 'kpp-'));
const file = join(dir, 'k.conf');
writeFileSync(file, generate());
if (process.env['KPP_READ_ONLY']) {
  // profile the reader alone: one preprocess, many reads of the same line store
  const p = preprocessFile(file, { configId: 'bench' });
  for (let k = 0; k < Number(process.argv[2] ?? 5); k++) {
    const c0 = process.cpuUsage();
    parsePreprocessed(p, { interfaces: IFS, configId: 'bench' });
    const c = process.cpuUsage(c0);
    console.log(`read ${((c.user + c.system) / 1000).toFixed(0)} ms cpu`);
  }
  process.exit(0);
}
for (let k = 0; k < Number(process.argv[2] ?? 2); k++) {
  await tick(); const g0 = gcMs;
  const c0 = process.cpuUsage(); const t0 = performance.now();
  const p = preprocessFile(file, { configId: 'bench' });
  const c1 = process.cpuUsage(c0); const t1 = performance.now();
  await tick(); const g1 = gcMs;
  const r = parsePreprocessed(p, { interfaces: IFS, configId: 'bench' });
  const c2 = process.cpuUsage(c0); const t2 = performance.now();
  await tick(); const g2 = gcMs;
  console.log(`pre ${(t1 - t0).toFixed(0)}/${((c1.user + c1.system) / 1000).toFixed(0)} read ${(t2 - t1).toFixed(0)}/${((c2.user + c2.system - c1.user - c1.system) / 1000).toFixed(0)} gc ${(g1 - g0).toFixed(0)}+${(g2 - g1).toFixed(0)} ms rss ${(process.memoryUsage().rss / 1e6).toFixed(0)}MB exit ${r.exitCode} ${r.diagnostics.length}`);
}
rmSync(dir, { recursive: true });
