// net_namespace_ipvs and namespace_with_ipsets at the top level, as keepalived 2.2.7 reads them
// (corpus: err-net-namespace-ipvs*.conf). namespace_with_ipsets only lets 2.2.7 use ipsets inside a
// namespace on kernels before 3.13, and Debian's 2.2.7 is built without ipsets (`keepalived -v`:
// no IPSETS among its config options; it uses nftables), so it changes nothing there and here.
import assert from 'node:assert/strict';
import { printConfig } from '../../../src/parser/index.js';
import { parseConfigText } from '../../../src/config/load.js';
import { stripPositions } from './model/fixtures.js';

describe('parser: net_namespace_ipvs, namespace_with_ipsets', () => {
  it('net_namespace_ipvs NAME, or the initial namespace without a name; a second one is refused', () => {
    assert.equal(parseConfigText('net_namespace_ipvs blue\n', 'k.conf').config.netNamespaceIpvs, 'blue');
    assert.equal(parseConfigText('net_namespace_ipvs\n', 'k.conf').config.netNamespaceIpvs, '');
    const r = parseConfigText('net_namespace_ipvs blue\nnet_namespace_ipvs red\n', 'k.conf');
    assert.equal(r.config.netNamespaceIpvs, 'blue');
    assert.deepEqual(r.diagnostics.map((d) => d.message), ['Duplicate net_namespace_ipvs definition red - ignoring']);
    assert.match(printConfig(parseConfigText('net_namespace_ipvs\nnamespace_with_ipsets\n', 'k.conf').config), /^net_namespace_ipvs\nnamespace_with_ipsets\n/);
  });

  it('namespace_with_ipsets is accepted without a word said, whatever follows it, and changes nothing else', () => {
    const base = parseConfigText('net_namespace blue\nvrrp_instance V {\n  interface eth0\n  virtual_router_id 1\n  priority 100\n  virtual_ipaddress {\n    10.0.0.1\n  }\n}\n', 'k.conf');
    for (const line of ['namespace_with_ipsets', 'namespace_with_ipsets x']) {
      const r = parseConfigText(`${line}\nnet_namespace blue\nvrrp_instance V {\n  interface eth0\n  virtual_router_id 1\n  priority 100\n  virtual_ipaddress {\n    10.0.0.1\n  }\n}\n`, 'k.conf');
      assert.deepEqual(r.diagnostics, []);
      assert.equal(r.config.namespaceWithIpsets, true);
      const { namespaceWithIpsets: _, ...rest } = r.config;
      assert.deepEqual(stripPositions(rest), stripPositions(base.config));
    }
  });
});
