// GARP / NA pacing and garp_extra_if of the VRRP runtime on a fake kernel, against what keepalived
// 2.2.7 put on the wire for the same configuration (test/integration/vrrp/data/links-2.2.7/*.conf
// and *.wire, recorded in namespaces): the same frames, on the same interfaces, in the same order,
// at the same times from the first one (within 15 ms: 2.2.7's timers run 1-2 ms late each, and the
// lateness adds up along a queue), and the same -D lines.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DelayPlan, GarpPacer, type GarpTarget } from '../../../../src/vrrp/runtime/garp-pacer.js';
import { extraGarpVips } from '../../../../src/vrrp/runtime/extra-garp.js';
import { Lab, type Router } from './harness.js';

const DATA = new URL('../../../integration/vrrp/data/links-2.2.7/', import.meta.url).pathname;

/** The lab's r1 as the recordings had it: eth0 10.199.0.1/24 and eth1 10.198.0.1/24 (c0 / c1 on the wire). */
const LINKS = [{ name: 'eth0', addrs: ['10.199.0.1/24', 'fe80::1/64'] }, { name: 'eth1', addrs: ['10.198.0.1/24', 'fe80::2/64'] }];
const WIRE_IF: Record<string, string> = { c0: 'eth0', c1: 'eth1' };

interface Frame { t: number; ifname: string; address: string }

/** GARPs / NAs keepalived sent in the recording, times from the first, within `windowMs` of it. */
function recorded(name: string, windowMs: number): Frame[] {
  const out: Frame[] = [];
  for (const l of readFileSync(`${DATA}${name}.wire`, 'utf8').split('\n')) {
    const m = /^\s*([\d.]+) (c\d) \S+ (?:Request who-has (\S+) |.*neighbor advertisement, tgt is ([^,\s]+))/.exec(l);
    if (m) out.push({ t: Number(m[1]), ifname: WIRE_IF[m[2]!]!, address: (m[3] ?? m[4])! });
  }
  const t0 = out[0]!.t;
  return out.filter((f) => f.t - t0 <= windowMs + 20).map((f) => ({ ...f, t: f.t - t0 }));
}

/** Same frames in the same order, each within 15 ms of the recorded time. */
function sameFrames(got: Frame[], want: Frame[]): void {
  const strip = (fs: Frame[]) => fs.map((f) => `${f.ifname} ${f.address}`);
  assert.deepEqual(strip(got), strip(want));
  got.forEach((f, i) => assert.ok(Math.abs(f.t - want[i]!.t) <= 15, `frame ${i} (${f.ifname} ${f.address}) at ${f.t} ms, 2.2.7 at ${want[i]!.t.toFixed(1)} ms`));
}

/** The frames our runtime sent, times from the first, within `windowMs` of it. */
function ours(r: Router, windowMs: number): Frame[] {
  const ops = r.kernel.opsOf('garp', 'na');
  const t0 = ops[0]!.at;
  return ops.filter((o) => o.at - t0 <= windowMs).map((o) => ({ t: o.at - t0, ifname: o.ifname, address: o.address }));
}

/** keepalived's -D lines about GARPs, in order, from the recording. */
function recordedLines(name: string): string[] {
  return readFileSync(`${DATA}${name}.log`, 'utf8').split('\n').map((l) => l.replace(/^\d\d:\d\d:\d\d /, ''))
    .filter((l) => /Sending\/queueing|^Sending (gratuitous|unsolicited)/.test(l));
}

async function run(name: string, ms: number): Promise<Router> {
  const lab = new Lab();
  const r = lab.router('r1', LINKS);
  await r.start(readFileSync(`${DATA}${name}.conf`, 'utf8'));
  await lab.advance(ms);
  return r;
}

