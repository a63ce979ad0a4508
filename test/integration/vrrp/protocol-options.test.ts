// Protocol keywords with an effect on the wire or on the state, ours and keepalived 2.2.7 side by
// side on one config (each on its own VRIDs; root, skipped otherwise):
//   - vrrp_min_garp: one gratuitous ARP per VIP at takeover and no second burst 5 s later;
//   - down_timer_adverts 1: BACKUP(init) -> MASTER after 1 x advert_int + skew (1.609 s at priority 100);
//   - unicast_fault_no_peer without peers: "(VI_F) Cannot use unicast without any peers - going to fault
//     state", FAULT with no "Entering FAULT STATE (init)" line, never MASTER, no advert.
// Measured first with 2.2.7 alone; the test checks the real binary and ours against the same facts.
import assert from 'node:assert/strict';
import { around, assertWithin, MARGIN, masterDownMs } from '../../helpers/bounds.js';
import { labPerTest, tail, type Daemon } from './lab.js';

function conf(who: string, base: number): string {
  return `global_defs {
   router_id ${who}
   vrrp_min_garp
}
vrrp_instance VI_D {
    state BACKUP
    interface eth0
    virtual_router_id ${base + 1}
    priority 100
    advert_int 1
    down_timer_adverts 1
    virtual_ipaddress {
        10.199.0.${base + 1}
    }
}
vrrp_instance VI_F {
    state BACKUP
    interface eth0
    virtual_router_id ${base + 2}
    priority 100
    advert_int 1
    unicast_fault_no_peer
    virtual_ipaddress {
        10.199.0.${base + 2}
    }
}
`;
}

describe('vrrp protocol options vs keepalived 2.2.7: vrrp_min_garp, down_timer_adverts, unicast_fault_no_peer (netns)', function () {
  const L = labPerTest(this, 'ko');

  it('same GARP count, takeover time and FAULT lines as 2.2.7', async () => {
    const lab = L();
    const dump = lab.lab.spawn(lab.lab.ns('c'), 'tcpdump', ['--immediate-mode', '-i', 'eth0', '-l', '-n', 'proto 112']);
    let wire = '';
    dump.stdout!.on('data', (d) => { wire += d; });
    await new Promise((r) => setTimeout(r, 300));
    const sides: [Daemon, number][] = [
      [lab.start('keepalived', 'r1', lab.writeConf('r1', conf('r1', 50))), 50],
      [lab.start('ours', 'r2', lab.writeConf('r2', conf('r2', 60))), 60],
    ];
    for (const [d] of sides) await d.waitLine('(VI_D) Entering MASTER STATE', 25000);
    // past the default second burst (garp_master_delay 5 s, which vrrp_min_garp sets to 0)
    await new Promise((r) => setTimeout(r, 6000));
    for (const [d, base] of sides) {
      const who = `${d.kind}: `;
      const init = d.has('(VI_D) Entering BACKUP STATE (init)')!, master = d.has('(VI_D) Entering MASTER STATE')!;
      const took = master.t - init.t;
      // down_timer_adverts 1: Master_Down_Interval = 1 x Adver_Int + Skew_Time (both lines through one pipe)
      assertWithin(took, around(masterDownMs(100, 1000, 1), MARGIN.pipeLag, MARGIN.busyLate, 'Adver_Int + Skew_Time(100)'), `${who}BACKUP(init) -> MASTER`, tail(d));
      const garps = d.texts().filter((t) => t === `Sending gratuitous ARP on eth0 for 10.199.0.${base + 1}`).length;
      assert.equal(garps, 1, `${who}GARPs\n${tail(d)}`);
      assert.ok(d.has(/^\(VI_F\) Cannot use unicast without any peers - going to fault state$/), `${who}\n${tail(d)}`);
      assert.ok(!d.has(/^\(VI_F\) Entering (FAULT STATE \(init\)|MASTER STATE|BACKUP STATE)/), `${who}\n${tail(d)}`);
      assert.ok(!wire.includes(`vrid ${base + 2}`), `${who}adverts of VI_F on the wire:\n${wire}`);
      assert.ok(wire.includes(`vrid ${base + 1}`), wire);
    }
  });
});
