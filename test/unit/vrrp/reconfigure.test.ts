// FSM 'reconfigure' (SIGHUP reload of an instance that still exists) as a table of scenarios. The
// expected behaviour is what keepalived 2.2.7 did in namespaces (two routers, HUP to the MASTER or
// BACKUP after changing its config): the state is kept, a MASTER logs "setting VIPs.", puts one advert
// with the old and one with the new settings on the wire, changes VIPs by difference, GARPs every VIP
// when one was added; a BACKUP restarts Master_Down from the reload; a new priority only acts
// through the protocol. Observations: test/unit/vrrp/data/keepalived-2.2.7-reload.txt.
import assert from 'node:assert/strict';
import type { TrackerParams, VrrpAction, VrrpFsmParams } from '../../../src/vrrp/fsm-types.js';
import { masterDownIntervalMs } from '../../../src/vrrp/timers.js';
import { baseParams, Harness, peerAdvert } from './helpers.js';

const r1 = (over: Partial<VrrpFsmParams> = {}) => baseParams({ priority: 150, primaryAddress: '10.198.0.1', vips: ['10.198.0.100'], ...over });
const PEER = '10.198.0.2';
const down0: TrackerParams = { kind: 'interface', name: 'trk', weight: 0, reverse: false, initial: { ok: false } };
const script20: TrackerParams = { kind: 'script', name: 'chk', weight: 20, reverse: false, initial: { unknown: true } };

/** A started instance driven to MASTER (alone) or BACKUP (a higher peer advertising). */
function running(p: VrrpFsmParams, state: 'MASTER' | 'BACKUP' | 'FAULT'): Harness {
  const h = new Harness(p);
  h.feed({ type: 'startup' });
  if (state === 'MASTER') h.advance(4000);
  if (state === 'BACKUP') { h.advance(1000); h.feed(peerAdvert(p, PEER, 200)); h.advance(500); }
  assert.equal(h.stateAt(), state);
  h.clear();
  return h;
}

const kinds = (acts: VrrpAction[]) => acts.map((a) => a.kind).filter((k) => k !== 'log');
const logs = (acts: VrrpAction[]) => acts.flatMap((a) => (a.kind === 'log' ? [a.msg] : []));
const sentPrio = (acts: VrrpAction[]) => acts.flatMap((a) => (a.kind === 'sendAdvert' ? [a.advert.priority] : []));

interface Case {
  name: string;
  from: 'MASTER' | 'BACKUP' | 'FAULT';
  before?: Partial<VrrpFsmParams>;
  after: Partial<VrrpFsmParams>;
  state: string;
  kinds: string[];
  logs: string[];
  sent: number[];
  eff: number;
  changeVips?: { added: string[]; removed: string[] };
}

