// Benchmark support for the parser, shared by bench/parse.ts, prof-parse.ts, bench-preprocess.ts
// and perf.test.ts: the generated configurations, a timer of one parse by phase, and the naive
// line/word split the preprocessor is compared with.
//   genBenchConfig: 10,000 virtual_servers x 10 real_servers with TCP_CHECK + 1,000
//     vrrp_instances (about 684k lines / 12 MB at full scale), for the preprocessor.
//   genParseBenchConfig: bench/parse.ts's file (~674k lines, ~12 MB; interfaces eth0..eth3).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parsePreprocessed, type ParseResult } from '../../../../src/parser/index.js';
import { systemFiles, systemHost } from '../../../../src/host/system.js';
import { preprocessFile } from '../../../../src/parser/preprocess.js';

export function genBenchConfig(nVs = 10000, nRs = 10, nVrrp = 1000): string {
  const out: string[] = [];
  out.push('! Benchmark configuration', 'global_defs {', '  router_id BENCH', '  notification_email {', '    root@localhost', '  }', '}', '');
  for (let i = 0; i < nVrrp; i++) {
    out.push(
      `vrrp_instance VI_${i} {`,
      '  state BACKUP',
      '  interface eth0',
      `  virtual_router_id ${(i % 255) + 1}`,
      '  priority 100',
      '  advert_int 1',
      '  authentication {',
      '    auth_type PASS',
      '    auth_pass 1111',
      '  }',
      '  virtual_ipaddress {',
      `    10.${(i >> 8) & 255}.${i & 255}.1/32 dev eth0`,
      '  }',
      '}',
    );
  }
  for (let v = 0; v < nVs; v++) {
    const vip = `172.${16 + ((v >> 16) & 15)}.${(v >> 8) & 255}.${v & 255}`;
    out.push(`virtual_server ${vip} 80 {`, '  delay_loop 6', '  lb_algo rr', '  lb_kind NAT', '  protocol TCP');
    for (let r = 0; r < nRs; r++) {
      out.push(
        `  real_server 192.168.${(v >> 8) & 255}.${((v & 255) + r) & 255} 8080 {`,
        '    weight 1',
        '    TCP_CHECK {',
        '      connect_timeout 3',
        '    }',
        '  }',
      );
    }
    out.push('}', '');
  }
  return out.join('\n') + '\n';
}

/** The parser benchmark's configuration (bench/parse.ts, prof-parse.ts). */
export function genParseBenchConfig(): string {
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

/** The interfaces genParseBenchConfig's instances use (so the interface checks pass). */
export const BENCH_IFS: ReadonlySet<string> = new Set(['lo', 'eth0', 'eth1', 'eth2', 'eth3']);

export interface ParseTiming {
  /** Wall / CPU ms of preprocessFile, and of the whole (preprocess + read + build + validate). */
  preWall: number; preCpu: number; wall: number; cpu: number;
  result: ParseResult;
}

const cpuMs = (c: NodeJS.CpuUsage): number => (c.user + c.system) / 1000;

/** One parse of `file` as the parser benchmark runs it, timed by phase; `between` runs between the phases. */
export async function timeParse(file: string, between: () => void | Promise<void> = () => {}): Promise<ParseTiming> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const p = preprocessFile(file, { configId: 'bench', files: systemFiles });
  const t1 = performance.now();
  const c1 = process.cpuUsage(c0);
  await between();
  const result = parsePreprocessed(p, { host: systemHost(), interfaces: BENCH_IFS, configId: 'bench' });
  const t2 = performance.now();
  const c2 = process.cpuUsage(c0);
  return { preWall: t1 - t0, preCpu: cpuMs(c1), wall: t2 - t0, cpu: cpuMs(c2), result };
}

/**
 * The naive baseline: split into lines, trim, split words into the same object shapes the
 * preprocessor makes. Returns the number of non-empty lines.
 */
export function naiveSplit(file: string): number {
  const c = readFileSync(file).toString('latin1');
  const res: unknown[] = [];
  let off = 0;
  let ln = 0;
  while (off < c.length) {
    let nl = c.indexOf('\n', off);
    if (nl < 0) nl = c.length;
    const s = c.slice(off, nl).trim();
    off = nl + 1;
    ln++;
    if (!s) continue;
    const words = s.split(/\s+/).map((w, i) => ({ text: w, pos: { file, line: ln, col: i + 1 }, quoted: false }));
    res.push({ text: s, words, pos: { file, line: ln, col: 1 } });
  }
  return res.length;
}
