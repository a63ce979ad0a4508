// The VRRP runtime on fake kernels (no root): what it asks of the kernel, in which order and when,
// and its log lines, for start-up, election between two routers over a simulated segment, reload,
// interface and address events, use_vmac and SIGTERM. Timings are the RFC figures for v2 at 1 s
// (Master_Down 3609.375 ms for priority 100, Skew_Time 609.375 ms), on whole milliseconds as the
// deadline timers arm Node timers.
import assert from 'node:assert/strict';
import { instanceConf, Lab } from './harness.js';

const R1 = [{ name: 'eth0', addrs: ['10.0.0.1/24'] }];
const R2 = [{ name: 'eth0', addrs: ['10.0.0.2/24'] }];

describe('vrrp/runtime on a fake kernel', () => {
  it('start -> BACKUP -> MASTER: startup VIP removal, then advert, VIP add and 5 GARPs in one instant', async () => {
    const lab = new Lab();
    const r = lab.router('r1', R1);
    await r.start(instanceConf({ priority: 100 }));
    assert.equal(r.state(), 'BACKUP');
    assert.deepEqual(r.ops(), ['socketOpen eth0 inet 224.0.0.18', 'addrDel 10.0.0.100/24 eth0 ! EADDRNOTAVAIL']);
    assert.deepEqual(r.log(0, /VI_1|sockpool/), [
      '(VI_1) removing VIPs.', '(VI_1) Entering BACKUP STATE (init)',
      'VRRP sockpool: [ifindex(  2), family(IPv4), proto(112), fd(10,10) multicast, address(224.0.0.18)]',
    ]);
    await lab.advance(3609);
    assert.equal(r.state(), 'BACKUP');
    await lab.advance(1);
    assert.equal(r.state(), 'MASTER');
    const takeover = r.kernel.ops.filter((o) => o.at === 3610);
    assert.deepEqual(takeover.map((o) => o.op), ['advert', 'addrAdd', 'garp', 'garp', 'garp', 'garp', 'garp']);
    assert.deepEqual(r.kernel.addressesOf('eth0'), ['10.0.0.1/24', '10.0.0.100/24']);
    assert.deepEqual(r.log(3610), ['(VI_1) Receive advertisement timeout', '(VI_1) Entering MASTER STATE', '(VI_1) setting VIPs.',
      '(VI_1) Sending/queueing gratuitous ARPs on eth0 for 10.0.0.100', ...Array(5).fill('Sending gratuitous ARP on eth0 for 10.0.0.100')]);
    assert.deepEqual(r.notifies.map((n) => `${n.at} ${n.kind} ${n.name} ${n.state} ${n.priority}`), ['0 INSTANCE VI_1 BACKUP 100', '3610 INSTANCE VI_1 MASTER 100']);
    // adverts every second, the second GARP burst garp_master_delay (5 s) later
    await lab.advance(5000);
    assert.deepEqual(r.kernel.opsOf('advert').map((o) => o.at), [3610, 4610, 5610, 6610, 7610, 8610]);
    assert.deepEqual(r.kernel.opsOf('garp').map((o) => o.at), [...Array(5).fill(3610), ...Array(5).fill(8610)]);
    assert.deepEqual(r.ops(3611, ['addrAdd', 'addrDel']), []);
  });

  it('two routers elect over the segment; SIGTERM of the master moves the VIP to the backup after Skew_Time', async () => {
    const lab = new Lab();
    const r1 = lab.router('r1', R1), r2 = lab.router('r2', R2);
    await r1.start(instanceConf({ priority: 150 }));
    await r2.start(instanceConf({ priority: 100 }));
    await lab.advance(5000);
    assert.equal(r1.state(), 'MASTER');
    assert.equal(r2.state(), 'BACKUP');
    assert.ok(r1.kernel.addressesOf('eth0').includes('10.0.0.100/24'));
    assert.ok(!r2.kernel.addressesOf('eth0').includes('10.0.0.100/24'));
    assert.deepEqual(r2.kernel.opsOf('addrAdd'), []);
    const t = lab.now;
    await r1.stop();
    assert.deepEqual(r1.ops(t), ['advert eth0 10.0.0.1>224.0.0.18 prio 0', 'addrDel 10.0.0.100/24 eth0', 'socketClose eth0 inet 224.0.0.18']);
    await lab.advance(1000);
    assert.equal(r2.state(), 'MASTER');
    const add = r2.kernel.opsOf('addrAdd')[0]!;
    // a priority-0 advert: the backup waits Skew_Time (0.609 s), here on whole milliseconds
    assert.equal(add.at - t, 610);
    assert.deepEqual(r2.log(t, /VI_1/).slice(0, 3), ['(VI_1) Backup received priority 0 advertisement', '(VI_1) Receive advertisement timeout', '(VI_1) Entering MASTER STATE']);
    assert.ok(r2.kernel.addressesOf('eth0').includes('10.0.0.100/24'));
  });

  it('a lower-priority master gives way to a higher backup that preempts', async () => {
    const lab = new Lab();
    const r1 = lab.router('r1', R1), r2 = lab.router('r2', R2);
    await r2.start(instanceConf({ priority: 100 }));
    await lab.advance(5000);
    assert.equal(r2.state(), 'MASTER');
    const t = lab.now;
    await r1.start(instanceConf({ priority: 150 }));
    await lab.advance(5000);
    assert.equal(r1.state(), 'MASTER');
    assert.equal(r2.state(), 'BACKUP');
    assert.deepEqual(r2.ops(t, ['addrDel']), ['addrDel 10.0.0.100/24 eth0']);
    assert.ok(r2.log(t).includes('(VI_1) Master received advert from 10.0.0.1 with higher priority 150, ours 100'));
  });

  it('reload keeps the state; a VIP added is added alone and every VIP is GARPed; a removed one goes', async () => {
    const lab = new Lab();
    const r = lab.router('r1', R1);
    await r.start(instanceConf({ priority: 100, vips: ['10.0.0.100/24', '10.0.0.101/24'] }));
    await lab.advance(4000);
    assert.equal(r.state(), 'MASTER');
    const t = lab.now;
    await r.reload(instanceConf({ priority: 100, vips: ['10.0.0.100/24', '10.0.0.102/24'] }));
    assert.equal(r.state(), 'MASTER');
    assert.deepEqual(r.ops(t), [
      // keepalived's two adverts (old settings, new settings); the removal is written before the second
      'advert eth0 10.0.0.1>224.0.0.18 prio 100', 'addrDel 10.0.0.101/24 eth0', 'advert eth0 10.0.0.1>224.0.0.18 prio 100', 'addrAdd 10.0.0.102/24 eth0',
      // five rounds over the VIPs, as keepalived's vrrp_send_link_update
      ...Array(5).fill(['garp 10.0.0.100 eth0', 'garp 10.0.0.102 eth0']).flat(),
    ]);
    assert.ok(r.log(t).includes('(VI_1) ip address 10.0.0.101/24 dev eth0, no longer exist'));
    assert.deepEqual(r.kernel.addressesOf('eth0'), ['10.0.0.1/24', '10.0.0.100/24', '10.0.0.102/24']);
  });

  // 2.2.7 removes left-over VIPs at the first start only (measured: an instance a reload adds logs no "removing VIPs.")
  it('reload with a new VRID restarts the instance: stops (priority 0, VIPs removed) and starts from INIT without a start-up removal', async () => {
    const lab = new Lab();
    const r = lab.router('r1', R1);
    await r.start(instanceConf({ priority: 100 }));
    await lab.advance(4000);
    const t = lab.now;
    await r.reload(instanceConf({ priority: 100 }).replace('virtual_router_id 51', 'virtual_router_id 52'));
    assert.equal(r.state(), 'BACKUP');
    assert.deepEqual(r.ops(t), ['advert eth0 10.0.0.1>224.0.0.18 prio 0', 'addrDel 10.0.0.100/24 eth0', 'socketClose eth0 inet 224.0.0.18',
      'socketOpen eth0 inet 224.0.0.18']);
  });

  it('interface down -> FAULT (VIPs removed) -> up -> BACKUP -> MASTER again', async () => {
    const lab = new Lab();
    const r = lab.router('r1', R1);
    await r.start(instanceConf({ priority: 100 }));
    await lab.advance(4000);
    const t = lab.now;
    r.kernel.setLink('eth0', { running: false });
    await lab.settle();
    assert.equal(r.state(), 'FAULT');
    assert.deepEqual(r.log(t), ['Netlink reports eth0 down', '(VI_1) Entering FAULT STATE', '(VI_1) sent 0 priority', '(VI_1) removing VIPs.']);
    assert.deepEqual(r.ops(t, ['addrDel']), ['addrDel 10.0.0.100/24 eth0']);
    await lab.advance(10_000);
    assert.equal(r.state(), 'FAULT');
    const t2 = lab.now;
    r.kernel.setLink('eth0', { running: true });
    await lab.settle();
    assert.equal(r.state(), 'BACKUP');
    assert.deepEqual(r.log(t2), ['Netlink reports eth0 up', '(VI_1) Entering BACKUP STATE']);
    await lab.advance(3610);
    assert.equal(r.state(), 'MASTER');
    assert.ok(r.kernel.addressesOf('eth0').includes('10.0.0.100/24'));
  });

  it('the last address of the interface deleted -> FAULT; an address back -> BACKUP, adverts from the new address', async () => {
    const lab = new Lab();
    const r = lab.router('r1', R1);
    await r.start(instanceConf({ priority: 100 }));
    await lab.advance(4000);
    r.kernel.delAddress('eth0', '10.0.0.1');
    await lab.settle();
    assert.equal(r.state(), 'FAULT');
    assert.ok(r.log(4000).includes('Deassigned address 10.0.0.1 from interface eth0'));
    const t = lab.now;
    r.kernel.addAddress('eth0', '10.0.0.9/24');
    await lab.settle();
    assert.equal(r.state(), 'BACKUP');
    await lab.advance(4000);
    assert.equal(r.state(), 'MASTER');
    assert.deepEqual(r.ops(t, ['advert']).filter((a) => !a.endsWith('prio 0'))[0], 'advert eth0 10.0.0.9>224.0.0.18 prio 100');
  });

  it('track_interface down -> FAULT, with the interface named in the log', async () => {
    const lab = new Lab();
    const r = lab.router('r1', [...R1, { name: 'eth1', addrs: ['10.1.0.1/24'] }]);
    await r.start(instanceConf({ priority: 100, extra: ['track_interface {', '  eth1', '}'] }));
    await lab.advance(4000);
    assert.equal(r.state(), 'MASTER');
    r.kernel.setLink('eth1', { up: false });
    await lab.settle();
    assert.equal(r.state(), 'FAULT');
    assert.deepEqual(r.log(4000).slice(0, 2), ['Netlink reports eth1 down', '(VI_1) Entering FAULT STATE']);
  });

  it('SIGTERM: priority 0, VIPs removed, socket closed', async () => {
    const lab = new Lab();
    const r = lab.router('r1', R1);
    await r.start(instanceConf({ priority: 100 }));
    await lab.advance(4000);
    await r.stop();
    assert.deepEqual(r.ops(4000), ['advert eth0 10.0.0.1>224.0.0.18 prio 0', 'addrDel 10.0.0.100/24 eth0', 'socketClose eth0 inet 224.0.0.18']);
    assert.deepEqual(r.log(4000), ['(VI_1) sent 0 priority', '(VI_1) removing VIPs.']);
    assert.deepEqual(r.notifies.at(-1)?.state, 'STOP');
    assert.equal(r.kernel.addressesOf('eth0').includes('10.0.0.100/24'), false);
  });

  // measured on keepalived 2.2.7 -V (test/integration/vrrp/dont-release.test.ts): "(VI_1) removing VIPs." twice at
  // start, and at SIGTERM no priority-0 advert (tcpdump), the VIP left, its VMAC left, STOP notified
  it('-V: VIPs removed again at the start in BACKUP; at SIGTERM no priority 0, VIPs and VMAC stay, STOP notified', async () => {
    for (const vmac of [false, true]) {
      const lab = new Lab();
      const r = lab.router('r1', R1, { releaseVipsAlways: true });
      await r.start(instanceConf({ priority: 100, extra: vmac ? ['use_vmac'] : [] }));
      // a new VMAC had no VIPs to remove at start: only vrrp_init_state's removal is left
      assert.deepEqual(r.log(0, /VIPs/), vmac ? ['(VI_1) removing VIPs.'] : ['(VI_1) removing VIPs.', '(VI_1) removing VIPs.']);
      await lab.advance(4000);
      assert.equal(r.state(), 'MASTER');
      await r.stop({ dontRelease: true });
      const dev = vmac ? 'vrrp.51' : 'eth0';
      assert.deepEqual(r.ops(4000, ['advert', 'addrDel', 'linkDelete']), []);
      assert.deepEqual(r.log(4000), []);
      assert.deepEqual(r.notifies.at(-1)?.state, 'STOP');
      assert.ok(r.kernel.addressesOf(dev).includes('10.0.0.100/24'), dev);
    }
  });

  it('-X (release-vips): the start in BACKUP removes the VIPs twice; SIGTERM still sends priority 0', async () => {
    const lab = new Lab();
    const r = lab.router('r1', R1, { releaseVipsAlways: true });
    await r.start(instanceConf({ priority: 100 }));
    assert.deepEqual(r.ops(0, ['addrDel']), ['addrDel 10.0.0.100/24 eth0 ! EADDRNOTAVAIL', 'addrDel 10.0.0.100/24 eth0 ! EADDRNOTAVAIL']);
    await lab.advance(4000);
    await r.stop();
    assert.deepEqual(r.log(4000), ['(VI_1) sent 0 priority', '(VI_1) removing VIPs.']);
  });

  it('use_vmac: macvlan created, arp sysctls set, VIP and GARPs on the VMAC, the VMAC gone on stop (the base keeps arp_ignore / arp_filter 1)', async () => {
    const lab = new Lab();
    const r = lab.router('r1', R1);
    await r.start(instanceConf({ priority: 100, extra: ['use_vmac'] }));
    await lab.advance(4000);
    assert.equal(r.state(), 'MASTER');
    assert.deepEqual(r.ops(0, ['linkCreate', 'sysctl', 'socketOpen', 'addrAdd']), [
      // the VMAC as 2.2.7's (test/integration/vrrp/data/links-2.2.7/vmac-prefix-use-vmac-addr.sysctl: arp_ignore,
      // accept_local, rp_filter 0, promote_secondaries on it; arp_ignore and arp_filter on the base; no IPv6, no
      // automatic link-local)
      'linkCreate vrrp.51 on eth0 00:00:5e:00:01:33',
      'sysctl net/ipv4/conf/vrrp.51/arp_ignore=1', 'sysctl net/ipv4/conf/vrrp.51/accept_local=1', 'sysctl net/ipv4/conf/vrrp.51/promote_secondaries=1',
      'sysctl net/ipv4/conf/eth0/arp_ignore=1', 'sysctl net/ipv4/conf/eth0/arp_filter=1',
      'sysctl net/ipv6/conf/vrrp.51/disable_ipv6=1', 'sysctl net/ipv6/conf/vrrp.51/addr_gen_mode=1',
      'socketOpen vrrp.51 inet tx', 'socketOpen eth0 inet 224.0.0.18', 'addrAdd 10.0.0.100/24 vrrp.51',
    ]);
    assert.deepEqual(r.kernel.opsOf('garp').map((o) => `${o.ifname} ${o.mac}`)[0], 'vrrp.51 00:00:5e:00:01:33');
    assert.equal(r.kernel.opsOf('advert')[0]!.ifname, 'vrrp.51');
    await r.stop();
    assert.deepEqual(r.ops(4000, ['addrDel', 'socketClose', 'linkDelete', 'sysctl']), [
      'addrDel 10.0.0.100/24 vrrp.51', 'socketClose vrrp.51 inet tx', 'linkDelete vrrp.51', 'socketClose eth0 inet 224.0.0.18',
    ]);
    // as 2.2.7 leaves them (measured in the qemu guest: test/vm/links/keepalived-2.2.7.txt, "sysctl stop")
    assert.equal(r.kernel.sysctls.get('net/ipv4/conf/eth0/arp_ignore'), '1');
    assert.equal(r.kernel.sysctls.get('net/ipv4/conf/eth0/arp_filter'), '1');
    assert.equal(r.kernel.link('vrrp.51'), undefined);
  });

  // measured on 2.2.7 (test/integration/vrrp/vmac6.test.ts runs both)
  it('IPv6 use_vmac: the base link-local copied onto the VMAC (deprecated), adverts leave from the VMAC with it; sockpool names the VMAC', async () => {
    const lab = new Lab();
    const r = lab.router('r1', [{ name: 'eth0', addrs: ['fe80::1/64'] }]);
    await r.start(instanceConf({ priority: 100, extra: ['use_vmac', 'version 3'], vips: ['fe80::52/64', 'fd00::52/64'] }));
    assert.deepEqual(r.ops(0, ['linkCreate', 'socketOpen', 'addrAdd']), [
      'linkCreate vrrp.51 on eth0 00:00:5e:00:02:33', 'addrAdd fe80::1/64 vrrp.51', 'socketOpen vrrp.51 inet6 tx', 'socketOpen eth0 inet6 ff02::12',
    ]);
    assert.deepEqual(r.kernel.opsOf('addrAdd')[0]!.vip.options, ['preferred_lft', '0']);
    const lines = r.log(0);
    assert.ok(lines.indexOf('Assigned address fe80::1 for interface vrrp.51') === lines.indexOf('(VI_1): Success creating VMAC interface vrrp.51') + 1, lines.join('\n'));
    // (the fd shown is the VMAC's transmit socket's, opened first)
    assert.ok(lines.includes(`VRRP sockpool: [ifindex(  ${r.kernel.link('vrrp.51')!.index}), family(IPv6), proto(112), fd(10,10) multicast, address(ff02::12)]`), lines.join('\n'));
    await lab.advance(4000);
    assert.equal(r.state(), 'MASTER');
    assert.deepEqual([...new Set(r.ops(0, ['advert']))], ['advert vrrp.51 fe80::1>ff02::12 prio 100']);
  });

  it('two instances on one interface share one socket (one sockpool entry)', async () => {
    const lab = new Lab();
    const r = lab.router('r1', R1);
    const two = `${instanceConf({ priority: 100 })}\n${instanceConf({ priority: 100, vips: ['10.0.0.200/24'] }).replace(/[\s\S]*?vrrp_instance VI_1/, 'vrrp_instance VI_2').replace('virtual_router_id 51', 'virtual_router_id 52')}`;
    await r.start(two);
    assert.deepEqual(r.ops(0, ['socketOpen']), ['socketOpen eth0 inet 224.0.0.18']);
    assert.equal(r.log(0, /sockpool/).length, 1);
    await lab.advance(4000);
    assert.equal(r.state('VI_1'), 'MASTER');
    assert.equal(r.state('VI_2'), 'MASTER');
    await r.stop();
    assert.deepEqual(r.ops(4000, ['socketClose']), ['socketClose eth0 inet 224.0.0.18']);
  });
});
