// Interop scenarios (e)-(i) of issue 3 against Debian's keepalived 2.2.7 (root, netns prefix "kv"):
// PASS mismatch, track_interface FAULT, unicast peers, VRRPv3 over IPv6, a sync group, and a
// weighted track_script.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { assertWithin, MARGIN, skewTimeMs, upTo } from '../../helpers/bounds.js';
import { waitFor } from '../../helpers/netns.js';
import { configText, labPerTest, now, tail, type Daemon } from './lab.js';

const VIP = '10.199.0.100';
// the priority-100 backup takes over Skew_Time after the master's priority-0 advert
const SKEW_TAKEOVER = upTo(skewTimeMs(100), MARGIN.timerLate, 'Skew_Time(100)');

async function snapshot(d: Daemon): Promise<{ instances: { name: string; view: { state: string };
    stats: Record<string, number> }[] }> {
  const n = d.stdout.length;
  d.signal('SIGUSR1');
  const l = await waitFor(() => d.stdout.slice(n).find((x) => x.text.startsWith('SNAPSHOT ')), 3000);
  return JSON.parse(l.text.slice('SNAPSHOT '.length)) as never;
}

describe('vrrp interop scenarios with keepalived 2.2.7 (netns)', function () {
  const L = labPerTest(this, 'kv');

  it('(e) PASS password mismatch: dropped, counted and logged on both sides; both become MASTER', async () => {
    const ours = L().start('ours', 'r1', L().writeConf('r1', configText([{ priority: 150, state: 'MASTER', vips: [`${VIP}/24`], pass: 's3cret' }])));
    await ours.waitLine('(VI_1) Entering MASTER STATE', 25000);
    const ka = L().start('keepalived', 'r2', L().writeConf('r2', configText([{ priority: 100, vips: [`${VIP}/24`], pass: 'wrong' }])));
    await ka.waitLine('(VI_1) received an invalid passwd!', 5000);
    await ka.waitLine('(VI_1) Entering MASTER STATE', 6000);
    await ours.waitLine('(VI_1) received an invalid passwd!', 5000);
    assert.ok(!ours.has('(VI_1) Entering BACKUP STATE'), tail(ours));
    const snap = await snapshot(ours);
    const vi = snap.instances.find((i) => i.name === 'VI_1')!;
    assert.equal(vi.view.state, 'MASTER');
    const logged = ours.texts().filter((t) => t === '(VI_1) received an invalid passwd!').length;
    assert.ok(logged >= 1 && vi.stats.auth_failure! >= logged, `logged ${logged}, stats ${JSON.stringify(vi.stats)}`);
    assert.ok(L().hasAddr('r1', VIP) && L().hasAddr('r2', VIP));
  });

  it('(f) track_interface down: FAULT, priority 0 sent, VIP removed, keepalived takes over; link up -> BACKUP', async () => {
    L().addTrackIf('r1', 'trk0');
    const ours = L().start('ours', 'r1', L().writeConf('r1', configText([{ priority: 150, state: 'MASTER', vips: [`${VIP}/24`], pass: 's3cret', trackInterface: ['trk0'] }])));
    await ours.waitLine('(VI_1) Entering MASTER STATE', 25000);
    const ka = L().start('keepalived', 'r2', L().writeConf('r2', configText([{ priority: 100, vips: [`${VIP}/24`], pass: 's3cret' }])));
    await ka.waitLine('(VI_1) Entering BACKUP STATE (init)', 5000);
    await new Promise((r) => setTimeout(r, 1500));
    L().monitorAddrs('r2');
    const t0 = now();
    L().lab.exec(L().lab.ns('r1'), 'ip', ['link', 'set', 'trk0', 'down']);
    const seq = ['Netlink reports trk0 down', '(VI_1) Entering FAULT STATE', '(VI_1) sent 0 priority', '(VI_1) removing VIPs.'];
    for (const s of seq) await ours.waitLine(s, 2000, t0);
    let at = -1;
    for (const s of seq) { const i = ours.texts().indexOf(s, at + 1); assert.ok(i > at, `order: ${s}\n${tail(ours)}`); at = i; }
    await L().waitAddr('r1', VIP, false, 1000);
    const tVip = await L().waitAddr('r2', VIP, true, 3000, 2, t0);
    await ka.waitLine('(VI_1) Backup received priority 0 advertisement', 500);
    assertWithin(tVip - t0, SKEW_TAKEOVER, 'fault -> VIP on the backup');
    const t1 = now();
    L().lab.exec(L().lab.ns('r1'), 'ip', ['link', 'set', 'trk0', 'up']);
    await ours.waitLine('Netlink reports trk0 up', 2000, t1);
    await ours.waitLine('(VI_1) Entering BACKUP STATE', 2000, t1);
    // higher priority: ours preempts again after its Master_Down_Interval
    await ours.waitLine('(VI_1) Entering MASTER STATE', 6000, t1);
    await ka.waitLine('(VI_1) Entering BACKUP STATE', 2000, t1);
  });

  it('(g) unicast peers: adverts go to the peer address with TTL 255; SIGTERM hands over', async () => {
    const u = (prio: number, state: 'MASTER' | 'BACKUP', src: string, peer: string) =>
      configText([{ priority: prio, state, vips: [`${VIP}/24`], pass: 's3cret', unicastSrc: src, unicastPeers: [peer] }]);
    const dump = L().lab.spawn(L().lab.ns('r2'), 'tcpdump', ['--immediate-mode', '-i', 'eth0', '-l', '-n', '-v', 'proto 112']);
    let wire = '';
    dump.stdout!.on('data', (d) => { wire += d; });
    const ours = L().start('ours', 'r1', L().writeConf('r1', u(150, 'MASTER', '10.199.0.1', '10.199.0.2')));
    await ours.waitLine('(VI_1) Entering MASTER STATE', 25000);
    const ka = L().start('keepalived', 'r2', L().writeConf('r2', u(100, 'BACKUP', '10.199.0.2', '10.199.0.1')));
    await ka.waitLine('(VI_1) Entering BACKUP STATE (init)', 5000);
    await new Promise((r) => setTimeout(r, 4000));
    assert.ok(!ka.has('(VI_1) Entering MASTER STATE'), tail(ka));
    assert.match(wire, /10\.199\.0\.1 > 10\.199\.0\.2: VRRPv2, Advertisement, vrid 51, prio 150/);
    assert.ok(!/> 224\.0\.0\.18/.test(wire), wire);
    for (const line of wire.split('\n').filter((l) => l.includes('proto VRRP'))) assert.match(line, /ttl 255,/);
    L().monitorAddrs('r2');
    const t0 = now();
    ours.signal('SIGTERM');
    const tVip = await L().waitAddr('r2', VIP, true, 3000, 2, t0);
    const rx0 = await ka.waitLine('(VI_1) Backup received priority 0 advertisement', 500);
    const tx0 = ours.has('(VI_1) sent 0 priority')!;
    assertWithin(tVip - t0, SKEW_TAKEOVER, 'SIGTERM -> VIP on keepalived', `sent 0 at ${(tx0.t - t0).toFixed(1)}, keepalived got it at ${(rx0.t - t0).toFixed(1)}\n${tail(ka)}`);
  });

  it('(h) VRRPv3 over IPv6 (ff02::12): ours MASTER with hop limit 255 and unsolicited NAs; SIGTERM -> keepalived MASTER', async () => {
    const VIP6 = 'fe80::199:100';
    const c6 = (prio: number, state: 'MASTER' | 'BACKUP') => configText([{ priority: prio, state, vrid: 61, version: 3, vips: [`${VIP6}/64`] }]);
    const dump = L().lab.spawn(L().lab.ns('c'), 'tcpdump', ['--immediate-mode', '-i', 'eth0', '-l', '-n', '-v', 'ip6 proto 112 or (icmp6 and ip6[40] == 136)']);
    let wire = '';
    dump.stdout!.on('data', (d) => { wire += d; });
    const ours = L().start('ours', 'r1', L().writeConf('r1', c6(150, 'MASTER')));
    await ours.waitLine('(VI_1) Entering MASTER STATE', 25000);
    await ours.waitLine('(VI_1) Sending/queueing Unsolicited Neighbour Adverts on eth0 for fe80::199:100', 1000);
    assert.ok(ours.has('Registering gratuitous NDISC shared channel'));
    assert.ok(ours.has(/VRRP sockpool: \[ifindex\(\s*\d+\), family\(IPv6\), proto\(112\), fd\(\d+,\d+\) multicast, address\(ff02::12\)\]/), tail(ours));
    const ka = L().start('keepalived', 'r2', L().writeConf('r2', c6(100, 'BACKUP')));
    await ka.waitLine('(VI_1) Entering BACKUP STATE (init)', 5000);
    await new Promise((r) => setTimeout(r, 4000));
    assert.ok(!ka.has('(VI_1) Entering MASTER STATE'), tail(ka));
    assert.ok(!ka.has(/invalid|wrong|mismatch/), tail(ka));
    assert.match(wire, /hlim 255, next-header VRRP \(112\).*\n?.*> ff02::12: VRRPv3, Advertisement, vrid 61, prio 150/);
    assert.match(wire, new RegExp(`${VIP6.replace(/[.:]/g, '\\$&')} > ff02::1: \\[icmp6 sum ok\\] ICMP6, neighbor advertisement, length 32, tgt is ${VIP6}`));
    L().lab.exec(L().lab.ns('c'), 'ping', ['-6', '-c', '1', '-W', '2', `${VIP6}%eth0`]);
    const n = L().lab.exec(L().lab.ns('c'), 'ip', ['-6', 'neigh', 'show', VIP6, 'dev', 'eth0'], { allowFail: true });
    assert.match(n, new RegExp(`lladdr ${L().mac('r1')}`));
    L().monitorAddrs('r2');
    const t0 = now();
    ours.signal('SIGTERM');
    const tVip = await L().waitAddr('r2', VIP6, true, 3000, 2, t0);
    await ka.waitLine('(VI_1) Backup received priority 0 advertisement', 500);
    assertWithin(tVip - t0, SKEW_TAKEOVER, 'fault -> VIP on the backup');
  });

  it('(i) sync group: one member FAULT pulls the group to FAULT; keepalived takes both VIPs', async () => {
    L().addTrackIf('r1', 'trk0');
    const VIP2 = '10.199.0.101';
    const sg = 'vrrp_sync_group G1 {\n    group {\n        VI_1\n        VI_2\n    }\n}';
    const mk = (prio: number, state: 'MASTER' | 'BACKUP', track: boolean) => configText([
      { name: 'VI_1', vrid: 51, priority: prio, state, vips: [`${VIP}/24`], pass: 's3cret' },
      { name: 'VI_2', vrid: 52, priority: prio, state, vips: [`${VIP2}/24`], pass: 's3cret', ...(track ? { trackInterface: ['trk0'] } : {}) },
    ], sg);
    const ours = L().start('ours', 'r1', L().writeConf('r1', mk(150, 'MASTER', true)));
    await ours.waitLine('(VI_1) Entering MASTER STATE', 25000);
    await ours.waitLine('(VI_2) Entering MASTER STATE', 2000);
    const ka = L().start('keepalived', 'r2', L().writeConf('r2', mk(100, 'BACKUP', false)));
    await ka.waitLine('(VI_2) Entering BACKUP STATE (init)', 5000);
    await new Promise((r) => setTimeout(r, 1500));
    const t0 = now();
    L().lab.exec(L().lab.ns('r1'), 'ip', ['link', 'set', 'trk0', 'down']);
    await ours.waitLine('(VI_2) Entering FAULT STATE', 2000, t0);
    await ours.waitLine('(VI_1) Entering FAULT STATE', 2000, t0);
    await ours.waitLine('VRRP_Group(G1) Syncing instances to FAULT state', 2000, t0);
    await L().waitAddr('r2', VIP, true, 3000);
    await L().waitAddr('r2', VIP2, true, 3000);
    assert.ok(!L().hasAddr('r1', VIP) && !L().hasAddr('r1', VIP2));
    const t1 = now();
    L().lab.exec(L().lab.ns('r1'), 'ip', ['link', 'set', 'trk0', 'up']);
    await ours.waitLine('(VI_1) Entering BACKUP STATE', 2000, t1);
    await ours.waitLine('(VI_2) Entering BACKUP STATE', 2000, t1);
    await ours.waitLine('VRRP_Group(G1) Syncing instances to MASTER state', 6000, t1);
    await L().waitAddr('r1', VIP2, true, 2000);
  });

  it('(j) track_script with weight: failing script lowers our priority below keepalived, which takes over', async () => {
    const flag = `${L().dir}/chk-down`;
    const script = `vrrp_script chk {\n    script "/bin/sh -c 'test ! -e ${flag}'"\n    interval 0.2\n    fall 2\n    rise 1\n    weight -60\n}`;
    const text = configText([{ priority: 150, state: 'MASTER', vips: [`${VIP}/24`], pass: 's3cret' }], script)
      .replace('    virtual_ipaddress {', '    track_script {\n        chk\n    }\n    virtual_ipaddress {');
    const ours = L().start('ours', 'r1', L().writeConf('r1', text));
    await ours.waitLine('VRRP_Script(chk) succeeded', 25000);
    await ours.waitLine('(VI_1) Entering MASTER STATE', 6000);
    const ka = L().start('keepalived', 'r2', L().writeConf('r2', configText([{ priority: 100, vips: [`${VIP}/24`], pass: 's3cret' }])));
    await ka.waitLine('(VI_1) Entering BACKUP STATE (init)', 5000);
    await new Promise((r) => setTimeout(r, 1500));
    const t0 = now();
    writeFileSync(flag, '');
    await ours.waitLine('Script `chk` now returning 1', 2000, t0);
    await ours.waitLine('VRRP_Script(chk) failed (exited with status 1)', 2000, t0);
    await ours.waitLine('(VI_1) Changing effective priority from 150 to 90', 1000, t0);
    await ka.waitLine('(VI_1) received lower priority (90) advert from 10.199.0.1 - discarding', 3000, t0);
    await ka.waitLine('(VI_1) Entering MASTER STATE', 6000, t0);
    await ours.waitLine('(VI_1) Master received advert from 10.199.0.2 with higher priority 100, ours 90', 2000, t0);
    await ours.waitLine('(VI_1) Entering BACKUP STATE', 500, t0);
    await L().waitAddr('r1', VIP, false, 1000);
    const t1 = now();
    rmSync(flag);
    await ours.waitLine('VRRP_Script(chk) succeeded', 2000, t1);
    await ours.waitLine('(VI_1) Changing effective priority from 90 to 150', 1000, t1);
    await ours.waitLine('(VI_1) Entering MASTER STATE', 6000, t1);
  });

  it('(k) carrier loss on our own interface: FAULT, VIP removed, keepalived takes over after Master_Down; carrier back -> BACKUP -> MASTER', async () => {
    const ours = L().start('ours', 'r1', L().writeConf('r1', configText([{ priority: 150, state: 'MASTER', vips: [`${VIP}/24`], pass: 's3cret' }])));
    await ours.waitLine('(VI_1) Entering MASTER STATE', 25000);
    const ka = L().start('keepalived', 'r2', L().writeConf('r2', configText([{ priority: 100, vips: [`${VIP}/24`], pass: 's3cret' }])));
    await ka.waitLine('(VI_1) Entering BACKUP STATE (init)', 5000);
    await new Promise((r) => setTimeout(r, 1500));
    // the bridge side of r1's veth (host index 1 in the lab) goes down: r1's eth0 loses carrier
    const t0 = now();
    L().lab.exec(L().lab.sw, 'ip', ['link', 'set', 'kvb1', 'down']);
    await ours.waitLine('Netlink reports eth0 down', 2000, t0);
    await ours.waitLine('(VI_1) Entering FAULT STATE', 500, t0);
    await L().waitAddr('r1', VIP, false, 1000);
    await ka.waitLine('(VI_1) Entering MASTER STATE', 5000, t0);
    assert.ok(!ka.has('(VI_1) Backup received priority 0 advertisement', t0), 'no priority 0 can reach the wire without carrier');
    const t1 = now();
    L().lab.exec(L().lab.sw, 'ip', ['link', 'set', 'kvb1', 'up']);
    await ours.waitLine('Netlink reports eth0 up', 3000, t1);
    await ours.waitLine('(VI_1) Entering BACKUP STATE', 500, t1);
    await ours.waitLine('(VI_1) Entering MASTER STATE', 6000, t1);
    await ka.waitLine('(VI_1) Master received advert from 10.199.0.1 with higher priority 150, ours 100', 2000, t1);
    await L().waitAddr('r1', VIP, true, 1000);
  });
});

