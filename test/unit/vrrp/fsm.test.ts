// FSM scenarios with a fake clock. Each is tagged with the RFC rule it checks; log sequences are
// compared with what keepalived 2.2.7 printed in keepalived-2.2.7-captures/logs (with -D).
import assert from 'node:assert/strict';
import type { VrrpAction } from '../../../src/vrrp/fsm-types.js';
import { baseParams, Harness, peerAdvert } from './helpers.js';

const r1 = (over = {}) => baseParams({ priority: 150, initialState: 'MASTER', primaryAddress: '10.198.0.1', auth: { type: 1, pass: 's3cret' }, ...over });
const r2 = (over = {}) => baseParams({ priority: 100, primaryAddress: '10.198.0.2', auth: { type: 1, pass: 's3cret' }, ...over });

function started(p: ReturnType<typeof baseParams>): Harness {
  const h = new Harness(p);
  h.feed({ type: 'startup' });
  return h;
}

describe('vrrp/fsm: start-up', () => {
  it('state MASTER below 255 starts BACKUP(init) and becomes MASTER at exactly Master_Down_Interval [RFC 3768 §6.4.1, §6.4.2; captures v2-sequence-r1]', () => {
    const h = started(r1());
    assert.equal(h.stateAt(), 'BACKUP');
    const md = 3414.062; // keepalived: 3000000 + floor(106 * 1000000 / 256) us
    assert.equal(h.due('masterDown'), md);
    h.advance(md - 0.001);
    assert.equal(h.stateAt(), 'BACKUP');
    h.advance(0.001);
    assert.equal(h.stateAt(), 'MASTER');
    assert.deepEqual(h.logs(), [
      '(VI_1) removing VIPs.',
      '(VI_1) Entering BACKUP STATE (init)',
      '(VI_1) Receive advertisement timeout',
      '(VI_1) Entering MASTER STATE',
      '(VI_1) setting VIPs.',
    ]);
    // non -D lines only
    assert.deepEqual(h.logs(false), ['(VI_1) Entering BACKUP STATE (init)', '(VI_1) Entering MASTER STATE']);
  });

  it('becoming MASTER: advert first, then VIPs, then a GARP burst of 5, second burst 5.000 s later [captures README behaviour 4]', () => {
    const h = started(r1());
    h.advance(3414.062);
    const k = h.kinds();
    const iAdv = k.indexOf('sendAdvert'), iAdd = k.indexOf('addVips'), iGarp = k.indexOf('garp');
    assert.ok(iAdv >= 0 && iAdv < iAdd && iAdd < iGarp, k.join(','));
    const garps = () => h.actions.filter((x) => x.action.kind === 'garp').map((x) => ({ at: x.at, ...(x.action as Extract<VrrpAction, { kind: 'garp' }>) }));
    assert.deepEqual(garps().map((g) => [g.at, g.count, g.reason]), [[3414.062, 5, 'master']]);
    h.advance(5000);
    assert.deepEqual(garps().map((g) => [g.at, g.count, g.reason]), [[3414.062, 5, 'master'], [8414.062, 5, 'delayed']]);
    // adverts every advert_int while MASTER, priority 150, PASS s3cret
    const sent = h.sent();
    assert.deepEqual(sent.map((s) => s.at), [3414.062, 4414.062, 5414.062, 6414.062, 7414.062, 8414.062]);
    assert.ok(sent.every((s) => s.priority === 150));
    assert.equal(h.fsm.stats.become_master, 1);
  });

  it('notifies BACKUP at start-up, then MASTER (mail "Entering BACKUP state" at BACKUP(init))', () => {
    const h = started(r1());
    h.advance(4000);
    const n = h.actions.filter((x) => x.action.kind === 'notify').map((x) => (x.action as { state: string }).state);
    assert.deepEqual(n, ['BACKUP', 'MASTER']);
  });

  it('address owner (255) goes MASTER at once without BACKUP(init) [RFC 5798 §6.4.1]', () => {
    const h = started(baseParams({ priority: 255, initialState: 'MASTER' }));
    h.advance(0);
    assert.equal(h.stateAt(), 'MASTER');
    assert.ok(!h.logs().includes('(VI_1) Entering BACKUP STATE (init)'));
    assert.deepEqual(h.sent().map((s) => [s.at, s.priority]), [[0, 255]]);
  });

  it('starts in FAULT when an unweighted tracker is down: "entering FAULT state", then the VIP removal (2.2.7, no "(init)")', () => {
    const h = new Harness(baseParams({ trackers: [{ kind: 'interface', name: 'pe1', weight: 0, reverse: false, initial: { ok: false } }] }));
    h.feed({ type: 'startup' });
    assert.equal(h.stateAt(), 'FAULT');
    assert.deepEqual(h.logs(), ['(VI_1) entering FAULT state', '(VI_1) removing VIPs.']);
  });

  it('v3 advert_int 0.1: Master_Down 341.406 ms for priority 150, adverts every 100 ms [RFC 5798 §6.1; captures 0.341 s]', () => {
    const h = started(r1({ version: 3, advertIntCs: 10, auth: { type: 0 } }));
    assert.equal(h.due('masterDown'), 341.406);
    h.advance(341.406 + 300);
    assert.deepEqual(h.sent().map((s) => s.at), [341.406, 441.406, 541.406, 641.406]);
  });
});

