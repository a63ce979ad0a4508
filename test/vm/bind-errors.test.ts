// VM tier: bind() failures of the checkers, ours (-C) next to keepalived 2.2.7 (-C) on one config,
// real IPVS (issue #4). One qemu boot runs test/vm/guest/bind-errors-guest.ts: each daemon in its
// own pair of namespaces (director + real servers), HTTP_GET, SSL_GET, SMTP_CHECK, TCP_CHECK,
// DNS_CHECK and UDP_CHECK bound to an address the director does not have, then has, then has not;
// one more HTTP_GET bound to a port another socket holds (EADDRINUSE). Both daemons must log the
// same checker lines in each phase, each `Checker bind failed` directly followed by the checker's
// own line, reschedule about every delay_loop, and leave the same IPVS table after each phase.
// Needs dist/ (`flock /tmp/build.lock npm run build`).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertGuestRanClean, bundleGuest, REPO, runInVm, VM_CACHE, vmUnavailable, type VmResult } from './helpers/vm.js';
import { DELAY_LOOP_S, IMPLS, PHASES, RS, type BindInput, type BindOut, type Impl } from './guest/bind-errors-plan.js';

let out: BindOut | null = null;
let vm: VmResult | null = null;

const CHECK = /bind failed|Rescheduling|success\.$|succeed on service\.$|failed|^(Adding|Removing) service /;
const NOTAVAIL = 'Checker bind failed: Cannot assign requested address';
const OWN = ['WEB socket bind failed. Rescheduling', 'SMTP_CHECK socket bind failed. Rescheduling.', 'TCP socket bind failed. Rescheduling.',
  `DNS_CHECK ([${RS}]:udp:53) UDP socket bind failed. Rescheduling.`];
const UDP_BIND = 'bind failed. errno: 99, error: Cannot assign requested address';
const dest = (port: number) => ` -r ${RS}:${port} `;

/** The lines of phase `n` (from its start to the next one's). */
function phaseLines(i: Impl, n: number): [number, string][] {
  const from = out!.phases[n]!.at, to = out!.phases[n + 1]?.at ?? Infinity;
  return out!.logs[i].filter(([t]) => t >= from && t < to);
}
const checkSet = (ls: [number, string][], keep: (l: string) => boolean = () => true): string[] =>
  [...new Set(ls.map(([, l]) => l).filter((l) => CHECK.test(l) && keep(l)))].sort();
const isNotAvail = (l: string) => l === NOTAVAIL || l === UDP_BIND || OWN.includes(l);
/** What keepalived 2.2.7 logged in these phases (checked here too, so that "the same" is not "both empty"). */
const ABSENT = [NOTAVAIL, ...OWN, 'Checker bind failed: Address already in use', UDP_BIND,
  `UDP_CHECK on service [${RS}]:udp:7 failed.`, `Removing service [${RS}]:udp:7 from VS [10.81.0.100]:udp:53`].sort();
const ADDED = [`Remote Web server [${RS}]:tcp:80 succeed on service.`, `Remote Web server [${RS}]:tcp:443 succeed on service.`,
  `Remote SMTP server [${RS}]:tcp:25 succeed on service.`, `TCP connection to [${RS}]:tcp:8080 success.`, `UDP connection to [${RS}]:udp:7 success.`,
  `Adding service [${RS}]:udp:7 to VS [10.81.0.100]:udp:53`, 'Checker bind failed: Address already in use'].sort();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

