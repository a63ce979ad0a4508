// use_vmac with dynamic_interfaces, keepalived 2.2.7 then ours on the same config (root, netns prefix
// "kvvd"). Measured on 2.2.7 and held for both: with its base interface missing the instance starts in
// FAULT naming the base and the VMAC ("(VI_1): entering FAULT state (interface vrrp.51 down)"); when
// the base appears (down) "(VI_1) interface eth1 is down" and the VMAC is made on it; the instance
// leaves FAULT when the VMAC is up ("Netlink reports vrrp.51 up"), becomes MASTER with the VIP on the
// VMAC; the base deleted takes the VMAC with it (FAULT, "Interface vrrp.51 deleted"); created again,
// the VMAC is made again and the instance is MASTER on it again.
import assert from 'node:assert/strict';
import { isRoot } from '../../helpers/netns.js';
import { configText, now, tail, VrrpLab, type Daemon } from './lab.js';

describe('vrrp use_vmac with dynamic_interfaces (netns, keepalived 2.2.7 and ours)', function () {
  this.timeout(120000);
  let L: VrrpLab;
  before(function () { if (!isRoot()) this.skip(); L = new VrrpLab('kvvd').up(); });
  after(async () => { await L?.down(); });

  const ip = (...a: string[]) => L.lab.exec(L.lab.ns('r1'), 'ip', a);
  const vipOnVmac = (): boolean => ip('-o', 'addr', 'show').split('\n').some((l) => /^\d+: vrrp\.51 +inet 10\.198\.0\.100\/24 /.test(l));
  const makeBase = (): void => {
    ip('link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'eth1p');
    ip('addr', 'add', '10.198.0.1/24', 'dev', 'eth1');
    ip('link', 'set', 'eth1p', 'up');
    ip('link', 'set', 'eth1', 'up');
  };
  const texts = (d: Daemon, after: number): string[] => d.lines.filter((l) => l.t >= after).map((l) => l.text);

  for (const kind of ['keepalived', 'ours'] as const) {
    it(`${kind}: the VMAC is made when the base appears, goes with it and is made again`, async () => {
      const conf = configText([{ priority: 150, iface: 'eth1', vips: ['10.198.0.100/24'], extra: ['use_vmac'] }], '', 'lab', ['dynamic_interfaces']);
      const d = L.start(kind, 'r1', L.writeConf('r1', conf));
      try {
        await d.waitLine('(VI_1) entering FAULT state', 60000);
        assert.ok(d.has('(VI_1): entering FAULT state (interface eth1 down)'), tail(d));
        assert.ok(d.has('(VI_1): entering FAULT state (interface vrrp.51 down)'), tail(d));
        for (const round of [1, 2]) {
          const t = now();
          makeBase();
          await d.waitLine('(VI_1) Entering MASTER STATE', 8000, t);
          const lines = texts(d, t);
          const at = (s: string): number => lines.indexOf(s);
          for (const s of ['(VI_1) interface eth1 is down', '(VI_1): Success creating VMAC interface vrrp.51', 'Netlink reports vrrp.51 up']) assert.ok(at(s) >= 0, `round ${round}: no "${s}"\n${tail(d, t)}`);
          assert.ok(at('(VI_1) interface eth1 is down') < at('(VI_1): Success creating VMAC interface vrrp.51'), tail(d, t));
          assert.ok(at('Netlink reports vrrp.51 up') < at('(VI_1) Entering BACKUP STATE'), tail(d, t));
          await d.waitLine('(VI_1) setting VIPs.', 2000, t);
          await new Promise((r) => setTimeout(r, 200));
          assert.ok(vipOnVmac(), ip('-o', 'addr', 'show'));
          const t2 = now();
          ip('link', 'del', 'eth1');
          await d.waitLine('(VI_1) Entering FAULT STATE', 3000, t2);
          await d.waitLine('Interface vrrp.51 deleted', 3000, t2);
        }
      } finally {
        d.signal('SIGTERM');
        await d.exit(10000).catch(() => undefined);
        L.lab.exec(L.lab.ns('r1'), 'ip', ['link', 'del', 'eth1'], { allowFail: true });
      }
    });
  }
});
