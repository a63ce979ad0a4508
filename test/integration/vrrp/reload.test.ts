// startVrrp's start-up, reload and stop on a real interface (root, netns prefix "kvr"): an unchanged
// instance keeps its state and VIP across a reload (no address event at all), an added instance
// starts, a removed MASTER instance sends priority 0 and gives its VIP back.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { assertWithin, atLeast, MARGIN } from '../../helpers/bounds.js';
import { isRoot } from '../../helpers/netns.js';
import { configText, now, tail, VrrpLab } from './lab.js';

describe('vrrp lifecycle: start-up, reload, stop (netns)', function () {
  this.timeout(60000);
  let L: VrrpLab;
  before(function () { if (!isRoot()) this.skip(); L = new VrrpLab('kvr').up(); });
  after(async () => { await L?.down(); });

  it('keeps unchanged instances, starts new ones, stops removed ones', async () => {
    const vi1 = { name: 'VI_1', vrid: 51, priority: 255, state: 'MASTER' as const, vips: ['10.199.0.100/24'] };
    const vi2 = { name: 'VI_2', vrid: 52, priority: 100, vips: ['10.199.0.101/24'] };
    const path = L.writeConf('r1', configText([vi1]));
    L.monitorAddrs('r1');
    const dump = L.lab.spawn(L.lab.ns('c'), 'tcpdump', ['--immediate-mode', '-i', 'eth0', '-l', '-n', '-v', 'proto 112']);
    let wire = '';
    dump.stdout!.on('data', (d) => { wire += d; });
    const ours = L.start('ours', 'r1', path);
    await ours.waitLine('(VI_1) Entering MASTER STATE', 25000);
    await L.waitAddr('r1', '10.199.0.100', true, 2000);
    const t1 = now();
    writeFileSync(path, configText([vi1, vi2]));
    ours.signal('SIGHUP');
    await ours.waitLine('Reload finished', 10000, t1);
    await ours.waitLine('(VI_2) Entering BACKUP STATE (init)', 2000, t1);
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(!ours.has(/^\(VI_1\) (Entering|removing|sent 0)/, t1), tail(ours, t1));
    assert.ok(L.hasAddr('r1', '10.199.0.100'));
    // VI_2 alone on the segment becomes MASTER after its Master_Down_Interval
    await ours.waitLine('(VI_2) Entering MASTER STATE', 5000, t1);
    const t2 = now();
    writeFileSync(path, configText([vi2]));
    ours.signal('SIGHUP');
    await ours.waitLine('Reload finished', 10000, t2);
    await ours.waitLine('(VI_1) sent 0 priority', 100, t2);
    await L.waitAddr('r1', '10.199.0.100', false, 2000, 5, t2);
    assert.ok(L.hasAddr('r1', '10.199.0.101'));
    assert.ok(!ours.has(/^\(VI_2\) (Entering|removing)/, t2), tail(ours, t2));
    assert.match(wire, /vrid 51, prio 0,/);
    // stop: VI_2 (MASTER) sends priority 0 and removes its VIP; the process exits 0
    const t3 = now();
    ours.signal('SIGTERM');
    await ours.exit(5000);
    assert.equal(ours.exited?.code, 0);
    await ours.waitLine('(VI_2) sent 0 priority', 1000, t3);
    await ours.waitLine('Stopped', 1000, t3);
    assert.ok(!L.hasAddr('r1', '10.199.0.101'));
  });

  it('vrrp_startup_delay delays the instances; stop with -V leaves the VIP configured and sends no priority 0', async () => {
    const path = L.writeConf('r1', configText([{ name: 'VI_1', vrid: 51, priority: 255, state: 'MASTER', vips: ['10.199.0.110/24'] }])
      .replace('    vrrp_garp_master_delay 5\n', '    vrrp_garp_master_delay 5\n    vrrp_startup_delay 1\n'));
    const ours = L.start('ours', 'r1', path, ['-V']);
    const d = await ours.waitLine('Delaying startup for 1 seconds', 25000);
    const m = await ours.waitLine('(VI_1) Entering MASTER STATE', 3000);
    assertWithin(m.t - d.t, atLeast(1000, MARGIN.stampSkew, 'vrrp_startup_delay 1'), 'delay line -> MASTER');
    await L.waitAddr('r1', '10.199.0.110', true, 2000);
    const t = now();
    ours.signal('SIGTERM');
    await ours.waitLine('Stopped', 5000, t);
    await ours.exit(5000);
    assert.ok(!ours.has('(VI_1) sent 0 priority', t), tail(ours, t));
    assert.ok(!ours.has('(VI_1) removing VIPs.', t), tail(ours, t));
    assert.ok(L.hasAddr('r1', '10.199.0.110'), 'VIP kept with -V');
  });

  it('an instance whose track_interface is down at start enters FAULT (as 2.2.7: reason line, "entering FAULT state"), then BACKUP when it comes up', async () => {
    L.addTrackIf('r1', 'trk9');
    L.lab.exec(L.lab.ns('r1'), 'ip', ['link', 'set', 'trk9', 'down']);
    const ours = L.start('ours', 'r1', L.writeConf('r1', configText([{ priority: 100, vips: ['10.199.0.120/24'], trackInterface: ['trk9'] }])));
    await ours.waitLine('(VI_1) entering FAULT state', 25000);
    assert.ok(ours.has('(VI_1): entering FAULT state (interface trk9 down)'), tail(ours));
    assert.ok(!ours.has('(VI_1) Entering BACKUP STATE (init)'), tail(ours));
    const t = now();
    L.lab.exec(L.lab.ns('r1'), 'ip', ['link', 'set', 'trk9', 'up']);
    await ours.waitLine('Netlink reports trk9 up', 3000, t);
    await ours.waitLine('(VI_1) Entering BACKUP STATE', 1000, t);
    ours.signal('SIGTERM');
    await ours.exit(5000);
  });
});

