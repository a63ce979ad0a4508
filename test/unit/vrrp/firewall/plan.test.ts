// The VIP firewall planner as data: a sequence of steps (an instance's VIPs in or out, a VMAC, a
// reload's removals, stop) -> the batches keepalived 2.2.7 sends, one line per message (nft-render).
// The set-up order, the sets chosen for link-local VIPs and the batch boundaries are 2.2.7's
// (test/integration/firewall/data, strace captures in data/); capture.test.ts checks the bytes.
import assert from 'node:assert/strict';
import { NftPlanner, type FirewallSettings, type FwAddr, type FwInstance } from '../../../../src/vrrp/firewall/plan.js';
import { ipToBytes } from '../../../../src/vrrp/io/addr.js';
import { nftText } from '../../../helpers/nft-render.js';

const S: FirewallSettings = { table: 'keepalived', priority: -1, counters: false, forceIfindex: false };

/** A VIP on eth0 (index 2) unless `dev` (index 3) is given. */
function vip(address: string, o: { dev?: boolean; noTrack?: boolean } = {}): FwAddr {
  const bytes = ipToBytes(address)!;
  const ifindex = o.dev ? 3 : 2;
  return {
    id: `${address}%${ifindex}`, family: bytes.length === 4 ? 'inet' : 'inet6', bytes, linkLocal: address.startsWith('fe80:'),
    ifindex, ifname: o.dev ? 'eth1' : 'eth0', onInstanceIf: !o.dev, noTrack: !!o.noTrack,
  };
}

const inst = (name: string, addrs: FwAddr[], dontTrackPrimary = false): FwInstance => ({ name,
  dontTrackPrimary, addrs });

type Step =
  | { add: FwInstance } | { del: FwInstance } | { drop: [string, FwAddr[]] }
  | { vmac: 'add' | 'del'; family?: 'inet' | 'inet6'; other?: boolean } | { stop: true };

/** Per step: undefined = no batch; else [stale table probed?, ...message lines]. */
type Expect = undefined | { stale?: boolean; msgs: string[] };

interface Case { name: string; settings?: Partial<FirewallSettings>; steps: [Step, Expect][] }

const V4_SETUP = [
  'add table ip keepalived', 'add chain ip keepalived out { output -1 }', 'add chain ip keepalived in { input -1 }',
  'add set ip keepalived vips { ipv4_addr }',
  'add rule ip keepalived in nh[16:4]>r1 r1@vips drop', 'add rule ip keepalived out nh[12:4]>r1 r1@vips drop',
];
const V6_SETUP = [
  'add table ip6 keepalived', 'add chain ip6 keepalived out { output -1 }', 'add chain ip6 keepalived in { input -1 }',
  'add chain ip6 keepalived in_link_local', 'add chain ip6 keepalived out_link_local', 'add set ip6 keepalived vips { ipv6_addr }',
  'add set ip6 keepalived neighbor-discovery { icmpv6_type flags 2 }', 'add element ip6 keepalived neighbor-discovery { 87, 88 }',
  'add rule ip6 keepalived in nh[6:1]>r1 r1==3a th[0:1]>r1 r1@neighbor-discovery accept',
  'add rule ip6 keepalived in nh[24:16]>r1 r1&ffc00000000000000000000000000000>r1 r1==fe800000000000000000000000000000 goto in_link_local',
  'add rule ip6 keepalived out nh[6:1]>r1 r1==3a th[0:1]>r1 r1@neighbor-discovery accept',
  'add rule ip6 keepalived out nh[8:16]>r1 r1&ffc00000000000000000000000000000>r1 r1==fe800000000000000000000000000000 goto out_link_local',
  'add rule ip6 keepalived in nh[24:16]>r1 r1@vips drop', 'add rule ip6 keepalived out nh[8:16]>r1 r1@vips drop',
];
const LL_INDEX = [
  'add set ip6 keepalived vips_link_local { ipv6_addr . iface_index }',
  'add rule ip6 keepalived in_link_local nh[24:16]>r1 meta4>r2 r1@vips_link_local drop',
  'add rule ip6 keepalived out_link_local nh[8:16]>r1 meta5>r2 r1@vips_link_local drop',
];
const LL_NAME = [
  'add set ip6 keepalived vips_link_local_name { ipv6_addr . ifname }',
  'add rule ip6 keepalived in_link_local nh[24:16]>r1 meta6>r2 r1@vips_link_local_name drop',
  'add rule ip6 keepalived out_link_local nh[8:16]>r1 meta7>r2 r1@vips_link_local_name drop',
];

const A = inst('VI_1', [vip('10.0.0.100'), vip('10.0.0.101')]);
const SIX = inst('VI_6', [vip('fd00::100'), vip('fe80::100')]);

