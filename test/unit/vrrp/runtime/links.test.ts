// interface_up_down_delays and linkbeat polling of the VRRP runtime on a fake kernel, replaying
// what keepalived 2.2.7 was put through in namespaces (test/integration/vrrp/data/links-2.2.7/
// up-down-delays.* and linkbeat.*: the same config, the same carrier / admin changes at the same
// times): the same lines in the same order, with the delays and the poll period as 2.2.7 has them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { effectiveDelays, flagsUp, LinkDebounce } from '../../../../src/vrrp/runtime/link-debounce.js';
import { firstProbe, pollProbe } from '../../../../src/vrrp/runtime/linkbeat.js';
import { Lab, parse, type Router } from './harness.js';

const DATA = new URL('../../../integration/vrrp/data/links-2.2.7/', import.meta.url).pathname;
const LINKS = [{ name: 'eth0', addrs: ['10.199.0.1/24', 'fe80::1/64'] }, { name: 'eth1', addrs: ['10.198.0.1/24', 'fe80::2/64'] }];

/** The recorded lines about links and state (no GARP, address or start/stop lines). */
function recordedLines(name: string): string[] {
  return readFileSync(`${DATA}${name}.log`, 'utf8').split('\n').map((l) => l.replace(/^\d\d:\d\d:\d\d /, ''))
    .filter((l) => /^\(VI_1\) (?!Sending)|reports|flags change|Delay timer|debounce|linkbeat|NIC polling/.test(l));
}

function ourLines(r: Router): string[] {
  return r.log(0).filter((l) => /^\(VI_1\) (?!Sending)|reports|flags change|Delay timer|debounce|linkbeat|NIC polling/.test(l));
}

/**
 * Replays the recorded events (ms from start) on r1's fake kernel (c0 = eth0's carrier, eth1 admin
 * state), then 2 s more, as the recording ran.
 */
async function replay(lab: Lab, r: Router, name: string): Promise<{ at: number; what: string }[]> {
  const evs = readFileSync(`${DATA}${name}.events`, 'utf8').split('\n').filter(Boolean).map((l) => {
    const [t, ...w] = l.trim().split(/\s+/);
    return { at: Math.round(Number(t)), what: w.join(' ') };
  });
  for (const e of evs) {
    await lab.advance(e.at - lab.now);
    if (e.what === 'c0 down') r.kernel.setLink('eth0', { running: false });
    else if (e.what === 'c0 up') r.kernel.setLink('eth0', { running: true });
    else if (e.what === 'eth1 admin down') r.kernel.setLink('eth1', { up: false });
    else if (e.what === 'eth1 up') r.kernel.setLink('eth1', { up: true, running: true });
    else throw new Error(`unknown event ${e.what}`);
  }
  await lab.advance(2000);
  return evs;
}

const at = (r: Router, line: string): number => { const l = r.lines.find((x) => x.msg === line); assert.ok(l, `no line ${line}`); return l.at; };

