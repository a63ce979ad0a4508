// Protocol options of keepalived 2.2.7 that change what the FSM does (vrrp.c vrrp_state_master_rx,
// vrrp_set_effective_priority, clear_diff_vrrp, vrrp_init_state): lower/higher-priority adverts,
// down_timer_adverts, notify_priority_changes, notify_deleted, fifo_write_vrrp_states_on_reload,
// unicast_fault_no_peer. The facts come from 2.2.7 runs in namespaces (test/integration/vrrp/
// notify-protocol.test.ts and strict-unicast.test.ts re-check them against the real binary).
import assert from 'node:assert/strict';
import type { VrrpAction, VrrpFsmParams } from '../../../src/vrrp/fsm-types.js';
import { baseParams, Harness, peerAdvert } from './helpers.js';

const master = (over: Partial<VrrpFsmParams> = {}): Harness => {
  const h = new Harness(baseParams({ priority: 100, initialState: 'BACKUP', primaryAddress: '10.198.0.5', ...over }));
  h.feed({ type: 'startup' });
  h.advance(4000);
  assert.equal(h.stateAt(), 'MASTER');
  h.clear();
  return h;
};
const notifies = (h: Harness): string[] => h.actions.filter((x) => x.action.kind === 'notify')
  .map((x) => { const a = x.action as Extract<VrrpAction, { kind: 'notify' }>; return `${a.state} ${a.priority}${a.delivery ? ` ${a.delivery}` : ''}`; });
const weighted = { kind: 'script' as const, name: 'chk', weight: -20, reverse: false, initial: { ok: true } };

describe('vrrp/fsm: adverts from other routers while MASTER (2.2.7 vrrp_state_master_rx)', () => {
  // [name, params, peer address, peer priority, lines, adverts sent, state after]
  const rows: [string, Partial<VrrpFsmParams>, string, number, string[], number, string][] = [
    ['same priority from a lower address counts as lower: new election', {}, '10.198.0.2', 100,
      ['(VI_1) Received advert from 10.198.0.2 with lower priority 100, ours 100, forcing new election'], 1, 'MASTER'],
    ['lower priority with lower_prio_no_advert: no advert, no "forcing new election"', { lowerPrioNoAdvert: true }, '10.198.0.9', 50,
      ['(VI_1) Received advert from 10.198.0.9 with lower priority 50, ours 100'], 0, 'MASTER'],
    ['higher priority with higher_prio_send_advert: one advert, then BACKUP', { higherPrioSendAdvert: true }, '10.198.0.2', 150,
      ['(VI_1) Master received advert from 10.198.0.2 with higher priority 150, ours 100', '(VI_1) Entering BACKUP STATE'], 1, 'BACKUP'],
    ['higher priority without it: no advert', {}, '10.198.0.2', 150,
      ['(VI_1) Master received advert from 10.198.0.2 with higher priority 150, ours 100', '(VI_1) Entering BACKUP STATE'], 0, 'BACKUP'],
    ['same priority from a higher address with higher_prio_send_advert: one advert, then BACKUP', { higherPrioSendAdvert: true }, '10.198.0.9', 100,
      ['(VI_1) Master received advert from 10.198.0.9 with same priority 100 but higher IP address than ours', '(VI_1) Entering BACKUP STATE'], 1, 'BACKUP'],
  ];
  for (const [name, over, src, prio, lines, adverts, state] of rows) {
    it(name, () => {
      const h = master({ garp: { ...baseParams().garp, lowerPrioRepeat: 0 }, ...over });
      h.feed(peerAdvert(h.params, src, prio));
      assert.deepEqual(h.logs(false), lines);
      assert.equal(h.sent().length, adverts);
      assert.equal(h.stateAt(), state);
    });
  }
});

describe('vrrp/fsm: down_timer_adverts', () => {
  it('Master_Down_Interval = down_timer_adverts x advert interval + skew', () => {
    for (const [n, due] of [[3, 3609.375], [1, 1609.375], [10, 10609.375]] as const) {
      const h = new Harness(baseParams({ downTimerAdverts: n }));
      h.feed({ type: 'startup' });
      assert.equal(h.due('masterDown'), due, `down_timer_adverts ${n}`);
    }
  });
});

describe('vrrp/fsm: notify_priority_changes', () => {
  it('a BACKUP notifies BACKUP_PRIORITY, a MASTER MASTER_PRIORITY, with the new priority; nothing without it', () => {
    const b = new Harness(baseParams({ notifyPriorityChanges: true, trackers: [weighted] }));
    b.feed({ type: 'startup' });
    b.clear();
    b.feed({ type: 'tracker', tracker: { kind: 'script', name: 'chk' }, status: { ok: false } });
    assert.deepEqual(b.logs(false), ['(VI_1) Changing effective priority from 100 to 80']);
    assert.deepEqual(notifies(b), ['BACKUP_PRIORITY 80']);
    const m = master({ notifyPriorityChanges: true, trackers: [weighted] });
    m.feed({ type: 'tracker', tracker: { kind: 'script', name: 'chk' }, status: { ok: false } });
    assert.deepEqual(notifies(m), ['MASTER_PRIORITY 80']);
    const off = master({ trackers: [weighted] });
    off.feed({ type: 'tracker', tracker: { kind: 'script', name: 'chk' }, status: { ok: false } });
    assert.deepEqual(notifies(off), []);
  });

  it('a running Master_Down timer moves with the new skew (vrrp_set_effective_priority)', () => {
    const h = new Harness(baseParams({ trackers: [weighted] }));
    h.feed({ type: 'startup' });
    assert.equal(h.due('masterDown'), 3609.375);
    h.advance(1000);
    h.feed({ type: 'tracker', tracker: { kind: 'script', name: 'chk' }, status: { ok: false } });
    // skew at 100: 609.375 ms; at 80: 687.5 ms
    assert.equal(h.due('masterDown'), 3687.5);
  });
});

