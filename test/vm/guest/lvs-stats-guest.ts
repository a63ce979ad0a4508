// Runs inside the scripts/vm guest: reproduces the LVS scenario's "--stats delta 0" failure and records
// why (issue 15). The lab of lvs-lab.ts with ours BACKUP on d1 and keepalived 2.2.7 MASTER on d2 (the
// reverse-roles scenario); then:
//  1. sampler: every 100 ms, the master's `ipvsadm -Ln --stats` Conns sum beside its live per-CPU
//     total (/proc/net/ip_vs_stats_percpu): the first moves in steps, once per estimator run;
//  2. N times: a window with ours BACKUP (its --stats and live deltas: does the backup count anything?);
//     SIGTERM to keepalived; ours takes over; the scenario's failover step measured the old way (stats
//     read after the window had begun, read again ~1.2 s later) and the new way (ipvs-stats.ts:
//     read at the window's start, and again once the estimator has run after its end); keepalived
//     started again preempts.
// Writes the numbers to OUT.json. Usage: node lvs-stats-guest.mjs IN.json OUT.json
import { readFileSync, writeFileSync } from 'node:fs';
import { Answers, CLIENT_TIMEOUT_MS } from './lvs-answers.js';
import { IPVS_EST_PERIOD_MS, delta, liveConns, procConns, statsConns, statsPublishedAfter } from './ipvs-stats.js';
import type { Sample } from './lvs-client.js';
import { HOME, Proc, VIP, hasVip, realServers, setUp, startDirector, startHttpd, teardown } from './lvs-lab.js';
import { sleep, until } from './shell.js';

export interface StatsReproInput { conf: string; repo: string; clientBundle: string; iterations: number }

const [inPath, outPath] = process.argv.slice(2);
const input = JSON.parse(readFileSync(inPath!, 'utf8')) as StatsReproInput;
const out: { errors: string[]; sampler: any[]; ticks: number[]; startBackup: any; iterations: any[];
  logs: Record<string, string> } = { errors: [], sampler: [], ticks: [], startBackup: null, iterations: [], logs: {} };
const save = () => writeFileSync(outPath!, JSON.stringify(out, null, 1));
const log = (s: string) => process.stderr.write(`[lvs-stats ${new Date().toISOString().slice(11, 23)}] ${s}\n`);
const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

const A = new Answers();
const MASTER_RE = /\(VI_1\) Entering MASTER STATE/;
const BACKUP_RE = /\(VI_1\) Entering BACKUP STATE/;
const viaD1 = A.via('d1'), viaD2 = A.via('d2');
/** Pairs of `--stats` reads per failover, PAIR_SPACING_MS apart (what the old measurement's reads were on a quiet
 *  host). */
const PAIRS = 8, PAIR_SPACING_MS = 1300;

/** The backup's counters over a window of 20 answers through the master (new way + live). */
async function backupWindow(): Promise<any> {
  const s0 = { d1: statsConns('d1'), d2: statsConns('d2') }, l0 = { d1: liveConns('d1'), d2: liveConns('d2') };
  const t1 = Date.now();
  await A.wait(t1, 20, 30_000);
  const w = await A.settle(t1);
  const p = { d1: await statsPublishedAfter('d1', w.to), d2: await statsPublishedAfter('d2', w.to) };
  return {
    ok: w.ok, byDirector: w.byDirector, d2Stats: delta(s0.d2, p.d2.stats), d1Stats: delta(s0.d1, p.d1.stats),
    d1Live: liveConns('d1') - l0.d1, d2Live: liveConns('d2') - l0.d2, d2WaitedMs: p.d2.waitedMs, d1WaitedMs: p.d1.waitedMs,
  };
}

