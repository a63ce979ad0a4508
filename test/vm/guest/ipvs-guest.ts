// Runs inside the scripts/vm guest (real IPVS, kernel 6.1): drives our IPVS layer and real
// keepalived / ipvsadm on the same kernel and writes what it saw to a JSON file for the host-side
// mocha tests (test/vm/ipvs.test.ts) to assert on. Usage: node ipvs-guest.mjs IN.json OUT.json
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { openIpvs, initialDesiredState, IpvsSink, type IpvsHandle } from '../../../src/ipvs/index.js';
import { memoryLogger } from '../../../src/common/log.js';
import { startCheckers } from '../../../src/check/index.js';
import type { KeepalivedConfig } from '../../../src/config/model.js';
import type { IpvsDest, IpvsService } from '../../../src/ipvs/types.js';
import { listing, sh, shOk, sleep, waitStable, type Listing } from './shell.js';

export interface GuestInput {
  configs: { name: string; path: string; model: Pick<KeepalivedConfig, 'virtualServers' | 'virtualServerGroups'>; full: KeepalivedConfig }[];
  reload: { base: string; changed: Pick<KeepalivedConfig, 'virtualServers' | 'virtualServerGroups'> };
}

const [inPath, outPath] = process.argv.slice(2);
const input = JSON.parse(readFileSync(inPath, 'utf8')) as GuestInput;
const out: Record<string, unknown> = { errors: [] as string[], timings: {} as Record<string, number> };
const timings = out.timings as Record<string, number>;
const save = () => writeFileSync(outPath, JSON.stringify(out, null, 1));
const log = (s: string) => process.stderr.write(`[guest] ${s}\n`);

async function open(): Promise<IpvsHandle> {
  const h = await openIpvs({ logger: memoryLogger() });
  if (!h) throw new Error('openIpvs returned null inside the VM');
  return h;
}