describe('vrrp/fsm: an instance deleted by a reload (shutdown reason "deleted")', () => {
  it('MASTER: priority 0 and VIP removal as at a stop, then FAULT (no notify_deleted) or DELETED (notify_deleted)', () => {
    for (const [notifyDeleted, want] of [[false, 'FAULT 100'], [true, 'DELETED 100']] as const) {
      const h = master({ notifyDeleted });
      h.feed({ type: 'shutdown', reason: 'deleted' });
      assert.deepEqual(h.sent().map((s) => s.priority), [0]);
      assert.ok(h.kinds().includes('removeVips'));
      assert.deepEqual(notifies(h), [want]);
      assert.equal(h.stateAt(), 'STOP');
    }
  });

  it('already in FAULT: nothing without notify_deleted, DELETED with it; a plain stop still says STOP', () => {
    const down = { kind: 'interface' as const, name: 'pe1', weight: 0, reverse: false, initial: { ok: false } };
    for (const [notifyDeleted, want] of [[false, []], [true, ['DELETED 100']]] as const) {
      const h = new Harness(baseParams({ notifyDeleted, trackers: [down] }));
      h.feed({ type: 'startup' });
      assert.equal(h.stateAt(), 'FAULT');
      h.clear();
      h.feed({ type: 'shutdown', reason: 'deleted' });
      assert.deepEqual(notifies(h), want);
    }
    const s = master({ notifyDeleted: true });
    s.feed({ type: 'shutdown' });
    assert.deepEqual(notifies(s), ['STOP 100']);
  });
});

describe('vrrp/fsm: fifo_write_vrrp_states_on_reload', () => {
  it('a reload that leaves a BACKUP in BACKUP writes its state to the FIFOs only; a MASTER is not re-announced', () => {
    const b = new Harness(baseParams({ fifoWriteStateOnReload: true }));
    b.feed({ type: 'startup' });
    b.clear();
    b.feed({ type: 'reconfigure', params: b.params });
    assert.deepEqual(notifies(b), ['BACKUP 100 fifo']);
    const m = master({ fifoWriteStateOnReload: true });
    m.feed({ type: 'reconfigure', params: m.params });
    assert.deepEqual(notifies(m), []);
    const off = new Harness(baseParams());
    off.feed({ type: 'startup' });
    off.clear();
    off.feed({ type: 'reconfigure', params: off.params });
    assert.deepEqual(notifies(off), []);
  });
});

describe('vrrp/fsm: unicast_fault_no_peer', () => {
  it('an instance with the config fault starts in FAULT silently (2.2.7: no "Entering FAULT STATE (init)", no notify) and stays there', () => {
    const h = new Harness(baseParams({ configFault: 'unicastNoPeer' }));
    h.feed({ type: 'startup' });
    assert.equal(h.stateAt(), 'FAULT');
    assert.deepEqual(h.logs(), ['(VI_1) removing VIPs.']);
    assert.deepEqual(notifies(h), []);
    h.feed({ type: 'interface', up: true });
    h.advance(10_000);
    assert.equal(h.stateAt(), 'FAULT');
    assert.deepEqual(h.fsm.view().faultReasons, ['config:unicastNoPeer']);
  });
});

describe('vrrp/fsm: VRRPv3 unicast checksum of keepalived <= 1.3.6 (old_unicast_checksum)', () => {
  const v3uni = (over: Partial<VrrpFsmParams> = {}) => baseParams({
    version: 3, priority: 100, primaryAddress: '10.198.0.5', destination: '10.198.0.2', mcastGroup4: '224.0.0.18',
    unicastPeers: [{ address: '10.198.0.2', minTtl: 0, maxTtl: 255 }], ...over,
  });
  /** A peer's v3 advert whose checksum covers the multicast group, sent to our unicast address. */
  const oldAdvert = (p: VrrpFsmParams, prio: number) => {
    const ev = peerAdvert({ ...p, destination: '224.0.0.18' }, '10.198.0.2', prio);
    return { ...ev, dst: '10.198.0.5' } as typeof ev;
  };
  const sentDst = (h: Harness) => h.actions.flatMap((x) => (x.action.kind === 'sendAdvert' ? [x.action.checksumDst ?? 'peer'] : []));

  it('default: a peer with the old checksum is accepted once we switch to it, for good (2.2.7 logs it once)', () => {
    const h = master(v3uni());
    h.feed(oldAdvert(h.params, 50));
    h.feed(oldAdvert(h.params, 50));
    assert.deepEqual(h.logs(false).filter((l) => l.includes('checksum')), ['(VI_1) Setting unicast VRRPv3 checksum to old version']);
    assert.deepEqual(sentDst(h), ['224.0.0.18', '224.0.0.18']);
  });

  it('old_unicast_checksum: our adverts carry the old checksum from the start; "never": an old one is refused', () => {
    const g = master(v3uni({ unicastChecksum: 'group' }));
    g.advance(1000);
    assert.deepEqual(sentDst(g), ['224.0.0.18']);
    const n = master(v3uni({ unicastChecksum: 'never' }));
    n.feed(oldAdvert(n.params, 50));
    assert.deepEqual(n.logs(false), ['(VI_1) Invalid VRRPv3 checksum']);
    assert.equal(n.fsm.stats.checksum_err, 1);
  });
});
