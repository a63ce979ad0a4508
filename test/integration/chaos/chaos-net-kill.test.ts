// Chaos tier, process faults: SIGKILL of each process of the master in turn. Measured first with
// keepalived 2.2.7 in this lab (CHAOS_KINDS=keepalived; README "Chaos tier"): a killed VRRP child is
// respawned at once with "VRRP child process(PID) died: Respawning" and its lines (killed again within
// a minute of its start: "Restart of VRRP process delayed 1 seconds", then 2, 4 ...); the new child
// removes the VIPs, starts as BACKUP and takes the instance back at its Master_Down. A killed parent
// takes its children with it (PR_SET_PDEATHSIG(SIGTERM)): the VRRP child sends priority 0, removes
// its VIPs and logs "Stopped"; the peer takes over after Skew_Time. 2.2.7's checker cannot run here
// (no IPVS in this kernel: it exits), so the checker-child case runs for ours only.
// Ours: the same lines; the children notice the parent's death by their IPC channel closing
// (src/daemon/child-runtime.ts), also when the VRRP child was stopped as the parent died.
import { chaosLabPerFile, kindsFromEnv } from './lab.js';
import { killCheckerChild, killParent, killVrrpChild, sleep } from './faults.js';

describe('chaos (processes): SIGKILL of the checker child, the VRRP child, the parent', function () {
  const kinds = kindsFromEnv();
  // ours: r1 also runs a checker child (a MISC_CHECK virtual server, monitoring mode without IPVS)
  const lab = chaosLabPerFile(this, 'chkil', kinds, (r) => ({ virtualServer: r === 'r1' && kinds[r] === 'daemon' }));

  it('checker child: respawned with keepalived\'s lines, no VRRP transition, no VIP move', async function () {
    if (kinds.r1 !== 'daemon') this.skip();
    await killCheckerChild(lab(), 'r1');
  });

  it('VRRP child of the master: respawned with keepalived\'s lines, master again', async () => {
    await killVrrpChild(lab(), 'r1');
  });

  it('VRRP child killed again within a minute of its start: 2.2.7\'s rate limit, restart delayed 1 s, master again', async () => {
    await killVrrpChild(lab(), 'r1', 1);
  });

  it('parent of the master: the children go with it, priority 0 sent, VIP released, the peer takes over', async () => {
    await sleep(500);
    await killParent(lab(), 'r1');
  });

  it('parent dies while its VRRP child is stopped: the child still goes when continued (no orphan with a VIP)', async () => {
    await sleep(500);
    await killParent(lab(), 'r2', true);
  });
});