describe('vrrp/fsm: BACKUP receive [RFC 3768 §6.4.2 / RFC 5798 §6.4.2]', () => {
  it('priority 0 advert -> MASTER after Skew_Time, not at once (captures README behaviour 2)', () => {
    const p = r2();
    const h = started(p);
    h.advance(1000);
    h.feed(peerAdvert(p, '10.198.0.1', 0));
    assert.deepEqual(h.logs().slice(-1), ['(VI_1) Backup received priority 0 advertisement']);
    assert.equal(h.due('masterDown'), 1000 + 609.375);
    h.advance(609.374);
    assert.equal(h.stateAt(), 'BACKUP');
    h.advance(0.001);
    assert.equal(h.stateAt(), 'MASTER');
    assert.equal(h.fsm.stats.pri_zero_rcvd, 1);
  });

  // [advert priority, preempt, expect state after 6 s of adverts every 1 s, expect a discard line]
  const table: [string, number, boolean, 'BACKUP' | 'MASTER', boolean][] = [
    ['higher, preempt', 200, true, 'BACKUP', false],
    ['equal, preempt', 150, true, 'BACKUP', false],
    ['lower, preempt', 100, true, 'MASTER', true],
    ['higher, nopreempt', 200, false, 'BACKUP', false],
    ['equal, nopreempt', 150, false, 'BACKUP', false],
    ['lower, nopreempt', 100, false, 'BACKUP', false],
  ];
  for (const [name, prio, preempt, want, discard] of table) {
    it(`${name} -> ${want}`, () => {
      const p = baseParams({ priority: 150, preempt, primaryAddress: '10.198.0.1' });
      const h = started(p);
      for (let t = 0; t < 6; t++) { h.advance(500); h.feed(peerAdvert(p, '10.198.0.2', prio)); h.advance(500); }
      assert.equal(h.stateAt(), want);
      const line = `(VI_1) received lower priority (${prio}) advert from 10.198.0.2 - discarding`;
      assert.equal(h.logs().includes(line), discard);
      if (want === 'MASTER') assert.equal(h.actions.find((x) => x.action.kind === 'stateChange' && (x.action as { to: string }).to === 'MASTER')!.at, 3414.062);
    });
  }

  it('returning higher-priority router discards lower adverts and preempts only at its own Master_Down (captures README behaviour 3)', () => {
    const p = r1();
    const h = started(p);
    for (let i = 0; i < 5; i++) { h.advance(300); h.feed(peerAdvert(p, '10.198.0.2', 100)); h.advance(700); }
    assert.deepEqual(h.logs(false), [
      '(VI_1) Entering BACKUP STATE (init)',
      '(VI_1) received lower priority (100) advert from 10.198.0.2 - discarding',
      '(VI_1) received lower priority (100) advert from 10.198.0.2 - discarding',
      '(VI_1) received lower priority (100) advert from 10.198.0.2 - discarding',
      '(VI_1) received lower priority (100) advert from 10.198.0.2 - discarding',
      '(VI_1) Entering MASTER STATE',
      '(VI_1) Received advert from 10.198.0.2 with lower priority 100, ours 150, forcing new election',
    ]);
  });

  it('preempt_delay: starts at the first lower advert, accepts lower adverts until it has run, then preempts (data/ka227-preempt-delay-nopreempt-v3adopt.log)', () => {
    const p = baseParams({ name: 'P_DELAY', priority: 200, preemptDelayMs: 3000, primaryAddress: '10.77.0.2', vips: ['10.77.0.151'] });
    const h = started(p);
    // r1 (100) is master and advertises every second, first advert 0.6 s after our start
    for (let t = 0; t < 10 && h.stateAt() === 'BACKUP'; t++) { h.advance(t === 0 ? 600 : 1000); h.feed(peerAdvert(p, '10.77.0.1', 100)); }
    assert.deepEqual(h.logs(false), [
      '(P_DELAY) Entering BACKUP STATE (init)',
      '(P_DELAY) start preempt delay (3.000000)',
      '(P_DELAY) received lower priority (100) advert from 10.77.0.1 - discarding',
      '(P_DELAY) received lower priority (100) advert from 10.77.0.1 - discarding',
      '(P_DELAY) received lower priority (100) advert from 10.77.0.1 - discarding',
      '(P_DELAY) Entering MASTER STATE',
      '(P_DELAY) Received advert from 10.77.0.1 with lower priority 100, ours 200, forcing new election',
    ]);
    // last accepted advert at 2.6 s (< 0.6 + 3 s), then Master_Down 3.218 s
    const when = h.actions.find((x) => x.action.kind === 'stateChange' && (x.action as { to: string }).to === 'MASTER')!.at;
    assert.equal(when, 2600 + 3218.75);
  });

  it('v3 Backup adopts the Master\'s interval and recomputes Master_Down [RFC 5798 §6.4.2]', () => {
    const p = baseParams({ version: 3, auth: { type: 0 } });
    const h = started(p);
    h.advance(100);
    h.feed(peerAdvert(p, '10.198.0.1', 200, { adverInt: 50 }));
    // 3 * 500 ms + (256-100)*500/256 ms
    assert.equal(h.due('masterDown'), 100 + 1500 + 304.687); // keepalived truncates to whole microseconds
    assert.equal(h.fsm.view().masterAdverIntCs, 50);
    assert.deepEqual(h.logs().slice(-1), ['(VI_1) advertisement interval updated from 1000ms to 500ms by master']);
  });

  it('v2 Backup discards an advert with another interval: logged, timer not reset, takes over (keepalived 2.2.7, verified in namespaces) [RFC 3768 §7.1]', () => {
    const p = baseParams();
    const h = started(p);
    for (let i = 0; i < 5; i++) { h.advance(500); h.feed(peerAdvert(p, '10.198.0.1', 200, { adverInt: 2 })); h.advance(500); }
    assert.equal(h.fsm.view().masterAdverIntCs, 100);
    assert.deepEqual(h.logs(false).slice(0, 4), [
      '(VI_1) Entering BACKUP STATE (init)',
      "(VI_1) advertisement interval mismatch mine=1 sec rcv'd=2 sec",
      "(VI_1) advertisement interval mismatch mine=1 sec rcv'd=2 sec",
      "(VI_1) advertisement interval mismatch mine=1 sec rcv'd=2 sec",
    ]);
    assert.equal(h.actions.find((x) => x.action.kind === 'stateChange' && (x.action as { to: string }).to === 'MASTER')!.at, 3609.375);
    assert.equal(h.fsm.stats.advert_interval_err, 5);
  });

  it('stale timer generations are ignored', () => {
    const p = baseParams();
    const h = started(p);
    const first = h.actions.find((x) => x.action.kind === 'setTimer')!.action as Extract<VrrpAction, { kind: 'setTimer' }>;
    h.advance(1000);
    h.feed(peerAdvert(p, '10.198.0.1', 200)); // re-arms masterDown with a new generation
    assert.deepEqual(h.fsm.handle({ type: 'timer', timer: 'masterDown', generation: first.generation }), []);
    assert.equal(h.stateAt(), 'BACKUP');
  });
});