const cases: Case[] = [
  {
    name: 'MASTER priority 150 -> 160: stays MASTER, old then new advert, "setting VIPs.", no VIP change', from: 'MASTER',
    after: { priority: 160 }, state: 'MASTER', kinds: ['sendAdvert', 'sendAdvert', 'setTimer'], logs: ['(VI_1) setting VIPs.'], sent: [150, 160], eff: 160,
  },
  {
    name: 'MASTER unchanged: the same as keepalived for any kept instance ("setting VIPs.", two adverts, advert timer restarted)', from: 'MASTER',
    after: {}, state: 'MASTER', kinds: ['sendAdvert', 'sendAdvert', 'setTimer'], logs: ['(VI_1) setting VIPs.'], sent: [150, 150], eff: 150,
  },
  {
    name: 'MASTER adds a VIP: the new one is added, every VIP GARPed', from: 'MASTER',
    after: { vips: ['10.198.0.100', '10.198.0.101'] }, state: 'MASTER', kinds: ['sendAdvert', 'changeVips', 'sendAdvert', 'setTimer', 'garp'],
    logs: ['(VI_1) setting VIPs.'],
    sent: [150, 150], eff: 150, changeVips: { added: ['10.198.0.101'], removed: [] },
  },
  {
    name: 'MASTER removes a VIP: only that one removed, no GARP', from: 'MASTER', before: { vips: ['10.198.0.100', '10.198.0.101'] },
    after: { vips: ['10.198.0.100'] }, state: 'MASTER', kinds: ['sendAdvert', 'changeVips', 'sendAdvert', 'setTimer'], logs: ['(VI_1) setting VIPs.'],
    sent: [150, 150], eff: 150, changeVips: { added: [], removed: ['10.198.0.101'] },
  },
  {
    name: 'MASTER eVIP (otherVips) added: changed by difference as well', from: 'MASTER',
    after: { otherVips: ['fd00::1'] }, state: 'MASTER', kinds: ['sendAdvert', 'changeVips', 'sendAdvert', 'setTimer', 'garp'],
    // 2.2.7 logs the eVIP list's own line once the instance has eVIPs (restore_vrrp_state)
    logs: ['(VI_1) setting VIPs.', '(VI_1) setting E-VIPs.'],
    sent: [150, 150], eff: 150, changeVips: { added: ['fd00::1'], removed: [] },
  },
  {
    name: 'MASTER priority below its peer: no transition at the reload (the protocol decides later)', from: 'MASTER',
    after: { priority: 90 }, state: 'MASTER', kinds: ['sendAdvert', 'sendAdvert', 'setTimer'], logs: ['(VI_1) setting VIPs.'], sent: [150, 90], eff: 90,
  },
  {
    // measured (test/integration/vrrp/reload-fault.test.ts): the init lines, no priority 0, "setting VIPs." then
    // "removing VIPs."
    name: 'MASTER gains an unweighted tracker that is down: FAULT as at start-up ("entering FAULT state"), no priority 0', from: 'MASTER',
    after: { trackers: [down0] }, state: 'FAULT', kinds: ['sendAdvert', 'cancelTimer', 'cancelTimer', 'notify', 'stateChange', 'removeVips'],
    logs: ['(VI_1) entering FAULT state', '(VI_1) setting VIPs.', '(VI_1) removing VIPs.'], sent: [150], eff: 150,
  },
  {
    name: 'BACKUP priority 100 -> 200: silent, Master_Down restarted with the new skew', from: 'BACKUP', before: { priority: 100 },
    after: { priority: 200 }, state: 'BACKUP', kinds: ['setTimer'], logs: [], sent: [], eff: 200,
  },
  {
    name: 'FAULT whose failing tracker is removed: leaves FAULT for BACKUP', from: 'FAULT', before: { trackers: [down0] },
    after: { trackers: [] }, state: 'BACKUP', kinds: ['setTimer', 'notify', 'stateChange'], logs: ['(VI_1) Entering BACKUP STATE'], sent: [], eff: 150,
  },
  {
    // (the runtime logs the reason again at each reload, as 2.2.7: test/integration/vrrp/reload-fault.test.ts)
    name: 'FAULT stays FAULT when the cause remains; its priority changes silently', from: 'FAULT', before: { trackers: [down0] },
    after: { priority: 120 }, state: 'FAULT', kinds: [], logs: [], sent: [], eff: 120,
  },
];

