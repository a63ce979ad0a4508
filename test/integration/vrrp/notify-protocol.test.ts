// notify_priority_changes, notify_deleted and fifo_write_vrrp_states_on_reload: our daemon
// (bin/keepalived: VRRP child + notify FIFOs and scripts) and keepalived 2.2.7 run the same config
// side by side (each on its own VRIDs, a third router holds VI_2 as MASTER for both), with the
// same steps: a weighted script fails, a tracked interface goes down, a reload deletes three
// instances. Their vrrp_notify_fifo lines and generic notify script calls must be the same.
// Measured first with 2.2.7 alone (facts the test also checks on the real binary):
//   - a priority change writes `INSTANCE "VI_1" MASTER_PRIORITY 130` / `... BACKUP_PRIORITY 90` to the
//     FIFO only (no script);
//   - at the reload, a deleted MASTER without notify_deleted reports FAULT, with it DELETED (running
//     notify_deleted's script too); a deleted FAULT instance with notify_deleted reports DELETED;
//   - with fifo_write_vrrp_states_on_reload the group's state and the BACKUP instance's state are
//     written again (not the MASTERs');
//   - a sync group writes GROUP BACKUP at start, GROUP MASTER after its members, GROUP STOP last.
// Needs root and a built dist/ (`npm run build`); skipped without root.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { labPerTest, type VrrpLab } from './lab.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function instance(name: string, vrid: number, prio: number, notify: string, extra = ''): string {
  return `vrrp_instance ${name} {
    state BACKUP
    interface eth0
    virtual_router_id ${vrid}
    priority ${prio}
    advert_int 1
    notify ${notify}
    ${extra}
    virtual_ipaddress {
        10.199.0.${vrid}
    }
}
`;
}

/** One side's config: VRIDs base+1.., files under `${dir}/${who}.*`. */
function conf(lab: VrrpLab, who: string, base: number, withDeleted: boolean): string {
  const d = `${lab.dir}/${who}`;
  const n = `${d}.n.sh`;
  return `global_defs {
   router_id ${who}
   enable_script_security
   script_user root
   vrrp_notify_fifo ${d}.fifo
   fifo_write_vrrp_states_on_reload
}
vrrp_script chk {
   script "/usr/bin/test -f ${d}.ok"
   interval 1
}
vrrp_sync_group G {
  group {
    VI_5
    VI_6
  }
}
` + instance('VI_1', base + 1, 150, n, 'notify_priority_changes\n    track_script {\n      chk weight -20\n    }')
    + instance('VI_2', base + 2, 100, n, 'notify_priority_changes\n    track_interface {\n      trk0 weight -10\n    }')
    + (withDeleted ? instance('VI_3', base + 3, 150, n, `notify_deleted "${n} deleted-script"`) + instance('VI_4', base + 4, 150, n)
      + instance('VI_7', base + 7, 150, n, 'notify_deleted\n    track_interface {\n      trk0\n    }') : '')
    + instance('VI_5', base + 5, 150, n) + instance('VI_6', base + 6, 150, n);
}

