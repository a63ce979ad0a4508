// Two FSMs on one simulated link (adverts delivered instantly with TTL 255), replaying the E1
// failover sequence of keepalived-2.2.7-captures (r1 150 state MASTER, r2 100, v2 1 s, PASS):
// timings must match the RFC figures the real keepalived measured (README §2).
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/common/clock.js';
import type { VrrpAction, VrrpFsmParams, VrrpTimerName } from '../../../src/vrrp/fsm-types.js';
import { VrrpFsm } from '../../../src/vrrp/fsm.js';
import { TimerWheel } from '../../helpers/timer-wheel.js';
import { baseParams } from './helpers.js';

class Link {
  readonly clock = new FakeClock(0);
  readonly nodes = new Map<string, { fsm: VrrpFsm; up: boolean }>();
  readonly events: { at: number; node: string; action: VrrpAction }[] = [];
  private readonly timers = new TimerWheel<{ node: string; timer: VrrpTimerName; generation: number }>(this.clock,
    ({ node, timer, generation }) => this.feed(node, { type: 'timer', timer, generation }));

  start(name: string, p: VrrpFsmParams): void {
    this.nodes.set(name, { fsm: new VrrpFsm(p, this.clock), up: true });
    this.feed(name, { type: 'startup' });
  }
  stop(name: string): void { this.feed(name, { type: 'shutdown' }); this.nodes.get(name)!.up = false; }
  private feed(name: string, ev: Parameters<VrrpFsm['handle']>[0]): void {
    const n = this.nodes.get(name)!;
    if (!n.up) return;
    for (const a of n.fsm.handle(ev)) {
      this.events.push({ at: this.clock.now(), node: name, action: a });
      if (a.kind === 'setTimer') this.timers.set(`${name}/${a.timer}`, a.delayMs, { node: name, timer: a.timer, generation: a.generation });
      if (a.kind === 'cancelTimer') this.timers.cancel(`${name}/${a.timer}`);
      if (a.kind === 'sendAdvert') {
        for (const [other, o] of this.nodes) {
          if (other !== name && o.up) this.feed(other, { type: 'packet', payload: a.payload, ttl: 255, src: n.fsm.params.primaryAddress, dst: '224.0.0.18', family: 'inet' });
        }
      }
    }
  }
  advance(ms: number): void { this.timers.advance(ms); }
  becameMaster(node: string, after: number): number | undefined {
    return this.events.find((e) => e.node === node && e.at >= after && e.action.kind === 'stateChange' && e.action.to === 'MASTER')?.at;
  }
  logs(node: string): string[] {
    return this.events.filter((e) => e.node === node && e.action.kind === 'log').map((e) => (e.action as { msg: string }).msg);
  }
  state(node: string): string { return this.nodes.get(node)!.fsm.state; }
}

const auth = { type: 1 as const, pass: 's3cret' };
const r1 = baseParams({ priority: 150, initialState: 'MASTER', primaryAddress: '10.198.0.1', auth });
const r2 = baseParams({ priority: 100, primaryAddress: '10.198.0.2', auth });

describe('vrrp/two routers: the captured E1 failover sequence [RFC 3768 §6.4]', () => {
  it('start, SIGTERM failover after Skew_Time, preemption on restart, no gap', () => {
    const l = new Link();
    l.start('r1', r1);
    l.advance(3000);
    l.start('r2', r2);
    l.advance(2000);
    assert.equal(l.becameMaster('r1', 0), 3414.062); // (a) 3.414 s + process start in the captures (3.437 s)
    assert.equal(l.state('r2'), 'BACKUP');

    // (b) SIGTERM r1: r2 is MASTER Skew_Time later (0.609 s; captured 0.611 s)
    const tStop = l.clock.now();
    l.stop('r1');
    l.advance(5000);
    assert.equal(l.becameMaster('r2', tStop)! - tStop, 609.375);

    // (e) r1 restarts: BACKUP(init), discards r2's lower adverts, preempts at its own Master_Down
    const tStart = l.clock.now();
    l.nodes.delete('r1');
    l.start('r1', r1);
    l.advance(5000);
    assert.equal(l.becameMaster('r1', tStart)! - tStart, 3414.062);
    assert.equal(l.state('r2'), 'BACKUP');
    const r2logs = l.logs('r2');
    assert.ok(r2logs.includes('(VI_1) Master received advert from 10.198.0.1 with higher priority 150, ours 100'));
    const r1logs = l.logs('r1').slice(-8);
    assert.ok(r1logs.includes('(VI_1) received lower priority (100) advert from 10.198.0.2 - discarding'));
    // r2 leaves at the very moment r1's first advert arrives: no gap, no double master afterwards
    const r2Backup = l.events.find((e) => e.node === 'r2' && e.at >= tStart && e.action.kind === 'stateChange' && e.action.to === 'BACKUP')!.at;
    assert.equal(r2Backup, tStart + 3414.062);
  });

  it('v3 at 0.1 s: failover after 61 ms, preemption after 341 ms (captured 0.063 s / 0.362 s)', () => {
    const l = new Link();
    const v3 = { version: 3 as const, advertIntCs: 10, auth: { type: 0 as const } };
    l.start('r1', { ...r1, ...v3 });
    l.start('r2', { ...r2, ...v3 });
    l.advance(1000);
    assert.equal(l.becameMaster('r1', 0), 341.406);
    const tStop = l.clock.now();
    l.stop('r1');
    l.advance(1000);
    assert.ok(Math.abs(l.becameMaster('r2', tStop)! - tStop - 60.937) < 1e-6);
  });
});
