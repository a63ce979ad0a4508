// Parser benchmark: generates a config with 10,000 virtual_servers x 10 real_servers (TCP_CHECK
// each) and 1,000 vrrp_instances (~674k lines, ~12 MB) in a temp dir, then measures (median of 3)
// our parse+validate time and `keepalived -t` on the same file, in the same run, and prints the
// ratio (target: ours <= 0.5 x keepalived). Run: npx tsx bench/parse.ts [--profile]
// As root, both run inside a network namespace (kpb-bench) with eth0..eth3 so that the interface
// checks pass; it is deleted at the end.
import { mkdtempSync, writeFileSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync, execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { parseConfigFile, parsePreprocessed } from '../src/parser/index.js';
import { preprocessFile } from '../src/parser/preprocess.js';

const NS = 'kpb-bench';
const IFS = new Set(['lo', 'eth0', 'eth1', 'eth2', 'eth3']);

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

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; }

const root = process.getuid?.() === 0;
const haveKa = spawnSync('/usr/sbin/keepalived', ['--version']).status !== null;
const dir = mkdtempSync(join(tmpdir(), 'kpb-bench-'));
const file = join(dir, 'keepalived.conf');
let nsMade = false;
try {
  const text = generate();
  writeFileSync(file, text);
  const lines = text.split('\n').length - 1;
  console.log(`config: ${lines} lines, ${(statSync(file).size / 1e6).toFixed(1)} MB (${file})`);

  if (root) {
    spawnSync('ip', ['netns', 'del', NS]);
    execFileSync('ip', ['netns', 'add', NS]); nsMade = true;
    for (let i = 0; i < 4; i++) {
      execFileSync('ip', ['-n', NS, 'link', 'add', `eth${i}`, 'type', 'veth', 'peer', 'name', `kpbb${i}`]);
      execFileSync('ip', ['-n', NS, 'link', 'set', `eth${i}`, 'up']);
    }
  }

  const rss0 = process.memoryUsage().rss;
  const ours: number[] = []; const pre: number[] = []; const oursCpu: number[] = []; const preCpu: number[] = [];
  let exit = -1; let diags = 0;
  for (let k = 0; k < 3; k++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const p = preprocessFile(file, { configId: 'bench' });
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    const r = parsePreprocessed(p, { interfaces: IFS, configId: 'bench' });
    const t2 = performance.now();
    const c2 = process.cpuUsage(c0);
    ours.push(t2 - t0); pre.push(t1 - t0); exit = r.exitCode; diags = r.diagnostics.length;
    oursCpu.push((c2.user + c2.system) / 1000); preCpu.push((c1.user + c1.system) / 1000);
    if (k === 0 && (r.config.virtualServers.length !== 10000 || r.config.vrrpInstances.length !== 1000)) throw new Error('model incomplete');
  }
  void parseConfigFile;
  console.log(`ours (parse+validate): median ${median(ours).toFixed(0)} ms [${ours.map((x) => x.toFixed(0)).join(', ')}]; ` +
    `of which preprocess ${median(pre).toFixed(0)} ms, read+build+validate ${(median(ours) - median(pre)).toFixed(0)} ms; exit ${exit}, ${diags} diagnostics`);
  console.log(`ours CPU time: median ${median(oursCpu).toFixed(0)} ms (preprocess ${median(preCpu).toFixed(0)} ms, read+build+validate ${(median(oursCpu) - median(preCpu)).toFixed(0)} ms)`);
  // RSS: this process holds the generated text too; the peak includes one run's model and lines
  console.log(`ours RSS: before parsing ${(rss0 / 1048576).toFixed(0)} MiB, after 3 runs ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB, ` +
    `peak ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (process total, including the generator's text)`);

  if (haveKa) {
    const ka: number[] = []; const kaCpu: number[] = []; const kaRss: number[] = []; let kaExit = -1;
    const timeOut = join(dir, 'ka-time');
    const gnuTime = spawnSync('/usr/bin/time', ['-o', timeOut, '-f', '%M', 'true']).status === 0;
    for (let k = 0; k < 3; k++) {
      // GNU time's %M: the largest RSS of keepalived and the -t children it waits for
      const cmd = `${gnuTime ? `/usr/bin/time -o ${timeOut} -f %M ` : ''}${root ? `ip netns exec ${NS} ` : ''}/usr/sbin/keepalived -t -f ${file} 2>/dev/null`;
      // bash's `time` also counts the CPU of keepalived's -t children (it waits for them).
      const t0 = performance.now();
      const r = spawnSync('bash', ['-c', `TIMEFORMAT='%U %S'; time ${cmd}; echo "rc=$?" >&2`], { encoding: 'utf8', maxBuffer: 256 << 20 });
      ka.push(performance.now() - t0);
      const lines = r.stderr.trim().split('\n');
      const rc = /rc=(\d+)/.exec(lines.find((l) => l.startsWith('rc=')) ?? '');
      const tm = lines.find((l) => /^\d+\.\d+ \d+\.\d+$/.test(l));
      kaExit = rc ? Number(rc[1]) : -1;
      if (tm) { const [u, sy] = tm.split(' ').map(Number); kaCpu.push((u! + sy!) * 1000); }
      if (gnuTime) { const kb = Number(readFileSync(timeOut, 'utf8').trim().split('\n').pop()); if (kb) kaRss.push(kb / 1024); }
    }
    console.log(`keepalived -t: median ${median(ka).toFixed(0)} ms [${ka.map((x) => x.toFixed(0)).join(', ')}]; CPU median ${median(kaCpu).toFixed(0)} ms; exit ${kaExit}${root ? ' (in netns)' : ''}` +
      (kaRss.length ? `; peak RSS ${median(kaRss).toFixed(0)} MiB` : ''));
    console.log(`ratio ours/keepalived: wall ${(median(ours) / median(ka)).toFixed(2)}, CPU ${(median(oursCpu) / median(kaCpu)).toFixed(2)} (target <= 0.50)`);
    console.log(`load average: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')} on ${(await import('node:os')).cpus().length} cores`);
  } else console.log('keepalived not installed: no comparison');
} finally {
  rmSync(dir, { recursive: true, force: true });
  if (nsMade) spawnSync('ip', ['netns', 'del', NS]);
}
