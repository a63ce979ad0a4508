// Chaos tier, second pass with a mixed segment (r1, r3 ours; r2 keepalived 2.2.7, as in
// chaos-net-mixed.test.ts): 30 % loss + 30 % duplication + 30 % reordering for 20 s, then the heal.
import { chaosLabPerFile, MIXED } from './lab.js';
import { impairFault } from './faults.js';

describe('chaos (mixed: ours beside keepalived 2.2.7): loss, duplication and reordering at 30 %', function () {
  const lab = chaosLabPerFile(this, 'chmxi', MIXED);

  it('30 % loss + 30 % duplication + 30 % reordering for 20 s, heal: one owner per VIP within Master_Down_Interval', async () => {
    await impairFault(lab(), { lossPct: 30, dupPct: 30, reorderPct: 30 }, 20_000);
  });
});
