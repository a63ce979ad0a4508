// Weighted trackers on a member of a vrrp_sync_group, ours and keepalived 2.2.7 on one config side by
// side (each alone on its VRIDs, root; skipped otherwise). Measured first with 2.2.7 alone: the
// "ignoring ... due to SYNC group" lines are logged, then
//   - the weighted vrrp_script is dropped ("Warning - script chk is not used"): its failure does nothing;
//   - the weighted track_interface still moves the priority (150 -> 120 on down, back on up) despite
//     its line (2.2.7 keeps the weight where it acts; we do the same);
//   - the track_file with the default weight 1 becomes unweighted: a non-zero value puts VI_1 in FAULT
//     ("(VI_1): tracked file tf1 now FAULT state") and the group syncs VI_2 to FAULT.
// With sync_group_tracking_weight every weight applies (second test): script -20, interface -30,
// file 5 x 1. Both daemons must log the same lines for every step.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { labPerTest, now, type Daemon, type VrrpLab } from './lab.js';

function conf(lab: VrrpLab, who: string, vrid: number, groupExtra: string): string {
  return `global_defs {
   router_id ${who}
   enable_script_security
   script_user root
}
vrrp_script chk {
   script "/usr/bin/test -f ${lab.dir}/${who}.ok"
   interval 1
   weight -20
}
track_file tf1 {
   file ${lab.dir}/${who}.tf
}
vrrp_sync_group G {
   group {
     VI_1
     VI_2
   }
   ${groupExtra}
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id ${vrid}
    priority 150
    advert_int 1
    track_script {
      chk
    }
    track_interface {
      trk0 weight -30
    }
    track_file {
      tf1
    }
    virtual_ipaddress {
        10.199.0.${vrid}
    }
}
vrrp_instance VI_2 {
    state BACKUP
    interface eth0
    virtual_router_id ${vrid + 1}
    priority 150
    advert_int 1
    virtual_ipaddress {
        10.199.0.${vrid + 1}
    }
}
`;
}

/** The lines a step produced, without the timing-only -D lines (GARPs). */
const PICK = /^\((VI_\d)\)|^VRRP_Group|^Netlink reports trk0|^Warning - script|^VRRP_Script|^Script `chk`/;
function lines(d: Daemon, after: number, before = Infinity): string[] {
  return d.lines.filter((l) => l.t >= after && l.t < before).map((l) => l.text)
    .filter((t) => PICK.test(t) && !/gratuitous ARPs|removing VIPs|setting VIPs|sent 0 priority/.test(t));
}

describe('vrrp sync group with weighted trackers vs keepalived 2.2.7 (netns)', function () {
  const L = labPerTest(this, 'kw');

  async function run(groupExtra: string): Promise<{ ka: Daemon; ours: Daemon; steps: number[] }> {
    const lab = L();
    lab.addTrackIf('r1', 'trk0');
    lab.addTrackIf('r2', 'trk0');
    for (const who of ['r1', 'r2']) { writeFileSync(`${lab.dir}/${who}.ok`, ''); writeFileSync(`${lab.dir}/${who}.tf`, '0\n'); }
    const ka = lab.start('keepalived', 'r1', lab.writeConf('r1', conf(lab, 'r1', 51, groupExtra)));
    const ours = lab.start('ours', 'r2', lab.writeConf('r2', conf(lab, 'r2', 61, groupExtra)));
    for (const d of [ka, ours]) await d.waitLine('(VI_1) Entering MASTER STATE', 25000);
    await new Promise((r) => setTimeout(r, 500));
    const steps = [now()];
    const both = (f: (who: 'r1' | 'r2') => void) => { f('r1'); f('r2'); };
    both((w) => rmSync(`${lab.dir}/${w}.ok`));
    await new Promise((r) => setTimeout(r, 2500));
    steps.push(now());
    both((w) => lab.lab.exec(lab.lab.ns(w), 'ip', ['link', 'set', 'trk0', 'down']));
    await new Promise((r) => setTimeout(r, 1000));
    steps.push(now());
    both((w) => lab.lab.exec(lab.lab.ns(w), 'ip', ['link', 'set', 'trk0', 'up']));
    await new Promise((r) => setTimeout(r, 1000));
    steps.push(now());
    both((w) => writeFileSync(`${lab.dir}/${w}.tf`, '5\n'));
    await new Promise((r) => setTimeout(r, 2500));
    steps.push(now());
    return { ka, ours, steps };
  }

  function sameSteps(ka: Daemon, ours: Daemon, steps: number[], want: string[][]): void {
    for (let i = 0; i + 1 < steps.length; i++) {
      const k = lines(ka, steps[i]!, steps[i + 1]!), o = lines(ours, steps[i]!, steps[i + 1]!);
      assert.deepEqual(k, want[i], `keepalived, step ${i}`);
      assert.deepEqual(o, k, `ours vs keepalived, step ${i}`);
    }
  }

  it('without sync_group_tracking_weight: script dropped, interface weight still acts, track_file unweighted -> group FAULT', async () => {
    const { ka, ours, steps } = await run('');
    for (const l of ['(VI_1) ignoring trk0 tracked interface weight due to SYNC group', '(VI_1) ignoring tracked script chk with weights due to SYNC group',
      '(VI_1) ignoring weight from tracked file tf1 due to SYNC group. specify weight 0', 'Warning - script chk is not used']) {
      assert.ok(lines(ka, 0).includes(l), `keepalived: ${l}`);
      assert.ok(lines(ours, 0).includes(l), `ours: ${l}`);
    }
    sameSteps(ka, ours, steps, [
      [],
      ['Netlink reports trk0 down', '(VI_1) Changing effective priority from 150 to 120'],
      ['Netlink reports trk0 up', '(VI_1) Changing effective priority from 120 to 150'],
      ['(VI_1): tracked file tf1 now FAULT state', '(VI_1) Entering FAULT STATE', 'VRRP_Group(G) Syncing instances to FAULT state', '(VI_2) Entering FAULT STATE'],
    ]);
  });

  it('with sync_group_tracking_weight: every weight acts, the group stays MASTER', async () => {
    const { ka, ours, steps } = await run('sync_group_tracking_weight');
    assert.ok(!lines(ours, 0).some((l) => /due to SYNC group/.test(l)));
    sameSteps(ka, ours, steps, [
      ['Script `chk` now returning 1', 'VRRP_Script(chk) failed (exited with status 1)', '(VI_1) Changing effective priority from 150 to 130'],
      ['Netlink reports trk0 down', '(VI_1) Changing effective priority from 130 to 100'],
      ['Netlink reports trk0 up', '(VI_1) Changing effective priority from 100 to 130'],
      ['(VI_1) Changing effective priority from 130 to 135'],
    ]);
  });
});
