// Parser benchmark: generates a config with 10,000 virtual_servers x 10 real_servers (TCP_CHECK
// each) and 1,000 vrrp_instances (~674k lines, ~12 MB) in a temp dir, then measures (median of 3)
// our parse+validate time and `keepalived -t` on the same file, in the same run, and prints the
// ratio (target: ours <= 0.5 x keepalived). Run: npx tsx bench/parse.ts [--profile]
// As root, both run inside a network namespace (kpb-bench-PID) with eth0..eth3 so that the
// interface checks pass; it is deleted at the end. Generator and timer: test/unit/parser/lexical/gen-bench.ts.
import { mkdtempSync, writeFileSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync, execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { OwnedNetns } from '../test/helpers/netns.js';
import { genParseBenchConfig, timeParse } from '../test/unit/parser/lexical/gen-bench.js';

const netns = new OwnedNetns('kpb-bench');
const NS = netns.name;

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; }

const root = process.getuid?.() === 0;
const haveKa = spawnSync('/usr/sbin/keepalived', ['--version']).status !== null;
const dir = mkdtempSync(join(tmpdir(), 'kpb-bench-'));
const file = join(dir, 'keepalived.conf');
let nsMade = false;
try {
  const text = genParseBenchConfig();
  writeFileSync(file, text);
  const lines = text.split('\n').length - 1;
  console.log(`config: ${lines} lines, ${(statSync(file).size / 1e6).toFixed(1)} MB (${file})`);

  if (root) {
    netns.make(); nsMade = true;
    for (let i = 0; i < 4; i++) {
      execFileSync('ip', ['-n', NS, 'link', 'add', `eth${i}`, 'type', 'veth', 'peer', 'name', `kpbb${i}`]);
      execFileSync('ip', ['-n', NS, 'link', 'set', `eth${i}`, 'up']);
    }
  }

  const rss0 = process.memoryUsage().rss;
  const ours: number[] = []; const pre: number[] = []; const oursCpu: number[] = []; const preCpu: number[] = [];
  let exit = -1; let diags = 0;
  for (let k = 0; k < 3; k++) {
    const t = await timeParse(file);
    const r = t.result;
    ours.push(t.wall); pre.push(t.preWall); exit = r.exitCode; diags = r.diagnostics.length;
    oursCpu.push(t.cpu); preCpu.push(t.preCpu);
    if (k === 0 && (r.config.virtualServers.length !== 10000 || r.config.vrrpInstances.length !== 1000)) throw new Error('model incomplete');
  }
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
  if (nsMade) netns.remove();
}
