// use_vmac against keepalived 2.2.7 (root, netns prefix "kvm"): ours creates macvlan vrrp.51 with
// MAC 00:00:5e:00:01:33, sends its adverts from that MAC, holds the VIP there, the VIP's ARP reply
// comes from the virtual MAC, and the interface is deleted on stop.
import assert from 'node:assert/strict';
import { isRoot, waitFor } from '../../helpers/netns.js';
import { configText, tail, VrrpLab } from './lab.js';

describe('vrrp use_vmac (netns)', function () {
  this.timeout(90000);
  let L: VrrpLab;
  before(function () { if (!isRoot()) this.skip(); L = new VrrpLab('kvm').up(); });
  after(async () => { await L?.down(); });

  it('MASTER with a virtual MAC; keepalived BACKUP accepts it; the VMAC is removed on stop', async () => {
    const VIP = '10.199.0.100';
    const dump = L.lab.spawn(L.lab.ns('c'), 'tcpdump', ['--immediate-mode', '-i', 'eth0', '-l', '-n', '-e', 'proto 112']);
    let wire = '';
    dump.stdout!.on('data', (d) => { wire += d; });
    const base = configText([{ priority: 150, state: 'MASTER', vips: [`${VIP}/24`], pass: 's3cret' }]);
    const ours = L.start('ours', 'r1', L.writeConf('r1', base.replace('    advert_int 1\n', '    advert_int 1\n    use_vmac\n')));
    await ours.waitLine('(VI_1) Entering MASTER STATE', 25000);
    const ka = L.start('keepalived', 'r2', L.writeConf('r2', configText([{ priority: 100, vips: [`${VIP}/24`], pass: 's3cret' }])));
    await ka.waitLine('(VI_1) Entering BACKUP STATE (init)', 5000);
    await new Promise((r) => setTimeout(r, 4000));
    assert.ok(!ka.has('(VI_1) Entering MASTER STATE'), tail(ka));
    assert.ok(ours.has('(VI_1): Success creating VMAC interface vrrp.51'), tail(ours));
    assert.equal(L.mac('r1', 'vrrp.51'), '00:00:5e:00:01:33');
    const addrs = L.lab.exec(L.lab.ns('r1'), 'ip', ['-o', 'addr', 'show', 'dev', 'vrrp.51']);
    assert.match(addrs, / 10\.199\.0\.100\/24 /);
    assert.match(wire, /00:00:5e:00:01:33 > 01:00:5e:00:00:12, ethertype IPv4 \(0x0800\), length 54: 10\.199\.0\.1 > 224\.0\.0\.18: VRRPv2, Advertisement, vrid 51, prio 150/);
    // an ARP request for the VIP is answered by the VMAC only (the base has arp_ignore 1 and
    // arp_filter 1, as 2.2.7 sets them; a ping's neighbour entry can come from the base's own ARP
    // request for the client instead, with 2.2.7 as with us)
    assert.match(L.lab.exec(L.lab.ns('c'), 'arping', ['-c', '1', '-w', '2', '-I', 'eth0', VIP]), /reply from 10\.199\.0\.100 \[00:00:5E:00:01:33\]/);
    ours.signal('SIGTERM');
    await ours.waitLine('Stopped', 5000);
    await waitFor(() => !L.lab.exec(L.lab.ns('r1'), 'ip', ['-o', 'link'], { allowFail: true }).includes('vrrp.51'), 2000);
    await ka.waitLine('(VI_1) Entering MASTER STATE', 3000);
  });
});
