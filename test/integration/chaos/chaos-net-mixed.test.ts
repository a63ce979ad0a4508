// Chaos tier, second pass with a mixed segment: r1 and r3 run ours, r2 runs keepalived 2.2.7 (VI_1:
// ours master, 2.2.7 first backup; VI_2: 2.2.7 master, ours first backup). The key faults again:
// a partition of each master, the stalled master on each side (ours stalled with 2.2.7 taking over,
// 2.2.7 stalled with ours taking over), SIGKILL of our VRRP child. Same pass criterion as the
// all-ours files (ChaosLab.assertHealed); the figures print with "ours/ka/ours".
import { chaosLabPerFile, MIXED } from './lab.js';
import { killVrrpChild, partitionFault, sleep, stallFault } from './faults.js';

describe('chaos (mixed: ours beside keepalived 2.2.7): partitions, stalled masters, a killed child', function () {
  const lab = chaosLabPerFile(this, 'chmix', MIXED);

  it('partition of our master (r1) for 5 s, heal', async () => {
    await partitionFault(lab(), 'r1', 5000);
  });

  it('partition of keepalived\'s master (r2) for 5 s, heal', async () => {
    await sleep(500);
    await partitionFault(lab(), 'r2', 5000);
  });

  it('our master\'s VRRP child stopped 5 s (keepalived takes over and yields)', async () => {
    await sleep(500);
    await stallFault(lab(), 'r1', 5000);
  });

  it('keepalived\'s VRRP child stopped 5 s (ours takes over and yields, counts the conflict)', async () => {
    await sleep(500);
    await stallFault(lab(), 'r2', 5000);
  });

  it('SIGKILL of our master\'s VRRP child beside keepalived', async () => {
    await sleep(500);
    await killVrrpChild(lab(), 'r1');
  });
});
