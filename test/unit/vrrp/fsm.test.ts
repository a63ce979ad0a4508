// FSM checks that are not one event sequence: several instances side by side, a payload verified
// over the IPv6 pseudo-header. Scenarios (one event sequence, every action compared) are data:
// test/unit/vrrp/scenarios/*/events.jsonl and expected-actions.jsonl, run by scenarios.test.ts.
import assert from 'node:assert/strict';
import type { VrrpAction } from '../../../src/vrrp/fsm-types.js';
import { baseParams, Harness } from './helpers.js';

const r2 = (over = {}) => baseParams({ priority: 100, primaryAddress: '10.198.0.2', auth: { type: 1, pass: 's3cret' }, ...over });

function started(p: ReturnType<typeof baseParams>): Harness {
  const h = new Harness(p);
  h.feed({ type: 'startup' });
  return h;
}

describe('vrrp/fsm: own interface', () => {
  it('own interface down -> FAULT; dont_track_primary ignores it', () => {
    const a = started(r2());
    a.feed({ type: 'interface', up: false });
    assert.equal(a.stateAt(), 'FAULT');
    const b = started(r2({ dontTrackPrimary: true }));
    b.feed({ type: 'interface', up: false });
    assert.equal(b.stateAt(), 'BACKUP');
  });

  // measured on 2.2.7 (test/integration/vrrp/dont-track-primary.test.ts): dont_track_primary does not cover a missing
  // address
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

describe('vrrp/fsm: IPv6', () => {
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
});
