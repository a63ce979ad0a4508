// The VIP firewall of strict mode, ours beside keepalived 2.2.7: the same config (an IPv4 instance
// and an IPv6 one with a global and a link-local VIP, vrrp_strict) run on r1 by each in turn, with
// keepalived 2.2.7 as the higher-priority peer r2 that takes over. At BACKUP (init), MASTER, after a
// reload that swaps a VIP, at BACKUP after the takeover and after SIGTERM, r1's `nft -j list
// ruleset` must be the same for both (handles and set element order aside), and a client must get
// the same from a VIP on the MASTER (no ping reply, TCP connect timing out: dropped, no ICMP/RST).
// The measured 2.2.7 facts for 17 scenarios are in data/keepalived-2.2.7 (record-keepalived.ts).
import assert from 'node:assert/strict';
import { isRoot } from '../../helpers/netns.js';
import { VrrpLab } from '../vrrp/lab.js';
import { normalise, runScenario, type Scenario, type StepRecord } from './scenarios.js';

function conf(router: string, prio: number, v4: string[], v6: string[]): string {
  const inst = (name: string, vrid: number, version: number, vips: string[]) => [
    `vrrp_instance ${name} {`, '    state BACKUP', '    interface eth0', `    virtual_router_id ${vrid}`, `    priority ${prio}`, '    advert_int 1',
    `    version ${version}`, '    virtual_ipaddress {', ...vips.map((v) => `        ${v}`), '    }', '}',
  ].join('\n');
  return [`global_defs {\n    router_id ${router}\n    vrrp_strict\n}`, inst('VI_4', 51, 2, v4), inst('VI_6', 52, 3, v6)].join('\n') + '\n';
}

// (the link-local VIP first: our strict validation drops IPv6 adverts whose first VIP is global)
const V4 = ['10.199.0.100/24', '10.199.0.101/24'], V6 = ['fe80::100/64', 'fd00:199::100/64', 'fd00:199::101/64'];
const V4B = ['10.199.0.100/24', '10.199.0.103/24'], V6B = ['fe80::100/64', 'fd00:199::100/64', 'fd00:199::103/64'];

const SC: Scenario = {
  name: 'strict-mixed',
  about: 'vrrp_strict, an IPv4 and an IPv6 instance (global and link-local VIPs); reload swaps a VIP of each; a peer takes over; SIGTERM',
  conf: conf('r1', 100, V4, V6),
  reloadConf: conf('r1', 100, V4B, V6B),
  // the peer has the VIPs of after the reload (strict mode drops adverts with other VIPs)
  peerConf: conf('r2', 200, V4B, V6B),
  steps: ['init', 'master', 'reload', 'backup', 'stop'],
  probe: ['10.199.0.100', 'fd00:199::100'],
  probeOn: ['master'],
  v6: true,
  instances: ['VI_4', 'VI_6'],
};

describe('VIP firewall (vrrp_strict): ours = keepalived 2.2.7 in namespaces', function () {
  this.timeout(120000);
  const runs: Record<'ours' | 'keepalived', { steps: StepRecord[]; log: string[] } | undefined> = { ours: undefined, keepalived: undefined };

  before(async function () {
    if (!isRoot()) this.skip();
    // each in a lab of its own, both at once: nothing here is timed (states are waited for, the
    // probes have their own timeouts), and the two labs share no namespace, bridge or address
    const ka = new VrrpLab('nftka').up();
    let ours: VrrpLab | undefined;
    try {
      ours = new VrrpLab('nftou').up();
      const labs = { keepalived: ka, ours };
      await Promise.all((['keepalived', 'ours'] as const).map(async (kind) => { runs[kind] = await runScenario(labs[kind], kind, SC); }));
    } finally { await ka.down(); await ours?.down(); }
  });

  for (const step of SC.steps) {
    it(`${step}: the same nftables ruleset`, () => {
      const k = runs.keepalived!.steps.find((s) => s.step === step)!,
        o = runs.ours!.steps.find((s) => s.step === step)!;
      assert.deepEqual(normalise(o.json), normalise(k.json), `ours:\n${o.text}\nkeepalived 2.2.7:\n${k.text}`);
    });
  }

  it('MASTER: the table has both families, the VIPs in their sets (checked on 2.2.7\'s side)', () => {
    const m = runs.keepalived!.steps.find((s) => s.step === 'master')!;
    assert.match(m.text, /table ip keepalived[\s\S]*elements = \{ 10\.199\.0\.100, 10\.199\.0\.101 \}/);
    assert.match(m.text, /set vips_link_local \{\s*type ipv6_addr \. iface_index\s*elements = \{ fe80::100 \. "eth0" \}/);
    assert.equal(runs.keepalived!.steps.find((s) => s.step === 'stop')!.json.length, 0);
  });

  it('a client gets the same from a VIP of the MASTER: no ping reply, TCP connect times out (dropped, no RST or ICMP)', () => {
    const k = runs.keepalived!.steps.find((s) => s.step === 'master')!, o = runs.ours!.steps.find((s) => s.step === 'master')!;
    assert.deepEqual(k.probes, { '10.199.0.100': { ping: 'no-reply', tcp: 'timeout' }, 'fd00:199::100': { ping: 'no-reply', tcp: 'timeout' } });
    assert.deepEqual(o.probes, k.probes);
    assert.equal(o.fromVip, k.fromVip);
  });

  it('-D lines: "setting/removing firewall drop rule" around the VIPs, as 2.2.7', () => {
    const pick = (log: string[]) => log.filter((l) => /VI_4\) (setting|removing) (firewall|VIPs)|Entering/.test(l) && l.includes('VI_4'));
    assert.deepEqual(pick(runs.ours!.log), pick(runs.keepalived!.log));
  });
});
