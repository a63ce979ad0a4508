// Interfaces that are missing at start, or deleted and created again while instances run on them,
// beside keepalived 2.2.7 (root, netns prefix "kvif"). Each scenario runs once with keepalived and
// once with ours on the same config and the same steps; the log lines that matter (instance,
// interface and netlink lines; GARP and IPv6 link-local lines left out, their timing varies) must be
// the same, and so must the kernel state (the VIP on the interface created again).
import assert from 'node:assert/strict';
import { isRoot } from '../../helpers/netns.js';
import { configText, now, tail, VrrpLab, type Daemon } from './lab.js';

const KINDS = ['keepalived', 'ours'] as const;
const RELEVANT = /VI_1|Interface (dyn|del)0|Netlink reports|Configuration specifies|WARNING|Non-existent|ssigned address (?!fe80)/;
const NOISE = /gratuitous ARP|Sending\/queueing|sockpool/;

describe('vrrp interfaces missing, deleted and created again, as keepalived 2.2.7 (netns)', function () {
  this.timeout(120000);
  let L: VrrpLab;
  before(function () { if (!isRoot()) this.skip(); L = new VrrpLab('kvif').up(); });
  after(async () => { if (L) await L.down(); });

  const ip = (...a: string[]) => L.lab.exec(L.lab.ns('r1'), 'ip', a);
  const lines = (d: Daemon, after = 0) => d.lines.filter((l) => l.t >= after && RELEVANT.test(l.text)
    && !NOISE.test(l.text)).map((l) => l.text);
  /** A veth inside r1 (its peer up, so the link has carrier), optionally up with an address. */
  const veth = (name: string, addr?: string) => {
    ip('link', 'add', name, 'type', 'veth', 'peer', 'name', `${name}p`);
    L.lab.exec(L.lab.ns('r1'), 'sysctl', ['-qw', `net.ipv6.conf.${name}.disable_ipv6=1`]);
    ip('link', 'set', `${name}p`, 'up');
    if (addr) { ip('link', 'set', name, 'up'); ip('addr', 'add', addr, 'dev', name); }
  };
  const stop = async (d: Daemon) => { d.signal('SIGTERM'); await d.exit(8000); };

  it('an instance on a missing interface without dynamic_interfaces: the config error, and VRRP does not run', async () => {
    const seen: Record<string, string[]> = {};
    for (const kind of KINDS) {
      const d = L.start(kind, 'r1', L.writeConf('r1', configText([{ priority: 100, iface: 'dyn0', vips: ['10.199.7.100/24'] }])));
      await d.exit(30000);
      seen[kind] = lines(d).map((l) => l.replace(/^\(\/.*?: Line/, '(CONF: Line'));
      assert.ok(!L.hasAddr('r1', '10.199.7.100'));
    }
    assert.deepEqual(seen.keepalived, ['(CONF: Line 7) WARNING - interface dyn0 for vrrp_instance VI_1 doesn\'t exist', 'Non-existent interface specified in configuration']);
    assert.deepEqual(seen.ours, seen.keepalived);
  });

  it('dynamic_interfaces: FAULT at start, the interface created, up, addressed -> BACKUP -> MASTER with the VIP on it', async () => {
    const seen: Record<string, string[]> = {};
    for (const kind of KINDS) {
      const d = L.start(kind, 'r1', L.writeConf('r1', configText([{ priority: 100, iface: 'dyn0', vips: ['10.199.7.100/24'] }], 'global_defs {\n    dynamic_interfaces\n}')));
      try {
        await d.waitLine('(VI_1) entering FAULT state', 30000);
        await new Promise((r) => setTimeout(r, 500));
        const t = now();
        veth('dyn0', '10.199.8.1/24');
        await d.waitLine('(VI_1) Entering BACKUP STATE', 5000, t);
        await d.waitLine('(VI_1) Entering MASTER STATE', 6000, t);
        await L.waitAddr('r1', '10.199.7.100', true, 2000);
        assert.ok(ip('-o', 'addr', 'show', 'dev', 'dyn0').includes('10.199.7.100/24'), tail(d));
        await stop(d);
        seen[kind] = lines(d);
      } finally {
        ip('link', 'del', 'dyn0');
      }
    }
    assert.deepEqual(seen.keepalived!.slice(0, 4), [
      'Configuration specifies interface dyn0 which doesn\'t currently exist - will use if created',
      '(VI_1): entering FAULT state (interface dyn0 down)', '(VI_1) entering FAULT state (no IPv4 address for interface)', '(VI_1) entering FAULT state',
    ]);
    assert.deepEqual(seen.ours, seen.keepalived);
  });

  it('the instance interface deleted while MASTER and created again: FAULT, then MASTER again on the new interface', async () => {
    const seen: Record<string, string[]> = {};
    for (const kind of KINDS) {
      veth('del0', '10.199.9.1/24');
      const d = L.start(kind, 'r1', L.writeConf('r1', configText([{ priority: 100, iface: 'del0', vips: ['10.199.7.100/24'] }])));
      try {
        await d.waitLine('(VI_1) Entering MASTER STATE', 30000);
        await L.waitAddr('r1', '10.199.7.100', true, 2000);
        const t = now();
        ip('link', 'del', 'del0');
        await d.waitLine(/Interface del0 deleted/, 3000, t);
        await new Promise((r) => setTimeout(r, 300));
        const t2 = now();
        veth('del0', '10.199.9.1/24');
        await d.waitLine('(VI_1) Entering MASTER STATE', 8000, t2);
        await L.waitAddr('r1', '10.199.7.100', true, 2000);
        assert.ok(ip('-o', 'addr', 'show', 'dev', 'del0').includes('10.199.7.100/24'), tail(d));
        await stop(d);
        seen[kind] = lines(d, t);
      } finally {
        ip('link', 'del', 'del0');
      }
    }
    // The priority-0 adverts on entering FAULT meet a device that is already gone or not yet, a race
    // in the kernel: 2.2.7 was seen both logging "(VI_1): send advert error 19 (No such device)" twice
    // and not; ours (a socket bound to the device) always gets ENODEV. Those lines are left out here.
    const same = (l: string[]) => l.filter((x) => !x.includes('send advert error 19'));
    assert.deepEqual(same(seen.keepalived!).slice(0, 6), ['Netlink reports del0 down', '(VI_1) Entering FAULT STATE', '(VI_1) sent 0 priority', '(VI_1) removing VIPs.',
      'Deassigned address 10.199.9.1 from interface del0', 'Interface del0 deleted']);
    assert.deepEqual(same(seen.ours!), same(seen.keepalived!));
  });
});
