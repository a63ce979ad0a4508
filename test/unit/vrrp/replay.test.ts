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
      trackers: [{ kind: 'interface', name: 'kvc-t2', weight: 0, reverse: false, initial: { ok: true } }] });
    const h = new Harness(p);
    h.feed({ type: 'startup' });
    const advert = () => { h.advance(1000); h.feed(peerAdvert(p, '10.77.0.1', 150)); };
    for (let i = 0; i < 4; i++) advert();
    h.feed({ type: 'tracker', tracker: { kind: 'interface', name: 'kvc-t2' }, status: { ok: false } });
    advert(); // ignored while in FAULT
    h.feed({ type: 'tracker', tracker: { kind: 'interface', name: 'kvc-t2' }, status: { ok: true } });
    advert(); advert();
    h.feed(peerAdvert(p, '10.77.0.1', 0)); // r1 stops
    h.advance(5000);
    h.feed({ type: 'shutdown' });
    assert.deepEqual(h.logs(), captured('ka227-backup-fault-r2.log'));
  });

  it('weighted track_script: priority up -> preempt at own Master_Down; priority down -> step down (ka227-weighted-script-r2.log)', () => {
    const p = baseParams({ name: 'WEIGHT', interface: 'kvc-b', vrid: 52, vips: ['10.77.0.152'], primaryAddress: '10.77.0.2',
      trackers: [{ kind: 'script', name: 'chk', weight: 60, reverse: false, initial: { unknown: true } }] });
    const h = new Harness(p);
    h.feed({ type: 'startup' });
    h.feed({ type: 'tracker', tracker: { kind: 'script', name: 'chk' }, status: { ok: false } });
    const advert = (prio: number) => { h.advance(1000); h.feed(peerAdvert(p, '10.77.0.1', prio)); };
    for (let i = 0; i < 7; i++) advert(150);
    h.feed({ type: 'tracker', tracker: { kind: 'script', name: 'chk' }, status: { ok: true } });
    for (let i = 0; i < 3; i++) { h.feed(peerAdvert(p, '10.77.0.1', 150)); h.advance(1000); }
    h.advance(1000); // Master_Down armed by the last accepted advert (at priority 100) runs out
    assert.equal(h.stateAt(), 'MASTER');
    h.advance(4000);
    h.feed({ type: 'tracker', tracker: { kind: 'script', name: 'chk' }, status: { ok: false } });
    h.advance(3000); // r1 (150) sees our 100 adverts, discards them and takes over at its Master_Down
    h.feed(peerAdvert(p, '10.77.0.1', 150));
    h.feed({ type: 'shutdown' });
    assert.deepEqual(h.logs(), captured('ka227-weighted-script-r2.log'));
  });
});


describe('vrrp/replay: the stalled master of the chaos tier (test/integration/chaos/data/ka-2.2.7-stop.txt)', () => {
  // r1's log there: "<ms> <line>"; SIGCONT at 5000 ms
  const rec = readFileSync(join(here, '../../integration/chaos/data/ka-2.2.7-stop.txt'), 'utf8').split('## r1 log\n')[1]!.split('\n## ')[0]!
    .split('\n').filter(Boolean).map((l) => ({ t: Number(l.slice(0, l.indexOf(' '))), text: l.slice(l.indexOf(' ') + 1) }));

  it('the woken master: 2.2.7\'s line per queued lower advert, one GARP burst each at once and one each garp_lower_prio_delay later', () => {
    const lower = rec.filter((l) => l.text.startsWith('(VI_1) Received advert from 10.199.0.2 with lower priority 100, ours 150'));
    const wake = lower[0]!.t;
    const late = rec.filter((l) => l.text.startsWith('(VI_1) Sending/queueing') && l.t >= wake + 4500);
    const p = baseParams({ priority: 150, initialState: 'MASTER', primaryAddress: '10.199.0.1', vips: ['10.199.0.100'] });
    const h = new Harness(p);
    h.feed({ type: 'startup' });
    h.advance(4000);
    assert.equal(h.stateAt(), 'MASTER');
    h.clear();
    for (let i = 0; i < lower.length; i++) h.feed(peerAdvert(p, '10.199.0.2', 100));
    assert.deepEqual(h.logs(false), lower.map((l) => l.text));
    const bursts = () => h.actions.filter((x) => x.action.kind === 'garp' && (x.action as { reason: string }).reason === 'lowerPrio').length;
    assert.equal(bursts(), lower.length);
    h.advance(5500);
    assert.equal(bursts() - lower.length, late.length, `2.2.7 sent ${late.length} delayed bursts`);
  });
});