describe('vrrp/fsm: MASTER receive [RFC 3768 §6.4.3 / RFC 5798 §6.4.3]', () => {
  function master(over = {}): Harness {
    const h = started(baseParams({ priority: 100, initialState: 'MASTER', ...over }));
    h.advance(4000);
    assert.equal(h.stateAt(), 'MASTER');
    h.clear();
    return h;
  }
  // [name, family, ours, theirs, their priority, expect]
  const rows: [string, 'inet' | 'inet6', string, string, number, 'BACKUP' | 'MASTER'][] = [
    ['higher priority', 'inet', '10.198.0.2', '10.198.0.1', 150, 'BACKUP'],
    ['equal priority, higher IPv4 wins', 'inet', '10.198.0.2', '10.198.0.10', 100, 'BACKUP'],
    ['equal priority, lower IPv4 loses', 'inet', '10.198.0.10', '10.198.0.2', 100, 'MASTER'],
    ['equal priority, higher IPv6 wins', 'inet6', 'fe80::2', 'fe80::1:0', 100, 'BACKUP'],
    ['equal priority, lower IPv6 loses', 'inet6', 'fe80::1:0', 'fe80::ffff', 100, 'MASTER'],
    ['lower priority', 'inet', '10.198.0.2', '10.198.0.1', 50, 'MASTER'],
  ];
  for (const [name, family, ours, theirs, prio, want] of rows) {
    it(`${name} -> ${want}`, () => {
      const over = family === 'inet6'
        ? { family, version: 3 as const, vrid: 61, vips: ['fe80::198:100'], destination: 'ff02::12', primaryAddress: ours }
        : { primaryAddress: ours };
      const h = master(over);
      h.feed(peerAdvert(h.params, theirs, prio));
      assert.equal(h.stateAt(), want);
      const logs = h.logs();
      if (want === 'BACKUP') {
        assert.equal(logs[0], prio > 100
          ? `(VI_1) Master received advert from ${theirs} with higher priority ${prio}, ours 100`
          : `(VI_1) Master received advert from ${theirs} with same priority ${prio} but higher IP address than ours`);
        assert.deepEqual(logs.slice(1), ['(VI_1) Entering BACKUP STATE', '(VI_1) removing VIPs.']);
        assert.deepEqual(h.sent(), [], 'a master stepping down sends nothing (captures README behaviour 10)');
        assert.ok(h.kinds().includes('removeVips'));
      }
    });
  }

  it('lower priority: log, immediate advert, GARPs, notify_master_rx_lower_pri [RFC 9568 §6.4.3]', () => {
    const h = master({ primaryAddress: '10.198.0.2' });
    h.feed(peerAdvert(h.params, '10.198.0.1', 50));
    assert.deepEqual(h.logs(false), ['(VI_1) Received advert from 10.198.0.1 with lower priority 50, ours 100, forcing new election']);
    assert.deepEqual(h.sent().map((s) => s.priority), [100]);
    const garp = h.actions.find((x) => x.action.kind === 'garp')!.action as Extract<VrrpAction, { kind: 'garp' }>;
    assert.deepEqual([garp.count, garp.reason], [5, 'lowerPrio']);
    assert.ok(h.actions.some((x) => x.action.kind === 'notify' && (x.action as { state: string }).state === 'MASTER_RX_LOWER_PRI'));
  });

  it('lower priority: one delayed GARP burst per lower advert, garp_lower_prio_delay after each (keepalived 2.2.7: three queued adverts, three bursts; chaos-net-stall)', () => {
    const h = master({ primaryAddress: '10.198.0.2' });
    const t0 = h.clock.now();
    for (let i = 0; i < 3; i++) h.feed(peerAdvert(h.params, '10.198.0.1', 50));
    h.advance(1000);
    h.feed(peerAdvert(h.params, '10.198.0.1', 50));
    h.clear();
    h.advance(4000);
    const bursts = () => h.actions.filter((x) => x.action.kind === 'garp' && (x.action as { reason: string }).reason === 'lowerPrio').map((x) => Math.round(x.at - t0));
    assert.deepEqual(bursts(), [5000, 5000, 5000]);
    h.advance(1000);
    assert.deepEqual(bursts(), [5000, 5000, 5000, 6000]);
    h.advance(10_000);
    assert.equal(bursts().length, 4);
  });

  it('lower priority: pending delayed bursts are dropped when the master steps down', () => {
    const h = master({ primaryAddress: '10.198.0.2' });
    h.feed(peerAdvert(h.params, '10.198.0.1', 50));
    h.feed(peerAdvert(h.params, '10.198.0.1', 150));
    assert.equal(h.stateAt(), 'BACKUP');
    h.clear();
    h.advance(6000);
    assert.ok(!h.actions.some((x) => x.action.kind === 'garp' && (x.action as { reason: string }).reason === 'lowerPrio'));
  });

  it('lower_prio_no_advert: no advert and no "forcing new election"', () => {
    const h = master({ lowerPrioNoAdvert: true });
    h.feed(peerAdvert(h.params, '10.198.0.1', 50));
    assert.deepEqual(h.logs(false), ['(VI_1) Received advert from 10.198.0.1 with lower priority 50, ours 100']);
    assert.deepEqual(h.sent(), []);
  });

  it('priority 0 received: re-advert at once [RFC 5798 §6.4.3]', () => {
    const h = master();
    h.feed(peerAdvert(h.params, '10.198.0.1', 0));
    assert.deepEqual(h.sent().map((s) => s.priority), [100]);
    assert.equal(h.stateAt(), 'MASTER');
  });

  it('v3: stepping down adopts the new master\'s interval [RFC 5798 §6.4.3]', () => {
    const h = master({ version: 3, auth: { type: 0 } });
    h.feed(peerAdvert(h.params, '10.198.0.1', 200, { adverInt: 200 }));
    assert.equal(h.stateAt(), 'BACKUP');
    assert.equal(h.fsm.view().masterAdverIntCs, 200);
    assert.equal(h.due('masterDown')! - h.clock.now(), 6000 + 1218.75);
  });

  it('keepalived quirk: any packet for our VRID re-arms the master\'s advert timer (vectors/vrrpv2-auth-mismatch)', () => {
    const h = master({ auth: { type: 1, pass: 's3cret' } });
    const before = h.due('adver')!;
    h.advance(500);
    h.feed(peerAdvert(h.params, '10.198.0.1', 100, { pass: 'wrong' }));
    assert.deepEqual(h.logs(), ['(VI_1) received an invalid passwd!']);
    assert.equal(h.due('adver'), h.clock.now() + 1000);
    assert.ok(h.due('adver')! > before);
  });

  // master conflict episodes (test/integration/chaos/chaos-net-stall.test.ts: the stalled master wakes
  // up with 3 queued lower adverts; the peer that took over hears it once and steps down)
  it('master conflict: one count per episode for the winner, whatever the number of lower adverts', () => {
    const h = master({ primaryAddress: '10.198.0.2' });
    for (let i = 0; i < 3; i++) h.feed(peerAdvert(h.params, '10.198.0.1', 50));
    assert.equal(h.fsm.stats.master_conflict, 1);
    // still within Master_Down_Interval of the last one: the same episode
    h.advance(3000);
    h.feed(peerAdvert(h.params, '10.198.0.1', 50));
    assert.equal(h.fsm.stats.master_conflict, 1);
    // quiet for longer than Master_Down_Interval (3 s + skew 0.609 s): a new episode
    h.advance(3700);
    h.feed(peerAdvert(h.params, '10.198.0.1', 50));
    assert.equal(h.fsm.stats.master_conflict, 2);
  });

  it('master conflict: the loser counts its episode as it steps down; priority 0 and our own address are not conflicts', () => {
    const h = master({ primaryAddress: '10.198.0.2' });
    h.feed(peerAdvert(h.params, '10.198.0.1', 0));
    h.feed(peerAdvert(h.params, '10.198.0.2', 100));
    assert.equal(h.fsm.stats.master_conflict, 0);
    h.feed(peerAdvert(h.params, '10.198.0.1', 150));
    assert.equal(h.stateAt(), 'BACKUP');
    assert.equal(h.fsm.stats.master_conflict, 1);
    // MASTER again (the peer went silent), then another conflict at once: a new episode
    h.advance(4000);
    assert.equal(h.stateAt(), 'MASTER');
    h.feed(peerAdvert(h.params, '10.198.0.1', 50));
    assert.equal(h.fsm.stats.master_conflict, 2);
  });

  it('two owners: keepalived reduces the local priority and steps down', () => {
    const h = master({ priority: 255 });
    h.feed(peerAdvert(h.params, '10.198.0.1', 255));
    assert.equal(h.logs()[0], '(VI_1) CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority');
    assert.equal(h.stateAt(), 'BACKUP');
  });
});

