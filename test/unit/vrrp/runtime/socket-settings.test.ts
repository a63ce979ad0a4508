// Socket-level settings of the VRRP runtime on a fake kernel, against what keepalived 2.2.7 did
// (test/integration/vrrp/data/links-2.2.7/): the receive buffer of each VRRP socket
// (kernel_rx_buf_size, vrrp_rx_bufs_policy/multiplier; recorded with getsockopt(SO_RCVBUF) on its
// sockets), log_unknown_vrids, disable_local_igmp.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { advertLength } from '../../../../src/vrrp/runtime/rx-bufs.js';
import { instanceConf, Lab, parse } from './harness.js';

const DATA = new URL('../../../integration/vrrp/data/links-2.2.7/', import.meta.url).pathname;
const LINKS = [{ name: 'eth0', addrs: ['10.199.0.1/24'] }, { name: 'eth1', addrs: ['10.198.0.1/24'] }];

/** What getsockopt(SO_RCVBUF) gives after setsockopt(n): twice n, at least 2304; the default 212992 when never set. */
const kernelRcvbuf = (set: number | undefined): number => set === undefined ? 212992 : Math.max(2 * set, 2304);

/** keepalived's receiving sockets in the recording: the first IPv4 proto-112 fd is eth0's, the third eth1's (fd 13,
 *  15). */
function recordedRcvbuf(name: string): { eth0: number; eth1: number } {
  const rows = readFileSync(`${DATA}${name}.rcvbuf`, 'utf8').split('\n').map((l) => l.split(' ')).filter((w) => w[3] === '112');
  return { eth0: Number(rows[0]![4]), eth1: Number(rows[2]![4]) };
}

describe('vrrp/runtime: receive buffers, unknown VRIDs, local IGMP (2.2.7 recordings)', () => {
  for (const name of ['rx-bufs-kernel-size', 'rx-bufs-policy-MTU', 'rx-bufs-policy-ADVERT', 'rx-bufs-policy-12345']) {
    it(`SO_RCVBUF of each socket is the sum of its instances' shares (${name})`, async () => {
      const lab = new Lab();
      const r = lab.router('r1', LINKS);
      await r.start(readFileSync(`${DATA}${name}.conf`, 'utf8'));
      const last = (ifname: string) => r.kernel.opsOf('rcvbuf').filter((o) => o.ifname === ifname).at(-1)?.bytes;
      assert.deepEqual({ eth0: kernelRcvbuf(last('eth0')), eth1: kernelRcvbuf(last('eth1')) }, recordedRcvbuf(name));
    });
  }

  it('advert length as 2.2.7 counts it (v2 IPv4 with 1 VIP: 40 bytes)', () => {
    const cfg = parse(instanceConf({ priority: 100 })).vrrpInstances[0]!;
    assert.equal(advertLength(cfg), 40);
    assert.equal(advertLength({ ...cfg, version: 3 }), 32);
    assert.equal(advertLength({ ...cfg, family: 'inet6', virtualIpaddress: [{ ...cfg.virtualIpaddress[0]!, family: 'inet6', address: 'fe80::1' }] }), 24);
  });

  it('log_unknown_vrids: one line per advert of a VRID no instance on that socket runs (log-unknown-vrids)', async () => {
    const lab = new Lab();
    const r1 = lab.router('r1', [{ name: 'eth0', addrs: ['10.199.0.1/24'] }]);
    const peer = lab.router('c', [{ name: 'eth0', addrs: ['10.199.0.10/24'] }]);
    await r1.start(readFileSync(`${DATA}log-unknown-vrids.conf`, 'utf8'));
    await peer.start(instanceConf({ priority: 200, state: 'MASTER', vips: ['10.199.0.177/24'] }).replace('virtual_router_id 51', 'virtual_router_id 77'));
    await lab.advance(7000);
    const adverts = peer.kernel.opsOf('advert').length;
    assert.ok(adverts >= 3);
    assert.deepEqual(r1.log(0, /Unknown VRID/), Array(adverts).fill('Unknown VRID(77) received on interface(eth0). ignoring...'));
    const recorded = readFileSync(`${DATA}log-unknown-vrids.log`, 'utf8').split('\n').find((l) => l.includes('Unknown VRID'))!.replace(/^\S+ /, '');
    assert.equal(r1.log(0, /Unknown VRID/)[0], recorded);
    // without the keyword: nothing
    const lab2 = new Lab();
    const q = lab2.router('r1', [{ name: 'eth0', addrs: ['10.199.0.1/24'] }]);
    const p2 = lab2.router('c', [{ name: 'eth0', addrs: ['10.199.0.10/24'] }]);
    await q.start(instanceConf({ priority: 100 }));
    await p2.start(instanceConf({ priority: 200, state: 'MASTER' }).replace('virtual_router_id 51', 'virtual_router_id 77'));
    await lab2.advance(7000);
    assert.deepEqual(q.log(0, /Unknown VRID/), []);
  });

  it('disable_local_igmp: igmp_link_local_mcast_reports 1 -> 0 while running, 1 again on stop (disable-local-igmp)', async () => {
    const [before, during] = readFileSync(`${DATA}disable-local-igmp.igmp`, 'utf8').trim().split('\n').map((l) => l.split(' = ')[1]);
    const lab = new Lab();
    const r = lab.router('r1', LINKS);
    const key = 'net/ipv4/igmp_link_local_mcast_reports';
    r.kernel.sysctls.set(key, before!);
    await r.start(instanceConf({ priority: 100, global: ['disable_local_igmp'] }));
    assert.equal(r.kernel.sysctls.get(key), during);
    await r.stop();
    assert.equal(r.kernel.sysctls.get(key), before);
    // already 0: left alone
    const lab2 = new Lab();
    const q = lab2.router('r1', LINKS);
    q.kernel.sysctls.set(key, '0');
    await q.start(instanceConf({ priority: 100, global: ['disable_local_igmp'] }));
    assert.deepEqual(q.ops(0, ['sysctl']), []);
  });
});
