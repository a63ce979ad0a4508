// VM tier: lvs_sync_daemon keeps established connections across a director failover (issue 14).
// One qemu boot runs test/vm/guest/syncd-guest.ts: the LVS-DR lab (client, two directors, two real
// servers with a TCP echo server on VIP:7000) and three scenarios on test/vm/lvs-configs/lvs-syncd.conf
// (lvs_sync_daemon eth0 VI_1): ours MASTER (d1) with keepalived 2.2.7 BACKUP (d2); keepalived MASTER
// with ours BACKUP; and a control with keepalived 2.2.7 on both directors and no lvs_sync_daemon.
// In each, N connections send a line every 200 ms through the master; the master is stopped with
// SIGTERM; the connections must go on through the new master (its `ipvsadm -Lnc` lists them), and
// `ipvsadm -L --daemon` must show what keepalived's shows at the same point.
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertGuestRanClean, bundleGuest, REPO, requireDist, runInVm, VM_CACHE, vmUnavailable, type VmResult } from './helpers/vm.js';
import type { Kind, ScenarioOut, SyncdInput } from './guest/syncd-guest.js';

let out: { errors: string[]; timings: Record<string, number>; scenarios: ScenarioOut[] } | null = null;
let vm: VmResult | null = null;
const CONNS = 8;
const SCENARIOS: Kind[] = ['ours', 'keepalived', 'control'];
const DEFAULTS = 'mcast=eth0, syncid=51, maxlen=1472, group=224.0.0.81, port=8848, ttl=1';

const s = (kind: Kind): ScenarioOut => {
  const x = out?.scenarios.find((y) => y.kind === kind);
  assert.ok(x, `scenario ${kind} did not run`);
  return x;
};
/** The steps whose names start with these prefixes were reached and passed. */
const stepsOk = (x: ScenarioOut, ...prefixes: string[]): void => {
  for (const p of prefixes) {
    const st = x.steps.find((y) => y.name.startsWith(p));
    const failed = x.steps.find((y) => !y.ok);
    const why = `${x.kind}: step "${p}..." ${st ? 'failed' : `not reached${failed ? ` (failed before: ${failed.name})` : ''}`}\n${(st ?? failed)?.detail ?? ''}`;
    assert.ok(st?.ok, `${why}\n--- master log ---\n${(x.logs.master ?? '').slice(-2500)}\n--- backup log ---\n${(x.logs.backup ?? '').slice(-2500)}`);
  }
};
const ms = (v: number | null | undefined) => (v == null ? 'n/a' : `${v} ms`);

