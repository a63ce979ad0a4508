// vrrp_sync_group: members move together (keepalived 2.2.7 vrrp_sync.c), checked against a log the real
// binary wrote in namespaces (test/unit/vrrp/data/ka227-sync-group.log).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeClock } from '../../../src/common/clock.js';
import type { VrrpEvent, VrrpFsmParams, VrrpTimerName } from '../../../src/vrrp/fsm-types.js';
import { VrrpFsm } from '../../../src/vrrp/fsm.js';
import { SyncGroupCore, type SyncGroupOutput } from '../../../src/vrrp/sync-group.js';
import { TimerWheel } from '../../helpers/timer-wheel.js';
import { baseParams, peerAdvert } from './helpers.js';

class GroupHarness {
  readonly clock = new FakeClock(0);
  readonly out: SyncGroupOutput[] = [];
  readonly group: SyncGroupCore;
  private readonly fsms = new Map<string, VrrpFsm>();
  private readonly timers = new TimerWheel<{ inst: string; timer: VrrpTimerName; generation: number }>(this.clock,
    ({ inst, timer, generation }) => this.feed(inst, { type: 'timer', timer, generation }));
  constructor(readonly params: VrrpFsmParams[]) {
    for (const p of params) this.fsms.set(p.name, new VrrpFsm({ ...p, syncGroup: 'G1' }, this.clock));
    this.group = new SyncGroupCore('G1', [...this.fsms.values()]);
  }
  feed(inst: string, ev: VrrpEvent): void {
    for (const o of this.group.handle(inst, ev)) {
      this.out.push(o);
      if (o.scope !== 'instance') continue;
      const a = o.action;
      if (a.kind === 'setTimer') this.timers.set(`${o.instance}/${a.timer}`, a.delayMs, { inst: o.instance, timer: a.timer, generation: a.generation });
      if (a.kind === 'cancelTimer') this.timers.cancel(`${o.instance}/${a.timer}`);
    }
  }
  advance(ms: number): void { this.timers.advance(ms); }
  states(): string[] { return this.params.map((p) => this.fsm(p.name).state); }
  fsm(name: string): VrrpFsm { return this.fsms.get(name)!; }
  groupLogs(): string[] { return this.out.filter((o) => o.scope === 'group' && o.action.kind === 'log').map((o) => (o.action as { msg: string }).msg); }
}

const here = dirname(fileURLToPath(import.meta.url));
const captured = readFileSync(join(here, 'data', 'ka227-sync-group.log'), 'utf8').split('\n')
  // "(VI) Sending/queueing ..." is the runtime's line (garp-sender.ts), not the FSM's
  .filter((l) => l && !l.startsWith('#') && !l.startsWith('Netlink') && l !== 'Stopping' && !l.includes(') Sending/queueing '));

// the two members of the captured run
const vi1 = baseParams({ name: 'VI_1', interface: 'kvc-b', vrid: 51, vips: ['10.77.0.100'], primaryAddress: '10.77.0.2' });
const vi2 = baseParams({ name: 'VI_2', interface: 'kvc-t2', vrid: 52, advertIntCs: 300, vips: ['10.77.1.100'], primaryAddress: '10.77.1.2' });

function allLogs(g: GroupHarness): string[] {
  return g.out.filter((o) => o.action.kind === 'log').map((o) => (o.action as { msg: string }).msg);
}

