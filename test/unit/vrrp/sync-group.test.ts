// vrrp_sync_group: members move together (keepalived vrrp_sync.c; features doc §3.5).
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/common/clock.js';
import type { VrrpEvent, VrrpFsmParams, VrrpTimerName } from '../../../src/vrrp/fsm-types.js';
import { VrrpFsm } from '../../../src/vrrp/fsm.js';
import { SyncGroupCore, type SyncGroupOutput } from '../../../src/vrrp/sync-group.js';
import { baseParams, peerAdvert } from './helpers.js';

class GroupHarness {
  readonly clock = new FakeClock(0);
  readonly out: SyncGroupOutput[] = [];
  readonly group: SyncGroupCore;
  private timers = new Map<string, { inst: string; timer: VrrpTimerName; due: number; generation: number }>();
  constructor(readonly params: VrrpFsmParams[]) {
    this.group = new SyncGroupCore('G1', params.map((p) => new VrrpFsm({ ...p, syncGroup: 'G1' }, this.clock)));
  }
  feed(inst: string, ev: VrrpEvent): void {
    for (const o of this.group.handle(inst, ev)) {
      this.out.push(o);
      if (o.scope !== 'instance') continue;
      const a = o.action;
      if (a.kind === 'setTimer') this.timers.set(`${o.instance}/${a.timer}`, { inst: o.instance, timer: a.timer, due: this.clock.now() + a.delayMs, generation: a.generation });
      if (a.kind === 'cancelTimer') this.timers.delete(`${o.instance}/${a.timer}`);
    }
  }
  advance(ms: number): void {
    const end = this.clock.now() + ms;
    for (;;) {
      let next: [string, { inst: string; timer: VrrpTimerName; due: number; generation: number }] | undefined;
      for (const e of this.timers) if (e[1].due <= end && (!next || e[1].due < next[1].due)) next = e;
      if (!next) break;
      this.clock.set(next[1].due);
      this.timers.delete(next[0]);
      this.feed(next[1].inst, { type: 'timer', timer: next[1].timer, generation: next[1].generation });
    }
    this.clock.set(end);
  }
  states(): string[] { return this.params.map((p) => this.fsm(p.name).state); }
  fsm(name: string): VrrpFsm { return (this.group as unknown as { members: Map<string, VrrpFsm> }).members.get(name)!; }
  groupLogs(): string[] { return this.out.filter((o) => o.scope === 'group' && o.action.kind === 'log').map((o) => (o.action as { msg: string }).msg); }
}

const a = baseParams({ name: 'VI_A', vrid: 51, priority: 150 });
// VI_B would time out much later on its own (v2, 3 s interval)
const b = baseParams({ name: 'VI_B', vrid: 52, priority: 100, advertIntCs: 300, vips: ['10.198.1.100'], interface: 'pe1',
  trackers: [{ id: 'interface:pe2', kind: 'interface', weight: 0, reverse: false, initial: { ok: true } }] });

describe('vrrp/sync-group', () => {
  it('one member timing out pulls the others to MASTER', () => {
    const g = new GroupHarness([a, b]);
    g.feed('VI_A', { type: 'startup' });
    g.feed('VI_B', { type: 'startup' });
    assert.deepEqual(g.states(), ['BACKUP', 'BACKUP']);
    g.advance(3414.062);
    assert.deepEqual(g.states(), ['MASTER', 'MASTER']);
    assert.deepEqual(g.groupLogs(), ['VRRP_Group(G1) Syncing instances to MASTER state']);
    assert.ok(g.out.some((o) => o.scope === 'instance' && o.instance === 'VI_B' && o.action.kind === 'addVips'));
  });

  it('a master stepping down pulls the other masters to BACKUP', () => {
    const g = new GroupHarness([a, b]);
    g.feed('VI_A', { type: 'startup' });
    g.feed('VI_B', { type: 'startup' });
    g.advance(4000);
    g.feed('VI_A', peerAdvert(a, '10.198.0.9', 200));
    assert.deepEqual(g.states(), ['BACKUP', 'BACKUP']);
    assert.deepEqual(g.groupLogs().slice(-1), ['VRRP_Group(G1) Syncing instances to BACKUP state']);
  });

  it('FAULT of one member pulls the group to FAULT; recovery returns all to BACKUP', () => {
    const g = new GroupHarness([a, b]);
    g.feed('VI_A', { type: 'startup' });
    g.feed('VI_B', { type: 'startup' });
    g.advance(4000);
    g.feed('VI_B', { type: 'tracker', id: 'interface:pe2', status: { ok: false } });
    assert.deepEqual(g.states(), ['FAULT', 'FAULT']);
    assert.deepEqual(g.groupLogs().slice(-1), ['VRRP_Group(G1) Syncing instances to FAULT state']);
    // the group stays in FAULT while the member is down, even when time passes
    g.advance(10_000);
    assert.deepEqual(g.states(), ['FAULT', 'FAULT']);
    g.feed('VI_B', { type: 'tracker', id: 'interface:pe2', status: { ok: true } });
    assert.deepEqual(g.states(), ['BACKUP', 'BACKUP']);
    g.advance(3414.062);
    assert.deepEqual(g.states(), ['MASTER', 'MASTER']);
  });

  it('group notifies carry priority 0', () => {
    const g = new GroupHarness([a, b]);
    g.feed('VI_A', { type: 'startup' });
    g.feed('VI_B', { type: 'startup' });
    g.advance(4000);
    const n = g.out.filter((o) => o.scope === 'group' && o.action.kind === 'notify').map((o) => o.action);
    assert.deepEqual(n, [{ kind: 'notify', state: 'MASTER', priority: 0 }]);
  });
});
