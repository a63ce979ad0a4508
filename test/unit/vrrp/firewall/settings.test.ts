// Who gets the VIP firewall, as keepalived 2.2.7 decides it (measured: test/integration/firewall/data):
// configs as data -> does the instance block its VIPs, which table, which line is logged.
import assert from 'node:assert/strict';
import { parseConfigText } from '../../../../src/config/load.js';
import { blocksVips, firewallSettings } from '../../../../src/vrrp/firewall/settings.js';

function conf(global: string[], inst: string[], priority = 100): string {
  return ['global_defs {', ...global, '}', 'vrrp_instance VI_1 {', 'interface eth0', 'virtual_router_id 51', `priority ${priority}`, ...inst,
    'virtual_ipaddress {', '10.0.0.100/24', '}', '}'].join('\n');
}

interface Case { name: string; global?: string[]; inst?: string[]; priority?: number; blocks: boolean; table?: string;
  priority_?: number; counters?: boolean; ifindex?: boolean; logged?: boolean }

const USING = 'use_vmac or no_accept/strict specified, but no firewall configured - using nftables';

const CASES: Case[] = [
  { name: 'no strict, no keyword: accept, no firewall', blocks: false },
  { name: 'vrrp_strict: blocks, default table "keepalived" (logged)', global: ['vrrp_strict'], blocks: true, table: 'keepalived', logged: true },
  { name: 'strict_mode on the instance', inst: ['strict_mode'], blocks: true, table: 'keepalived', logged: true },
  { name: 'no_accept without strict', inst: ['no_accept'], blocks: true, table: 'keepalived', logged: true },
  { name: 'accept with strict on VRRPv2: reset, blocks', global: ['vrrp_strict'], inst: ['accept'], blocks: true, table: 'keepalived', logged: true },
  { name: 'accept with strict on VRRPv3: accepts, no firewall', global: ['vrrp_strict'], inst: ['accept', 'version 3'], blocks: false },
  { name: 'the address owner accepts under strict', global: ['vrrp_strict'], inst: ['state MASTER'], priority: 255, blocks: false },
  { name: 'no_accept on the owner: accepts all the same, but the default table is named (logged)', inst: ['no_accept'], priority: 255, blocks: false, table: 'keepalived', logged: true },
  { name: 'nftables TABLE + priority + counters + ifindex', global: ['vrrp_strict', 'nftables fw', 'nftables_priority -10', 'nftables_counters', 'nftables_ifindex'], blocks: true, table: 'fw', priority_: -10, counters: true, ifindex: true },
  { name: 'nftables_priority before nftables: reset to -1', global: ['vrrp_strict', 'nftables_priority -10', 'nftables'], blocks: true, table: 'keepalived', priority_: -1 },
  { name: 'nftables alone: a table name but nothing blocked', global: ['nftables'], blocks: false, table: 'keepalived' },
  { name: 'vrrp_iptables: nftables table "keepalived"', global: ['vrrp_iptables'], inst: ['no_accept'], blocks: true, table: 'keepalived' },
  { name: 'use_vmac alone: a table for the VMAC maps (logged)', inst: ['use_vmac'], blocks: false, table: 'keepalived', logged: true },
];

describe('vrrp/firewall settings: config -> blocked VIPs, table', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const r = parseConfigText(conf(c.global ?? [], c.inst ?? [], c.priority), 'k.conf', { configId: 'x', hostname: 'x' });
      const vi = r.config.vrrpInstances[0]!;
      assert.equal(blocksVips(vi, r.config.global), c.blocks);
      const d = firewallSettings(r.config);
      assert.equal(d.settings?.table, c.table);
      if (c.table) {
        assert.equal(d.settings!.priority, c.priority_ ?? -1);
        assert.equal(d.settings!.counters, c.counters ?? false);
        assert.equal(d.settings!.forceIfindex, c.ifindex ?? false);
      }
      assert.deepEqual(d.logs, c.logged ? [USING] : []);
    });
  }

  it('parser messages of the nftables keywords (keepalived -t wording)', () => {
    const r = parseConfigText(conf(['nftables_priority abc', 'nftables', 'nftables again', `nftables ${'x'.repeat(256)}`], []), 'k.conf', { configId: 'x', hostname: 'x' });
    const msgs = r.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.message);
    assert.deepEqual(msgs.filter((m) => /nftables|number/.test(m)), [
      "invalid number 'abc'", "invalid nftables chain priority 'abc'", 'nftables already specified - ignoring', 'nftables already specified - ignoring',
    ]);
    assert.equal(r.config.global.nftables, 'keepalived');
  });
});
