// Issue 15's evidence for the LVS scenario's "--stats delta 0" flake (not part of the VM tier: run it
// by hand). One qemu boot runs test/vm/guest/lvs-stats-guest.ts: ITERATIONS failovers from keepalived
// 2.2.7 (d2) to ours (d1), each measured the old way and the new way, and a sampler showing when
// `ipvsadm --stats` numbers move. Prints a summary and keeps the guest's JSON in OUT (default
// .cache/vm/lvs-stats-PID.json). Usage: npx tsx test/vm/lvs-stats-repro.ts [ITERATIONS] [OUT]
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleGuest, REPO, requireDist, runInVm, VM_CACHE, vmUnavailable } from './helpers/vm.js';
import type { StatsReproInput } from './guest/lvs-stats-guest.js';

const iterations = Number(process.argv[2] ?? 15);
const outPath = process.argv[3] ?? join(VM_CACHE, `lvs-stats-${process.pid}.json`);
const why = vmUnavailable();
if (why) { console.log(`cannot run: ${why}`); process.exit(2); }
requireDist();
const runDir = join(VM_CACHE, `lvs-stats-${process.pid}`);
mkdirSync(runDir, { recursive: true });
const input: StatsReproInput = {
  conf: join(REPO, 'test/vm/lvs-configs/lvs-dr.conf'), repo: REPO, iterations,
  clientBundle: await bundleGuest('test/vm/guest/lvs-client.ts', 'lvs-client'),
};
writeFileSync(join(runDir, 'in.json'), JSON.stringify(input));
const bundle = await bundleGuest('test/vm/guest/lvs-stats-guest.ts', 'lvs-stats-guest');
const vm = await runInVm(['node', bundle, join(runDir, 'in.json'), join(runDir, 'out.json')], { timeoutS: 600 + iterations * 120, modules: ['veth', 'bridge'], ninePOpts: 'cache=loose', echo: process.env.VM_ECHO === '1' });
console.log(`VM exit ${vm.code}, ${(vm.ms / 1000).toFixed(1)} s`);
const out = JSON.parse(readFileSync(join(runDir, 'out.json'), 'utf8'));
writeFileSync(outPath, JSON.stringify(out, null, 1));
rmSync(runDir, { recursive: true, force: true });
if (out.errors.length) console.log(`errors: ${out.errors.join('\n')}`);
const gaps = out.ticks.slice(1).map((t: number, i: number) => t - out.ticks[i]);
const liveMoves = out.sampler.filter((s: any, i: number) => i > 0 && s.live !== out.sampler[i - 1].live).length;
console.log(`sampler (${out.sampler.length} reads in 12 s): the summed Conns (--stats) changed at ${out.ticks.join(', ')} ms, gaps ${gaps.join(', ')} ms; the live per-CPU total changed ${liveMoves} times`);
console.log(`start, ours BACKUP: ${JSON.stringify(out.startBackup)}`);
const zero = (d: Record<string, number>) => Object.values(d).some((v) => v === 0);
let oldBad = 0, newBad = 0, backupStats = 0, backupLive = 0;
for (const it of out.iterations) {
  if (!it.new) continue;
  const oldFail = zero(it.old.delta);
  const newFail = zero(it.new.delta) || Object.values(it.new.delta as Record<string, number>).reduce((a, b) => a
    + b, 0) < it.new.viaOurs;
  oldBad += oldFail ? 1 : 0; newBad += newFail ? 1 : 0;
  backupStats += Object.values(it.backup.d1Stats as Record<string, number>).some((v) => v !== 0) ? 1 : 0;
  backupLive += it.backup.d1Live !== 0 ? 1 : 0;
  console.log(`#${it.i}: old delta ${JSON.stringify(it.old.delta)} reads ${it.old.readsApartMs} ms apart${oldFail ? ' FAIL' : ''} | new delta ${JSON.stringify(it.new.delta)} >= ${it.new.viaOurs} via ours, published ${it.new.waitedMs} ms after the window${newFail ? ' FAIL' : ''}, live +${it.new.live} | backup d1 stats ${JSON.stringify(it.backup.d1Stats)} live +${it.backup.d1Live}`);
}
const pairs = out.iterations.flatMap((it: any) => it.pairs ?? []);
const pz = pairs.filter((p: any) => p.summed === 0);
const meanApart = pairs.reduce((a: number, p: any) => a + p.apartMs, 0) / (pairs.length || 1);
console.log(`summed Conns read twice ${meanApart.toFixed(0)} ms apart (mean) while ours forwarded: ${pz.length}/${pairs.length} pairs showed 0 (live per-CPU delta in those: ${pz.map((p: any) => p.live).join(', ')}); expected share if the sums move once every 2 s: ${Math.max(0, 1 - meanApart / 2000).toFixed(2)}`);
const n = out.iterations.filter((x: any) => x.new).length;
console.log(`${n} failovers: old measurement failed ${oldBad}, new measurement failed ${newBad}; backup counted something: --stats ${backupStats}, live ${backupLive}`);
