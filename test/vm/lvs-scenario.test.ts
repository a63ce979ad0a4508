// VM tier: the seeds' LVS-DR scenario end to end through real IPVS (issue #7's last evidence). One
// qemu boot runs test/vm/guest/lvs-guest.ts: a client, two directors and two real servers (busybox
// httpd, VIP on lo, arp_ignore/arp_announce) in namespaces on one bridge; director 1 runs our daemon
// (bin/keepalived from dist/), director 2 real keepalived 2.2.7, both on test/vm/lvs-configs/lvs-dr.conf.
// Scenario 1: ours is MASTER; scenario 2 (reverse roles): keepalived is MASTER and ours takes over.
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertGuestRanClean, bundleGuest, REPO, requireDist, runInVm, VM_CACHE, vmUnavailable, type VmResult } from './helpers/vm.js';
import type { LvsInput, ScenarioOut } from './guest/lvs-guest.js';

let out: any = null;
let vm: VmResult | null = null;
const SCENARIOS = ['ours', 'keepalived'] as const;
const OTHER = { ours: 'keepalived', keepalived: 'ours' } as const;
const HOME = { ours: 'd1', keepalived: 'd2' } as const;

function fmt(ms: number | null | undefined): string { return ms == null ? 'n/a' : `${(ms / 1000).toFixed(2)} s`; }

