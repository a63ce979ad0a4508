// The VRRP process's start-up lines in keepalived 2.2.7's order, 2.2.7 then ours on the same config
// (root, netns prefix "kvso"). Measured on 2.2.7 and held for both, line for line: "Assigned address",
// every instance's parameter lines ("Cannot use unicast without any peers", "the first IPv6 VIP
// address should be link local"), the firewall's line, the VMAC and its link-local, the FAULT reasons
// and "entering FAULT state", "Warning - script X is not used", "Registering gratuitous ARP/NDISC
// shared channel", every left-over VIP removal, then BACKUP (init), then the sockpool. (The parent's
// "Starting VRRP child process" and "Startup complete" are left out: another process.)
import assert from 'node:assert/strict';
import { isRoot } from '../../helpers/netns.js';
import { configText, tail, VrrpLab, type Daemon } from './lab.js';

describe('vrrp start-up line order (netns, keepalived 2.2.7 and ours)', function () {
  this.timeout(120000);
  let L: VrrpLab;
  before(function () {
    if (!isRoot()) this.skip();
    L = new VrrpLab('kvso').up();
    L.addTrackIf('r1', 'trk');
    L.lab.exec(L.lab.ns('r1'), 'ip', ['link', 'set', 'trk', 'down']);
  });
  after(async () => { await L?.down(); });

  const conf = configText([
    { name: 'VI_1', vrid: 51, priority: 150, vips: ['10.199.0.51/32'] },
    { name: 'VI_2', vrid: 52, priority: 150, vips: ['10.199.0.52/32'], trackInterface: ['trk'] },
    { name: 'VI_3', vrid: 53, priority: 100, vips: ['10.199.0.53/32'], extra: ['unicast_fault_no_peer'] },
    { name: 'VI_6', vrid: 56, priority: 100, version: 3, vips: ['fd00::56/64'], extra: ['use_vmac'] },
  ], 'vrrp_script unused {\n    script /bin/true\n}', 'lab', ['enable_script_security', 'script_user root']);

  const seen: Record<string, string[]> = {};
  const startup = (d: Daemon): string[] => {
    const t = d.texts();
    const from = t.indexOf('Registering Kernel netlink reflector');
    const to = t.findIndex((l) => l.startsWith('VRRP sockpool'));
    // the parent's lines are another process's: 2.2.7's parent logs "Starting VRRP child process" after its
    // fork, which under load comes after the child's first lines (CI run at load 5: after "Registering Kernel
    // netlink reflector")
    return t.slice(from, to + 1)
      .filter((l) => !/gratuitous ARP on|Startup complete|^Starting \w+ child process|^Configuration file|^\(.*: Line \d+\)/.test(l));
  };

  for (const kind of ['keepalived', 'ours'] as const) {
    it(`${kind}: the start-up lines`, async () => {
      const d = L.start(kind, 'r1', L.writeConf('r1', conf));
      try {
        await d.waitLine(/^VRRP sockpool.*IPv6/, 60000);
        seen[kind] = startup(d);
        const at = (s: string | RegExp): number => seen[kind]!.findIndex((l) => (typeof s === 'string' ? l === s : s.test(l)));
        const order = ['(VI_3) Cannot use unicast without any peers - going to fault state', '(VI_6) the first IPv6 VIP address should be link local',
          'use_vmac or no_accept/strict specified, but no firewall configured - using nftables', '(VI_6): Success creating VMAC interface vrrp.56',
          '(VI_2): entering FAULT state (interface trk down)', '(VI_2) entering FAULT state', 'Warning - script unused is not used',
          'Registering gratuitous ARP shared channel', '(VI_1) removing VIPs.', '(VI_2) removing VIPs.', '(VI_3) removing VIPs.',
          '(VI_1) Entering BACKUP STATE (init)', '(VI_6) Entering BACKUP STATE (init)'];
        const idx = order.map(at);
        assert.ok(idx.every((x, i) => x >= 0 && (i === 0 || x > idx[i - 1]!)), `${kind}: ${JSON.stringify(idx)}\n${seen[kind]!.join('\n')}`);
        assert.ok(at(/^Assigned address 10\.199\.0\.1 for interface eth0$/) < idx[0]!, tail(d));
      } finally {
        d.signal('SIGTERM');
        await d.exit(10000).catch(() => undefined);
      }
    });
  }

  it('ours gives 2.2.7\'s lines in 2.2.7\'s order (file descriptors aside)', function () {
    if (!seen.keepalived || !seen.ours) this.skip();
    const norm = (l: string[]) => l.map((x) => x.replace(/fd\(\d+,\d+\)/, 'fd').replace(/ifindex\( *\d+\)/, 'ifindex'));
    assert.deepEqual(norm(seen.ours), norm(seen.keepalived));
  });
});
