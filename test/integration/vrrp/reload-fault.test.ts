// A reload that puts a MASTER in FAULT, keepalived 2.2.7 then ours on the same configs (root, netns
// prefix "kvrf"). Measured on 2.2.7 and held for both: the reload adds a track_interface that is down;
// 2.2.7 works the state out as at start-up: "(VI_1): entering FAULT state (interface trk down)",
// "(VI_1) entering FAULT state", then the reload's "(VI_1) setting VIPs." and "(VI_1) removing VIPs.",
// and no priority-0 advert (tcpdump: only the reload's advert at priority 150). A second reload logs
// the reason line again. The interface coming up makes it BACKUP.
// (The same with a track_process, in test/unit/vrrp/data/track-process-2.2.7/sc/reload.sh.)
// vrrp_script results are kept over a reload: "VRRP_Script(X) considered unsuccessful on reload" (or
// successful) for each, no new "failed"/"succeeded" line, and the FAULT reason line again.
import assert from 'node:assert/strict';
import { isRoot } from '../../helpers/netns.js';
import { configText, now, tail, VrrpLab, type Daemon, type Line } from './lab.js';

describe('vrrp reload into FAULT (netns, keepalived 2.2.7 and ours)', function () {
  this.timeout(120000);
  let L: VrrpLab;
  const wire: Line[] = [];
  before(function () {
    if (!isRoot()) this.skip();
    L = new VrrpLab('kvrf').up();
    L.addTrackIf('r1', 'trk');
    L.collect('c', 'tcpdump', ['--immediate-mode', '-l', '-n', '-i', 'eth0', 'proto 112'], wire);
  });
  after(async () => { await L?.down(); });

  /** VI_1's lines from a to b (GARP lines left out). */
  const vi = (d: Daemon, a: number, b: number): string[] =>
    d.lines.filter((l) => l.t >= a && l.t < b && /\(VI_1\)/.test(l.text) && !/gratuitous|Sending\/queueing/.test(l.text)).map((l) => l.text);

  for (const kind of ['keepalived', 'ours'] as const) {
    it(`${kind}: vrrp_script results kept over a reload ("considered unsuccessful on reload"), the FAULT reason line again`, async () => {
      const scripts = 'vrrp_script chk_bad {\n    script /bin/false\n    interval 1\n}\nvrrp_script chk_ok {\n    script /bin/true\n    interval 1\n}';
      const conf = configText([{ priority: 150, vips: ['10.199.0.100/32'], extra: ['track_script {', '    chk_bad', '    chk_ok', '}'] }], scripts, 'lab',
        ['enable_script_security', 'script_user root']);
      const d = L.start(kind, 'r1', L.writeConf('r1', conf));
      try {
        await d.waitLine('VRRP_Script(chk_ok) succeeded', 60000);
        await d.waitLine('VRRP_Script(chk_bad) failed (exited with status 1)', 5000);
        await new Promise((r) => setTimeout(r, 1500));
        const t = now();
        d.signal('SIGHUP');
        await d.waitLine('(VI_1): entering FAULT state due to script chk_bad', 5000, t);
        await new Promise((r) => setTimeout(r, 2500));
        const lines = d.lines.filter((l) => l.t >= t && /Script|VI_1/.test(l.text)).map((l) => l.text);
        assert.deepEqual(lines, ['VRRP_Script(chk_bad) considered unsuccessful on reload', 'VRRP_Script(chk_ok) considered successful on reload',
          '(VI_1): entering FAULT state due to script chk_bad'], tail(d, t));
      } finally {
        d.signal('SIGTERM');
        await d.exit(10000).catch(() => undefined);
      }
    });

    it(`${kind}: a track_interface added down by a reload -> FAULT with the start-up lines, no priority 0; repeated at the next reload`, async () => {
      const ip = (...a: string[]) => L.lab.exec(L.lab.ns('r1'), 'ip', a);
      ip('link', 'set', 'trk', 'down');
      const path = L.writeConf('r1', configText([{ priority: 150, vips: ['10.199.0.100/32'] }]));
      const d = L.start(kind, 'r1', path);
      try {
        await d.waitLine('(VI_1) Entering MASTER STATE', 60000);
        await d.waitLine('(VI_1) setting VIPs.', 3000);
        L.writeConf('r1', configText([{ priority: 150, vips: ['10.199.0.100/32'], trackInterface: ['trk'] }]));
        const t1 = now();
        d.signal('SIGHUP');
        await d.waitLine('(VI_1) removing VIPs.', 5000, t1);
        await L.waitAddr('r1', '10.199.0.100', false, 2000);
        await new Promise((r) => setTimeout(r, 800));
        const t2 = now();
        d.signal('SIGHUP');
        await d.waitLine('(VI_1): entering FAULT state (interface trk down)', 5000, t2);
        await new Promise((r) => setTimeout(r, 500));
        const t3 = now();
        ip('link', 'set', 'trk', 'up');
        await d.waitLine('(VI_1) Entering BACKUP STATE', 3000, t3);
        assert.deepEqual(wire.filter((l) => l.t >= t1 && /prio 0,/.test(l.text)).map((l) => l.text), [], 'no priority-0 advert');
        assert.deepEqual(vi(d, t1, t2), ['(VI_1): entering FAULT state (interface trk down)', '(VI_1) entering FAULT state', '(VI_1) setting VIPs.', '(VI_1) removing VIPs.'], tail(d, t1));
        assert.deepEqual(vi(d, t2, t3), ['(VI_1): entering FAULT state (interface trk down)'], tail(d, t2));
      } finally {
        d.signal('SIGTERM');
        await d.exit(10000).catch(() => undefined);
      }
    });
  }
});