describe('lvs_sync_daemon through real IPVS in a qemu VM: connections survive a failover (ours and keepalived 2.2.7 directors)', function () {
  this.timeout(3_600_000);

  before(async function () {
    const why = vmUnavailable();
    if (why) { console.log(`      VM tier skipped: ${why}`); this.skip(); }
    requireDist();
    const runDir = join(VM_CACHE, `syncd-${process.pid}`);
    mkdirSync(runDir, { recursive: true });
    const input: SyncdInput = {
      conf: join(REPO, 'test/vm/lvs-configs/lvs-syncd.conf'), repo: REPO, conns: CONNS, scenarios: SCENARIOS,
      clientBundle: await bundleGuest('test/vm/guest/echo-client.ts', 'echo-client'),
    };
    writeFileSync(join(runDir, 'in.json'), JSON.stringify(input));
    const bundle = await bundleGuest('test/vm/guest/syncd-guest.ts', 'syncd-guest');
    vm = await runInVm(['node', bundle, join(runDir, 'in.json'), join(runDir, 'out.json')], { timeoutS: 2400, modules: ['veth', 'bridge'], ninePOpts: 'cache=loose', echo: process.env.VM_ECHO === '1' });
    console.log(`      VM run: exit ${vm.code}, ${(vm.ms / 1000).toFixed(1)} s wall`);
    try { out = JSON.parse(readFileSync(join(runDir, 'out.json'), 'utf8')); } catch { out = null; }
    if (process.env.SYNCD_VM_KEEP !== '1') rmSync(runDir, { recursive: true, force: true });
    for (const x of out?.scenarios ?? []) {
      const f = x.figures;
      console.log(`      ${x.kind}: ${x.master} MASTER -> ${x.backup}: connections alive before ${f.aliveBefore}/${f.opened}, after ${f.aliveAfter}/${f.opened};`
        + ` synced to the backup ${ms(f.syncedMs)} after all were up; SIGTERM -> exit ${ms(f.masterExitMs)}, new MASTER ${ms(f.backupMasterMs)},`
        + ` first echo after SIGTERM min/median/max ${f.firstEchoAfterMs ? `${f.firstEchoAfterMs.min}/${f.firstEchoAfterMs.median}/${f.firstEchoAfterMs.max} ms` : 'n/a'},`
        + ` first echo of a line sent after the takeover ${f.firstViaNewMasterMs ? `${f.firstViaNewMasterMs.min}/${f.firstViaNewMasterMs.median}/${f.firstViaNewMasterMs.max} ms` : 'n/a'},`
        + ` largest gap ${ms(f.maxGapMs)}; reset by the old master ${f.resetByOldMaster}, after the takeover ${f.resetAfterTakeover}`
        + ` (at ${JSON.stringify(f.resetAtMs)} ms after SIGTERM); sync packets ${JSON.stringify(x.syncPackets)}; errors ${JSON.stringify(x.conns.filter((c) => c.err).map((c) => c.err))}`);
    }
    if (out?.timings) console.log(`      guest timings (ms): ${JSON.stringify(out.timings)}`);
  });

  it('the guest program ran to the end without errors', () => { assertGuestRanClean(vm, out); });

  for (const kind of ['ours', 'keepalived'] as const) {
    const [master, backup] = kind === 'ours' ? ['ours', 'keepalived'] : ['keepalived', 'ours'];
    describe(`${master} MASTER, ${backup} BACKUP, lvs_sync_daemon eth0 VI_1`, () => {
      it(`at start ${master} runs the master sync daemon and ${backup} the backup one, as keepalived's ipvsadm -L --daemon shows them`, () => {
        const x = s(kind);
        stepsOk(x, 'master logs Entering MASTER', 'backup logs Entering BACKUP', 'VIP on the master only', 'sync daemons:');
        assert.equal(x.daemons.start!.master, `master sync daemon (${DEFAULTS})`);
        assert.equal(x.daemons.start!.backup, `backup sync daemon (${DEFAULTS})`);
      });
      it(`the connections through ${master} are synced: ${backup}'s ipvsadm -Lnc lists each with the same real server`, () => {
        const x = s(kind);
        stepsOk(x, `${CONNS} connections echoed`, 'the master\'s -Lnc lists', 'the backup\'s -Lnc lists');
        assert.equal(x.figures.opened, CONNS);
        assert.ok(x.figures.syncedMs !== null, x.listings.backupConns);
        for (const c of x.conns) assert.match(x.listings.backupConns!, new RegExp(`ESTABLISHED 10\\.77\\.0\\.10:${c.port}\\s+10\\.77\\.0\\.100:7000\\s+${c.rs!.replace(/\./g, '\\.')}:7000`));
        // the sync packets come from the master, with syncid 51 (the VRID)
        assert.ok((x.syncPackets.before.master ?? 0) > 0, JSON.stringify(x.syncPackets));
        assert.deepEqual(x.syncPackets.syncIds, [51]);
      });
      it(`SIGTERM to ${master}: all ${CONNS} connections go on through ${backup}, which now runs the master sync daemon`, () => {
        const x = s(kind);
        stepsOk(x, 'old master exited', 'every connection answered', `all ${CONNS} connections still echoed`, 'a connection opened after the takeover');
        assert.equal(x.figures.masterExitCode, 0);
        assert.equal(x.figures.aliveBefore, CONNS);
        // ours stops its VRRP process (VIPs) before its checker (IPVS services): nothing is reset. 2.2.7
        // stops both at once, so a line sent while its services are gone and its VIP is not yet may be
        // answered by its own stack with a RST (seen: 2 of 8 in one CI run, 0 of 8 in others); the
        // backup under test (ours) must carry every other connection and reset none
        assert.equal(x.figures.resetAfterTakeover, 0, JSON.stringify(x.conns));
        if (master === 'ours') assert.equal(x.figures.aliveAfter, CONNS, JSON.stringify(x.conns));
        else assert.equal(x.figures.aliveAfter + x.figures.resetByOldMaster, CONNS, JSON.stringify(x.conns));
        for (const c of x.conns) {
          // (reset by the old master: resetAfterTakeover is 0)
          if (master === 'keepalived' && c.errAt !== null) continue;
          assert.equal(c.err, null, `connection ${c.c}: ${c.err}`);
          assert.equal(c.bad, 0);
          assert.match(x.listings.newMasterConns!, new RegExp(`10\\.77\\.0\\.10:${c.port}\\s+10\\.77\\.0\\.100:7000\\s+${c.rs!.replace(/\./g, '\\.')}:7000`));
        }
        assert.equal(x.daemons.afterFailover!.backup, `master sync daemon (${DEFAULTS})`);
        assert.equal(x.daemons.afterFailover!.master, '', `${master} left a sync daemon after its stop`);
        // synced connections are sent again only every 50 packets; a new one is sent at once
        assert.ok(x.syncPackets.newConnSyncedMs != null, `the new master sent no sync packet for a new connection: ${JSON.stringify(x.syncPackets)}`);
      });
      it(`${backup} stopped last leaves no sync daemon`, () => {
        stepsOk(s(kind), 'no sync daemon left');
        assert.deepEqual(s(kind).daemons.afterStop, { master: '', backup: '' });
      });
    });
  }

  describe('control: keepalived 2.2.7 on both directors without lvs_sync_daemon', () => {
    it('no sync daemon runs, nothing reaches the backup, and the connections do not survive the failover', () => {
      const x = s('control');
      stepsOk(x, 'sync daemons:', 'without sync the backup lists none', 'old master exited', 'without sync the connections are lost', 'no sync daemon left');
      assert.deepEqual(x.daemons.start, { master: '', backup: '' });
      assert.deepEqual(x.syncPackets, { before: {}, after: {}, syncIds: [] });
      assert.equal(x.figures.aliveBefore, CONNS);
      assert.ok(x.figures.aliveAfter < CONNS, JSON.stringify(x.figures));
    });
  });
});
