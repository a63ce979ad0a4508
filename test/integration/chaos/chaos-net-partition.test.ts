// Chaos tier, partitions and link flaps: the master of VI_1 (r1) cut off from the segment for 6 s
// (longer than Master_Down_Interval: both sides hold the VIP, then the heal), and its link taken
// down and up 4 times within a second. Three routers running ours (CHAOS_KINDS=keepalived: 2.2.7).
// Pass (each heal): every VIP held by its expected master only within Master_Down_Interval + margin.
import { chaosLabPerFile, kindsFromEnv } from './lab.js';
import { flapFault, partitionFault, sleep } from './faults.js';

describe('chaos (network): partition of the master, link flaps', function () {
  const lab = chaosLabPerFile(this, 'chprt', kindsFromEnv());

  it('partition of the master for 6 s and its heal: one owner per VIP within Master_Down_Interval', async () => {
    await partitionFault(lab(), 'r1', 6000);
  });

  it('partition of the other master (r2, VI_2) for 6 s and its heal', async () => {
    await sleep(1000);
    await partitionFault(lab(), 'r2', 6000);
  });

  it('4 link flaps of the master within a second: one owner per VIP within Master_Down_Interval of the last up', async () => {
    await sleep(1000);
    await flapFault(lab(), 'r1', 4, 100);
  });
});