describe('vrrp/runtime: GARP pacing per interface group and garp_extra_if (2.2.7 recordings)', () => {
  it('vrrp_garp_interval 0.1, 5 repeats x 3 VIPs: 4 GARPs 100 ms apart, queued repeats collapse (garp-interval)', async () => {
    const r = await run('garp-interval', 5000);
    sameFrames(ours(r, 1000), recorded('garp-interval', 1000));
    assert.deepEqual(r.log(0, /Sending/), recordedLines('garp-interval'));
  });

  it('garp_group interfaces { eth0 eth1 }: one spacing for both interfaces and both instances (garp-group-aggregation)', async () => {
    const r = await run('garp-group-aggregation', 5000);
    // the first burst (garp_master_delay 3 brings the next one)
    sameFrames(ours(r, 1500), recorded('garp-group-aggregation', 1500));
  });

  it('garp_group with only gna_interval on eth0: the global vrrp_garp_interval spaces eth1 only (garp-group-gna-only)', async () => {
    const r = await run('garp-group-gna-only', 5000);
    sameFrames(ours(r, 1000), recorded('garp-group-gna-only', 1000));
    assert.deepEqual(r.log(0, /Sending/), recordedLines('garp-group-gna-only'));
  });

  it('garp_group gna_interval 0.15, an IPv6 instance: NAs 150 ms apart (gna-interval)', async () => {
    const r = await run('gna-interval', 5000);
    sameFrames(ours(r, 1000), recorded('gna-interval', 1000));
    assert.deepEqual(r.log(0, /Sending/), recordedLines('gna-interval'));
  });

  it('garp_extra_if all 2: one GARP on eth1 every 2 s while MASTER; vmac_garp_intvl without all does nothing (garp-extra-if)', async () => {
    const r = await run('garp-extra-if', 12500);
    sameFrames(ours(r, 6100), recorded('garp-extra-if', 6100));
    const lines = recordedLines('garp-extra-if');
    assert.deepEqual(r.log(0, /Sending/).slice(0, lines.length), lines);
  });

  it('global vrrp_garp_extra_if (alias vrrp_vmac_garp_intvl) applies to instances without their own garp_extra_if', async () => {
    for (const kw of ['vrrp_garp_extra_if all 2', 'vrrp_vmac_garp_intvl 2 all']) {
      const conf = readFileSync(`${DATA}garp-extra-if.conf`, 'utf8').replace('    garp_extra_if all 2\n', '').replace('    vmac_garp_intvl 3\n', '')
        .replace('global_defs {', `global_defs {\n    ${kw}`);
      const lab = new Lab();
      const r = lab.router('r1', LINKS);
      await r.start(conf);
      await lab.advance(8000);
      // both instances have a VIP on eth1: one extra GARP each, 2 s after becoming MASTER
      assert.deepEqual(r.kernel.opsOf('garp').filter((o) => o.at === 5415).map((o) => `${o.ifname} ${o.address}`), ['eth1 10.198.0.100', 'eth1 10.198.0.200'], kw);
    }
  });

  it('leaving MASTER drops queued GARPs', async () => {
    const lab = new Lab();
    const r = lab.router('r1', LINKS);
    await r.start(readFileSync(`${DATA}garp-interval.conf`, 'utf8'));
    await lab.advance(3415); // priority 150: Master_Down 3414.06 ms
    assert.equal(r.state(), 'MASTER');
    assert.equal(r.kernel.opsOf('garp').length, 1);
    r.kernel.setLink('eth0', { running: false });
    await lab.advance(1000);
    assert.equal(r.state(), 'FAULT');
    assert.equal(r.kernel.opsOf('garp').filter((o) => !o.error).length, 1);
  });
});

describe('vrrp/runtime: GarpPacer and extraGarpVips (pure)', () => {
  const t = (vip: string, baseIf: string, instOrder = 0, vipOrder = 0): GarpTarget => ({ inst: `I${instOrder}`, instOrder, vip, vipOrder, baseIf, six: vip.includes(':') });

  it('an interface in a garp_group is not spaced by the global interval; one in no group gets its own group', () => {
    const plan = new DelayPlan([{ gnaInterval: 0.15, interfaces: ['eth0'] }], { vrrpGarpInterval: 0.1, vrrpGnaInterval: 0 });
    assert.deepEqual(plan.groupOf('eth0'), { gnaMs: 150 });
    assert.deepEqual(plan.groupOf('eth1'), { garpMs: 100 });
    assert.notEqual(plan.groupOf('eth1'), plan.groupOf('eth2'));
    const none = new DelayPlan([], { vrrpGarpInterval: 0, vrrpGnaInterval: 0 });
    assert.equal(none.groupOf('eth0'), undefined);
  });

  it('queued entries are served in instance, then VIP order, each when its group allows', () => {
    const p = new GarpPacer(new DelayPlan([{ garpInterval: 0.2, interfaces: ['eth0', 'eth1'] }], { vrrpGarpInterval: 0, vrrpGnaInterval: 0 }));
    assert.deepEqual(p.offer(0, t('10.0.1.1', 'eth1', 1)), { send: true });
    assert.deepEqual(p.offer(0, t('10.0.0.2', 'eth0', 0, 1)), { send: false, wakeAt: 200 });
    assert.deepEqual(p.offer(0, t('10.0.0.1', 'eth0', 0, 0)), { send: false });
    assert.deepEqual(p.offer(0, t('10.0.0.1', 'eth0', 0, 0)), { send: false });
    const a = p.run(200, () => true);
    assert.deepEqual(a.send.map((x) => x.vip), ['10.0.0.1']);
    assert.equal(a.wakeAt, 400);
    assert.deepEqual(p.run(400, () => true).send.map((x) => x.vip), ['10.0.0.2']);
    assert.deepEqual(p.queued(), []);
  });

  it('garp_extra_if: VIP VMACs always, other interfaces with all, the own interface never (unless vmac_xmit_base)', () => {
    const places = [{ address: 'a', ifindex: 2, ours: false }, { address: 'b', ifindex: 3, ours: false }, { address: 'c', ifindex: 3, ours: false }, { address: 'd', ifindex: 9, ours: true }];
    assert.deepEqual(extraGarpVips({ intervalS: 2, all: true }, places, 2, false), ['b', 'd']);
    assert.deepEqual(extraGarpVips({ intervalS: 2, all: false }, places, 2, false), ['d']);
    assert.deepEqual(extraGarpVips({ intervalS: 2, all: false }, places.slice(0, 3), 2, false), []);
    assert.deepEqual(extraGarpVips({ intervalS: 2, all: true }, places.slice(0, 1), 2, false), []);
    assert.deepEqual(extraGarpVips({ intervalS: 2, all: true }, places, 2, true), ['a', 'b', 'd']);
    assert.deepEqual(extraGarpVips(undefined, places, 2, false), []);
  });
});