describe('vrrp/sync-group (replays a real keepalived 2.2.7 run: data/ka227-sync-group.log)', () => {
  it('members wait for each other, go MASTER together, FAULT together, and come back together', () => {
    const g = new GroupHarness([vi1, vi2]);
    g.feed('VI_1', { type: 'startup' });
    g.feed('VI_2', { type: 'startup' });
    // VI_1 times out at 3.609 s and 7.219 s but waits; VI_2 times out at 10.828 s and pulls VI_1
    g.advance(10_828.125 - 0.01);
    assert.deepEqual(g.states(), ['BACKUP', 'BACKUP']);
    g.advance(0.01);
    assert.deepEqual(g.states(), ['MASTER', 'MASTER']);
    g.advance(1500);
    const before = g.out.length;
    g.feed('VI_2', { type: 'interface', up: false });
    assert.deepEqual(g.states(), ['FAULT', 'FAULT']);
    // VI_1, pulled in by the group, sends exactly one priority-0 advert and does not log it
    const zeros = g.out.slice(before).filter((o) => o.scope === 'instance' && o.action.kind === 'sendAdvert' && o.action.advert.priority === 0)
      .map((o) => (o as { instance: string }).instance);
    assert.deepEqual(zeros, ['VI_2', 'VI_2', 'VI_1']);
    g.advance(2000);
    g.feed('VI_2', { type: 'interface', up: true });
    assert.deepEqual(g.states(), ['BACKUP', 'BACKUP']);
    const logs = allLogs(g);
    assert.deepEqual(logs.slice(0, 4).sort(), captured.slice(0, 4).sort());
    assert.deepEqual(logs.slice(4), captured.slice(4));
  });

  it('a master stepping down pulls the other masters to BACKUP', () => {
    const g = new GroupHarness([vi1, vi2]);
    g.feed('VI_1', { type: 'startup' });
    g.feed('VI_2', { type: 'startup' });
    g.advance(11_000);
    g.feed('VI_1', peerAdvert(vi1, '10.77.0.9', 200));
    assert.deepEqual(g.states(), ['BACKUP', 'BACKUP']);
    assert.deepEqual(g.groupLogs().slice(-1), ['VRRP_Group(G1) Syncing instances to BACKUP state']);
  });

  it('an accepted advert cancels a member\'s wish to be MASTER', () => {
    const g = new GroupHarness([vi1, vi2]);
    g.feed('VI_1', { type: 'startup' });
    g.feed('VI_2', { type: 'startup' });
    g.advance(4000);
    assert.equal(g.fsm('VI_1').wantsMaster, true);
    g.feed('VI_1', peerAdvert(vi1, '10.77.0.1', 150));
    assert.equal(g.fsm('VI_1').wantsMaster, false);
    // a master keeps advertising on VI_1's link only: VI_2 times out at 10.828 s, VI_1 never wants MASTER again
    for (let t = 0; t < 8; t++) { g.advance(1000); g.feed('VI_1', peerAdvert(vi1, '10.77.0.1', 150)); }
    assert.equal(g.fsm('VI_2').wantsMaster, true);
    assert.deepEqual(g.states(), ['BACKUP', 'BACKUP']);
  });

  // FIFO order measured with 2.2.7 (vrrp_notify_fifo, test/integration/vrrp/notify-protocol.test.ts):
  // GROUP BACKUP first at start-up, the members' MASTER lines before the group's, GROUP STOP last
  it('group notifies carry priority 0 and come where 2.2.7 writes them: BACKUP at start, MASTER after the members, STOP last', () => {
    const g = new GroupHarness([vi1, vi2]);
    g.feed('VI_1', { type: 'startup' });
    g.feed('VI_2', { type: 'startup' });
    g.advance(11_000);
    g.feed('VI_1', { type: 'shutdown' });
    g.feed('VI_2', { type: 'shutdown' });
    const n = g.out.filter((o) => o.action.kind === 'notify').map((o) => `${o.scope === 'group' ? o.group : o.instance} ${(o.action as { state: string }).state} ${(o.action as { priority: number }).priority}`);
    assert.deepEqual(n, ['G1 BACKUP 0', 'VI_1 BACKUP 100', 'VI_2 BACKUP 100', 'VI_2 MASTER 100', 'VI_1 MASTER 100', 'G1 MASTER 0', 'VI_1 STOP 100', 'VI_2 STOP 100', 'G1 STOP 0']);
  });

  // measured on 2.2.7 (test/integration/vrrp/vip-deleted.test.ts runs both; its FIFO, read with notify_fifo, had these
  // lines)
  it('a VIP deleted on one MASTER member: every MASTER member sends priority 0 and goes BACKUP, no group line or notify; MASTER again after Skew_Time', () => {
    const g = new GroupHarness([vi1, { ...vi2, advertIntCs: 100 }]);
    g.feed('VI_1', { type: 'startup' });
    g.feed('VI_2', { type: 'startup' });
    g.advance(11_000);
    assert.deepEqual(g.states(), ['MASTER', 'MASTER']);
    const from = g.out.length;
    g.feed('VI_1', { type: 'vipDeleted' });
    assert.deepEqual(g.states(), ['BACKUP', 'BACKUP']);
    const logs = (): string[] => g.out.slice(from).filter((o) => o.action.kind === 'log').map((o) => (o.action as { msg: string }).msg);
    assert.deepEqual(logs(), ['(VI_1) Entering BACKUP STATE', '(VI_1) sent 0 priority', '(VI_1) removing VIPs.', '(VI_2) Entering BACKUP STATE', '(VI_2) sent 0 priority', '(VI_2) removing VIPs.']);
    g.advance(610); // Skew_Time at priority 100: 609.375 ms
    assert.deepEqual(g.states(), ['MASTER', 'MASTER']);
    assert.deepEqual(logs().slice(6), ['(VI_2) Receive advertisement timeout', '(VI_1) Receive advertisement timeout', '(VI_1) Entering MASTER STATE', '(VI_1) setting VIPs.',
      'VRRP_Group(G1) Syncing instances to MASTER state', '(VI_2) Entering MASTER STATE', '(VI_2) setting VIPs.']);
    const n = g.out.slice(from).filter((o) => o.action.kind === 'notify').map((o) => `${o.scope === 'group' ? o.group : o.instance} ${(o.action as { state: string }).state}`);
    assert.deepEqual(n, ['VI_1 BACKUP', 'VI_2 BACKUP', 'VI_1 MASTER', 'VI_2 MASTER', 'G1 MASTER']);
  });

  it('fifo_write_vrrp_states_on_reload: the group re-announces its state to the FIFOs only', () => {
    const g = new GroupHarness([vi1, vi2]);
    assert.deepEqual(g.group.reannounce(), []);
    g.feed('VI_1', { type: 'startup' });
    g.feed('VI_2', { type: 'startup' });
    g.advance(11_000);
    assert.deepEqual(g.group.reannounce(), [{ scope: 'group', group: 'G1', action: { kind: 'notify', state: 'MASTER', priority: 0, delivery: 'fifo' } }]);
  });
});