// ---------------------------------------------------------------- 1. genl client vs ipvsadm
async function genlBasics() {
  const t0 = Date.now();
  const tcp: IpvsService = { af: 2, protocol: 6, addr: '10.1.0.1', port: 80, fwmark: 0, sched: 'wlc', flags: 0, timeout: 0, netmask: 0xffffffff };
  const udp6: IpvsService = { af: 10, protocol: 17, addr: '2001:db8::1', port: 53, fwmark: 0, sched: 'sh', flags: 0x19, timeout: 300, netmask: 64 };
  const fwm: IpvsService = { af: 2, protocol: 0, addr: '', port: 0, fwmark: 7, sched: 'rr', flags: 0x1, timeout: 60, netmask: 0x00ffffff };
  const sctp: IpvsService = { af: 2, protocol: 132, addr: '10.1.0.2', port: 3868, fwmark: 0, sched: 'mh', flags: 0x10, timeout: 0, netmask: 0xffffffff };
  const d1: IpvsDest = { af: 2, addr: '10.1.1.1', port: 8080, fwd: 0, weight: 5, uThresh: 100, lThresh: 10 };
  const d2: IpvsDest = { af: 10, addr: '2001:db8::10', port: 53, fwd: 3, weight: 1, uThresh: 0, lThresh: 0 };
  const d3: IpvsDest = { af: 2, addr: '10.1.1.3', port: 0, fwd: 2, weight: 2, uThresh: 0, lThresh: 0, tunType: 1, tunPort: 6080, tunFlags: 2 };
  const d4: IpvsDest = { af: 2, addr: '10.1.1.4', port: 3868, fwd: 0, weight: 3, uThresh: 0, lThresh: 0 };
  const h = await open();
  const c = h.client;
  type Step = { name: string; ours: () => Promise<{ ok: boolean }>; ipvsadm: string };
  const steps: Step[] = [
    { name: 'add TCP service', ours: () => c.addService(tcp), ipvsadm: 'ipvsadm -A -t 10.1.0.1:80 -s wlc' },
    { name: 'add UDP IPv6 service (sh-port sh-fallback, persistence 300 /64)', ours: () => c.addService(udp6), ipvsadm: 'ipvsadm -A -u [2001:db8::1]:53 -s sh -b sh-port,sh-fallback -p 300 -M 64' },
    { name: 'add fwmark service (persistence 60 /24)', ours: () => c.addService(fwm), ipvsadm: 'ipvsadm -A -f 7 -s rr -p 60 -M 255.255.255.0' },
    { name: 'add SCTP service (mh-port)', ours: () => c.addService(sctp), ipvsadm: 'ipvsadm -A --sctp-service 10.1.0.2:3868 -s mh -b mh-port' },
    { name: 'add NAT dest with thresholds', ours: () => c.addDest(tcp, d1), ipvsadm: 'ipvsadm -a -t 10.1.0.1:80 -r 10.1.1.1:8080 -m -w 5 -x 100 -y 10' },
    { name: 'add DR IPv6 dest', ours: () => c.addDest(udp6, d2), ipvsadm: 'ipvsadm -a -u [2001:db8::1]:53 -r [2001:db8::10]:53 -g -w 1' },
    { name: 'add TUN gue dest (remcsum)', ours: () => c.addDest(fwm, d3), ipvsadm: 'ipvsadm -a -f 7 -r 10.1.1.3 -i --tun-type gue --tun-port 6080 --tun-remcsum -w 2' },
    { name: 'add SCTP dest', ours: () => c.addDest(sctp, d4), ipvsadm: 'ipvsadm -a --sctp-service 10.1.0.2:3868 -r 10.1.1.4:3868 -m -w 3' },
    { name: 'edit service scheduler wlc -> rr', ours: () => c.editService({ ...tcp, sched: 'rr' }), ipvsadm: 'ipvsadm -E -t 10.1.0.1:80 -s rr' },
    { name: 'edit dest weight 5 -> 0', ours: () => c.editDest(tcp, { ...d1, weight: 0 }), ipvsadm: 'ipvsadm -e -t 10.1.0.1:80 -r 10.1.1.1:8080 -m -w 0 -x 100 -y 10' },
    { name: 'delete dest', ours: () => c.delDest(udp6, d2), ipvsadm: 'ipvsadm -d -u [2001:db8::1]:53 -r [2001:db8::10]:53' },
    { name: 'delete service', ours: () => c.delService(sctp), ipvsadm: 'ipvsadm -D --sctp-service 10.1.0.2:3868' },
  ];
  const res: { name: string; ok: boolean; ours: Listing; ipvsadm: Listing; ipvsadmCode: number }[] = [];
  const oursL: { ok: boolean; l: Listing }[] = [];
  for (const s of steps) { const r = await s.ours(); oursL.push({ ok: r.ok, l: listing() }); }
  // dumps parse back to what we programmed (state after the last step)
  const svcs = await c.getServices();
  const dumps = svcs.ok ? await Promise.all(svcs.value.map(async (s) => ({ svc: s,
    dests: (await c.getDests(s)) }))) : [];
  out.genlDump = dumps.map((d) => ({ svc: d.svc, dests: d.dests.ok ? d.dests.value : d.dests.message }));
  out.genlExpectedDump = [
    { svc: { ...tcp, sched: 'rr' }, dests: [{ ...d1, weight: 0 }] }, { svc: udp6, dests: [] }, { svc: fwm, dests: [d3] },
  ];
  const flushed = await c.flush();
  out.genlFlush = { ok: flushed.ok, after: sh('ipvsadm -Sn').out };
  for (let i = 0; i < steps.length; i++) {
    const r = sh(steps[i].ipvsadm);
    res.push({ name: steps[i].name, ok: oursL[i].ok, ours: oursL[i].l, ipvsadm: listing(), ipvsadmCode: r.code });
  }
  sh('ipvsadm -C');
  out.genlSteps = res;
  // timeouts
  const t = await c.setTimeouts({ tcp: 900, tcpfin: 120, udp: 300 });
  out.timeouts = { ok: t.ok, get: await c.getTimeouts(), ipvsadm: sh('ipvsadm -L --timeout').out };
  sh('ipvsadm --set 901 121 301');
  out.timeoutsByIpvsadm = await c.getTimeouts();
  // sync daemon
  sh('ip link add ksync0 type dummy && ip link set ksync0 up');
  const dm = await c.startDaemon({ state: 'master', ifname: 'ksync0', syncId: 9 });
  const oursDaemon = { ok: dm.ok, err: dm.ok ? '' : dm.message, get: await c.getDaemons(), ipvsadm: sh('ipvsadm -L --daemon').out };
  const stop = await c.stopDaemon('master');
  oursDaemon.ipvsadm += `--after stop: ${stop.ok}\n` + sh('ipvsadm -L --daemon').out;
  sh('ipvsadm --start-daemon master --mcast-interface ksync0 --syncid 9');
  out.daemon = { ours: oursDaemon, ipvsadm: sh('ipvsadm -L --daemon').out, oursGetOfIpvsadm: await c.getDaemons() };
  sh('ipvsadm --stop-daemon master');
  out.genlCounters = { ...c.counters };
  c.close();
  timings.genl = Date.now() - t0;
}

