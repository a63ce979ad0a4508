// Chaos tier, a bad segment: 30 % loss, 30 % duplication and 30 % reordering (frames held 0.75-2.25 s,
// so a delayed advert lands after the next one) on every frame toward each router, all at once for
// 20 s, then the heal. This kernel has no sch_netem (platform notes), so nftables does it: netdev
// egress chains on the bridge ports with numgen random (drop, dup, fwd to a relay, reorder-relay.py).
// Three routers running ours (CHAOS_KINDS=keepalived: 2.2.7). Pass: after the heal every VIP is held
// by its expected master only within Master_Down_Interval + margin; no daemon crashed.
import { chaosLabPerFile, kindsFromEnv } from './lab.js';
import { impairFault } from './faults.js';

describe('chaos (network): loss, duplication and reordering at 30 %', function () {
  const lab = chaosLabPerFile(this, 'chimp', kindsFromEnv());

  it('30 % loss + 30 % duplication + 30 % reordering for 20 s, heal: one owner per VIP within Master_Down_Interval', async () => {
    await impairFault(lab(), { lossPct: 30, dupPct: 30, reorderPct: 30 }, 20_000);
  });
});
