// IPv6 use_vmac, keepalived 2.2.7 then ours on the same config (root, netns prefix "kvv6"). Measured
// on 2.2.7 and held for both: the base's link-local address is copied onto the VMAC (nodad,
// deprecated: preferred_lft 0), "Assigned address fe80::... for interface vrrp.52" is logged, and the
// adverts leave from the VMAC (source MAC 00:00:5e:00:02:34) with that link-local as source.
import assert from 'node:assert/strict';
import { isRoot, waitFor } from '../../helpers/netns.js';
import { configText, now, tail, VrrpLab, type Line } from './lab.js';

describe('vrrp IPv6 use_vmac (netns, keepalived 2.2.7 and ours)', function () {
  this.timeout(120000);
  let L: VrrpLab;
  const wire: Line[] = [];
  before(function () {
    if (!isRoot()) this.skip();
    L = new VrrpLab('kvv6').up();
    L.collect('c', 'tcpdump', ['--immediate-mode', '-l', '-n', '-e', '-i', 'eth0', 'ip6 proto 112'], wire);
  });
  after(async () => { await L?.down(); });

  for (const kind of ['keepalived', 'ours'] as const) {
    it(`${kind}: the VMAC gets the base link-local (deprecated) and the adverts leave from the VMAC with it`, async () => {
      const ip = (...a: string[]) => L.lab.exec(L.lab.ns('r1'), 'ip', a);
      const ll = /inet6 (fe80::[0-9a-f:]+)\/64/.exec(ip('-6', '-o', 'addr', 'show', 'dev', 'eth0'))![1]!;
      const conf = configText([{ name: 'VI_6', vrid: 52, priority: 150, version: 3, vips: ['fe80::52/64', 'fd00:199::52/64'], extra: ['use_vmac'] }]);
      const t = now();
      const d = L.start(kind, 'r1', L.writeConf('r1', conf));
      try {
        await d.waitLine('(VI_6) Entering MASTER STATE', 60000);
        assert.ok(d.has(`Assigned address ${ll} for interface vrrp.52`), tail(d));
        const onVmac = ip('-6', '-o', 'addr', 'show', 'dev', 'vrrp.52');
        assert.match(onVmac, new RegExp(`inet6 ${ll}/64 scope link nodad deprecated`));
        const advert = await waitFor(() => wire.find((l) => l.t >= t && l.text.includes('vrid 52, prio 150')), 3000, 10);
        assert.match(advert.text, new RegExp(`^\\S+ 00:00:5e:00:02:34 > 33:33:00:00:00:12, .*: ${ll} > ff02::12: VRRPv3, Advertisement`));
      } finally {
        d.signal('SIGTERM');
        await d.exit(10000).catch(() => undefined);
      }
    });
  }
});