const CASES: Case[] = [
  {
    name: 'strict IPv4: the table at the first MASTER, the set follows the state, stop deletes the table',
    steps: [
      [{ add: A }, { stale: true, msgs: [...V4_SETUP, 'add element ip keepalived vips { 10.0.0.100, 10.0.0.101 }'] }],
      [{ add: A }, undefined],
      [{ del: A }, { msgs: ['delete element ip keepalived vips { 10.0.0.100, 10.0.0.101 }'] }],
      [{ del: A }, undefined],
      [{ add: A }, { msgs: ['add element ip keepalived vips { 10.0.0.100, 10.0.0.101 }'] }],
      [{ stop: true }, { msgs: ['delete table ip keepalived'] }],
      [{ stop: true }, undefined],
    ],
  },
  {
    name: 'reload: VIPs dropped by the new config come out, new ones go in',
    steps: [
      [{ add: A }, { stale: true, msgs: [...V4_SETUP, 'add element ip keepalived vips { 10.0.0.100, 10.0.0.101 }'] }],
      [{ drop: ['VI_1', [vip('10.0.0.101')]] }, { msgs: ['delete element ip keepalived vips { 10.0.0.101 }'] }],
      [{ add: inst('VI_1', [vip('10.0.0.100'), vip('10.0.0.103')]) }, { msgs: ['add element ip keepalived vips { 10.0.0.103 }'] }],
      [{ drop: ['VI_1', [vip('10.0.0.101')]] }, undefined],
    ],
  },
  {
    name: 'IPv6 VIPs: global and link-local (by index without dont_track_primary), IPv4 eVIP gets its own table in the same batch',
    steps: [
      [{ add: inst('VI_6', [...SIX.addrs, vip('10.0.0.102')]) }, {
        stale: true,
        msgs: [...V6_SETUP, ...LL_INDEX, ...V4_SETUP, 'add element ip keepalived vips { 10.0.0.102 }',
          'add element ip6 keepalived vips { fd00::100 }', 'add element ip6 keepalived vips_link_local { fe80::100 . 2 }'],
      }],
      [{ stop: true }, { msgs: ['delete table ip keepalived', 'delete table ip6 keepalived'] }],
    ],
  },
  {
    name: 'dont_track_primary: a link-local VIP on the instance interface or no_track is keyed by name, one on another interface by index',
    steps: [
      [{ add: inst('VI_6', [vip('fe80::100'), vip('fe80::101', { dev: true }), vip('fe80::102', { dev: true, noTrack: true })], true) }, {
        stale: true,
        msgs: [...V6_SETUP, ...LL_NAME, ...LL_INDEX,
          'add element ip6 keepalived vips_link_local { fe80::101 . 3 }', 'add element ip6 keepalived vips_link_local_name { fe80::100 . "eth0", fe80::102 . "eth1" }'],
      }],
      [{ del: inst('VI_6', [vip('fe80::100')]) }, { msgs: ['delete element ip6 keepalived vips_link_local_name { fe80::100 . "eth0" }'] }],
    ],
  },
  {
    name: 'nftables_ifindex: link-local VIPs always by index',
    settings: { forceIfindex: true },
    steps: [[{ add: inst('VI_6', [vip('fe80::100')], true) }, { stale: true, msgs: [...V6_SETUP, ...LL_INDEX, 'add element ip6 keepalived vips_link_local { fe80::100 . 2 }'] }]],
  },
  {
    name: 'nftables TABLE, nftables_priority, nftables_counters',
    settings: { table: 'fw', priority: -10, counters: true },
    steps: [[{ add: inst('VI_1', [vip('10.0.0.100')]) }, {
      stale: true,
      msgs: ['add table ip fw', 'add chain ip fw out { output -10 }', 'add chain ip fw in { input -10 }', 'add set ip fw vips { ipv4_addr }',
        'add rule ip fw in nh[16:4]>r1 r1@vips counter drop', 'add rule ip fw out nh[12:4]>r1 r1@vips counter drop', 'add element ip fw vips { 10.0.0.100 }'],
    }]],
  },
  {
    name: 'two instances share the sets; each takes out only its own VIPs',
    steps: [
      [{ add: A }, { stale: true, msgs: [...V4_SETUP, 'add element ip keepalived vips { 10.0.0.100, 10.0.0.101 }'] }],
      [{ add: inst('VI_2', [vip('10.0.0.110')]) }, { msgs: ['add element ip keepalived vips { 10.0.0.110 }'] }],
      [{ del: inst('VI_2', [vip('10.0.0.110')]) }, { msgs: ['delete element ip keepalived vips { 10.0.0.110 }'] }],
      [{ del: A }, { msgs: ['delete element ip keepalived vips { 10.0.0.100, 10.0.0.101 }'] }],
    ],
  },
  {
    name: 'use_vmac IPv4: the IGMP map (no VIP set), then strict VIPs in the same table without a second stale check',
    steps: [
      [{ vmac: 'add' }, {
        stale: true,
        msgs: ['add table ip keepalived', 'add chain ip keepalived out { output -1 }', 'add map ip keepalived vmac_map { iface_index : iface_index }',
          'add rule ip keepalived out nh[9:1]>r1 r1==02 nh[16:4]>r1 meta27>r2 r2==6d6163766c616e000000000000000000 meta5>r2 r2@vmac_map>r2 dup(r1,r2) drop',
          'add element ip keepalived vmac_map { 7 : 2 }'],
      }],
      [{ add: inst('VI_1', [vip('10.0.0.100')]) }, {
        msgs: ['add chain ip keepalived in { input -1 }', 'add set ip keepalived vips { ipv4_addr }',
          'add rule ip keepalived in nh[16:4]>r1 r1@vips drop', 'add rule ip keepalived out nh[12:4]>r1 r1@vips drop', 'add element ip keepalived vips { 10.0.0.100 }'],
      }],
      [{ vmac: 'del' }, { msgs: ['delete element ip keepalived vmac_map { 7 : 2 }'] }],
      [{ stop: true }, { msgs: ['delete table ip keepalived'] }],
    ],
  },
  {
    name: 'use_vmac IPv6 with IPv4 eVIPs: MLD map and router-solicit set, then the IGMP map',
    steps: [
      [{ vmac: 'add', family: 'inet6', other: true }, {
        stale: true,
        msgs: ['add table ip6 keepalived', 'add chain ip6 keepalived out { output -1 }',
          'add map ip6 keepalived vmac_map { iface_index : iface_index }', 'add set ip6 keepalived vmac_set { iface_index }',
          'add rule ip6 keepalived out meta16>r1 r1==3a th[0:1]>r1 r1==8f nh[24:16]>r1 meta27>r2 r2==6d6163766c616e000000000000000000 meta5>r2 r2@vmac_map>r2 dup(r1,r2) drop',
          'add rule ip6 keepalived out meta16>r1 r1==3a th[0:1]>r1 r1==85 meta27>r2 r2==6d6163766c616e000000000000000000 meta5>r2 r2@vmac_set drop',
          'add element ip6 keepalived vmac_map { 7 : 2 }', 'add element ip6 keepalived vmac_set { 7 }',
          'add table ip keepalived', 'add chain ip keepalived out { output -1 }', 'add map ip keepalived vmac_map { iface_index : iface_index }',
          'add rule ip keepalived out nh[9:1]>r1 r1==02 nh[16:4]>r1 meta27>r2 r2==6d6163766c616e000000000000000000 meta5>r2 r2@vmac_map>r2 dup(r1,r2) drop',
          'add element ip keepalived vmac_map { 7 : 2 }'],
      }],
    ],
  },
  {
    name: 'after stop everything is set up again from nothing (stale check included)',
    steps: [
      [{ add: A }, { stale: true, msgs: [...V4_SETUP, 'add element ip keepalived vips { 10.0.0.100, 10.0.0.101 }'] }],
      [{ stop: true }, { msgs: ['delete table ip keepalived'] }],
      [{ del: A }, { stale: true, msgs: [...V4_SETUP, 'delete element ip keepalived vips { 10.0.0.100, 10.0.0.101 }'] }],
    ],
  },
];

