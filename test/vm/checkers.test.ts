// VM tier: our health checker against keepalived 2.2.7's on real IPVS (issue #4). One qemu boot runs
// test/vm/guest/checkers-guest.ts: our daemon (bin/keepalived -C, from dist/) and keepalived 2.2.7
// (-C) on the same test/vm/checker-configs/checkers.conf, each in its own network namespace (own
// IPVS table), checking the same busybox httpd real servers (HTTP_GET with digest, TCP_CHECK,
// TCP_CHECK + inhibit_on_failure, MISC_CHECK by a bash /dev/tcp script; quorum 2 + sorry_server).
// After each step of guest/checkers-plan.ts both IPVS tables must equal the expected one (and so
// each other), and both daemons must have logged the same checker lines for each real server.
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertGuestRanClean, bundleGuest, REPO, requireDist, runInVm, VM_CACHE, vmUnavailable, type VmResult } from './helpers/vm.js';
import { STEPS, type CheckersInput, type CheckersOut, type StepOut } from './guest/checkers-plan.js';

let out: CheckersOut | null = null;
let vm: VmResult | null = null;

/** Lines about a real or virtual server, grouped by the first `[ip]:proto:port` they name. */
function byServer(lines: string[], keep: (l: string) => boolean): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const l of lines) {
    const k = /\[(10\.78\.0\.\d+\]:\w+:\d+)/.exec(l)?.[1];
    if (!k || !keep(l)) continue;
    m.set(k, [...(m.get(k) ?? []), l]);
  }
  return m;
}

/** State transitions: the lines the brief names (success, Adding/Removing/Enabling/Disabling, quorum, sorry server,
 *  failure after retries, shutdown). */
const TRANSITION = /TCP connection to .* success\.$|Remote Web server .* succeed on service\.$|^Misc check for .* (succeeded|failed)|on service .* failed( after \d+ retr(y|ies))?\.$|^(Adding|Removing|Enabling|Disabling) service |^Removing \(inhibited\) service |^(Gained|Lost) quorum |^Starting with quorum |sorry server |^Shutting down service /;

function logDiffs(s: StepOut, keep: (l: string) => boolean, asSets: boolean): string[] {
  const a = byServer(s.logs.ours, keep), b = byServer(s.logs.keepalived, keep);
  const norm = (x: string[] | undefined) => (asSets ? [...new Set(x ?? [])].sort() : x ?? []);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys.filter((k) => JSON.stringify(norm(a.get(k))) !== JSON.stringify(norm(b.get(k))))
    .map((k) => `[${k}\n  ours:       ${JSON.stringify(norm(a.get(k)))}\n  keepalived: ${JSON.stringify(norm(b.get(k)))}`);
}

function compareLogs(s: StepOut, keep: (l: string) => boolean, asSets: boolean): void {
  const diffs = logDiffs(s, keep, asSets);
  assert.equal(diffs.length, 0, `step "${s.name}": log lines differ for\n${diffs.join('\n')}`);
}