describe('vrrp/runtime: interface_up_down_delays and linkbeat (2.2.7 recordings replayed)', () => {
  it('up/down delays: 3 s cut to 1996094 us, a short flap only announced, down and up after their delays (up-down-delays)', async () => {
    const lab = new Lab();
    const r = lab.router('r1', LINKS);
    await r.start(readFileSync(`${DATA}up-down-delays.conf`, 'utf8'));
    const ev = await replay(lab, r, 'up-down-delays');
    assert.deepEqual(ourLines(r), recordedLines('up-down-delays'));
    // the second carrier loss is reported 1996.094 ms later, its return 500 ms later, eth1's
    // admin down 1.5 s later and its return at once (no up delay)
    const after = (line: string, i: number): number => Math.round((at(r, line) - ev[i]!.at) * 1000) / 1000;
    assert.equal(after('Netlink reports eth0 down', 2), 1996.094);
    assert.equal(after('Netlink reports eth0 up', 3), 500);
    assert.equal(after('Netlink reports eth1 down', 4), 1500);
    assert.equal(after('Netlink reports eth1 up', 5), 0);
  });

  it('linkbeat_interfaces { eth0; eth1 MII }: MII falls back to ETHTOOL, changes come from the 1 s poll, never from netlink (linkbeat)', async () => {
    const lab = new Lab();
    const r = lab.router('r1', LINKS);
    await r.start(readFileSync(`${DATA}linkbeat.conf`, 'utf8'));
    const ev = await replay(lab, r, 'linkbeat');
    assert.deepEqual(ourLines(r), recordedLines('linkbeat'));
    assert.deepEqual(r.log(0, /Netlink reports/), []);
    // found by the next poll: polls run every second from start
    for (const [line, i] of [['Linkbeat reports eth0 down', 0], ['Linkbeat reports eth0 up', 1], ['Linkbeat reports eth1 down', 2], ['Linkbeat reports eth1 up', 3]] as const) {
      const d = at(r, line) - ev[i]!.at;
      assert.ok(d > 0 && d <= 1000 && at(r, line) % 1000 === 0, `${line}: ${d} ms after the change, at ${at(r, line)}`);
    }
  });

  it('linkbeat_use_polling (top level) polls the instances\' interfaces; an unused linkbeat interface is turned off', async () => {
    const lab = new Lab();
    const r = lab.router('r1', [...LINKS, { name: 'eth2', addrs: ['10.197.0.1/24'] }]);
    await r.start(`linkbeat_use_polling\nlinkbeat_interfaces {\n  eth2 IOCTL\n}\n${readFileSync(`${DATA}garp-interval.conf`, 'utf8')}`);
    assert.deepEqual(r.log(0, /linkbeat|NIC polling/), ['Turning off linkbeat for eth2 since not used for tracking', 'Using MII-BMSR/ETHTOOL NIC polling thread(s)...']);
    await lab.advance(5000);
    const t = lab.now;
    r.kernel.setLink('eth0', { running: false });
    r.kernel.setLink('eth2', { running: false });
    await lab.advance(1000);
    assert.deepEqual(r.log(t, /reports/), ['Linkbeat reports eth0 down']);
    assert.equal(r.state(), 'FAULT');
  });

  it('linkbeat_use_polling in an instance (deprecated) polls that instance\'s interface', async () => {
    const lab = new Lab();
    const r = lab.router('r1', LINKS);
    const conf = readFileSync(`${DATA}garp-interval.conf`, 'utf8').replace('    advert_int 1\n', '    advert_int 1\n    linkbeat_use_polling\n');
    await r.start(conf);
    assert.deepEqual(r.log(0, /NIC polling/), ['Using MII-BMSR/ETHTOOL NIC polling thread(s)...']);
    await lab.advance(5000);
    const t = lab.now;
    r.kernel.setLink('eth0', { running: false });
    await lab.advance(1000);
    assert.deepEqual(r.log(t, /reports/), ['Linkbeat reports eth0 down']);
  });

  it('track_src_ip changes nothing: the configured source address deleted and re-added gives the same run with and without it (track-src-ip-with / -without)', async () => {
    const run = async (name: string): Promise<{ lines: string[]; ops: string[] }> => {
      const lab = new Lab();
      const r = lab.router('r1', [{ name: 'eth0', addrs: ['10.199.0.1/24'] }]);
      await r.start(readFileSync(`${DATA}${name}.conf`, 'utf8'));
      await lab.advance(5000);
      r.kernel.delAddress('eth0', '10.199.0.1');
      await lab.advance(3000);
      r.kernel.addAddress('eth0', '10.199.0.1/24');
      await lab.advance(3000);
      return { lines: r.log(0), ops: r.ops(0) };
    };
    const withIt = await run('track-src-ip-with'), without = await run('track-src-ip-without');
    assert.deepEqual(withIt, without);
    assert.ok(parse(readFileSync(`${DATA}track-src-ip-with.conf`, 'utf8')).vrrpInstances[0]!.trackSrcIp);
  });

  it('LinkDebounce: a change back to the applied flags cancels silently; one the other way says "cancelled"', () => {
    const d = new LinkDebounce(() => ({ downUs: 2_000_000, upUs: 1_000_000 }));
    d.seed(2, 0x11043);
    assert.deepEqual(d.update(2, 'eth0', 0x1003), { clearTimer: false, cancelledLine: false, delay: { from: 0x11043, to: 0x1003, delayUs: 2_000_000 } });
    assert.deepEqual(d.update(2, 'eth0', 0x11043), { clearTimer: true, cancelledLine: false });
    d.update(2, 'eth0', 0x1003);
    assert.deepEqual(d.update(2, 'eth0', 0x1002), { clearTimer: false, cancelledLine: false });
    assert.equal(d.pending(2), 0x1002);
    assert.equal(d.fire(2), 0x1002);
    assert.equal(flagsUp(d.applied(2)!), false);
    // down applied, a pending up, then down again with other flags: cancelled, and nothing to do
    assert.deepEqual(d.update(2, 'eth0', 0x11043).delay, { from: 0x1002, to: 0x11043, delayUs: 1_000_000 });
    assert.deepEqual(d.update(2, 'eth0', 0x1003), { clearTimer: true, cancelledLine: true });
    // never seen up: no delay
    d.seed(3, 0x1002);
    assert.deepEqual(d.update(3, 'eth1', 0x11043), { clearTimer: false, cancelledLine: false, apply: 0x11043 });
  });

  it('effectiveDelays: cut below 2 x advert_int per instance, with 2.2.7\'s line', () => {
    const cfg = parse('interface_up_down_delays {\n  eth0 3 0.5\n  eth1 5 5\n}\nvrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n  advert_int 1\n  virtual_ipaddress {\n    10.0.0.1\n  }\n}\n');
    const { delays, logs } = effectiveDelays(cfg.interfaceUpDownDelays!, cfg.vrrpInstances, 'eth0');
    assert.deepEqual(delays.get('eth0'), { downUs: 1996094, upUs: 500000 });
    assert.deepEqual(delays.get('eth1'), { downUs: 5_000_000, upUs: 5_000_000 });
    assert.deepEqual(logs, ['VI_1: interface eth0 debounce timer(s) not less that 2 * advert_int - resetting']);
    // down_timer_adverts 5: the limit is 4 x advert_int; 1: no delays at all
    const five = effectiveDelays(cfg.interfaceUpDownDelays!, [{ ...cfg.vrrpInstances[0]!, downTimerAdverts: 5 }], 'eth0');
    assert.deepEqual([five.delays.get('eth0'), five.logs], [{ downUs: 3_000_000, upUs: 500_000 }, []]);
    const one = effectiveDelays(cfg.interfaceUpDownDelays!, [{ ...cfg.vrrpInstances[0]!, downTimerAdverts: 1 }], 'eth0');
    assert.deepEqual([one.delays.get('eth0'), one.logs], [{ downUs: 0, upUs: 0 }, ['VI_1: cannot use debounce timers with down_timer_adverts = 1 - resetting']]);
  });

  it('linkbeat probes: a configured kind that fails falls back, a failed poll counts as up and the flags decide', () => {
    const unsupported = { code: 'EOPNOTSUPP', errno: 95, text: 'Operation not supported', message: '' };
    const veth = (up: boolean) => (_n: string, k: 'MII' | 'ETHTOOL' | 'FLAGS') => k === 'MII' ? unsupported : k === 'ETHTOOL' ? (up ? 1 : 0) : up ? 0x11043 : 0x1003;
    assert.deepEqual(firstProbe('eth1', 'MII', veth(true)), { type: 'ETHTOOL', up: true, log: '(eth1): Configured linkbeat type MII not supported, using ETHTOOL' });
    assert.deepEqual(firstProbe('eth1', undefined, veth(false)), { type: 'ETHTOOL', up: false });
    assert.deepEqual(firstProbe('eth1', 'IOCTL', veth(true)), { type: 'IOCTL', up: true });
    const noEthtool = (_n: string, k: 'MII' | 'ETHTOOL' | 'FLAGS') => k === 'FLAGS' ? 0x1003 : unsupported;
    assert.deepEqual(firstProbe('x', 'ETHTOOL', noEthtool), { type: 'IOCTL', up: false, log: '(x): Configured linkbeat type ETHTOOL not supported, using IOCTL' });
    assert.equal(pollProbe('eth1', 'MII', true, veth(true)), true);
    assert.equal(pollProbe('eth1', 'ETHTOOL', true, veth(false)), false);
    assert.equal(pollProbe('eth1', 'ETHTOOL', false, veth(true)), false);
  });
});
