// Interop with Debian's keepalived 2.2.7 on one L2 segment (root, netns prefix "kv"): client c,
// router r1 and r2. Scenarios (a)-(d) of issue 3: election, SIGTERM and SIGKILL failover in both
// roles, with log lines, VIP ownership, the client's neighbour cache and wire facts (tcpdump).
import assert from 'node:assert/strict';
import { around, assertWithin, MARGIN, masterDownMs, skewTimeMs } from '../../helpers/bounds.js';
import { waitFor } from '../../helpers/netns.js';
import { configText, labPerTest, now, tail, type Daemon } from './lab.js';

const VIP = '10.199.0.100';
const conf = (prio: number, state: 'MASTER' | 'BACKUP') => configText([{ priority: prio, state, vips: [`${VIP}/24`], pass: 's3cret' }]);
// Takeover after a priority-0 advert: Skew_Time of the priority-100 backup; after silence:
// its Master_Down_Interval from the last advert. Early: two observers' stamps; late: timer + observation.
const SKEW_TAKEOVER = around(skewTimeMs(100), MARGIN.stampSkew, MARGIN.timerLate, 'Skew_Time(100)');
// the interval starts at tcpdump's line for the last advert, which reaches the test up to pipeLag late
const MDI_TAKEOVER = around(masterDownMs(100), MARGIN.pipeLag, MARGIN.timerLate, 'Master_Down_Interval(100)');

