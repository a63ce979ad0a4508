// Runtime address changes on the instance interface (root, netns prefix "kvla"), run against both
// implementations with the same expectations (checked on keepalived 2.2.7 here):
//  - the primary address is deleted while another one exists: adverts continue from the other
//    address, nothing is logged;
//  - the last address is deleted: "Deassigned address ...", FAULT, priority 0 sent, VIPs removed;
//  - an address comes back: "Assigned address ...", BACKUP, then MASTER with adverts from it.
import assert from 'node:assert/strict';
import { isRoot, waitFor } from '../../helpers/netns.js';
import { configText, now, tail, VrrpLab, type Line } from './lab.js';

describe('vrrp primary address changes at runtime (netns)', function () {
  this.timeout(120000);
  let L: VrrpLab;
  before(function () { if (!isRoot()) this.skip(); L = new VrrpLab('kvla').up(); });
  after(async () => { if (L) await L.down(); });

  for (const kind of ['keepalived', 'ours'] as const) {
    it(`${kind}: adverts follow the interface address; no address -> FAULT, address back -> BACKUP -> MASTER`, async () => {
      const ns = L.lab.ns('r1');
      const ip = (...a: string[]) => L.lab.exec(ns, 'ip', a);
      // advert sources seen by the client
      const seen: Line[] = [];
      const tap = L.lab.spawn(L.lab.ns('c'), 'tcpdump', ['--immediate-mode', '-l', '-n', '-i', 'eth0', 'proto 112']);
      let buf = '';
      tap.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) { seen.push({ t: now(), text: buf.slice(0, i) }); buf = buf.slice(i + 1); }
      });
      const advertFrom = (src: string, after: number) => waitFor(() => seen.find((l) => l.t >= after && l.text.includes(`IP ${src} > 224.0.0.18`)), 6000, 10);
      try {
        const d = L.start(kind, 'r1', L.writeConf('r1', configText([{ priority: 150, state: 'MASTER', vips: ['10.199.0.100/32'] }])));
        await d.waitLine('(VI_1) Entering MASTER STATE', 60000); // node + tsx start-up can take >20 s on a loaded 2-core machine
        // the rest of that burst of lines may reach us after this wakes up: wait for its last non-GARP line
        await d.waitLine('(VI_1) setting VIPs.', 5000);
        // log lines after t, without the GARP lines (vrrp_garp_master_delay repeats them after 5 s)
        const since = (t0: number) => d.lines.filter((l) => l.t >= t0 && !/gratuitous ARP/.test(l.text)).map((l) => l.text);
        await advertFrom('10.199.0.1', 0);

        let t = now();
        ip('addr', 'add', '10.198.0.11/24', 'dev', 'eth0');
        ip('addr', 'del', '10.199.0.1/24', 'dev', 'eth0');
        await advertFrom('10.198.0.11', t);
        await new Promise((r) => setTimeout(r, 300));
        assert.deepEqual(since(t), [], tail(d, t));
        assert.ok(L.hasAddr('r1', '10.199.0.100'), 'still MASTER with its VIP');

        t = now();
        ip('addr', 'del', '10.198.0.11/24', 'dev', 'eth0');
        await d.waitLine('(VI_1) removing VIPs.', 3000, t);
        assert.deepEqual(since(t),
          ['Deassigned address 10.198.0.11 from interface eth0', '(VI_1) Entering FAULT STATE', '(VI_1) sent 0 priority', '(VI_1) removing VIPs.'], tail(d, t));
        await L.waitAddr('r1', '10.199.0.100', false, 2000);

        t = now();
        ip('addr', 'add', '10.197.0.12/24', 'dev', 'eth0');
        await d.waitLine('(VI_1) Entering BACKUP STATE', 3000, t);
        await d.waitLine('(VI_1) Entering MASTER STATE', 8000, t);
        assert.deepEqual(since(t).slice(0, 2),
          ['Assigned address 10.197.0.12 for interface eth0', '(VI_1) Entering BACKUP STATE'], tail(d, t));
        await advertFrom('10.197.0.12', t);
        d.signal('SIGTERM');
        await d.exit(5000);
      } finally {
        try { process.kill(tap.pid!, 'SIGKILL'); } catch { /* gone */ }
        // restore the router for the next implementation
        L.lab.exec(ns, 'ip', ['addr', 'flush', 'dev', 'eth0', 'scope', 'global'], { allowFail: true });
        ip('addr', 'add', '10.199.0.1/24', 'dev', 'eth0');
      }
    });
  }
});
