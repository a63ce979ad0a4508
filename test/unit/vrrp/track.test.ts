// Tracker weights -> effective priority / FAULT (keepalived vrrp_track.c, keepalived.conf(5)).
import assert from 'node:assert/strict';
import { trackerKey, type TrackerParams, type TrackerStatus } from '../../../src/vrrp/fsm-types.js';
import { TrackSet, trackerEffect } from '../../../src/vrrp/track.js';

const t = (kind: TrackerParams['kind'], weight: number, reverse = false): TrackerParams =>
  ({ kind, name: 'x', weight, reverse, initial: kind === 'file' ? { value: 0 } : { ok: true } });
const up: TrackerStatus = { ok: true };
const down: TrackerStatus = { ok: false };

describe('vrrp/track: one tracker', () => {
  // [name, tracker, status, effect]
  const rows: [string, TrackerParams, TrackerStatus, number | 'fault'][] = [
    ['unweighted up', t('interface', 0), up, 0],
    ['unweighted down -> FAULT', t('interface', 0), down, 'fault'],
    ['unweighted reverse up -> FAULT', t('script', 0, true), up, 'fault'],
    ['unweighted reverse down', t('script', 0, true), down, 0],
    ['+10 up adds', t('script', 10), up, 10],
    ['+10 down adds nothing', t('script', 10), down, 0],
    ['-10 up adds nothing', t('script', -10), up, 0],
    ['-10 down subtracts', t('script', -10), down, -10],
    ['+10 reverse up subtracts', t('interface', 10, true), up, -10],
    ['-10 reverse down adds', t('interface', -10, true), down, 10],
    ['file weight 0, value 0', t('file', 0), { value: 0 }, 0],
    ['file weight 0, value 3 -> FAULT', t('file', 0), { value: 3 }, 'fault'],
    ['file weight 2, value 5', t('file', 2), { value: 5 }, 10],
    ['file weight 2 reverse, value 5', t('file', 2, true), { value: 5 }, -10],
    ['file result below -253 -> FAULT', t('file', 1), { value: -254 }, 'fault'],
    ['script before its first result: no weight', t('script', 20), { unknown: true }, 0],
    ['unweighted script before its first result: no FAULT', t('script', 0), { unknown: true }, 0],
  ];
  for (const [name, p, s, want] of rows) it(name, () => assert.equal(trackerEffect(p, s, false), want));
  it('owner ignores weights but not unweighted failures', () => {
    assert.equal(trackerEffect(t('script', -50), down, true), 0);
    assert.equal(trackerEffect(t('interface', 0), down, true), 'fault');
  });
});

describe('vrrp/track: TrackSet', () => {
  it('sums and clamps to 1..254', () => {
    const ts = new TrackSet([{ ...t('script', 100), name: 'a' }, { ...t('script', 100), name: 'b' }], 100);
    assert.equal(ts.effectivePriority(), 254);
    ts.update({ kind: 'script', name: 'a' }, down); ts.update({ kind: 'script', name: 'b' }, down);
    assert.equal(ts.effectivePriority(), 100);
    const neg = new TrackSet([{ ...t('script', -200), name: 'a' }], 100);
    neg.update({ kind: 'script', name: 'a' }, down);
    assert.equal(neg.effectivePriority(), 1);
  });
  it('owner stays 255', () => {
    const ts = new TrackSet([{ ...t('script', -20), name: 'a' }], 255);
    ts.update({ kind: 'script', name: 'a' }, down);
    assert.equal(ts.effectivePriority(), 255);
  });
  it('reports faults by tracker and ignores unknown trackers', () => {
    const ts = new TrackSet([{ ...t('interface', 0), name: 'eth1' }], 100);
    assert.equal(ts.update({ kind: 'interface', name: 'nope' }, down), false);
    assert.equal(ts.update({ kind: 'script', name: 'eth1' }, down), false, 'same name, another kind');
    ts.update({ kind: 'interface', name: 'eth1' }, down);
    assert.deepEqual(ts.faults().map(trackerKey), ['interface:eth1']);
  });
});
