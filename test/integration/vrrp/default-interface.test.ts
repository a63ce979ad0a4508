// global_defs default_interface, keepalived 2.2.7 then ours (root, netns prefix "kvdi"). Measured on
// 2.2.7 (and read in its source: only static addresses use it, get_default_if()), held for both: a
// static_ipaddress without `dev` goes on default_interface, or on eth0 without one; an instance
// without `interface` is not given the default one: "(VI_1) Unknown interface!" and the VRRP
// process stops (configuration error).
import assert from 'node:assert/strict';
import { isRoot } from '../../helpers/netns.js';
import { configText, tail, VrrpLab } from './lab.js';

describe('vrrp default_interface (netns, keepalived 2.2.7 and ours)', function () {
  this.timeout(120000);
  let L: VrrpLab;
  before(function () {
    if (!isRoot()) this.skip();
    L = new VrrpLab('kvdi').up();
    L.addTrackIf('r1', 'trk');
  });
  after(async () => { await L?.down(); });

  const onDev = (addr: string): string | undefined =>
    L.lab.exec(L.lab.ns('r1'), 'ip', ['-o', 'addr', 'show'], { allowFail: true }).split('\n').find((l) => l.includes(` inet ${addr}/`))?.split(/\s+/)[1];

  for (const kind of ['keepalived', 'ours'] as const) {
    for (const def of ['trk', undefined]) {
      it(`${kind}: a static address without dev goes on ${def ?? 'eth0 (no default_interface)'}`, async () => {
        const conf = configText([{ priority: 150, vips: ['10.199.0.100/32'] }], 'static_ipaddress {\n    10.199.0.77/32\n}', 'lab', def ? [`default_interface ${def}`] : []);
        const d = L.start(kind, 'r1', L.writeConf('r1', conf));
        try {
          await d.waitLine(/^\(VI_1\) Entering BACKUP STATE/, 60000);
          assert.equal(onDev('10.199.0.77'), def ?? 'eth0', tail(d));
        } finally {
          d.signal('SIGTERM');
          await d.exit(10000).catch(() => undefined);
        }
        assert.equal(onDev('10.199.0.77'), undefined, 'removed at stop');
      });
    }

    it(`${kind}: an instance without interface is refused even with default_interface ("(VI_1) Unknown interface!")`, async () => {
      const conf = configText([{ priority: 150, vips: ['10.199.0.100/32'] }], '', 'lab', ['default_interface eth0']).replace('    interface eth0\n', '');
      const d = L.start(kind, 'r1', L.writeConf('r1', conf));
      try {
        await d.waitLine(/\(VI_1\) Unknown interface!/, 60000);
        await d.exit(15000);
        assert.ok(!d.has(/Entering (BACKUP|MASTER) STATE/), tail(d));
      } finally {
        if (!d.exited) d.signal('SIGKILL');
      }
    });
  }
});
