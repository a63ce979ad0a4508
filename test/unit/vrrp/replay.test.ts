// Replays of runs of the real keepalived 2.2.7 binary in network namespaces (logs in data/ka227-*.log):
// the FSM, driven through the same events, must print the same VRRP lines in the same order.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseParams, Harness, peerAdvert } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
function captured(file: string): string[] {
  return readFileSync(join(here, 'data', file), 'utf8').split('\n')
    // "(VI) Sending/queueing ..." is the runtime's line (garp-sender.ts), not the FSM's
    .filter((l) => l.startsWith('(') && !l.includes(') Sending/queueing '));
}

describe('vrrp/replay against keepalived 2.2.7', () => {
  it('address owner start and SIGTERM (ka227-owner-start.log) [RFC 5798 §6.4.1]', () => {
    const h = new Harness(baseParams({ priority: 255, initialState: 'MASTER', interface: 'kvc-a', vips: ['10.77.0.100'], primaryAddress: '10.77.0.1' }));
    h.feed({ type: 'startup' });
    h.advance(2500);
    h.feed({ type: 'shutdown' });
    assert.deepEqual(h.logs(), captured('ka227-owner-start.log'));
  });

  it('BACKUP with a tracked interface going down and up, then priority 0 takeover and stop (ka227-backup-fault-r2.log)', () => {
    const p = baseParams({ interface: 'kvc-b', vips: ['10.77.0.100'], primaryAddress: '10.77.0.2',
      trackers: [{ id: 'interface:kvc-t2', kind: 'interface', weight: 0, reverse: false, initial: { ok: true } }] });
    const h = new Harness(p);
    h.feed({ type: 'startup' });
    const advert = () => { h.advance(1000); h.feed(peerAdvert(p, '10.77.0.1', 150)); };
    for (let i = 0; i < 4; i++) advert();
    h.feed({ type: 'tracker', id: 'interface:kvc-t2', status: { ok: false } });
    advert(); // ignored while in FAULT
    h.feed({ type: 'tracker', id: 'interface:kvc-t2', status: { ok: true } });
    advert(); advert();
    h.feed(peerAdvert(p, '10.77.0.1', 0)); // r1 stops
    h.advance(5000);
    h.feed({ type: 'shutdown' });
    assert.deepEqual(h.logs(), captured('ka227-backup-fault-r2.log'));
  });

  it('weighted track_script: priority up -> preempt at own Master_Down; priority down -> step down (ka227-weighted-script-r2.log)', () => {
    const p = baseParams({ name: 'WEIGHT', interface: 'kvc-b', vrid: 52, vips: ['10.77.0.152'], primaryAddress: '10.77.0.2',
      trackers: [{ id: 'script:chk', kind: 'script', weight: 60, reverse: false, initial: { unknown: true } }] });
    const h = new Harness(p);
    h.feed({ type: 'startup' });
    h.feed({ type: 'tracker', id: 'script:chk', status: { ok: false } });
    const advert = (prio: number) => { h.advance(1000); h.feed(peerAdvert(p, '10.77.0.1', prio)); };
    for (let i = 0; i < 7; i++) advert(150);
    h.feed({ type: 'tracker', id: 'script:chk', status: { ok: true } });
    for (let i = 0; i < 3; i++) { h.feed(peerAdvert(p, '10.77.0.1', 150)); h.advance(1000); }
    h.advance(1000); // Master_Down armed by the last accepted advert (at priority 100) runs out
    assert.equal(h.stateAt(), 'MASTER');
    h.advance(4000);
    h.feed({ type: 'tracker', id: 'script:chk', status: { ok: false } });
    h.advance(3000); // r1 (150) sees our 100 adverts, discards them and takes over at its Master_Down
    h.feed(peerAdvert(p, '10.77.0.1', 150));
    h.feed({ type: 'shutdown' });
    assert.deepEqual(h.logs(), captured('ka227-weighted-script-r2.log'));
  });
});