describe('vrrp/fsm: shutdown, FAULT, trackers', () => {
  it('MASTER shutdown sends exactly one priority-0 advert, then removes VIPs [RFC 5798 §6.4.3; captures]', () => {
    const h = started(r1());
    h.advance(4000);
    h.clear();
    h.feed({ type: 'shutdown' });
    assert.deepEqual(h.sent().map((s) => s.priority), [0]);
    assert.deepEqual(h.logs(), ['(VI_1) sent 0 priority', '(VI_1) removing VIPs.']);
    assert.equal(h.stateAt(), 'STOP');
    assert.equal(h.fsm.stats.pri_zero_sent, 1);
    assert.ok(h.actions.some((x) => x.action.kind === 'notify' && (x.action as { state: string }).state === 'STOP'));
    assert.deepEqual(h.actions.filter((x) => x.action.kind === 'setTimer'), []);
  });

  it('BACKUP shutdown sends nothing and logs nothing (captures README behaviour 10)', () => {
    const h = started(r2());
    h.clear();
    h.feed({ type: 'shutdown' });
    assert.deepEqual(h.sent(), []);
    assert.deepEqual(h.logs(), []);
  });

  it('unweighted track_interface down: MASTER -> FAULT with priority 0 twice; up -> BACKUP (captures fault-track-interface-r1)', () => {
    const p = r1({ trackers: [{ kind: 'interface', name: 'pe1', weight: 0, reverse: false, initial: { ok: true } }] });
    const h = started(p);
    h.advance(4000);
    h.feed({ type: 'tracker', tracker: { kind: 'interface', name: 'pe1' }, status: { ok: false } });
    h.advance(2000);
    h.feed({ type: 'tracker', tracker: { kind: 'interface', name: 'pe1' }, status: { ok: true } });
    for (let i = 0; i < 4; i++) { h.feed(peerAdvert(p, '10.198.0.2', 100)); h.advance(1000); }
    assert.deepEqual(h.logs(), [
      '(VI_1) removing VIPs.',
      '(VI_1) Entering BACKUP STATE (init)',
      '(VI_1) Receive advertisement timeout',
      '(VI_1) Entering MASTER STATE',
      '(VI_1) setting VIPs.',
      '(VI_1) Entering FAULT STATE',
      '(VI_1) sent 0 priority',
      '(VI_1) removing VIPs.',
      '(VI_1) Entering BACKUP STATE',
      '(VI_1) received lower priority (100) advert from 10.198.0.2 - discarding',
      '(VI_1) received lower priority (100) advert from 10.198.0.2 - discarding',
      '(VI_1) received lower priority (100) advert from 10.198.0.2 - discarding',
      '(VI_1) received lower priority (100) advert from 10.198.0.2 - discarding',
      '(VI_1) Receive advertisement timeout',
      '(VI_1) Entering MASTER STATE',
      '(VI_1) setting VIPs.',
    ]);
    const zeros = h.actions.filter((x) => x.action.kind === 'sendAdvert' && (x.action as Extract<VrrpAction, { kind: 'sendAdvert' }>).advert.priority === 0);
    assert.equal(zeros.length, 2);
    assert.equal(zeros[0]!.at, zeros[1]!.at);
  });

  it('own interface down -> FAULT; dont_track_primary ignores it', () => {
    const a = started(r2());
    a.feed({ type: 'interface', up: false });
    assert.equal(a.stateAt(), 'FAULT');
    const b = started(r2({ dontTrackPrimary: true }));
    b.feed({ type: 'interface', up: false });
    assert.equal(b.stateAt(), 'BACKUP');
  });

  // measured on 2.2.7 (test/integration/vrrp/dont-track-primary.test.ts): dont_track_primary does not cover a missing address
  it('no address on the own interface -> FAULT, with or without dont_track_primary; back -> BACKUP', () => {
    for (const dontTrackPrimary of [false, true]) {
      const h = started(r2({ dontTrackPrimary }));
      h.feed({ type: 'interface', up: true, addr: false });
      assert.equal(h.stateAt(), 'FAULT');
      h.feed({ type: 'interface', up: false, addr: true });
      assert.equal(h.stateAt(), dontTrackPrimary ? 'BACKUP' : 'FAULT');
      h.feed({ type: 'interface', up: true, addr: true });
      assert.equal(h.stateAt(), 'BACKUP');
    }
  });

  it('weighted track_script changes the effective priority and the adverts [keepalived vrrp_track.c]', () => {
    const p = r1({ trackers: [{ kind: 'script', name: 'chk', weight: -60, reverse: false, initial: { ok: true } }] });
    const h = started(p);
    h.advance(4000);
    h.feed({ type: 'tracker', tracker: { kind: 'script', name: 'chk' }, status: { ok: false } });
    assert.deepEqual(h.logs().slice(-1), ['(VI_1) Changing effective priority from 150 to 90']);
    assert.equal(h.stateAt(), 'MASTER');
    h.clear();
    h.advance(1000);
    assert.deepEqual(h.sent().map((s) => s.priority), [90]);
    // a peer at 100 now wins
    h.feed(peerAdvert(p, '10.198.0.2', 100));
    assert.equal(h.stateAt(), 'BACKUP');
  });
});