describe('bind() failures in a qemu VM: ours (-C) and keepalived 2.2.7 (-C) on one config, side by side', function () {
  this.timeout(1_800_000);

  before(async function () {
    const why = vmUnavailable();
    if (why) { console.log(`      VM tier skipped: ${why}`); this.skip(); }
    assert.ok(existsSync(join(REPO, 'dist/daemon/main.js')), 'dist/ is missing: run `flock /tmp/build.lock npm run build` first');
    const runDir = join(VM_CACHE, `bind-errors-${process.pid}`);
    mkdirSync(runDir, { recursive: true });
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(runDir, 'key.pem'), '-out', join(runDir, 'cert.pem'),
      '-days', '2', '-subj', '/CN=rs.kbe.test'], { stdio: 'ignore' });
    const input: BindInput = { repo: REPO, cert: join(runDir, 'cert.pem'), key: join(runDir, 'key.pem'), phaseMs: 5 * DELAY_LOOP_S * 1000, startTimeoutMs: 300_000 };
    writeFileSync(join(runDir, 'in.json'), JSON.stringify(input));
    const bundle = await bundleGuest('test/vm/guest/bind-errors-guest.ts', 'bind-errors-guest');
    vm = await runInVm(['node', bundle, join(runDir, 'in.json'), join(runDir, 'out.json')],
      { timeoutS: 900, modules: ['veth', 'bridge'], ninePOpts: 'cache=loose', echo: process.env.VM_ECHO === '1' });
    console.log(`      VM run: exit ${vm.code}, ${(vm.ms / 1000).toFixed(1)} s wall`);
    for (const l of vm.stderr.split('\n')) if (/timing|bind-errors-guest/.test(l)) console.log(`      ${l}`);
    try { out = JSON.parse(readFileSync(join(runDir, 'out.json'), 'utf8')) as BindOut; } catch { out = null; }
    if (process.env.BIND_VM_KEEP !== '1') rmSync(runDir, { recursive: true, force: true });
    else console.log(`      kept ${runDir}`);
  });

  it('the guest program ran to the end without errors; both daemons exit 0 on SIGTERM', () => {
    assertGuestRanClean(vm, out);
    assert.equal(out!.phases.length, PHASES.length);
    assert.deepEqual(out!.exits, { ours: 0, keepalived: 0 });
  });

  it('the same IPVS table after each phase; only UDP_CHECK\'s real server leaves while the bind fails', () => {
    for (const [n, p] of out!.phases.entries()) {
      assert.equal(p.tables.ours, p.tables.keepalived, `phase "${p.name}": tables differ\n--- ours\n${p.tables.ours}\n--- keepalived\n${p.tables.keepalived}`);
      for (const port of [80, 443, 25, 8080, 8081]) assert.ok(p.tables.keepalived.includes(dest(port)), `phase "${p.name}": ${port} missing`);
      assert.ok(p.tables.keepalived.includes(dest(53)), `phase "${p.name}": 53 missing`);
      assert.equal(p.tables.keepalived.includes(dest(7)), n === 1, `phase "${p.name}": UDP_CHECK's server`);
    }
  });

  it('bindto absent (from the start): the same set of checker lines', () => {
    assert.deepEqual(checkSet(phaseLines('ours', 0)), checkSet(phaseLines('keepalived', 0)));
    assert.deepEqual(checkSet(phaseLines('keepalived', 0)), ABSENT);
  });

  it('bindto added: the same lines (success, Adding, the EADDRINUSE checker still rescheduling), and no EADDRNOTAVAIL after one delay_loop', () => {
    const keep = (l: string) => !isNotAvail(l);
    assert.deepEqual(checkSet(phaseLines('ours', 1), keep), checkSet(phaseLines('keepalived', 1), keep));
    const settle = out!.phases[1]!.at + 2 * DELAY_LOOP_S * 1000 + 1000;
    for (const i of IMPLS) assert.deepEqual(phaseLines(i, 1).filter(([t, l]) => t >= settle
      && (l === NOTAVAIL || l === UDP_BIND)), [], i);
    assert.deepEqual(checkSet(phaseLines('keepalived', 1), keep), ADDED);
  });

  it('bindto removed again: the same set of checker lines', () => {
    assert.deepEqual(checkSet(phaseLines('ours', 2)), checkSet(phaseLines('keepalived', 2)));
    assert.deepEqual(checkSet(phaseLines('keepalived', 2)), ABSENT);
  });

  it('each "Checker bind failed" line is directly followed by its checker\'s own line, in both', () => {
    for (const i of IMPLS) {
      const ls = out!.logs[i].map(([, l]) => l);
      ls.forEach((l, k) => { if (l.startsWith('Checker bind failed: ')) assert.ok(OWN.includes(ls[k + 1] ?? ''), `${i}: after "${l}": "${ls[k + 1]}"`); });
    }
  });

  it('both reschedule about every delay_loop (SMTP_CHECK and DNS_CHECK lines while the address is absent)', () => {
    const report: string[] = [];
    for (const i of IMPLS) {
      for (const own of [OWN[1]!, OWN[3]!]) {
        const ts = [...phaseLines(i, 0), ...phaseLines(i, 2)].filter(([, l]) => l === own).map(([t]) => t);
        // not across phase 1
        const gaps = ts.slice(1).map((t, k) => t - ts[k]!).filter((g) => g < 3 * DELAY_LOOP_S * 1000);
        const m = median(gaps);
        report.push(`${i} ${own.slice(0, 10)}: ${gaps.length} gaps, median ${m} ms`);
        assert.ok(gaps.length >= 3, `${i}: ${own}: only ${gaps.length} gaps`);
        assert.ok(m >= 0.75 * DELAY_LOOP_S * 1000 && m <= 1.5 * DELAY_LOOP_S * 1000, `${i}: ${own}: median gap ${m} ms`);
      }
    }
    console.log(`      ${report.join('; ')}`);
  });

  after(() => {
    if (out) console.log(`      guest timings (ms): ${JSON.stringify(out.timings)}`);
  });
});
