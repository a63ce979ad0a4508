// VM tier: real IPVS in a qemu guest (scripts/vm). One boot runs test/vm/guest/ipvs-guest.ts, which
// drives our genl client / reconciler, real keepalived 2.2.7 (-C) and ipvsadm on the same kernel;
// the assertions here compare what ipvsadm listed for each.
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigFile, parseConfigText } from '../../src/config/load.js';
import { assertGuestRanClean, bundleGuest, REPO, runInVm, VM_CACHE, vmUnavailable, type VmResult } from './helpers/vm.js';
import type { GuestInput } from './guest/ipvs-guest.js';

type Listing = { ln: string; thresholds: string; save: string; tun: string; persistent: string };
let out: any = null;
let vm: VmResult | null = null;
const CONFIG_DIR = join(REPO, 'test/vm/configs');
const configNames = readdirSync(CONFIG_DIR).filter((f) => f.endsWith('.conf')).sort();
const GENL_STEPS = 12;

function sameListing(a: Listing, b: Listing, what: string) {
  for (const k of ['ln', 'thresholds', 'save', 'tun', 'persistent'] as const) {
    assert.equal(a[k], b[k], `${what}: ipvsadm ${k} differs`);
  }
}

describe('IPVS in a qemu VM (kernel 6.1, real keepalived 2.2.7 and ipvsadm)', function () {
  this.timeout(3_600_000);

  before(async function () {
    const why = vmUnavailable();
    if (why) { console.log(`      VM tier skipped: ${why}`); this.skip(); }
    const runDir = join(VM_CACHE, `run-${process.pid}`);
    mkdirSync(runDir, { recursive: true });
    const configs = configNames.map((f) => {
      const path = join(CONFIG_DIR, f);
      const r = parseConfigFile(path, { hostname: 'vm' });
      return { name: f.replace(/\.conf$/, ''), path, model: { virtualServers: r.config.virtualServers, virtualServerGroups: r.config.virtualServerGroups }, full: r.config };
    });
    const natText = readFileSync(join(CONFIG_DIR, 'nat-wlc.conf'), 'utf8').replace('weight 3', 'weight 5');
    const changed = parseConfigText(natText, 'nat-wlc-reload.conf', { hostname: 'vm' }).config;
    const input: GuestInput = { configs, reload: { base: 'nat-wlc', changed: { virtualServers: changed.virtualServers, virtualServerGroups: changed.virtualServerGroups } } };
    writeFileSync(join(runDir, 'in.json'), JSON.stringify(input));
    const bundle = await bundleGuest('test/vm/guest/ipvs-guest.ts', 'ipvs-guest');
    vm = await runInVm(['node', bundle, join(runDir, 'in.json'), join(runDir, 'out.json')]);
    console.log(`      VM run: exit ${vm.code}, ${(vm.ms / 1000).toFixed(1)} s wall`);
    for (const l of vm.stderr.split('\n')) if (/timing|\[guest\] done/.test(l)) console.log(`      ${l}`);
    try { out = JSON.parse(readFileSync(join(runDir, 'out.json'), 'utf8')); } catch { out = null; }
    rmSync(runDir, { recursive: true, force: true });
    if (out?.timings) console.log(`      guest timings (ms): ${JSON.stringify(out.timings)}`);
  });

  it('the guest program ran to the end without errors', () => {
    assertGuestRanClean(vm, out);
  });

  describe('our genl client: every step, then the same step with ipvsadm, gives identical listings', () => {
    for (let i = 0; i < GENL_STEPS; i++) {
      it(`step ${i + 1}`, function () {
        const s = out?.genlSteps?.[i];
        assert.ok(s, 'step missing');
        this.test!.title = `step ${i + 1}: ${s.name}`;
        assert.ok(s.ok, 'our request failed');
        assert.equal(s.ipvsadmCode, 0, 'ipvsadm failed');
        sameListing(s.ours, s.ipvsadm, s.name);
      });
    }
    it('dumps (GET_SERVICE / GET_DEST) parse back to what was programmed', () => {
      const key = (x: any) => JSON.stringify(x.svc);
      const norm = (l: any[]) => [...l].sort((a, b) => key(a).localeCompare(key(b)));
      assert.deepEqual(norm(out.genlDump), norm(out.genlExpectedDump));
    });
    it('FLUSH empties the table', () => {
      assert.equal(out.genlFlush.ok, true);
      assert.equal(out.genlFlush.after, '');
    });
    it('SET_CONFIG / GET_CONFIG timeouts agree with ipvsadm --timeout both ways', () => {
      assert.equal(out.timeouts.ok, true);
      assert.deepEqual(out.timeouts.get, { ok: true, value: { tcp: 900, tcpfin: 120, udp: 300 } });
      assert.match(out.timeouts.ipvsadm, /Timeout \(tcp tcpfin udp\): 900 120 300/);
      assert.deepEqual(out.timeoutsByIpvsadm, { ok: true, value: { tcp: 901, tcpfin: 121, udp: 301 } });
    });
    it('NEW_DAEMON / GET_DAEMON / DEL_DAEMON: ipvsadm sees our sync daemon as its own', () => {
      const d = out.daemon;
      assert.equal(d.ours.ok, true, d.ours.err);
      const first = d.ours.ipvsadm.split('--after stop')[0];
      assert.equal(first, d.ipvsadm);
      assert.match(d.ours.ipvsadm, /--after stop: true\n$/);
      assert.deepEqual(d.ours.get.value[0], { state: 'master', ifname: 'ksync0', syncId: 9, maxlen: d.ours.get.value[0].maxlen, port: d.ours.get.value[0].port, ttl: d.ours.get.value[0].ttl, ...(d.ours.get.value[0].group ? { group: d.ours.get.value[0].group } : {}) });
      assert.equal(d.oursGetOfIpvsadm.value[0].ifname, 'ksync0');
    });
  });

  describe('keepalived -C and ours, from the same config, leave identical IPVS tables', () => {
    for (const f of configNames) {
      const name = f.replace(/\.conf$/, '');
      it(name, () => {
        const c = out?.compare?.find((x: any) => x.name === name);
        assert.ok(c, 'comparison missing');
        assert.ok(c.stable, `keepalived never settled:\n${c.kaLog}`);
        assert.notEqual(c.keepalived.save, '', 'keepalived programmed nothing');
        sameListing(c.ours, c.keepalived, name);
        assert.equal(c.afterRelease, '', 'release left services behind');
      });
    }
  });

  describe('the checker process (startCheckers from src/check, feeding openIpvs) and keepalived -C leave identical tables', () => {
    for (const f of configNames) {
      const name = f.replace(/\.conf$/, '');
      it(name, () => {
        const c = out?.compare?.find((x: any) => x.name === name);
        assert.ok(c?.viaCheckers, 'run missing');
        const v = c.viaCheckers;
        assert.ok(!v.error, `startCheckers failed: ${v.error}\n${(v.log ?? []).join('\n')}`);
        assert.ok(v.stable, `never settled:\n${v.log.join('\n')}`);
        sameListing(v.listing, c.keepalived, `${name} via startCheckers`);
        assert.equal(v.afterStop, '', 'stop left services behind');
      });
    }
  });

  describe('reload, repair, release', () => {
    it('reload with nothing changed sends zero netlink messages', () => {
      assert.equal(out.reload.unchangedMutations, 0);
      assert.equal(out.reload.unchangedQueries, 0);
    });
    it('reload with one changed weight sends exactly one netlink operation (SET_DEST)', () => {
      assert.equal(out.reload.changedMutations, 1, JSON.stringify(out.reload.lastOps));
      assert.equal(out.reload.lastOps[0].op, 'editDest');
      assert.match(out.reload.afterChange.ln, /10\.0\.1\.1:8080\s+Masq\s+5\s/);
    });
    it('outside changes (ipvsadm -C, ipvsadm -e) are repaired by the first repair round, within one delay_loop', () => {
      for (const r of out.repair.repairs) {
        assert.ok(r.round, `${r.what}: no repair round ran`);
        assert.ok(r.repaired, `${r.what}: the first round after the change did not restore the table`);
        const wait = r.round.startedAt - r.changedAt;
        assert.ok(wait <= out.repair.delayMs + 250, `${r.what}: repair round started ${wait} ms after the change (delay_loop ${out.repair.delayMs} ms)`);
        console.log(`      ${r.what}: repair round started after ${wait} ms, took ${r.round.finishedAt - r.round.startedAt} ms, ${r.round.ops} op(s)`);
      }
      assert.equal(out.repair.repairs[0].mutations, 4, 'after ipvsadm -C: 1 service + 3 destinations');
      assert.equal(out.repair.repairs[1].mutations, 1, 'a single outside weight edit needs one SET_DEST');
    });
    it('release removes what we added; -I keeps it; foreign services survive', () => {
      assert.notEqual(out.release.keptWithDontRelease, '');
      assert.equal(out.release.afterRelease, '');
      assert.match(out.release.foreign, /^-A -t 10\.9\.9\.9:9 -s rr\s*$/);
    });
  });

  describe('startup and stop globals in the checker process (startCheckers)', () => {
    it('lvs_flush empties the table at start (a foreign service goes) and lvs_timeouts is set', () => {
      assert.ok(out.globals, 'globals section did not run');
      assert.doesNotMatch(out.globals.started, /10\.9\.9\.8/, 'lvs_flush left a service that was there before start');
      assert.match(out.globals.started, /-A -t 10\.0\.0\.1:80/);
      assert.match(out.globals.timeouts, /Timeout \(tcp tcpfin udp\): 901 31 301/);
    });
    it('lvs_flush_on_stop flushes the whole table on stop, foreign services included, with keepalived\'s log line', () => {
      assert.equal(out.globals.afterFlushOnStop, '');
      assert.ok(out.globals.log.some((l: string) => /Flushing lvs on shutdown in oneshot/.test(l)), out.globals.log.join('\n'));
    });
    it('lvs_flush_on_stop with -I leaves the table alone', () => {
      assert.notEqual(out.globals.dontRelease.before, '');
      assert.equal(out.globals.dontRelease.after, out.globals.dontRelease.before);
      assert.ok(!out.globals.dontRelease.log.some((l: string) => /Flushing lvs/.test(l)));
    });
  });
});