describe('vrrp/fsm: script trackers start unknown (keepalived 2.2.7, checked in namespaces)', () => {
  it('a weight-20 script logs the change at its first success; a first failure changes nothing', () => {
    const tr = { kind: 'script' as const, name: 'chk', weight: 20, reverse: false, initial: { unknown: true as const } };
    const a = started(baseParams({ name: 'INITSCRIPT', trackers: [tr] }));
    a.feed({ type: 'tracker', tracker: { kind: 'script', name: 'chk' }, status: { ok: true } });
    assert.deepEqual(a.logs(false), ['(INITSCRIPT) Entering BACKUP STATE (init)', '(INITSCRIPT) Changing effective priority from 100 to 120']);
    const b = started(baseParams({ name: 'WEIGHT', trackers: [tr] }));
    b.feed({ type: 'tracker', tracker: { kind: 'script', name: 'chk' }, status: { ok: false } });
    assert.deepEqual(b.logs(false), ['(WEIGHT) Entering BACKUP STATE (init)']);
    b.feed({ type: 'tracker', tracker: { kind: 'script', name: 'chk' }, status: { ok: true } });
    assert.deepEqual(b.logs(false).slice(-1), ['(WEIGHT) Changing effective priority from 100 to 120']);
  });
});

describe('vrrp/fsm: rejected-advert log policy', () => {
  it("'every' (keepalived 2.2.7, as captured) logs each rejection", () => {
    const p = r2();
    const h = started(p);
    for (let i = 0; i < 3; i++) h.feed(peerAdvert(p, '10.198.0.1', 150, { pass: 'wrong' }));
    assert.equal(h.logs().filter((l) => l === '(VI_1) received an invalid passwd!').length, 3);
    assert.equal(h.fsm.stats.auth_failure, 3);
  });
  it("'once' logs a kind once until an accepted advert or a state change", () => {
    const p = r2({ rejectLogPolicy: 'once' });
    const h = started(p);
    for (let i = 0; i < 3; i++) h.feed(peerAdvert(p, '10.198.0.1', 150, { pass: 'wrong' }));
    h.feed(peerAdvert(p, '10.198.0.1', 150));
    for (let i = 0; i < 3; i++) h.feed(peerAdvert(p, '10.198.0.1', 150, { pass: 'wrong' }));
    assert.equal(h.logs().filter((l) => l === '(VI_1) received an invalid passwd!').length, 2);
    assert.equal(h.fsm.stats.auth_failure, 6);
  });
});

