// Chaos tier, the stalled master (the classic split brain): SIGSTOP of the master's VRRP child for
// 5 s, then SIGCONT. Three routers running ours (CHAOS_KINDS=keepalived: 2.2.7's, for the reference
// figures). Pass: the peer takes over within Master_Down_Interval, one master within one advert
// interval of the wake-up, the winner re-sends gratuitous ARPs, 2.2.7's log lines, one master
// conflict counted on each side (ours).
import { chaosLabPerFile, kindsFromEnv } from './lab.js';
import { stallFault } from './faults.js';

describe('chaos (network): a stalled master wakes up', function () {
  const lab = chaosLabPerFile(this, 'chstl', kindsFromEnv());

  it('SIGSTOP of the master\'s VRRP child for 5 s, SIGCONT: takeover within Master_Down, one master within an advert interval of the wake-up, GARPs, counted', async () => {
    await stallFault(lab(), 'r1', 5000);
  });
});