describe('checkers through real IPVS in a qemu VM: ours (-C) and keepalived 2.2.7 (-C) on one config, side by side', function () {
  this.timeout(1_800_000);

  before(async function () {
    if (process.env.CHECKERS_VM_OUT) {
      // re-judge a kept run (CHECKERS_VM_KEEP=1 leaves .cache/vm/checkers-PID/out.json) without a VM
      out = JSON.parse(readFileSync(process.env.CHECKERS_VM_OUT, 'utf8')) as CheckersOut;
      vm = { code: 0, stdout: '', stderr: '', ms: 0 };
      return;
    }
    const why = vmUnavailable();
    if (why) { console.log(`      VM tier skipped: ${why}`); this.skip(); }
    requireDist('src/check/runtime.ts');
    const runDir = join(VM_CACHE, `checkers-${process.pid}`);
    mkdirSync(runDir, { recursive: true });
    const input: CheckersInput = {
      conf: join(REPO, 'test/vm/checker-configs/checkers.conf'), repo: REPO,
      startTimeoutMs: 240_000, stepTimeoutMs: 45_000, stableMs: 4_000,
      // CHECKERS_VM_OURS_CONF: give our daemon another file (a deliberate break: the test must fail)
      ...(process.env.CHECKERS_VM_OURS_CONF ? { oursConf: process.env.CHECKERS_VM_OURS_CONF } : {}),
    };
    writeFileSync(join(runDir, 'in.json'), JSON.stringify(input));
    const bundle = await bundleGuest('test/vm/guest/checkers-guest.ts', 'checkers-guest');
    vm = await runInVm(['node', bundle, join(runDir, 'in.json'), join(runDir, 'out.json')], { timeoutS: 900, modules: ['veth', 'bridge'], ninePOpts: 'cache=loose', echo: process.env.VM_ECHO === '1' });
    console.log(`      VM run: exit ${vm.code}, ${(vm.ms / 1000).toFixed(1)} s wall`);
    for (const l of vm.stderr.split('\n')) if (/timing|checkers-guest/.test(l)) console.log(`      ${l}`);
    try { out = JSON.parse(readFileSync(join(runDir, 'out.json'), 'utf8')) as CheckersOut; } catch { out = null; }
    if (process.env.CHECKERS_VM_KEEP !== '1') rmSync(runDir, { recursive: true, force: true });
    else console.log(`      kept ${runDir}`);
  });

  it('the guest program ran to the end without errors', () => {
    assertGuestRanClean(vm, out);
    assert.equal(out!.steps.length, STEPS.length);
  });

  for (const [n, step] of STEPS.entries()) {
    describe(`step ${n}: ${step.name}`, () => {
      const st = (): StepOut => {
        const s = out?.steps[n];
        assert.ok(s, 'step not reached');
        return s;
      };
      it('both IPVS tables equal the expected table, and each other (ipvsadm -Sn sorted, -Ln normalised)', () => {
        const s = st();
        const want = step.expect.join('\n');
        const show = `expected:\n${want}\n--- ours:\n${s.tables.ours.ln}\n--- keepalived:\n${s.tables.keepalived.ln}\n--- ours log:\n${s.logs.ours.join('\n')}\n--- keepalived log:\n${s.logs.keepalived.join('\n')}`;
        assert.equal(s.tables.ours.save, s.tables.keepalived.save, `IPVS tables differ\n${show}`);
        assert.equal(s.tables.ours.ln, s.tables.keepalived.ln, `ipvsadm -Ln differs\n${show}`);
        assert.equal(s.tables.keepalived.save, want, `keepalived's table is not the expected one\n${show}`);
        assert.notEqual(s.settledMs, null, `the tables never stayed equal to the expected one\n${show}`);
      });
      it('the same transition lines per real server, in the same order (success / Adding / Removing / quorum / sorry server)', function () {
        // every step changes some real server's state, so keepalived logged transitions: an empty
        // comparison would prove nothing
        assert.ok(st().logs.keepalived.some((l) => TRANSITION.test(l)), `keepalived logged no transition:\n${st().logs.keepalived.join('\n')}`);
        compareLogs(st(), (l) => TRANSITION.test(l), false);
      });
      it('the same set of checker log lines per real server', function () {
        compareLogs(st(), () => true, true);
      });
      if (step.stopDaemons) {
        it('both daemons exit 0 on SIGTERM and leave an empty IPVS table', () => {
          const s = st();
          assert.deepEqual(s.exits, { ours: 0, keepalived: 0 });
          assert.equal(s.tables.ours.save, '');
          assert.equal(s.tables.keepalived.save, '');
        });
      }
    });
  }

  after(() => {
    for (const s of out?.steps ?? []) console.log(`      ${s.name}: ours ${s.matchedMs.ours ?? 'never'} ms, keepalived ${s.matchedMs.keepalived ?? 'never'} ms to the expected table`);
    // Lines about no real server (start-up, shutdown) are not asserted, only shown when they differ
    // (numbers masked; the version banner and command line differ by design).
    const other = (l: string[]) => new Set(l.filter((x) => !x.includes('[10.78.0.') && !/^(Starting|Stopped) Keepalived|^Running on|^Command line|^ {6,}'/.test(x)).map((x) => x.replace(/\d+(\.\d+)?/g, 'N')));
    for (const s of out?.steps ?? []) {
      const a = other(s.logs.ours), b = other(s.logs.keepalived);
      const onlyA = [...a].filter((x) => !b.has(x)), onlyB = [...b].filter((x) => !a.has(x));
      if (onlyA.length || onlyB.length) console.log(`      note, "${s.name}": other log lines only in ours: ${JSON.stringify(onlyA)}; only in keepalived: ${JSON.stringify(onlyB)}`);
    }
  });
});
