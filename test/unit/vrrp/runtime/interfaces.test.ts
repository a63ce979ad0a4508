// Interfaces and VIPs on a fake kernel, as keepalived 2.2.7 behaves (measured in namespaces; the
// same scenarios run against the real 2.2.7 in test/integration/vrrp/interfaces.test.ts and
// vip-deleted.test.ts): an interface missing or without an address at start, deleted and created
// again, a VIP deleted by someone else, eVIPs of the other family, promote_secondaries, and a VIP the
// kernel refuses.
import assert from 'node:assert/strict';
import { instanceConf, Lab } from './harness.js';

const ETH0 = { name: 'eth0', addrs: ['10.0.0.1/24'] };
const noGarp = (l: string): boolean => !/gratuitous ARP on|Neighbour Advert on/.test(l);

describe('vrrp/runtime: interfaces and VIPs as keepalived 2.2.7 (fake kernel)', () => {
  it('an interface missing at start, without dynamic_interfaces: config error lines and a CONFIG start failure', async () => {
    const lab = new Lab();
    const r = lab.router('r1', [ETH0]);
    const failed = await r.runtime.start((await import('./harness.js')).parse(instanceConf({ priority: 100, iface: 'eth1' })));
    assert.deepEqual(failed, { permanentError: { kind: 'CONFIG', message: 'Non-existent interface specified in configuration' } });
    assert.deepEqual(r.log(0).slice(2), ['(test.conf: Line 5) WARNING - interface eth1 for vrrp_instance VI_1 doesn\'t exist']);
    assert.deepEqual(r.ops(), []);
  });

  it('dynamic_interfaces: FAULT until the interface is created, up and addressed; then BACKUP, MASTER with the VIP on it', async () => {
    const lab = new Lab();
    const r = lab.router('r1', [ETH0]);
    await r.start(instanceConf({ priority: 100, iface: 'eth1', global: ['dynamic_interfaces'] }));
    assert.equal(r.state(), 'FAULT');
    assert.deepEqual(r.log(0).filter((l) => !l.startsWith('Registering') && !l.startsWith('Assigned')), [
      'Configuration specifies interface eth1 which doesn\'t currently exist - will use if created',
      '(VI_1): entering FAULT state (interface eth1 down)',
      '(VI_1) entering FAULT state (no IPv4 address for interface)',
      '(VI_1) entering FAULT state',
      'VRRP sockpool: [ifindex(  0), family(IPv4), proto(112), fd(-1,-1) multicast, address(224.0.0.18)]',
    ]);
    assert.deepEqual(r.notifies.map((n) => n.state), ['FAULT']);
    assert.deepEqual(r.ops(), []);
    const t = r.mark();
    r.kernel.addLink({ name: 'eth1', segment: lab.segment, up: false });
    r.kernel.setLink('eth1', { up: true });
    await lab.settle();
    assert.equal(r.state(), 'FAULT');
    r.kernel.addAddress('eth1', '10.1.0.1/24');
    await lab.settle();
    assert.deepEqual(r.since(t), ['Interface eth1 added', 'Netlink reports eth1 up', 'Assigned address 10.1.0.1 for interface eth1', '(VI_1) Entering BACKUP STATE']);
    await lab.advance(4000);
    assert.equal(r.state(), 'MASTER');
    assert.deepEqual(r.opsSince(t, ['socketOpen', 'addrAdd']), ['socketOpen eth1 inet 224.0.0.18', 'addrAdd 10.0.0.100/24 eth1']);
    assert.deepEqual(r.kernel.opsOf('advert').map((o) => o.src)[0], '10.1.0.1');
  });

  // measured on 2.2.7 (test/integration/vrrp/vmac-dynamic.test.ts runs both): the VMAC is made when its base appears
  it('use_vmac with dynamic_interfaces: the VMAC is made when the base appears, deleted with it, made again when it comes back', async () => {
    const lab = new Lab();
    const r = lab.router('r1', [ETH0]);
    await r.start(instanceConf({ priority: 100, iface: 'eth1', extra: ['use_vmac'], global: ['dynamic_interfaces'] }));
    assert.equal(r.state(), 'FAULT');
    assert.deepEqual(r.log(0, /VI_1/), ['(VI_1): entering FAULT state (interface eth1 down)', '(VI_1): entering FAULT state (interface vrrp.51 down)',
      '(VI_1) entering FAULT state (no IPv4 address for interface)', '(VI_1) entering FAULT state']);
    for (const round of [1, 2]) {
      const t = r.mark();
      r.kernel.addLink({ name: 'eth1', segment: lab.segment, up: false, addrs: ['10.1.0.1/24'] });
      await lab.settle();
      r.kernel.setLink('eth1', { up: true });
      await lab.settle();
      assert.deepEqual(r.since(t).filter(noGarp), ['Interface eth1 added', '(VI_1) interface eth1 is down', '(VI_1): Success creating VMAC interface vrrp.51',
        'Assigned address 10.1.0.1 for interface eth1', 'Netlink reports eth1 up', 'Netlink reports vrrp.51 up', '(VI_1) Entering BACKUP STATE'], `round ${round}`);
      await lab.advance(4000);
      assert.equal(r.state(), 'MASTER');
      assert.deepEqual(r.kernel.addressesOf('vrrp.51'), ['10.0.0.100/24']);
      assert.deepEqual(r.opsSince(t, ['linkCreate', 'addrAdd']), ['linkCreate vrrp.51 on eth1 00:00:5e:00:01:33', 'addrAdd 10.0.0.100/24 vrrp.51']);
      const d = r.mark();
      r.kernel.deleteLink('eth1');
      await lab.settle();
      assert.equal(r.state(), 'FAULT');
      assert.equal(r.kernel.link('vrrp.51'), undefined);
      assert.ok(r.since(d).includes('Interface vrrp.51 deleted'), r.since(d).join('\n'));
    }
    await r.stop();
    assert.deepEqual(r.ops(0, ['linkDelete']), []);
  });

  // dont_track_primary as well: measured on 2.2.7 (test/integration/vrrp/dont-track-primary.test.ts)
  for (const dtp of [false, true]) {
    it(`an interface without an address at start${dtp ? ', dont_track_primary' : ''}: FAULT with the reason, VIPs removed from it; an address -> BACKUP; gone -> FAULT`, async () => {
      const lab = new Lab();
      const r = lab.router('r1', [{ name: 'eth0' }]);
      await r.start(instanceConf({ priority: 100, extra: dtp ? ['dont_track_primary'] : [] }));
      assert.equal(r.state(), 'FAULT');
      assert.deepEqual(r.log(0, /VI_1/), ['(VI_1) entering FAULT state (no IPv4 address for interface)', '(VI_1) entering FAULT state', '(VI_1) removing VIPs.']);
      assert.deepEqual(r.ops(0, ['advert']), []);
      r.kernel.addAddress('eth0', '10.0.0.1/24');
      await lab.settle();
      assert.equal(r.state(), 'BACKUP');
      await lab.advance(4000);
      assert.equal(r.state(), 'MASTER');
      assert.deepEqual([...new Set(r.ops(0, ['advert']))], ['advert eth0 10.0.0.1>224.0.0.18 prio 100']);
      r.kernel.delAddress('eth0', '10.0.0.1');
      await lab.settle();
      assert.equal(r.state(), 'FAULT');
    });
  }

  it('the instance interface deleted while MASTER and created again: FAULT, socket closed; new socket on the new ifindex, MASTER again', async () => {
    const lab = new Lab();
    const r = lab.router('r1', [ETH0, { name: 'eth1', addrs: ['10.1.0.1/24'] }]);
    await r.start(instanceConf({ priority: 100, iface: 'eth1' }));
    await lab.advance(4000);
    assert.equal(r.state(), 'MASTER');
    const t = lab.now;
    const oldIndex = r.kernel.link('eth1')!.index;
    r.kernel.deleteLink('eth1');
    await lab.settle();
    assert.equal(r.state(), 'FAULT');
    assert.deepEqual(r.log(t).filter(noGarp), [
      'Netlink reports eth1 down', '(VI_1) Entering FAULT STATE', '(VI_1): send advert error 19 (No such device)', '(VI_1): send advert error 19 (No such device)',
      '(VI_1) sent 0 priority', '(VI_1) removing VIPs.', 'Deassigned address 10.1.0.1 from interface eth1', 'Interface eth1 deleted',
    ]);
    assert.deepEqual(r.ops(t, ['socketClose']), ['socketClose eth1 inet 224.0.0.18']);
    const t2 = r.mark();
    r.kernel.addLink({ name: 'eth1', segment: lab.segment, addrs: ['10.1.0.1/24'] });
    await lab.settle();
    assert.notEqual(r.kernel.link('eth1')!.index, oldIndex);
    assert.deepEqual(r.since(t2), ['Interface eth1 added', 'Netlink reports eth1 up', 'Assigned address 10.1.0.1 for interface eth1', '(VI_1) Entering BACKUP STATE']);
    await lab.advance(4000);
    assert.equal(r.state(), 'MASTER');
    assert.deepEqual(r.opsSince(t2, ['socketOpen', 'addrAdd']), ['socketOpen eth1 inet 224.0.0.18', 'addrAdd 10.0.0.100/24 eth1']);
    assert.deepEqual(r.kernel.addressesOf('eth1'), ['10.1.0.1/24', '10.0.0.100/24']);
  });

  it('a tracked interface deleted and created again: FAULT ("Interface trk0 deleted" logged as it is used), BACKUP when it is up again', async () => {
    const lab = new Lab();
    const r = lab.router('r1', [ETH0, { name: 'trk0' }]);
    await r.start(instanceConf({ priority: 100, extra: ['track_interface {', '  trk0', '}'] }));
    await lab.advance(4000);
    const t = lab.now;
    r.kernel.deleteLink('trk0');
    await lab.settle();
    assert.deepEqual(r.log(t), ['Netlink reports trk0 down', '(VI_1) Entering FAULT STATE', '(VI_1) sent 0 priority', '(VI_1) removing VIPs.', 'Interface trk0 deleted']);
    const t2 = r.mark();
    r.kernel.addLink({ name: 'trk0' });
    await lab.settle();
    assert.deepEqual(r.since(t2), ['Interface trk0 added', 'Netlink reports trk0 up', '(VI_1) Entering BACKUP STATE']);
  });

  it('a VIP deleted by someone else while MASTER: BACKUP, priority 0, VIPs removed, MASTER again after Skew_Time', async () => {
    const lab = new Lab();
    const r = lab.router('r1', [ETH0]);
    await r.start(instanceConf({ priority: 100, vips: ['10.0.0.100/24', '10.0.0.101/24'] }));
    await lab.advance(4000);
    const t = lab.now;
    r.kernel.delAddress('eth0', '10.0.0.101');
    await lab.settle();
    assert.equal(r.state(), 'BACKUP');
    assert.deepEqual(r.log(t), ['Netlink reflector reports IP 10.0.0.101 removed from eth0', '(VI_1) Entering BACKUP STATE', '(VI_1) sent 0 priority', '(VI_1) removing VIPs.']);
    assert.deepEqual(r.ops(t), ['advert eth0 10.0.0.1>224.0.0.18 prio 0', 'addrDel 10.0.0.100/24 eth0', 'addrDel 10.0.0.101/24 eth0 ! EADDRNOTAVAIL']);
    await lab.advance(1000);
    assert.equal(r.state(), 'MASTER');
    // Skew_Time at priority 100: (256 - 100) / 256 s, on whole milliseconds
    assert.equal(r.kernel.opsOf('addrAdd').at(-1)!.at - t, 610);
    assert.deepEqual(r.kernel.addressesOf('eth0'), ['10.0.0.1/24', '10.0.0.100/24', '10.0.0.101/24']);
    // our own removals (leaving MASTER, stopping) are not someone else's
    const t2 = lab.now;
    await r.stop();
    assert.ok(!r.log(t2).some((l) => l.startsWith('Netlink reflector')), r.log(t2).join('\n'));
  });

  it('a no_track VIP deleted by someone else is left alone', async () => {
    const lab = new Lab();
    const r = lab.router('r1', [ETH0]);
    await r.start(instanceConf({ priority: 100, vips: ['10.0.0.100/24', '10.0.0.101/24 no_track'] }));
    await lab.advance(4000);
    r.kernel.delAddress('eth0', '10.0.0.101');
    await lab.advance(2000);
    assert.equal(r.state(), 'MASTER');
    assert.ok(!r.log(4000).some((l) => l.startsWith('Netlink reflector')));
  });

  it('IPv6 eVIPs on an IPv4 instance: "setting E-VIPs.", added with the VIPs, unsolicited NAs; removed with them', async () => {
    const lab = new Lab();
    const r = lab.router('r1', [ETH0]);
    await r.start(instanceConf({ priority: 100, extra: ['virtual_ipaddress_excluded {', '  fd00:1::100/64', '}'] }));
    assert.deepEqual(r.log(0, /VIPs|NDISC/), ['Registering gratuitous NDISC shared channel', '(VI_1) removing VIPs.', '(VI_1) removing E-VIPs.']);
    await lab.advance(4000);
    assert.deepEqual(r.log(3610, /VIPs|Sending\/queueing/), ['(VI_1) setting VIPs.', '(VI_1) setting E-VIPs.',
      '(VI_1) Sending/queueing gratuitous ARPs on eth0 for 10.0.0.100', '(VI_1) Sending/queueing Unsolicited Neighbour Adverts on eth0 for fd00:1::100']);
    assert.deepEqual(r.ops(3610, ['addrAdd']), ['addrAdd 10.0.0.100/24 eth0', 'addrAdd fd00:1::100/64 eth0']);
    assert.equal(r.kernel.opsOf('na').length, 5);
    const t = lab.now;
    await r.stop();
    assert.deepEqual(r.ops(t, ['addrDel']), ['addrDel 10.0.0.100/24 eth0', 'addrDel fd00:1::100/64 eth0']);
  });

  it('promote_secondaries: set to 1 on the instance interface at start and put back on stop; left alone if already 1', async () => {
    for (const before of ['0', '1']) {
      const lab = new Lab();
      const r = lab.router('r1', [ETH0]);
      r.kernel.sysctls.set('net/ipv4/conf/eth0/promote_secondaries', before);
      await r.start(instanceConf({ priority: 100, extra: ['promote_secondaries'] }));
      assert.equal(r.kernel.sysctls.get('net/ipv4/conf/eth0/promote_secondaries'), '1');
      await r.stop();
      assert.equal(r.kernel.sysctls.get('net/ipv4/conf/eth0/promote_secondaries'), before);
      assert.deepEqual(r.ops(0, ['sysctl']), before === '0'
        ? ['sysctl net/ipv4/conf/eth0/promote_secondaries=1', 'sysctl net/ipv4/conf/eth0/promote_secondaries=0'] : []);
    }
  });

  it('a VIP the kernel refuses: keepalived\'s "Netlink: error" line; the other VIPs are added', async () => {
    const lab = new Lab();
    const r = lab.router('r1', [ETH0]);
    await r.start(instanceConf({ priority: 100, vips: ['10.0.0.100/24', '10.0.0.101/24 scope host'] }));
    r.kernel.refuseNext('add', '10.0.0.101', 'EINVAL');
    await lab.advance(4000);
    assert.deepEqual(r.log(3610, /Netlink/).map((l) => l.replace(/seq=\d+/, 'seq=N')), ['Netlink: error: Invalid argument(22), type=RTM_NEWADDR(20), seq=N, pid=0']);
    assert.deepEqual(r.kernel.addressesOf('eth0'), ['10.0.0.1/24', '10.0.0.100/24']);
  });
});