describe('LVS-DR scenario through real IPVS in a qemu VM (ours + keepalived 2.2.7 directors, busybox httpd real servers)', function () {
  this.timeout(3_600_000);

  before(async function () {
    const why = vmUnavailable();
    if (why) { console.log(`      VM tier skipped: ${why}`); this.skip(); }
    requireDist();
    const runDir = join(VM_CACHE, `lvs-${process.pid}`);
    mkdirSync(runDir, { recursive: true });
    const input: LvsInput = {
      conf: join(REPO, 'test/vm/lvs-configs/lvs-dr.conf'), repo: REPO,
      clientBundle: await bundleGuest('test/vm/guest/lvs-client.ts', 'lvs-client'), scenarios: [...SCENARIOS],
    };
    writeFileSync(join(runDir, 'in.json'), JSON.stringify(input));
    const bundle = await bundleGuest('test/vm/guest/lvs-guest.ts', 'lvs-guest');
    vm = await runInVm(['node', bundle, join(runDir, 'in.json'), join(runDir, 'out.json')], { timeoutS: 2400, modules: ['veth', 'bridge'], ninePOpts: 'cache=loose', echo: process.env.VM_ECHO === '1' });
    console.log(`      VM run: exit ${vm.code}, ${(vm.ms / 1000).toFixed(1)} s wall`);
    for (const l of vm.stderr.split('\n')) if (/timing|lvs-guest/.test(l)) console.log(`      ${l}`);
    try { out = JSON.parse(readFileSync(join(runDir, 'out.json'), 'utf8')); } catch { out = null; }
    if (process.env.LVS_VM_KEEP !== '1') rmSync(runDir, { recursive: true, force: true });
    for (const s of (out?.scenarios ?? []) as ScenarioOut[]) {
      const f = s.failover, p = s.preempt;
      console.log(`      ${s.master} master: rs1 removed after ${fmt(s.rsDown?.removedMs)}, re-added after ${fmt(s.rsDown?.readdedMs)}; SIGTERM -> ${s.master} exit ${fmt(f?.masterExitMs)},`
        + ` ${s.backup} MASTER ${fmt(f?.backupMasterMs)}, first answer ${fmt(f?.firstAnswerMs)}, first answer through ${s.backup}'s IPVS ${fmt(f?.firstAnswerViaBackupMs)}`
        + ` (${f?.failedBetween} failed requests); restart -> MASTER again ${fmt(p?.masterAgainMs)}, first answer through it ${fmt(p?.firstAnswerViaMasterMs)} (${p?.failedBetween} failed);`
        + ` --stats summed after the window's end: ${JSON.stringify(s.stats?.publishedMs ?? {})} ms`);
    }
    if (out?.timings) console.log(`      guest timings (ms): ${JSON.stringify(out.timings)}`);
  });

  it('the guest program ran to the end without errors', () => {
    assertGuestRanClean(vm, out);
  });

  for (const master of SCENARIOS) {
    const backup = OTHER[master];
    const M = HOME[master], B = HOME[backup];
    describe(`${master} is MASTER (${M}), ${backup} BACKUP (${B})`, () => {
      const sc = (): ScenarioOut => {
        const s = (out?.scenarios ?? []).find((x: ScenarioOut) => x.master === master);
        assert.ok(s, 'scenario did not run');
        return s;
      };
      const stepOk = (name: string) => {
        const s = sc();
        const st = s.steps.find((x) => x.name === name);
        const failed = s.steps.find((x) => !x.ok);
        assert.ok(st, `step "${name}" not reached${failed ? `; failed earlier: ${failed.name}\n${failed.detail ?? ''}` : ''}\n--- ${master} log tail ---\n${(s.logs.master ?? '').slice(-3000)}`);
        assert.ok(st.ok, `step "${name}" failed\n${st.detail ?? ''}\n--- ${master} log tail ---\n${(s.logs.master ?? '').slice(-3000)}`);
        return s;
      };
      it(`${master} enters MASTER, holds the VIP alone; both IPVS tables list both real servers`, () => {
        stepOk('master logs Entering MASTER STATE');
        stepOk(`VIP on ${M} (${master}) only`);
        const s = stepOk('both directors list both real servers in IPVS');
        assert.match(s.listings.start!, /TCP\s+10\.77\.0\.100:80 rr\s*\n\s+-> 10\.77\.0\.21:80\s+Route\s+1\s.*\n\s+-> 10\.77\.0\.22:80\s+Route\s+1\s/);
      });
      it(`the client gets answers from both real servers (rr), all through ${master}'s IPVS (its ipvsadm --stats counts them)`, () => {
        const s = stepOk('client answered by both real servers through the master');
        const w = s.windows.both!;
        assert.ok(w.ok >= 20, JSON.stringify(w));
        assert.ok(Math.abs((w.byRs.rs1 ?? 0) - (w.byRs.rs2 ?? 0)) <= 2, `rr should alternate: ${JSON.stringify(w.byRs)}`);
        // Conns counted by the master's IPVS during the window: `ipvsadm -Ln --stats` at its start and once
        // the kernel's estimator (every 2 s) has summed the per-CPU counters after its end
        const m = s.stats.both!;
        assert.ok((m['10.77.0.21'] ?? 0) > 0 && (m['10.77.0.22'] ?? 0) > 0, `${master} ipvsadm -Ln --stats delta: ${JSON.stringify(m)}\n${s.listings.stats}`);
        assert.ok((m['10.77.0.21'] ?? 0) + (m['10.77.0.22'] ?? 0) >= w.ok, `${master}'s IPVS counted fewer connections than answers: ${JSON.stringify(m)} < ${w.ok}`);
        // The backup forwarded none of the client's requests: no client port of the run so far is in both
        // directors' connection tables (each answer above was attributed to the master's), and its IPVS
        // made no connection during the window (live per-CPU counters, /proc/net/ip_vs_stats_percpu).
        assert.equal(s.listings.portsOnBoth, '', `client ports seen by both directors: ${s.listings.portsOnBoth}`);
        // (the same counter of the master counted at least the window's answers: it is read right)
        assert.ok(s.stats.bothLive!.master! >= w.ok, `${master}'s live IPVS counter: ${JSON.stringify(s.stats.bothLive)} < ${w.ok}`);
        assert.equal(s.stats.bothLive!.backup, 0, `${backup}'s IPVS made connections while BACKUP; --stats delta ${JSON.stringify(s.stats.bothBackup)}\n${s.listings.backupStats}`);
      });
      it(`rs1's httpd stopped: ${master}'s checker removes it from IPVS and only rs2 answers, without failures`, () => {
        stepOk('master checker removed rs1 from IPVS');
        const s = stepOk('only rs2 answers, no failures');
        assert.ok(s.rsDown!.logLine, `${master} logged no "Removing service [10.77.0.21]:tcp:80 from VS [10.77.0.100]:tcp:80"`);
        stepOk('rs1 back in both IPVS tables');
      });
      it(`SIGTERM to ${master}: ${backup} takes the VIP and the client is answered through ${backup}'s IPVS (both real servers)`, () => {
        stepOk(`${master} exited after SIGTERM`);
        const s = stepOk(`${backup} took over (MASTER, VIP)`);
        assert.equal(s.failover!.masterExitCode, 0);
        assert.equal(s.released.masterAfterStop, '', `${master} left IPVS services behind on stop`);
        stepOk('client answered by both real servers through the backup');
        assert.ok(s.failover!.firstAnswerViaBackupMs !== null);
        // its --stats read at the window's start and once the estimator has run after its end
        const d = s.stats.afterFailover!, w = s.windows.afterFailover!;
        assert.ok((d['10.77.0.21'] ?? 0) > 0 && (d['10.77.0.22'] ?? 0) > 0, `${backup} --stats delta: ${JSON.stringify(d)}\n${s.listings.statsBackup}`);
        assert.ok((d['10.77.0.21'] ?? 0) + (d['10.77.0.22'] ?? 0) >= w.ok, `${backup}'s IPVS counted fewer connections than answers: ${JSON.stringify(d)} < ${w.ok}`);
      });
      it(`${master} started again preempts back and the client is answered through it`, () => {
        stepOk(`${master} preempted back (MASTER, VIP; ${backup} BACKUP)`);
        stepOk('client answered through the master again');
      });
      it('both directors release their IPVS service on SIGTERM', () => {
        const s = sc();
        assert.equal(s.released.d1, '', 'ours (d1) left IPVS services');
        assert.equal(s.released.d2, '', 'keepalived (d2) left IPVS services');
      });
    });
  }
});
