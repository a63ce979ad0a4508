// Monitor overruns (ENOBUFS: the kernel dropped link / address events): 2.2.7's two lines, then our
// resync (link-resync.ts): fresh dumps, and the difference applied as the events that were lost, so
// a VIP deleted by someone else during the overrun is noticed as 2.2.7 notices it without one, an
// interface gone down goes FAULT, and the address table matches the kernel again.
import assert from 'node:assert/strict';
import type { AddrInfo, LinkInfo } from '../../../../src/vrrp/kernel/port.js';
import { resyncEvents } from '../../../../src/vrrp/runtime/link-resync.js';
import { instanceConf, Lab } from './harness.js';

const ETH0 = { name: 'eth0', addrs: ['10.0.0.1/24'] };
const OVERRUN = ['Netlink: Receive buffer overrun on monitor socket - (No buffer space available)', '  - increase the relevant netlink_rcv_bufs global parameter and/or set force'];
const noGarp = (l: string): boolean => !/gratuitous ARP on|Neighbour Advert on|resynchronised/.test(l);

const link = (index: number, name: string, o: Partial<LinkInfo> = {}): LinkInfo =>
  ({ index, name, mac: Buffer.from([2, 0, 0, 0, 0, index]), up: true, running: true, ...o });
const addr = (index: number, address: string): AddrInfo => ({ index, family: address.includes(':') ? 'inet6' : 'inet', address, prefixLen: 24, scope: 0 });

describe('vrrp/runtime: netlink monitor overrun and resync (fake kernel)', () => {
  it('resyncEvents: changed and new links, new addresses, addresses gone, links gone last; nothing for an unchanged view', () => {
    const known = { links: [link(2, 'eth0'), link(3, 'eth1'), link(4, 'eth2')], addrs: [addr(2, '10.0.0.1'), addr(2, '10.0.0.100'), addr(4, '10.2.0.1')] };
    assert.deepEqual(resyncEvents(known, known), []);
    const now = {
      links: [link(2, 'eth0'), link(3, 'eth1', { up: false, running: false }), link(5, 'eth3')],
      addrs: [addr(2, '10.0.0.1'), addr(2, '10.0.0.7'), addr(5, '10.3.0.1')],
    };
    assert.deepEqual(resyncEvents(known, now).map((e) => e.kind === 'link' ? `link ${e.link.name} ${e.link.up ? 'up' : 'down'}`
      : e.kind === 'linkDeleted' ? `linkDeleted ${e.name}` : `${e.kind} ${e.addr.address}`), [
      'link eth1 down', 'link eth3 up', 'addrAdded 10.0.0.7', 'addrAdded 10.3.0.1', 'addrDeleted 10.0.0.100', 'linkDeleted eth2',
    ]);
  });

  it('a VIP deleted by someone else while events are lost: 2.2.7\'s overrun lines, then the deletion is noticed and the VIP restored', async () => {
    const lab = new Lab();
    const r = lab.router('r1', [ETH0]);
    await r.start(instanceConf({ priority: 100, vips: ['10.0.0.100/24', '10.0.0.101/24'] }));
    await lab.advance(4000);
    assert.equal(r.state(), 'MASTER');
    const t = lab.now;
    r.kernel.overrun(() => {
      for (let i = 0; i < 50; i++) r.kernel.addAddress('eth0', `10.9.0.${i}/32`);
      for (let i = 0; i < 50; i++) r.kernel.delAddress('eth0', `10.9.0.${i}`);
      r.kernel.delAddress('eth0', '10.0.0.101');
    });
    await lab.settle();
    assert.deepEqual(r.log(t).filter(noGarp).slice(0, 6), [...OVERRUN,
      'Netlink reflector reports IP 10.0.0.101 removed from eth0', '(VI_1) Entering BACKUP STATE', '(VI_1) sent 0 priority', '(VI_1) removing VIPs.']);
    await lab.advance(1000);
    assert.equal(r.state(), 'MASTER');
    assert.deepEqual(r.kernel.addressesOf('eth0'), ['10.0.0.1/24', '10.0.0.100/24', '10.0.0.101/24']);
    assert.equal(r.runtime.overruns, 1);
  });

  it('an interface that went down while events were lost: FAULT after the resync, back when it comes up', async () => {
    const lab = new Lab();
    const r = lab.router('r1', [ETH0]);
    await r.start(instanceConf({ priority: 100 }));
    await lab.advance(4000);
    const t = lab.now;
    r.kernel.overrun(() => r.kernel.setLink('eth0', { up: false }));
    await lab.settle();
    assert.equal(r.state(), 'FAULT');
    assert.deepEqual(r.log(t).filter(noGarp).slice(0, 3), [...OVERRUN, 'Netlink reports eth0 down']);
    r.kernel.setLink('eth0', { up: true });
    await lab.advance(5000);
    assert.equal(r.state(), 'MASTER');
  });

  it('the primary address replaced while events were lost: adverts go out from the new one after the resync, no transition', async () => {
    const lab = new Lab();
    const r = lab.router('r1', [ETH0]);
    await r.start(instanceConf({ priority: 100 }));
    await lab.advance(4000);
    const n = r.notifies.length;
    const t = lab.now;
    r.kernel.overrun(() => {
      for (let i = 0; i < 20; i++) r.kernel.addAddress('eth0', `10.9.0.${i}/32`);
      r.kernel.delAddress('eth0', '10.0.0.1');
      r.kernel.addAddress('eth0', '10.0.0.2/24');
      for (let i = 0; i < 20; i++) r.kernel.delAddress('eth0', `10.9.0.${i}`);
    });
    await lab.advance(3000);
    assert.equal(r.state(), 'MASTER');
    assert.equal(r.notifies.length, n);
    assert.deepEqual(r.log(t).filter(noGarp), OVERRUN);
    assert.deepEqual([...new Set(r.ops(t + 1500, ['advert']))], ['advert eth0 10.0.0.2>224.0.0.18 prio 100']);
  });
});
