// Fuzz (short): 50k random and mutated packets through decoder + ladder, and 5k through the FSM.
// No exception, every packet counted in exactly one outcome. bench/fuzz-vrrp.ts runs 1M.
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/common/clock.js';
import { VrrpFsm } from '../../../src/vrrp/fsm.js';
import { baseParams } from './helpers.js';
import { makePacket, mulberry32, runFuzz } from './fuzz-gen.js';

describe('vrrp/fuzz', function () {
  this.timeout(60_000);
  it('50,000 packets through decoder + ladder: no exception, all counted', () => {
    const r = runFuzz(50_000, 7);
    assert.equal(r.exceptions, 0, r.firstException);
    const counted = Object.values(r.byReason).reduce((a, b) => a + b, 0);
    assert.equal(counted, 50_000);
    // the mix reaches deep rungs and acceptance, not just the first checks
    for (const k of ['too_short', 'ttl', 'version', 'bad_length', 'checksum', 'accepted:pseudo', 'accepted:plain']) {
      assert.ok((r.byReason[k] ?? 0) > 0, `no ${k}: ${JSON.stringify(r.byReason)}`);
    }
    assert.ok(r.accepted > 100, JSON.stringify(r.byReason));
  });

  it('5,000 packets through MASTER and BACKUP FSMs: no exception, stats add up', () => {
    const rnd = mulberry32(11);
    for (const initialState of ['BACKUP', 'MASTER'] as const) {
      const clock = new FakeClock(0);
      const fsm = new VrrpFsm(baseParams({ priority: initialState === 'MASTER' ? 255 : 100, initialState, auth: { type: 1, pass: 's3cret' } }), clock);
      fsm.handle({ type: 'startup' });
      const t = fsm.handle({ type: 'startup' });
      assert.deepEqual(t, []);
      let fed = 0;
      for (let i = 0; i < 2500; i++) {
        const { pkt, family } = makePacket(rnd);
        clock.advance(1);
        fsm.handle({ type: 'packet', ...pkt, family });
        fed++;
      }
      assert.equal(fed, 2500);
      const s = fsm.stats;
      const rejected = s.packet_len_err + s.ip_ttl_err + s.version_err + s.invalid_type_rcvd
        + s.vrid_err + s.addr_list_err
        + s.checksum_err + s.invalid_authtype + s.authtype_mismatch + s.auth_failure;
      // interval errors are also counted on accepted v2 adverts, so exclude them from the partition
      assert.ok(rejected + s.advert_rcvd <= 2500 && rejected
        + s.advert_rcvd >= 2500 - s.advert_interval_err, JSON.stringify(s));
    }
  });
});
