// The VIP firewall in the VRRP runtime on a fake kernel (no root): when the runtime programs the
// nftables set relative to the VIP add/remove requests (keepalived 2.2.7: the drop rule before the
// VIPs are added, after they are removed), its -D lines in 2.2.7's order, reload, use_vmac and stop.
import assert from 'node:assert/strict';
import { instanceConf, Lab } from './harness.js';

const R1 = [{ name: 'eth0', addrs: ['10.0.0.1/24'] }];
const STRICT = { global: ['vrrp_strict'] };

describe('vrrp/runtime VIP firewall on a fake kernel', () => {
  it('strict: nothing at start; MASTER: set filled before the VIP is added; BACKUP: emptied after it is removed; stop: table deleted', async () => {
    const lab = new Lab();
    const r = lab.router('r1', R1), r2 = lab.router('r2', [{ name: 'eth0', addrs: ['10.0.0.2/24'] }]);
    await r.start(instanceConf({ priority: 100, ...STRICT }));
    assert.deepEqual(r.ops(0, ['nftBatch', 'nftTables']), []);
    assert.deepEqual(r.log(0, /VI_1\) (removing|setting|Entering)|nftables/), [
      'use_vmac or no_accept/strict specified, but no firewall configured - using nftables',
      '(VI_1) removing VIPs.', '(VI_1) removing firewall drop rule', '(VI_1) Entering BACKUP STATE (init)',
    ]);
    await lab.advance(3610);
    assert.equal(r.state(), 'MASTER');
    assert.deepEqual(r.ops(3610, ['nftTables', 'nftBatch', 'addrAdd']).map((o) => o.replace(/ \[.*\]/, ' [...]')), [
      'nft tables keepalived', 'nft [...]', 'addrAdd 10.0.0.100/24 eth0',
    ]);
    assert.deepEqual(r.kernel.nft.elems('ip', 'keepalived', 'vips'), ['0a000064']);
    assert.deepEqual(r.log(3610, /VI_1\) (removing|setting|Entering)/), ['(VI_1) Entering MASTER STATE', '(VI_1) setting firewall drop rule', '(VI_1) setting VIPs.']);
    // a peer with a higher priority takes over
    await lab.advance(100);
    const t = lab.now;
    await r2.start(instanceConf({ priority: 200, ...STRICT }));
    await lab.advance(4000);
    assert.equal(r.state(), 'BACKUP');
    assert.deepEqual(r.ops(t, ['nftBatch', 'addrDel']), ['addrDel 10.0.0.100/24 eth0', 'nft [delete element ip keepalived vips { 10.0.0.100 }]']);
    assert.deepEqual(r.log(t, /VI_1\) (removing|setting|Entering)/), ['(VI_1) Entering BACKUP STATE', '(VI_1) removing VIPs.', '(VI_1) removing firewall drop rule']);
    const s = lab.now;
    await r.stop();
    assert.deepEqual(r.ops(s, ['nftBatch']), ['nft [delete table ip keepalived]']);
    assert.equal(r.kernel.nft.tables.size, 0);
    await r2.stop();
  });

  it('SIGTERM of a MASTER: VIP removed, then its set entry, then the table', async () => {
    const lab = new Lab();
    const r = lab.router('r1', R1);
    await r.start(instanceConf({ priority: 100, ...STRICT }));
    await lab.advance(4000);
    const t = lab.now;
    await r.stop();
    assert.deepEqual(r.ops(t, ['nftBatch', 'addrDel']), [
      'addrDel 10.0.0.100/24 eth0', 'nft [delete element ip keepalived vips { 10.0.0.100 }]', 'nft [delete table ip keepalived]',
    ]);
    assert.deepEqual(r.log(t, /firewall/), ['(VI_1) removing firewall drop rule']);
  });

  it('reload while MASTER: the removed VIP leaves the set after its address, the new one enters before its address', async () => {
    const lab = new Lab();
    const r = lab.router('r1', R1);
    await r.start(instanceConf({ priority: 100, vips: ['10.0.0.100/24', '10.0.0.101/24'], ...STRICT }));
    await lab.advance(4000);
    const t = lab.now;
    await r.reload(instanceConf({ priority: 100, vips: ['10.0.0.100/24', '10.0.0.103/24'], ...STRICT }));
    assert.deepEqual(r.ops(t, ['nftBatch', 'addrDel', 'addrAdd']), [
      'addrDel 10.0.0.101/24 eth0', 'nft [delete element ip keepalived vips { 10.0.0.101 }]',
      'nft [add element ip keepalived vips { 10.0.0.103 }]', 'addrAdd 10.0.0.103/24 eth0',
    ]);
    assert.deepEqual(r.kernel.nft.elems('ip', 'keepalived', 'vips'), ['0a000064', '0a000067']);
    assert.deepEqual(r.log(t, /firewall|VIPs|no longer/), ['use_vmac or no_accept/strict specified, but no firewall configured - using nftables',
      '(VI_1) ip address 10.0.0.101/24 dev eth0, no longer exist', '(VI_1) setting firewall drop rule', '(VI_1) setting VIPs.']);
  });

  it('reload no_accept -> accept while MASTER: the table is left as it was, also after stop (as 2.2.7)', async () => {
    const lab = new Lab();
    const r = lab.router('r1', R1);
    await r.start(instanceConf({ priority: 100, extra: ['no_accept'] }));
    await lab.advance(4000);
    const t = lab.now;
    await r.reload(instanceConf({ priority: 100, extra: ['accept'] }));
    await r.stop();
    assert.deepEqual(r.ops(t, ['nftBatch']), []);
    assert.deepEqual(r.kernel.nft.elems('ip', 'keepalived', 'vips'), ['0a000064']);
  });

  it('reload accept -> no_accept with nftables configured while MASTER: the VIPs go into the set', async () => {
    const lab = new Lab();
    const r = lab.router('r1', R1);
    await r.start(instanceConf({ priority: 100, global: ['nftables'] }));
    await lab.advance(4000);
    assert.deepEqual(r.ops(0, ['nftBatch']), []);
    await r.reload(instanceConf({ priority: 100, global: ['nftables'], extra: ['no_accept'] }));
    assert.deepEqual(r.kernel.nft.elems('ip', 'keepalived', 'vips'), ['0a000064']);
  });

  it('the address owner under strict mode: no firewall at all', async () => {
    const lab = new Lab();
    const r = lab.router('r1', R1);
    await r.start(instanceConf({ priority: 255, state: 'MASTER', ...STRICT }));
    await lab.advance(1000);
    assert.equal(r.state(), 'MASTER');
    await r.stop();
    assert.deepEqual(r.ops(0, ['nftBatch', 'nftTables']), []);
    assert.deepEqual(r.log(0, /firewall|nftables/), []);
  });

  it('use_vmac: the VMAC enters the IGMP map at start (no VIP set without strict) and leaves it at stop', async () => {
    const lab = new Lab();
    const r = lab.router('r1', R1);
    await r.start(instanceConf({ priority: 100, extra: ['use_vmac'] }));
    const vmac = r.kernel.link('vrrp.51')!;
    assert.deepEqual(r.kernel.nft.elems('ip', 'keepalived', 'vmac_map'), [`${Buffer.from([vmac.index, 0, 0, 0]).toString('hex')}:02000000`]);
    await lab.advance(4000);
    assert.equal(r.kernel.nft.table('ip', 'keepalived')!.sets.has('vips'), false);
    const t = lab.now;
    await r.stop();
    assert.deepEqual(r.ops(t, ['nftBatch', 'linkDelete']), ['linkDelete vrrp.51', `nft [delete element ip keepalived vmac_map { ${vmac.index} : 2 }]`, 'nft [delete table ip keepalived]']);
  });
});