describe('vrrp interop with keepalived 2.2.7 (netns)', function () {
  const L = labPerTest(this, 'kv');

  async function ourMasterTheirBackup(): Promise<{ ours: Daemon; ka: Daemon }> {
    const ours = L().start('ours', 'r1', L().writeConf('r1', conf(150, 'MASTER')));
    await ours.waitLine('(VI_1) Entering BACKUP STATE (init)', 20000);
    await ours.waitLine('(VI_1) Entering MASTER STATE', 6000);
    await L().waitAddr('r1', VIP, true, 2000);
    const ka = L().start('keepalived', 'r2', L().writeConf('r2', conf(100, 'BACKUP')));
    await ka.waitLine('(VI_1) Entering BACKUP STATE (init)', 5000);
    return { ours, ka };
  }

  it('(a) ours prio 150 becomes MASTER, keepalived prio 100 stays BACKUP; the client resolves the VIP to ours; wire facts', async () => {
    const dump = L().lab.spawn(L().lab.ns('c'), 'tcpdump', ['--immediate-mode', '-i', 'eth0', '-l', '-n', '-v', '-c', '3', 'proto 112']);
    let wire = '';
    dump.stdout!.on('data', (d) => { wire += d; });
    const { ours, ka } = await ourMasterTheirBackup();
    // ours: keepalived's start-up and transition lines in order
    const seq = ['(VI_1) removing VIPs.', '(VI_1) Entering BACKUP STATE (init)', '(VI_1) Receive advertisement timeout', '(VI_1) Entering MASTER STATE',
      '(VI_1) setting VIPs.', '(VI_1) Sending/queueing gratuitous ARPs on eth0 for 10.199.0.100', 'Sending gratuitous ARP on eth0 for 10.199.0.100'];
    let at = -1;
    for (const s of seq) { const i = ours.texts().indexOf(s, at + 1); assert.ok(i > at, `missing/out of order: ${s}\n${tail(ours)}`); at = i; }
    assert.equal(ours.texts().filter((t) => t === 'Sending gratuitous ARP on eth0 for 10.199.0.100').length, 5);
    assert.ok(/VRRP sockpool: \[ifindex\(\s*\d+\), family\(IPv4\), proto\(112\), fd\(\d+,\d+\) multicast, address\(224\.0\.0\.18\)\]/.test(ours.texts().join('\n')));
    // keepalived sees our adverts and stays BACKUP for 4 s (> its Master_Down_Interval)
    await new Promise((r) => setTimeout(r, 4000));
    assert.ok(!ka.has('(VI_1) Entering MASTER STATE'), tail(ka));
    assert.ok(!ka.has(/invalid|wrong|mismatch/), tail(ka));
    assert.equal(L().hasAddr('r2', VIP), false);
    assert.equal(L().hasAddr('r1', VIP), true);
    // client: ping the VIP, its neighbour entry points at r1
    L().lab.exec(L().lab.ns('c'), 'ping', ['-c', '1', '-W', '2', VIP]);
    assert.equal(L().neigh('c', VIP), L().mac('r1'));
    await waitFor(() => (wire.match(/VRRPv2/g) ?? []).length >= 3, 5000);
    for (const line of wire.split('\n').filter((l) => l.includes('proto VRRP'))) {
      assert.match(line, /tos 0xc0, ttl 255,/);
      assert.match(line, /offset 0, flags \[none\]/);
    }
    assert.match(wire, /10\.199\.0\.1 > 224\.0\.0\.18: VRRPv2, Advertisement, vrid 51, prio 150, authtype simple, intvl 1s/);
    assert.match(wire, /addrs: 10\.199\.0\.100 auth "s3cret"/);
  });

  it('(b) SIGTERM ours: one priority-0 advert, VIP removed, keepalived owns the VIP within Skew_Time + 100 ms', async () => {
    const { ours, ka } = await ourMasterTheirBackup();
    L().monitorAddrs('r2');
    const dump = L().lab.spawn(L().lab.ns('c'), 'tcpdump', ['--immediate-mode', '-i', 'eth0', '-l', '-n', '-v', 'proto 112 and src 10.199.0.1']);
    let wire = '';
    dump.stdout!.on('data', (d) => { wire += d; });
    await new Promise((r) => setTimeout(r, 1500));
    const t0 = now();
    ours.signal('SIGTERM');
    const tVip = await L().waitAddr('r2', VIP, true, 3000, 2, t0);
    await ka.waitLine('(VI_1) Backup received priority 0 advertisement', 1000);
    await ka.waitLine('(VI_1) Entering MASTER STATE', 1000);
    await ours.exit();
    const took = tVip - t0;
    const stopLine = ours.has('Stopping')!.t - t0, p0 = ours.has('(VI_1) sent 0 priority')!.t - t0;
    assertWithin(took, SKEW_TAKEOVER, 'SIGTERM -> VIP on keepalived', `Stopping at ${stopLine.toFixed(1)}, sent 0 at ${p0.toFixed(1)}`);
    for (const s of ['Stopping', '(VI_1) sent 0 priority', '(VI_1) removing VIPs.', 'Stopped']) assert.ok(ours.has(s), `${s}\n${tail(ours)}`);
    assert.equal(L().hasAddr('r1', VIP), false);
    await waitFor(() => /prio 0/.test(wire), 2000);
    assert.equal((wire.match(/prio 0,/g) ?? []).length, 1, wire);
  });

  it('(c) SIGKILL ours: keepalived owns the VIP within Master_Down_Interval + 100 ms of our last advert', async () => {
    const { ours, ka } = await ourMasterTheirBackup();
    L().monitorAddrs('r2');
    await new Promise((r) => setTimeout(r, 1200));
    // kill right after an advert so the measured interval is the full Master_Down_Interval
    const dump = L().lab.spawn(L().lab.ns('r2'), 'tcpdump', ['--immediate-mode', '-i', 'eth0', '-l', '-n', '-c', '1', 'proto 112 and src 10.199.0.1']);
    let got = false;
    dump.stdout!.on('data', () => { got = true; });
    await waitFor(() => got, 3000, 1);
    const tLast = now();
    ours.crash();
    const tVip = await L().waitAddr('r2', VIP, true, 6000, 2, tLast);
    await ka.waitLine('(VI_1) Entering MASTER STATE', 1000);
    const took = tVip - tLast;
    assertWithin(took, MDI_TAKEOVER, 'last advert -> VIP on keepalived');
  });

  it('(d) reverse roles: keepalived prio 150 MASTER, ours prio 100 BACKUP; SIGTERM keepalived -> ours MASTER within Skew_Time + 100 ms', async () => {
    const ka = L().start('keepalived', 'r1', L().writeConf('r1', conf(150, 'MASTER')));
    await ka.waitLine('(VI_1) Entering MASTER STATE', 6000);
    await L().waitAddr('r1', VIP, true, 2000);
    const ours = L().start('ours', 'r2', L().writeConf('r2', conf(100, 'BACKUP')));
    await ours.waitLine('(VI_1) Entering BACKUP STATE (init)', 20000);
    L().monitorAddrs('r2');
    await new Promise((r) => setTimeout(r, 4000));
    assert.ok(!ours.has('(VI_1) Entering MASTER STATE'), tail(ours));
    assert.ok(!ours.has(/invalid|wrong|mismatch|discarding/), tail(ours));
    const t0 = now();
    ka.signal('SIGTERM');
    const tVip = await L().waitAddr('r2', VIP, true, 3000, 2, t0);
    const took = tVip - t0;
    await ours.waitLine('(VI_1) Backup received priority 0 advertisement', 500);
    await ours.waitLine('(VI_1) Entering MASTER STATE', 500);
    assertWithin(took, SKEW_TAKEOVER, 'SIGTERM to keepalived -> VIP on ours', tail(ours));
    L().lab.exec(L().lab.ns('c'), 'ping', ['-c', '1', '-W', '2', VIP]);
    assert.equal(L().neigh('c', VIP), L().mac('r2'));
    // keepalived comes back with the higher priority and preempts after its Master_Down_Interval
    const ka2 = L().start('keepalived', 'r1', L().writeConf('r1', conf(150, 'MASTER')));
    await ka2.waitLine('(VI_1) Entering MASTER STATE', 6000);
    await ours.waitLine('(VI_1) Master received advert from 10.199.0.1 with higher priority 150, ours 100', 2000);
    await ours.waitLine('(VI_1) Entering BACKUP STATE', 500);
    await L().waitAddr('r2', VIP, false, 500);
  });
});