describe('vrrp/fsm: IPv6 and GARP refresh', () => {
  it('IPv6 instance logs Unsolicited Neighbour Adverts and sends v3 adverts that verify over the IPv6 pseudo-header (captures v3-ipv6-r1)', async () => {
    const { decodeAdvert, computeChecksum } = await import('../../../src/vrrp/packet.js');
    const p = baseParams({ family: 'inet6', version: 3, vrid: 61, vips: ['fe80::198:100'], destination: 'ff02::12', primaryAddress: 'fe80::945b:6fff:fe07:5fd2', priority: 150, initialState: 'MASTER' });
    const h = started(p);
    h.advance(3414.062);
    assert.deepEqual(h.logs().slice(-3), [
      '(VI_1) Receive advertisement timeout',
      '(VI_1) Entering MASTER STATE',
      '(VI_1) setting VIPs.',
    ]);
    const adv = h.actions.find((x) => x.action.kind === 'sendAdvert')!.action as Extract<VrrpAction, { kind: 'sendAdvert' }>;
    const d = decodeAdvert(adv.payload, 'inet6');
    assert.ok(d.ok);
    assert.equal(computeChecksum(adv.payload, 3, 'inet6', p.primaryAddress, 'ff02::12'), d.advert.checksum);
  });

  it('garp_master_refresh repeats GARPs while MASTER and stops on leaving', () => {
    const p = r1({ garp: { masterDelayMs: 0, masterRepeat: 5, masterRefreshMs: 10_000, masterRefreshRepeat: 2, lowerPrioDelayMs: 0, lowerPrioRepeat: 0 } });
    const h = started(p);
    h.advance(3414.062 + 25_000);
    const g = h.actions.filter((x) => x.action.kind === 'garp').map((x) => [Math.round(x.at * 1000) / 1000, (x.action as { count: number }).count, (x.action as { reason: string }).reason]);
    assert.deepEqual(g, [[3414.062, 5, 'master'], [13414.062, 2, 'refresh'], [23414.062, 2, 'refresh']]);
    h.feed(peerAdvert(p, '10.198.0.9', 200));
    assert.equal(h.due('garpRefresh'), undefined);
  });
});
