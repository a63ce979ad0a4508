// use_ipvlan and VRF-enslaved VMACs / ipvlans on a fake kernel, as keepalived 2.2.7 does them
// (measured in the qemu guest, whose kernel has both drivers: test/vm/links/keepalived-2.2.7.txt,
// compared live by test/vm/links-ipvlan.test.ts; and on this machine's kernel, which has neither:
// test/integration/vrrp/data/links-2.2.7/ipvlan-vrf.*).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { instanceConf, Lab } from './harness.js';

const ETH0 = { name: 'eth0', addrs: ['10.0.0.1/24', 'fe80::1/64'] };
const noGarp = (l: string): boolean => !/gratuitous ARP on|Neighbour Advert on/.test(l);
const HOST = new URL('../../../integration/vrrp/data/links-2.2.7/', import.meta.url).pathname;

describe('vrrp/runtime: use_ipvlan and VRFs as keepalived 2.2.7 (fake kernel)', () => {
  it('use_ipvlan NAME ADDRESS private: an L2 ipvlan up on eth0 with the address and IPv6 off; adverts from it; the VIP on eth0; removed on stop', async () => {
    const lab = new Lab();
    const r = lab.router('r1', [ETH0]);
    await r.start(instanceConf({ priority: 100, extra: ['use_ipvlan ipv51 10.0.0.51/24 private'] }));
    assert.deepEqual(r.ops(0, ['linkCreate', 'sysctl', 'addrAdd', 'socketOpen']), [
      'linkCreate ipv51 on eth0 02:00:00:00:00:02 ipvlan private',
      'sysctl net/ipv6/conf/ipv51/disable_ipv6=1',
      'addrAdd 10.0.0.51/24 ipv51',
      'socketOpen ipv51 inet 224.0.0.18',
    ]);
    assert.deepEqual(r.log(0).filter((l) => !l.startsWith('Registering')), [
      'Assigned address 10.0.0.1 for interface eth0', 'Assigned address fe80::1 for interface eth0',
      '(VI_1): Success creating ipvlan interface ipv51', 'Assigned address 10.0.0.51 for interface ipv51',
      // (no start-up VIP removal for an ipvlan made now, as 2.2.7)
      '(VI_1) Entering BACKUP STATE (init)',
      'VRRP sockpool: [ifindex(  3), family(IPv4), proto(112), fd(10,10) multicast, address(224.0.0.18)]',
    ]);
    await lab.advance(4000);
    assert.equal(r.state(), 'MASTER');
    assert.deepEqual(r.kernel.addressesOf('eth0'), ['10.0.0.1/24', 'fe80::1/64', '10.0.0.100/24']);
    assert.deepEqual(r.kernel.addressesOf('ipv51'), ['10.0.0.51/24']);
    assert.equal(r.ops(0, ['advert']).at(-1), 'advert ipv51 10.0.0.51>224.0.0.18 prio 100');
    assert.deepEqual(r.log(3000, /Sending\/queueing/), ['(VI_1) Sending/queueing gratuitous ARPs on eth0 for 10.0.0.100']);
    assert.deepEqual(r.kernel.opsOf('garp').map((o) => `${o.ifname} ${o.mac}`)[0], 'eth0 02:00:00:00:00:02');
    const t = r.mark();
    await r.stop();
    assert.deepEqual(r.since(t), ['(VI_1) sent 0 priority', '(VI_1) removing VIPs.', '(VI_1) Success removing VMAC interface ipv51']);
    assert.equal(r.kernel.link('ipv51'), undefined);
    assert.deepEqual(r.kernel.addressesOf('eth0'), ['10.0.0.1/24', 'fe80::1/64']);
  });

  it('use_ipvlan on IPv4 without an address: the ipvlan (vrrp.51) is made, the instance stays in FAULT without a line', async () => {
    const lab = new Lab();
    const r = lab.router('r1', [ETH0]);
    await r.start(instanceConf({ priority: 100, extra: ['use_ipvlan'] }));
    await lab.advance(10_000);
    assert.equal(r.state(), 'FAULT');
    // (the parse said "(VI_1) IPv4 ipvlan requires a source ip address to be configured. setting
    // instance to fault state"; the runtime adds no FAULT line)
    assert.deepEqual(r.log(0).filter((l) => l.includes('VI_1')), ['(VI_1): Success creating ipvlan interface vrrp.51']);
    assert.deepEqual(r.ops(0, ['advert', 'addrAdd']), []);
  });

  it('use_ipvlan on IPv6 without an address: FAULT until the ipvlan has its link-local address, then BACKUP and MASTER with adverts from it', async () => {
    const lab = new Lab();
    const r = lab.router('r1', [ETH0]);
    await r.start(instanceConf({ priority: 100, extra: ['use_ipvlan vepa'], vips: ['fd00::101/64'] }));
    assert.equal(r.state(), 'FAULT');
    // (IPv6 stays on: the sysctl already says so)
    assert.deepEqual(r.ops(0, ['linkCreate', 'sysctl']), ['linkCreate vrrp.51 on eth0 02:00:00:00:00:02 ipvlan vepa']);
    assert.deepEqual(r.log(0).filter((l) => l.includes('VI_1') || l.includes('vrrp.51')), [
      '(VI_1) the first IPv6 VIP address should be link local',
      '(VI_1): Success creating ipvlan interface vrrp.51',
      '(VI_1) entering FAULT state (no IPv6 address for interface)',
      '(VI_1) entering FAULT state',
    ]);
    const t = r.mark();
    await lab.advance(1000);
    assert.deepEqual(r.since(t), ['Assigned address fe80::ff:fe00:3 for interface vrrp.51', '(VI_1) Entering BACKUP STATE']);
    await lab.advance(4000);
    assert.equal(r.state(), 'MASTER');
    assert.equal(r.ops(0, ['advert']).at(-1), 'advert vrrp.51 fe80::ff:fe00:3>ff02::12 prio 100');
    assert.deepEqual(r.kernel.addressesOf('eth0').at(-1), 'fd00::101/64');
  });

  it('use_ipvlan NAME IPV6-ADDRESS: the address deprecated on the ipvlan and the advert source; IPv6 left on', async () => {
    const lab = new Lab();
    const r = lab.router('r1', [ETH0]);
    await r.start(instanceConf({ priority: 100, extra: ['use_ipvlan ipv53 fd00::53/64 bridge'], vips: ['fd00::100/64'] }));
    const add = r.kernel.opsOf('addrAdd')[0]!;
    assert.deepEqual([add.ifname, add.address, add.vip.options], ['ipv53', 'fd00::53', ['preferred_lft', '0']]);
    assert.ok(r.log(0).includes('Assigned address fd00::53 for interface ipv53'));
    await lab.advance(4000);
    assert.equal(r.state(), 'MASTER');
    assert.equal(r.ops(0, ['advert']).at(-1), 'advert ipv53 fd00::53>ff02::12 prio 100');
  });

  it('the interface enslaved to a VRF: the ipvlan, and a VMAC, are enslaved to it too', async () => {
    const lab = new Lab();
    const r = lab.router('r1', [{ name: 'vrf0', kind: 'vrf' }, { ...ETH0, master: 'vrf0' }, { name: 'eth1', addrs: ['10.1.0.1/24'], master: 'vrf0' }]);
    const two = `${instanceConf({ priority: 100, extra: ['use_ipvlan ipv56 10.0.0.56/24'] })}\n${instanceConf({ priority: 100, iface: 'eth1', extra: ['use_vmac'], vips: ['10.1.0.100/24'] })
      .replace(/[\s\S]*?vrrp_instance VI_1/, 'vrrp_instance VI_2').replace('virtual_router_id 51', 'virtual_router_id 55')}`;
    await r.start(two);
    assert.deepEqual(r.ops(0, ['linkCreate']), ['linkCreate ipv56 on eth0 02:00:00:00:00:03 ipvlan bridge master vrf0', 'linkCreate vrrp.55 on eth1 00:00:5e:00:01:37 master vrf0']);
    assert.equal(r.kernel.link('ipv56')?.master, r.kernel.link('vrf0')?.index);
    assert.equal(r.kernel.link('vrrp.55')?.master, r.kernel.link('vrf0')?.index);
  });

  it('a kernel without ipvlan: "Unable to create ipvlan interface", FAULT on the missing ipvlan (as 2.2.7 on this machine)', async () => {
    const lab = new Lab();
    const r = lab.router('r1', [ETH0]);
    r.kernel.refuseIpvlan = true;
    await r.start(instanceConf({ priority: 150, extra: ['use_ipvlan ipv51 10.0.0.51/24 private'] }));
    assert.equal(r.state(), 'FAULT');
    const host = readFileSync(`${HOST}ipvlan-vrf.log`, 'utf8').split('\n').map((l) => l.replace(/^\d\d:\d\d:\d\d /, ''));
    const ours = r.log(0).filter((l) => l.includes('VI_1'));
    assert.deepEqual(ours, ['(VI_1): Unable to create ipvlan interface ipv51', '(VI_1): entering FAULT state (interface ipv51 down)', '(VI_1) entering FAULT state']);
    for (const l of ours) assert.ok(host.includes(l), l);
  });

  it('a name taken by an interface that is not an ipvlan: 2.2.7\'s line, and the PREFIX.VRID name instead', async () => {
    const lab = new Lab();
    const r = lab.router('r1', [ETH0, { name: 'eth9' }]);
    await r.start(instanceConf({ priority: 100, extra: ['use_ipvlan eth9 10.0.0.51/24'] }));
    assert.ok(r.log(0).includes('(VI_1) interface eth9 already exists and is not an l2 ipvlan; ignoring ipvlan if_name'));
    assert.deepEqual(r.ops(0, ['linkCreate']), ['linkCreate vrrp.51 on eth0 02:00:00:00:00:02 ipvlan bridge']);
  });

  it('reload: the same use_ipvlan keeps its ipvlan ("Found matching interface", the addresses again); another one is made anew', async () => {
    const lab = new Lab();
    const r = lab.router('r1', [ETH0]);
    const conf = (extra: string) => instanceConf({ priority: 100, extra: [extra] });
    await r.start(conf('use_ipvlan ipv51 10.0.0.51/24'));
    await lab.advance(4000);
    let t = r.mark();
    await r.reload(conf('use_ipvlan ipv51 10.0.0.51/24'));
    assert.deepEqual(r.since(t).filter(noGarp), ['(VI_1) Found matching interface ipv51', 'Assigned address 10.0.0.1 for interface eth0',
      'Assigned address fe80::1 for interface eth0', 'Assigned address 10.0.0.51 for interface ipv51', '(VI_1) setting VIPs.',
      // 2.2.7 lists its socket pool again after a reload
      'VRRP sockpool: [ifindex(  3), family(IPv4), proto(112), fd(10,10) multicast, address(224.0.0.18)]']);
    assert.deepEqual(r.opsSince(t, ['linkCreate', 'linkDelete']), []);
    t = r.mark();
    await r.reload(conf('use_ipvlan ipv52 10.0.0.52/24'));
    assert.deepEqual(r.opsSince(t, ['linkCreate', 'linkDelete']), ['linkDelete ipv51', 'linkCreate ipv52 on eth0 02:00:00:00:00:02 ipvlan bridge']);
    assert.ok(r.since(t).includes('Interface ipv51 deleted'));
  });
});
