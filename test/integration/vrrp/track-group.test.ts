// track_group, keepalived 2.2.7 then ours on the same config (root, netns prefix "kvtg"). Measured on
// 2.2.7 and held for both, line for line: a track_group naming VI_1 (and VI_9, which does not exist:
// "vrrp instance VI_9 specified in track group G1 doesn't exist - ignoring") is named by a static
// route on trk and a static address on trk2; VI_1 then follows those interfaces: trk down -> FAULT
// (priority 0, VIPs removed), up -> BACKUP, the route restored; trk2 down -> FAULT, up -> BACKUP, the
// address restored ("... track_group G1 set").
import assert from 'node:assert/strict';
import { isRoot } from '../../helpers/netns.js';
import { configText, now, VrrpLab, type Daemon } from './lab.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('vrrp track_group (netns, keepalived 2.2.7 and ours)', function () {
  this.timeout(120000);
  let L: VrrpLab;
  before(function () {
    if (!isRoot()) this.skip();
    L = new VrrpLab('kvtg').up();
    const ns = L.lab.ns('r1');
    L.addTrackIf('r1', 'trk');
    L.addTrackIf('r1', 'trk2');
    L.lab.exec(ns, 'ip', ['addr', 'add', '10.198.0.1/24', 'dev', 'trk']);
  });
  after(async () => { await L?.down(); });

  const extra = 'track_group G1 {\n    group {\n        VI_1\n        VI_9\n    }\n}\nstatic_ipaddress {\n    10.197.0.5/32 dev trk2 track_group G1\n}\n'
    + 'static_routes {\n    10.196.0.0/24 via 10.198.0.254 dev trk track_group G1\n}';
  const seen: Record<string, string[]> = {};
  const relevant = (d: Daemon, t: number): string[] => d.lines.filter((l) => l.t >= t && /^(\(VI_1\)|Netlink reports trk|Restoring|vrrp instance|Static)/.test(l.text)
    && !/gratuitous|Sending\/queueing/.test(l.text)).map((l) => l.text);

  for (const kind of ['keepalived', 'ours'] as const) {
    it(`${kind}: VI_1 follows the interfaces of the static route and address naming its track_group`, async () => {
      const ip = (...a: string[]) => L.lab.exec(L.lab.ns('r1'), 'ip', a);
      const t = now();
      const d = L.start(kind, 'r1', L.writeConf('r1', configText([{ priority: 150, vips: ['10.199.0.100/32'] }], extra)));
      try {
        await d.waitLine('(VI_1) Entering MASTER STATE', 60000);
        await d.waitLine('(VI_1) setting VIPs.', 3000);
        for (const dev of ['trk', 'trk2']) {
          const t1 = now();
          ip('link', 'set', dev, 'down');
          await d.waitLine('(VI_1) Entering FAULT STATE', 3000, t1);
          await sleep(300);
          ip('link', 'set', dev, 'up');
          await d.waitLine('(VI_1) Entering BACKUP STATE', 3000, t1);
          await d.waitLine(/^Restoring deleted static/, 3000, t1);
        }
        seen[kind] = relevant(d, t);
      } finally {
        d.signal('SIGTERM');
        await d.exit(10000).catch(() => undefined);
      }
      assert.deepEqual(seen[kind], [
        'vrrp instance VI_9 specified in track group G1 doesn\'t exist - ignoring', '(VI_1) removing VIPs.', '(VI_1) Entering BACKUP STATE (init)',
        '(VI_1) Receive advertisement timeout', '(VI_1) Entering MASTER STATE', '(VI_1) setting VIPs.',
        'Netlink reports trk down', '(VI_1) Entering FAULT STATE', '(VI_1) sent 0 priority', '(VI_1) removing VIPs.',
        'Netlink reports trk up', '(VI_1) Entering BACKUP STATE', 'Restoring deleted static route prepend 10.196.0.0/24 via inet 10.198.0.254 dev trk proto 18 track_group G1',
        'Netlink reports trk2 down', '(VI_1) Entering FAULT STATE', 'Netlink reports trk2 up', '(VI_1) Entering BACKUP STATE',
        'Restoring deleted static address 10.197.0.5 dev trk2 scope global track_group G1 set',
      ]);
    });
  }
});