describe('vrrp/fsm: reconfigure (reload keeps the running state) [keepalived 2.2.7 in namespaces]', () => {
  for (const c of cases) {
    it(c.name, () => {
      const h = running(r1(c.before), c.from);
      const acts = h.feed({ type: 'reconfigure', params: r1({ ...c.before, ...c.after }) });
      assert.equal(h.stateAt(), c.state);
      assert.deepEqual(kinds(acts), c.kinds);
      assert.deepEqual(logs(acts).filter((l) => !l.startsWith('(VI_1) Changing')), c.logs);
      assert.ok(!logs(acts).some((l) => l.startsWith('(VI_1) Changing effective priority')), 'priority changes silently');
      assert.deepEqual(sentPrio(acts), c.sent);
      assert.equal(h.fsm.effectivePriority, c.eff);
      const cv = acts.find((a) => a.kind === 'changeVips');
      assert.deepEqual(cv && { added: cv.added, removed: cv.removed }, c.changeVips);
      assert.ok(!acts.some((a) => a.kind === 'addVips' || (a.kind === 'removeVips' && c.state !== 'FAULT')), 'no whole-set VIP change');
    });
  }

  it('MASTER: the new advert carries the new VIPs and adverts continue on the new advert_int', () => {
    const h = running(r1(), 'MASTER');
    const t0 = h.clock.now();
    const acts = h.feed({ type: 'reconfigure', params: r1({ advertIntCs: 200, vips: ['10.198.0.100', '10.198.0.101'] }) });
    const adv = acts.filter((a): a is Extract<VrrpAction, { kind: 'sendAdvert' }> => a.kind === 'sendAdvert');
    assert.deepEqual(adv.map((a) => [a.advert.adverInt, a.advert.addresses.length]), [[1, 1], [2, 2]]);
    h.advance(4500);
    assert.deepEqual(h.sent().slice(2).map((s) => s.at - t0), [2000, 4000]);
  });

  it('MASTER whose priority dropped below the peer gives way at the peer\'s next advert [RFC 3768 §6.4.3]', () => {
    const h = running(r1(), 'MASTER');
    const p = r1({ priority: 90 });
    h.feed({ type: 'reconfigure', params: p });
    h.advance(1000);
    assert.equal(h.stateAt(), 'MASTER');
    assert.deepEqual(h.sent().slice(-1).map((s) => s.priority), [90]);
    h.feed(peerAdvert(p, PEER, 100));
    assert.equal(h.stateAt(), 'BACKUP');
    assert.ok(h.logs().includes('(VI_1) Master received advert from 10.198.0.2 with higher priority 100, ours 90'), h.logs().join('\n'));
  });

  it('BACKUP raised above the MASTER preempts: lower adverts discarded, MASTER at reload + 3 s + new skew', () => {
    const h = running(r1({ priority: 100 }), 'BACKUP');
    const t0 = h.clock.now();
    const p = r1({ priority: 200 });
    h.feed({ type: 'reconfigure', params: p });
    const md = masterDownIntervalMs(200, 100);
    assert.equal(h.due('masterDown'), t0 + md);
    h.advance(700);
    h.feed(peerAdvert(p, PEER, 100));
    assert.ok(h.logs().includes(`(VI_1) received lower priority (100) advert from ${PEER} - discarding`));
    h.advance(md - 700 - 0.001);
    assert.equal(h.stateAt(), 'BACKUP');
    h.advance(0.001);
    assert.equal(h.stateAt(), 'MASTER');
  });

  it('tracker statuses survive the reload (same id); a new base priority adds to the kept weight', () => {
    const h = running(r1({ priority: 100, trackers: [script20] }), 'MASTER');
    h.feed({ type: 'tracker', tracker: { kind: 'script', name: 'chk' }, status: { ok: true } });
    assert.equal(h.fsm.effectivePriority, 120);
    // 2.2.7 re-applies the weight at the reload and says so (test/integration/vrrp/notify-protocol.test.ts)
    const acts = h.feed({ type: 'reconfigure', params: r1({ priority: 110, trackers: [script20], notifyPriorityChanges: true }) });
    assert.deepEqual(logs(acts).filter((l) => l.includes('Changing')), ['(VI_1) Changing effective priority from 110 to 130']);
    assert.deepEqual(acts.flatMap((a) => (a.kind === 'notify' ? [`${a.state} ${a.priority}`] : [])), ['BACKUP_PRIORITY 130']);
    assert.equal(h.fsm.effectivePriority, 130);
    h.feed({ type: 'reconfigure', params: r1({ priority: 110, trackers: [{ ...script20, weight: 30 }] }) });
    assert.equal(h.fsm.effectivePriority, 140);
  });

  it('refuses params of another instance identity (VRID / interface / family / name): logs, changes nothing', () => {
    for (const over of [{ vrid: 52 }, { interface: 'pe1' }, { name: 'VI_2' }, { family: 'inet6' as const }]) {
      const h = running(r1(), 'MASTER');
      const acts = h.feed({ type: 'reconfigure', params: r1({ ...over, priority: 200 }) });
      assert.deepEqual(acts.map((a) => a.kind), ['log']);
      assert.equal((acts[0] as { level: string }).level, 'err');
      assert.equal(h.fsm.params.priority, 150);
      assert.equal(h.fsm.effectivePriority, 150);
    }
  });

  it('INIT takes the new params silently and starts with them; STOP ignores a reconfigure', () => {
    const h = new Harness(r1());
    assert.deepEqual(h.feed({ type: 'reconfigure', params: r1({ priority: 200 }) }), []);
    h.feed({ type: 'startup' });
    assert.equal(h.due('masterDown'), masterDownIntervalMs(200, 100));
    h.feed({ type: 'shutdown' });
    assert.deepEqual(h.feed({ type: 'reconfigure', params: r1({ priority: 50 }) }), []);
    assert.equal(h.fsm.params.priority, 200);
  });
});