describe('vrrp/firewall planner: steps -> 2.2.7 batches', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const p = new NftPlanner();
      const s = { ...S, ...c.settings };
      c.steps.forEach(([step, want], i) => {
        const b = 'add' in step ? p.update(s, step.add, 'add') : 'del' in step ? p.update(s, step.del, 'del')
          : 'drop' in step ? p.removeAddrs(s, step.drop[0], step.drop[1])
            : 'vmac' in step ? p.vmac(s, step.vmac, { ifindex: 7, baseIfindex: 2, family: step.family ?? 'inet', otherFamily: !!step.other })
              : p.cleanup(s);
        const got = b && { ...(b.deleteStale ? { stale: true } : {}), msgs: b.msgs.map(nftText) };
        assert.deepEqual(got, want, `step ${i}`);
      });
    });
  }

  it('set ids count on over the process life (a set made after a stop gets the next id)', () => {
    const p = new NftPlanner();
    const ids = (b: ReturnType<NftPlanner['update']>) => b!.msgs.flatMap((m) => (m.op === 'newSet' ? [m.id] : []));
    assert.deepEqual(ids(p.update(S, SIX, 'add')), [1, 2, 3]);
    p.cleanup(S);
    assert.deepEqual(ids(p.update(S, A, 'add')), [4]);
  });

  it('memo/restore puts the set-up state and the memberships back (a refused batch is redone next time)', () => {
    const p = new NftPlanner();
    const m = p.memo();
    assert.ok(p.update(S, A, 'add'));
    p.restore(m);
    assert.deepEqual(p.members('VI_1'), []);
    assert.equal(p.update(S, A, 'add')!.msgs.length, V4_SETUP.length + 1);
    assert.deepEqual(p.members('VI_1').map((a) => a.id), ['10.0.0.100%2', '10.0.0.101%2']);
  });
});