let ka: Proc | null = null, ours: Proc | null = null, client: Proc | null = null;
const rs: Proc[] = [];
try {
  setUp();
  rs.push(startHttpd('rs1'), startHttpd('rs2'));
  client = new Proc('client', 'cl', [process.execPath, input.clientBundle, `http://${VIP}/`, '100', String(CLIENT_TIMEOUT_MS)], (l) => {
    if (l.startsWith('{"s"')) A.samples.push(JSON.parse(l) as Sample);
  });
  A.conns.start(700);
  const t0 = Date.now();
  ours = startDirector('ours', input.conf, 'low', input.repo);
  ka = startDirector('keepalived', input.conf, 'high', input.repo);
  if (!await ka.waitLine(MASTER_RE, t0, 300_000)) throw new Error('keepalived never MASTER');
  if (await until(() => realServers('d1').length === 2 && realServers('d2').length === 2, 300_000, 500) === null) throw new Error('tables never full');
  log(`lab up after ${Date.now() - t0} ms`);
  out.startBackup = await backupWindow();
  log(`start window: ${JSON.stringify(out.startBackup)}`);

  // 1. sampler on the master (d2), through /proc/PID/net of keepalived's process: the estimator's
  //    sum (what --stats shows) and the live per-CPU total, every 20 ms for 12 s
  const tS = Date.now();
  let last = -1;
  while (Date.now() - tS < 12_000) {
    const c = procConns(ka.pid), t = Date.now();
    out.sampler.push({ t: t - tS, summed: c.summed, live: c.live });
    if (last >= 0 && c.summed !== last) out.ticks.push(t - tS);
    last = c.summed;
    await sleep(20);
  }
  log(`summed Conns changed at (ms into the sampler): ${out.ticks.join(' ')}`);
  save();

  // 2. the failover step, N times
  for (let i = 0; i < input.iterations; i++) {
    const it: any = { i };
    out.iterations.push(it);
    it.backup = await backupWindow();
    const termAt = Date.now();
    ka.kill('SIGTERM');
    await ka.waitExit(30_000);
    const up = await ours.waitLine(MASTER_RE, termAt, 30_000);
    it.oursMasterMs = up ? up.t - termAt : null;
    // ---- the old measurement, as lvs-guest.ts did it
    const viaB = await A.wait(termAt, 20, 30_000, viaD1);
    it.firstViaOursMs = viaB ? viaB.e - termAt : null;
    const tC = viaB ? viaB.s : Date.now();
    const beforeC = statsConns('d1');
    const tBefore = Date.now();
    await A.wait(tC, 20, 30_000, viaD1);
    const wOld = await A.settle(tC);
    const afterOld = statsConns('d1');
    it.old = { delta: delta(beforeC, afterOld), readsApartMs: Date.now() - tBefore, windowOk: wOld.ok,
      windowStartedBeforeReadMs: tBefore - tC };
    // ---- the new measurement: read at the window's start, again after the estimator ran after its end
    const s0 = statsConns('d1'), l0 = liveConns('d1');
    const t1 = Date.now();
    await A.wait(t1, 20, 30_000, viaD1);
    const w = await A.settle(t1);
    const p = await statsPublishedAfter('d1', w.to);
    it.new = { delta: delta(s0, p.stats), viaOurs: w.byDirector.d1 ?? 0, ok: w.ok, waitedMs: p.waitedMs, changed: p.changed, live: liveConns('d1') - l0 };
    // ---- the old measurement's two reads as a quiet host spaces them (1.2 s settle + a fast conn-table
    // read): PAIR_SPACING_MS apart, with ours forwarding 10 requests a second all along (/proc reads)
    it.pairs = [];
    for (let k = 0; k < PAIRS; k++) {
      const c1 = procConns(ours.pid), a1 = Date.now();
      await sleep(PAIR_SPACING_MS);
      const c2 = procConns(ours.pid);
      it.pairs.push({ apartMs: Date.now() - a1, summed: c2.summed - c1.summed, live: c2.live - c1.live });
      await sleep(Math.random() * 700);   // a fresh phase against the estimator's 2 s for the next pair
    }
    log(`#${i}: old ${JSON.stringify(it.old)} new ${JSON.stringify(it.new)} backup ${JSON.stringify(it.backup)} pairs ${JSON.stringify(it.pairs)}`);
    // ---- keepalived back: it preempts
    const startAt = Date.now();
    ka = startDirector('keepalived', input.conf, 'high', input.repo);
    const m = await ka.waitLine(MASTER_RE, startAt, 60_000);
    const b = await ours.waitLine(BACKUP_RE, startAt, 60_000);
    if (!m || !b || await until(() => hasVip(HOME.keepalived) && !hasVip(HOME.ours), 10_000) === null) throw new Error(`#${i}: keepalived did not preempt`);
    await A.wait(Date.now(), 10, 30_000, viaD2);
    save();
  }
} catch (e) {
  out.errors.push(String((e as Error).stack ?? e));
} finally {
  for (const p of [ka, ours]) { if (p && !p.exited) { p.kill('SIGTERM'); if (!(await p.waitExit(30_000))) p.kill('SIGKILL'); } }
  out.logs.ours = ours?.text() ?? '';
  await A.conns.stop();
  client?.kill('SIGKILL');
  for (const p of rs) p.kill('SIGKILL');
  teardown();
  save();
  log(`done; estimator period assumed ${IPVS_EST_PERIOD_MS} ms`);
}
process.exit(0);