describe('vrrp notify options vs keepalived 2.2.7: FIFO lines and notify calls (netns)', function () {
  const L = labPerTest(this, 'kn');
  const readers: ChildProcess[] = [];
  // readers run in their own process group (sh + cat), ended together by that group's id
  afterEach(() => { for (const r of readers.splice(0)) if (r.pid) { try { process.kill(-r.pid, 'SIGKILL'); } catch { /* gone */ } } });

  it('notify_priority_changes, notify_deleted, fifo_write_vrrp_states_on_reload, group notifies: same lines as 2.2.7', async function () {
    if (!existsSync(new URL('../../../dist/daemon/main.js', import.meta.url))) this.skip();
    const lab = L();
    const sides = [{ who: 'r1', kind: 'keepalived' as const, base: 50 }, { who: 'r2', kind: 'daemon' as const, base: 60 }];
    for (const s of sides) {
      const d = `${lab.dir}/${s.who}`;
      writeFileSync(`${d}.ok`, '');
      writeFileSync(`${d}.n.sh`, `#!/bin/sh\necho "$@" >> ${d}.notify.log\n`);
      chmodSync(`${d}.n.sh`, 0o755);
      execFileSync('mkfifo', [`${d}.fifo`]);
      // 2.2.7 closes and reopens its FIFO at a reload: a reader that stops at EOF would miss the rest
      const r = spawn('sh', ['-c', `while :; do cat ${d}.fifo; done > ${d}.fifo.log`], { stdio: 'ignore', detached: true });
      readers.push(r);
      lab.addTrackIf(s.who, 'trk0');
    }
    // the third router holds VI_2 of both sides as MASTER (priority 200)
    const peer = 'global_defs {\n   router_id c\n}\n' + instance('VI_2a', 52, 200, '/bin/true') + instance('VI_2b', 62, 200, '/bin/true');
    lab.start('keepalived', 'c', lab.writeConf('c', peer.replace(/    notify \/bin\/true\n/g, '')));
    await sleep(500);
    const confs = sides.map((s) => lab.writeConf(s.who, conf(lab, s.who, s.base, true)));
    const ds = sides.map((s, i) => lab.start(s.kind, s.who, confs[i]!));
    for (const d of ds) await d.waitLine('(VI_5) Entering MASTER STATE', 25000);
    await sleep(1000);
    for (const s of sides) rmSync(`${lab.dir}/${s.who}.ok`);
    await sleep(2500);
    for (const s of sides) lab.lab.exec(lab.lab.ns(s.who), 'ip', ['link', 'set', 'trk0', 'down']);
    await sleep(1500);
    sides.forEach((s, i) => writeFileSync(confs[i]!, conf(lab, s.who, s.base, false)));
    for (const d of ds) d.signal('SIGHUP');
    await sleep(2500);
    for (const d of ds) d.signal('SIGTERM');
    for (const d of ds) await d.exit(8000);
    await sleep(300);
    const fifo = sides.map((s) => readFileSync(`${lab.dir}/${s.who}.fifo.log`, 'utf8').split('\n').filter(Boolean));
    const calls = sides.map((s) => readFileSync(`${lab.dir}/${s.who}.notify.log`, 'utf8').split('\n').filter(Boolean));
    const [kaFifo, ourFifo] = fifo as [string[], string[]];
    // 2.2.7's facts
    for (const l of ['INSTANCE "VI_1" MASTER_PRIORITY 130', 'INSTANCE "VI_2" BACKUP_PRIORITY 90', 'INSTANCE "VI_3" DELETED 150',
      'INSTANCE "VI_4" FAULT 150', 'INSTANCE "VI_7" DELETED 150', 'GROUP "G" BACKUP 0', 'GROUP "G" MASTER 0', 'INSTANCE "VI_2" BACKUP 90', 'GROUP "G" STOP 0']) {
      assert.ok(kaFifo.includes(l), `keepalived FIFO: ${l}\n${kaFifo.join('\n')}\n${ds[0]!.texts().filter((t) => !/gratuitous/.test(t)).join('\n')}`);
    }
    assert.ok(!calls[0]!.some((c) => /PRIORITY/.test(c)), calls[0]!.join('\n'));
    // notify_deleted's own script runs, then the generic one with DELETED
    for (const c of ['deleted-script', 'INSTANCE VI_3 DELETED 150', 'INSTANCE VI_4 FAULT 150']) assert.ok(calls[0]!.includes(c), `keepalived calls: ${c}\n${calls[0]!.join('\n')}`);
    // ours: the same lines; per instance/group in the same order (instances of one side move in the same
    // order, but timer races between instances of one side may interleave differently)
    const by = (lines: string[]) => {
      const m = new Map<string, string[]>();
      for (const l of lines) { const k = l.split(' ').slice(0, 2).join(' '); m.set(k, [...(m.get(k) ?? []), l]); }
      return m;
    };
    assert.deepEqual(by(ourFifo), by(kaFifo), `ours:\n${ourFifo.join('\n')}\n\nkeepalived:\n${kaFifo.join('\n')}`);
    assert.deepEqual([...calls[1]!].sort(), [...calls[0]!].sort(), `ours:\n${calls[1]!.join('\n')}\n\nkeepalived:\n${calls[0]!.join('\n')}`);
  });
});
