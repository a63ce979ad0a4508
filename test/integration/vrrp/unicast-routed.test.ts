// Unicast peers one routed hop apart (r1 -- rt -- r2, adverts arrive with TTL 254), ours beside
// keepalived 2.2.7 in both role orders (root; skipped otherwise). Measured first with two 2.2.7s:
// the backup accepts TTL-254 unicast adverts (no TTL rung for unicast) and stays BACKUP; SIGTERM of
// the master: priority 0, the backup is MASTER after its Skew_Time. With check_unicast_src and a
// peer's `min_ttl 255`, 2.2.7 logs "(VI_1) TTL/HL 254 not in range 255 - 255" per advert and counts
// ip_ttl_err, so that backup takes over.
import assert from 'node:assert/strict';
import { isRoot, waitFor } from '../../helpers/netns.js';
import { configText, now, tail, type Daemon } from './lab.js';
import { R1, R2, RoutedLab } from './routed-lab.js';

const VIP = '10.199.9.1';

function conf(prio: number, src: string, peer: string, extra = '', peerOpts = ''): string {
  return configText([{ priority: prio, unicastSrc: src, unicastPeers: [`${peer} ${peerOpts}`.trim()], vips: [`${VIP}/32`], extra: [extra] }], '', src);
}

async function snapshotStats(d: Daemon): Promise<Record<string, number>> {
  const n = d.stdout.length;
  d.signal('SIGUSR1');
  const l = await waitFor(() => d.stdout.slice(n).find((x) => x.text.startsWith('SNAPSHOT ')), 3000);
  return (JSON.parse(l.text.slice('SNAPSHOT '.length)) as { instances: { stats: Record<string, number> }[] }).instances[0]!.stats;
}

describe('vrrp unicast across a router (TTL 254) with keepalived 2.2.7 (netns)', function () {
  this.timeout(60000);
  let lab: RoutedLab | undefined;
  beforeEach(function () {
    if (!isRoot()) this.skip();
    lab = new RoutedLab('ku').up();
  });
  afterEach(() => { lab?.down(); lab = undefined; });

  for (const [masterKind, backupKind] of [['ours', 'keepalived'], ['keepalived', 'ours']] as const) {
    it(`${masterKind} MASTER on r1, ${backupKind} BACKUP on r2: one master; SIGTERM hands the VIP over`, async () => {
      const L = lab!;
      const m = L.start(masterKind, 'r1', L.writeConf('r1', conf(150, R1, R2)));
      await m.waitLine('(VI_1) Entering MASTER STATE', 8000);
      const b = L.start(backupKind, 'r2', L.writeConf('r2', conf(100, R2, R1)));
      await b.waitLine('(VI_1) Entering BACKUP STATE (init)', 8000);
      // two Master_Down intervals of TTL-254 adverts: the backup must stay BACKUP
      await new Promise((r) => setTimeout(r, 4500));
      assert.ok(!b.has('(VI_1) Entering MASTER STATE'), tail(b));
      assert.ok(!b.has(/invalid TTL/), tail(b));
      assert.ok(L.hasAddr('r1', VIP) && !L.hasAddr('r2', VIP));
      const t0 = now();
      m.signal('SIGTERM');
      await b.waitLine('(VI_1) Backup received priority 0 advertisement', 3000, t0);
      await b.waitLine('(VI_1) Entering MASTER STATE', 3000, t0);
      await waitFor(() => L.hasAddr('r2', VIP), 2000);
    });
  }

  it('check_unicast_src with min_ttl 255: both log "TTL/HL 254 not in range 255 - 255", count ip_ttl_err and take over', async () => {
    const L = lab!;
    // r1: keepalived with the check, r2: ours with the check; both hear the other at TTL 254
    const k = L.start('keepalived', 'r1', L.writeConf('r1', conf(150, R1, R2, 'check_unicast_src', 'min_ttl 255')));
    const o = L.start('ours', 'r2', L.writeConf('r2', conf(100, R2, R1, 'check_unicast_src', 'min_ttl 255')));
    await k.waitLine('(VI_1) Entering MASTER STATE', 8000);
    await o.waitLine('(VI_1) TTL/HL 254 not in range 255 - 255', 8000);
    await o.waitLine('(VI_1) Entering MASTER STATE', 8000);
    await k.waitLine('(VI_1) TTL/HL 254 not in range 255 - 255', 3000);
    const stats = await snapshotStats(o);
    const lines = o.texts().filter((t) => t === '(VI_1) TTL/HL 254 not in range 255 - 255').length;
    assert.ok(stats['ip_ttl_err']! >= lines && lines >= 1, JSON.stringify(stats));
    assert.equal(stats['advert_rcvd'] ?? 0, 0, JSON.stringify(stats));
  });
});
