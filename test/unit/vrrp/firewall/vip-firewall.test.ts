// The VipFirewall facade on an in-memory nf_tables: stale tables deleted (and logged) at the first
// set-up, the set contents after each step, a reload that changes accept mode, a reload that leaves
// no instance needing the firewall (keepalived 2.2.7 then leaves the table alone, measured), a
// refused batch, and a kernel without nf_tables (one error, VRRP goes on).
import assert from 'node:assert/strict';
import { makeLogger } from '../../../../src/common/log.js';
import { parseConfigText } from '../../../../src/config/load.js';
import type { FwAddr, FwInstance } from '../../../../src/vrrp/firewall/plan.js';
import { VipFirewall } from '../../../../src/vrrp/firewall/vip-firewall.js';
import type { KernelError } from '../../../../src/vrrp/kernel/port.js';
import { ipToBytes } from '../../../../src/vrrp/io/addr.js';
import { FakeNftables } from '../../../helpers/fake-nftables.js';

function vip(address: string): FwAddr {
  return { id: `${address}%2`, family: 'inet', bytes: ipToBytes(address)!, linkLocal: false, ifindex: 2, ifname: 'eth0', onInstanceIf: true, noTrack: false };
}
const inst = (...addrs: string[]): FwInstance => ({ name: 'VI_1', dontTrackPrimary: false, addrs: addrs.map(vip) });
const hex = (...a: string[]) => a.map((x) => ipToBytes(x)!.toString('hex')).sort();

function cfg(lines: string[]) {
  const text = ['global_defs {', ...lines, '}', 'vrrp_instance VI_1 {', 'interface eth0', 'virtual_router_id 51', 'priority 100', 'virtual_ipaddress {', '10.0.0.100/24', '}', '}'].join('\n');
  return parseConfigText(text, 'k.conf', { configId: 'x', hostname: 'x' }).config;
}

function setup(lines = ['vrrp_strict']) {
  const nft = new FakeNftables();
  const log: string[] = [];
  let calls = 0;
  const fw = new VipFirewall({
    tables: (n) => { calls++; return nft.tablesNamed(n); },
    apply: (m) => { calls++; return nft.apply(m); },
  }, makeLogger((level, msg) => { log.push(`${level}: ${msg}`); }, 0));
  // (the runtime logs the firewall's line as the completion of the instance that needs it)
  for (const l of fw.configure(cfg(lines)).logs) log.push(`info: ${l}`);
  return { nft, fw, log, calls: () => calls };
}

describe('vrrp/firewall VipFirewall on an in-memory nf_tables', () => {
  it('strict: VIPs in while MASTER, out after, table gone at stop', () => {
    const { nft, fw, log } = setup();
    assert.deepEqual(log, ['info: use_vmac or no_accept/strict specified, but no firewall configured - using nftables']);
    fw.add(inst('10.0.0.100', '10.0.0.101'));
    assert.deepEqual(nft.elems('ip', 'keepalived', 'vips'), hex('10.0.0.100', '10.0.0.101'));
    assert.deepEqual([...nft.table('ip', 'keepalived')!.chains.keys()], ['out', 'in']);
    fw.remove(inst('10.0.0.100', '10.0.0.101'));
    assert.deepEqual(nft.elems('ip', 'keepalived', 'vips'), []);
    fw.stop();
    assert.equal(nft.tables.size, 0);
  });

  it('a table of the same name left from before is deleted first, and logged per family', () => {
    const { nft, fw, log } = setup();
    nft.apply([{ op: 'newTable', family: 'ip', table: 'keepalived' }, { op: 'newChain', family: 'ip', table: 'keepalived', chain: 'stale' }]);
    fw.add(inst('10.0.0.100'));
    assert.deepEqual(log.slice(1), ['info: Deleting old ip keepalived table']);
    assert.deepEqual([...nft.table('ip', 'keepalived')!.chains.keys()], ['out', 'in']);
  });

  it('reload while MASTER: dropped VIPs out, new in; then accept mode takes them all out', () => {
    const { nft, fw } = setup();
    fw.add(inst('10.0.0.100', '10.0.0.101'));
    fw.reconcile(inst('10.0.0.100', '10.0.0.103'), true);
    assert.deepEqual(nft.elems('ip', 'keepalived', 'vips'), hex('10.0.0.100', '10.0.0.103'));
    fw.reconcile(inst('10.0.0.100', '10.0.0.103'), false);
    assert.deepEqual(nft.elems('ip', 'keepalived', 'vips'), []);
  });

  it('a reload to a config without any firewall leaves the table and its VIPs as they are (2.2.7), also at stop', () => {
    const { nft, fw } = setup(['nftables']);
    fw.configure(cfg(['vrrp_strict']));
    fw.add(inst('10.0.0.100'));
    fw.configure(cfg([]));
    fw.reconcile(inst('10.0.0.100'), false);
    fw.remove(inst('10.0.0.100'));
    fw.stop();
    assert.deepEqual(nft.elems('ip', 'keepalived', 'vips'), hex('10.0.0.100'));
  });

  it('a refused batch is logged and not remembered: the next step sets up again', () => {
    const { nft, fw, log } = setup();
    nft.apply([{ op: 'newTable', family: 'ip', table: 'other' }]);
    const real = nft.apply.bind(nft);
    let refuse = true;
    nft.apply = (m) => (refuse ? { code: 'ENOMEM', message: 'nftables batch: Cannot allocate memory' } as KernelError : real(m));
    fw.add(inst('10.0.0.100'));
    assert.match(log.at(-1)!, /^err: VIP firewall: nftables table keepalived: nftables batch: Cannot allocate memory$/);
    refuse = false;
    fw.add(inst('10.0.0.100'));
    assert.deepEqual(nft.elems('ip', 'keepalived', 'vips'), hex('10.0.0.100'));
  });

  it('no nf_tables in the kernel: one error, then nothing is tried again', () => {
    const { nft, fw, log, calls } = setup();
    nft.unavailable = true;
    fw.add(inst('10.0.0.100'));
    fw.remove(inst('10.0.0.100'));
    fw.add(inst('10.0.0.100'));
    fw.stop();
    assert.deepEqual(log.slice(1), ['err: VIP firewall: nftables cannot be used (get table: Operation not supported) - VIPs are not blocked for instances without accept mode']);
    assert.equal(calls(), 1);
  });

  it('no firewall configured: nothing is asked of the kernel', () => {
    const { fw, log, calls } = setup([]);
    fw.add(inst('10.0.0.100'));
    fw.stop();
    assert.deepEqual(log, []);
    assert.equal(calls(), 0);
  });
});
