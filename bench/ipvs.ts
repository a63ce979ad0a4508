// Benchmark: program SERVICES x DESTS IPVS entries from empty, then a reload with one changed
// weight, with our IPVS layer and with keepalived 2.2.7, inside the scripts/vm guest (real IPVS).
// Usage: npx tsx bench/ipvs.ts [SERVICES=10000] [DESTS=10] [--no-keepalived] [--daemon-path] [--mem=MiB (default 3072)]
// --daemon-path: also time parse + CheckerEngine.reload + apply (the checker process's SIGHUP path).
// The guest gets 3 GiB: with the default 1 GiB, 10,000 x 10 had not finished after 17 min although
// 3,000 x 10 took 86 s (memory pressure is the likely cause: node's binary is paged in over 9p);
// with 3 GiB it finished in minutes. With keepalived then running 10,000 virtual servers the guest ran
// out of memory (its OOM killer ended the bench process), so compare with keepalived at 3,000 x 10.
import { loadavg } from 'node:os';
import { bundleGuest, runInVm } from '../test/vm/helpers/vm.js';

const args = process.argv.slice(2);
const [nSvc = '10000', nDest = '10'] = args.filter((a) => !a.startsWith('--'));
const bundle = await bundleGuest('bench/ipvs-guest.ts', 'ipvs-bench');
const memMiB = Number(args.find((a) => a.startsWith('--mem='))?.slice(6) ?? 3072);
const load0 = loadavg().map((x) => x.toFixed(2)).join(' ');
const r = await runInVm(['node', bundle, nSvc, nDest, ...args.filter((a) => a === '--no-keepalived' || a === '--daemon-path')], { timeoutS: 3000, memMiB });
const load1 = loadavg().map((x) => x.toFixed(2)).join(' ');
process.stderr.write(r.stderr.split('\n').filter((l) => /timing|\[bench\]/.test(l)).join('\n') + '\n');
const line = r.stdout.split('\n').filter((l) => l.startsWith('{')).pop();
if (!line) { console.error(`bench failed (exit ${r.code})\n${r.stdout}\n${r.stderr.slice(-3000)}`); process.exit(1); }
if (r.code !== 0) console.error(`guest exit ${r.code}: keepalived part did not finish`);
const x = JSON.parse(line) as Record<string, number | boolean>;
console.log(`IPVS bench in the VM (TCG, ${memMiB} MiB, wall ${(r.ms / 1000).toFixed(1)} s): ${x.services} services x ${x.dests} destinations`);
console.log(`  host load average at start: ${load0}; at end: ${load1}`);
console.log(`  ours       from empty: ${x.oursFromEmptyMs} ms (${x.oursFromEmptyOps} netlink ops, table complete: ${x.oursFromEmptyCheck}); release ${x.oursReleaseMs} ms`);
console.log(`  ours       reload 1 change (new model objects), first after start: ${x.oursReloadMs} ms, ${x.oursReloadOps} op(s), ${x.oursReloadConverted} service(s) converted, seen: ${x.oursReloadCheck}`);
console.log(`  ours       second reload 1 change: ${x.oursReload2Ms} ms, ${x.oursReload2Ops} op(s); reload no change: ${x.oursReloadSameMs} ms, ${x.oursReloadSameOps} op(s)`);
if (x.oursDaemonPathError) console.log(`  ours       daemon path failed: ${x.oursDaemonPathError}`);
if (x.oursEngineReloadMs !== undefined) {
  console.log(`  ours       daemon path: parse ${x.oursParseMs} ms; checker engine start ${x.oursEngineStartMs} ms (${x.oursEngineStartOps} ops); engine reload 1 change ${x.oursEngineReloadMs} ms (${x.oursEngineReloadOps} op(s), ${x.oursEngineReloadApplyConverted} converted)`);
}
if (x.keepalivedFromEmptyMs !== undefined) {
  console.log(`  keepalived from empty: ${x.keepalivedFromEmptyMs} ms (complete: ${x.keepalivedFromEmptyCheck}); reload 1 change (SIGHUP -> visible): ${x.keepalivedReloadMs} ms (seen: ${x.keepalivedReloadCheck})`);
  const ratio = (a: unknown, b: unknown) => (Number(a) / Number(b)).toFixed(2);
  console.log(`  ratio ours/keepalived: from empty ${ratio(x.oursFromEmptyMs, x.keepalivedFromEmptyMs)}, reload ${ratio(x.oursReloadMs, x.keepalivedReloadMs)}`);
}