// ---------------------------------------------------------------- 2. keepalived vs ours
async function runKeepalived(path: string): Promise<{ listing: Listing; stable: boolean; log: string }> {
  sh('ipvsadm -C; rm -f /tmp/ka.pid /tmp/ka.chk.pid');
  const p = spawn('/usr/sbin/keepalived', ['-n', '-l', '-C', '-D', '-f', path, '-p', '/tmp/ka.pid', '-c', '/tmp/ka.chk.pid'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  p.stdout.on('data', (b) => { log += b; });
  p.stderr.on('data', (b) => { log += b; });
  const stable = await waitStable(2500, 30000);
  const l = listing();
  p.kill('SIGTERM');
  await new Promise<void>((r) => { const t = setTimeout(() => { p.kill('SIGKILL'); r(); }, 10000); p.on('exit', () => { clearTimeout(t); r(); }); });
  sh('ipvsadm -C');
  return { listing: l, stable, log };
}

async function compare() {
  const t0 = Date.now();
  const res: unknown[] = [];
  for (const cfg of input.configs) {
    const t1 = Date.now();
    log(`compare ${cfg.name}`);
    const ka = await runKeepalived(cfg.path);
    const h = await open();
    const lg = memoryLogger();
    const sink = new IpvsSink(h.client, lg);
    await sink.apply(initialDesiredState(cfg.model));
    const ours = listing();
    const opsSent = h.client.counters.mutations;
    await sink.release();
    const afterRelease = sh('ipvsadm -Sn').out;
    sh('ipvsadm -C');
    // the whole checker process: startCheckers (src/check) feeding openIpvs's sink
    const lc = memoryLogger();
    let viaCheckers: unknown;
    try {
      const hc = await startCheckers(cfg.full, { logger: lc });
      const stable = await waitStable(2500, 30000);
      const l = listing();
      await hc.stop();
      viaCheckers = { stable, listing: l, afterStop: sh('ipvsadm -Sn').out, log: lc.lines() };
    } catch (e) { viaCheckers = { error: String((e as Error).stack ?? e), log: lc.lines() }; }
    sh('ipvsadm -C');
    res.push({ name: cfg.name, keepalived: ka.listing, stable: ka.stable, kaLog: ka.log.split('\n').slice(-60).join('\n'), ours, opsSent,
      afterRelease, log: lg.lines(), viaCheckers, ms: Date.now() - t1 });
  }
  out.compare = res;
  timings.compare = Date.now() - t0;
}

// ---------------------------------------------------------------- 3. reload, repair, release
async function reloadRepair() {
  const t0 = Date.now();
  const base = input.configs.find((c) => c.name === input.reload.base)!;
  const h = await open();
  const sink = new IpvsSink(h.client, memoryLogger());
  const c = h.client.counters;
  await sink.apply(initialDesiredState(base.model));
  const start = { ...c }; const before = listing();
  await sink.apply(initialDesiredState(base.model));
  const same = { ...c };
  await sink.apply(initialDesiredState(input.reload.changed));
  const changed = { ...c }; const afterChange = listing();
  out.reload = {
    startMutations: start.mutations, unchangedMutations: same.mutations - start.mutations,
    unchangedQueries: same.queries - start.queries,
    changedMutations: changed.mutations - same.mutations, lastOps: sink.lastReport.ops, before, afterChange,
  };
  // repair: outside `ipvsadm -C`, then an outside weight edit
  const delayMs = 2000;
  const want = listing().save;
  const rounds: { startedAt: number; finishedAt: number; ops: number; after: string }[] = [];
  sink.startRepair(delayMs, (r) => { rounds.push({ startedAt: r.startedAt, finishedAt: r.finishedAt, ops: r.report.ops.length, after: sh('ipvsadm -Sn').out.split('\n').filter(Boolean).sort().join('\n') }); });
  const repairs: { what: string; changedAt: number; mutations: number; round?: (typeof rounds)[number];
    repaired: boolean }[] = [];
  for (const [what, cmd] of [['ipvsadm -C', 'ipvsadm -C'], ['ipvsadm -e weight 9', 'ipvsadm -e -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 9']] as const) {
    await sleep(300);
    const m0 = c.mutations;
    shOk(cmd);
    const changedAt = Date.now();
    // the first round that started after the change must have repaired it
    while (!rounds.some((r) => r.startedAt > changedAt) && Date.now() - changedAt < delayMs * 5) await sleep(100);
    const round = rounds.find((r) => r.startedAt > changedAt);
    repairs.push({ what, changedAt, mutations: c.mutations - m0, round, repaired: round?.after === want });
  }
  out.repair = { delayMs, repairs };
  // release with -I (keep), then release for real
  sink.stopRepair();
  const h2 = await open();
  const keep = new IpvsSink(h2.client, memoryLogger());
  await keep.apply(initialDesiredState(base.model));
  await keep.release({ keep: true });
  const kept = sh('ipvsadm -Sn').out;
  await sink.release();
  out.release = { keptWithDontRelease: kept, afterRelease: sh('ipvsadm -Sn').out, foreign: '' };
  // release leaves services it never added alone
  sh('ipvsadm -C; ipvsadm -A -t 10.9.9.9:9 -s rr');
  const h3 = await open();
  const s3 = new IpvsSink(h3.client, memoryLogger());
  await s3.apply(initialDesiredState(base.model));
  await s3.release();
  (out.release as Record<string, string>).foreign = sh('ipvsadm -Sn').out;
  sh('ipvsadm -C');
  timings.reloadRepair = Date.now() - t0;
}

// ---------------------------------------------------------------- 4. startup / stop globals via startCheckers
async function globals() {
  const t0 = Date.now();
  const base = input.configs.find((c) => c.name === input.reload.base)!;
  const withGlobals = (g: Partial<KeepalivedConfig['global']>): KeepalivedConfig => ({ ...base.full, global: { ...base.full.global, ...g } });
  const res: Record<string, unknown> = {};
  // lvs_flush + lvs_timeouts at start; lvs_flush_on_stop: a foreign service added while running goes too
  sh('ipvsadm -C; ipvsadm --set 900 120 300; ipvsadm -A -t 10.9.9.8:8 -s rr');
  const lg = memoryLogger();
  const hc = await startCheckers(withGlobals({ lvsFlush: true, lvsFlushOnStop: true,
    lvsTimeouts: { tcp: 901, tcpfin: 31, udp: 301 } }), { logger: lg });
  await waitStable(1500, 30000);
  res.started = sh('ipvsadm -Sn').out;
  res.timeouts = sh('ipvsadm -L --timeout').out;
  shOk('ipvsadm -A -t 10.9.9.9:9 -s rr');
  await hc.stop();
  res.afterFlushOnStop = sh('ipvsadm -Sn').out;
  res.log = lg.lines();
  // lvs_flush_on_stop with -I: the table stays
  const lg2 = memoryLogger();
  const hc2 = await startCheckers(withGlobals({ lvsFlush: true, lvsFlushOnStop: true }),
    { logger: lg2, dontRelease: true });
  await waitStable(1500, 30000);
  const before = sh('ipvsadm -Sn').out;
  await hc2.stop();
  res.dontRelease = { before, after: sh('ipvsadm -Sn').out, log: lg2.lines() };
  sh('ipvsadm -C; ipvsadm --set 900 120 300');
  out.globals = res;
  timings.globals = Date.now() - t0;
}

const tAll = Date.now();
for (const [name, fn] of [['genl', genlBasics], ['compare', compare], ['reloadRepair', reloadRepair], ['globals', globals]] as const) {
  try { await fn(); } catch (e) { (out.errors as string[]).push(`${name}: ${(e as Error).stack ?? e}`); }
  save();
}
timings.total = Date.now() - tAll;
save();
log(`done in ${timings.total} ms`);
process.exit(0);
