// The runtime's pure parts taken out of vrrp-runtime.ts: which instances a packet is for
// (rx-demux.ts), the "Assigned address" lines (assigned-lines.ts), the trackers' statuses at start
// and at a reload (tracker-statuses.ts), and the monitor feed with its holds and resync (net-feed.ts).
import assert from 'node:assert/strict';
import { demuxAdvert, type RxUser } from '../../../../src/vrrp/runtime/rx-demux.js';
import { assignedLines } from '../../../../src/vrrp/runtime/assigned-lines.js';
import { reloadStatuses, startupTrackerEvents } from '../../../../src/vrrp/runtime/tracker-statuses.js';
import { NetFeed } from '../../../../src/vrrp/runtime/net-feed.js';
import type { AddrInfo, KernelEvent, LinkInfo } from '../../../../src/vrrp/kernel/port.js';
import type { TrackerParams } from '../../../../src/vrrp/fsm-types.js';
import { memoryLogger } from '../../../../src/common/log.js';
import { FakeClock } from '../../../../src/common/clock.js';
import { FakeTimers } from '../../../helpers/fake-timers.js';

const user = (vrid: number, primary: string, destination = '224.0.0.18'): RxUser & { n: string } => ({ n: `vr${vrid}@${primary}`, primary, fsm: { params: { vrid, destination } } });
const advert = (vrid: number, len = 20): Buffer => { const b = Buffer.alloc(len); b[0] = 0x21; b[1] = vrid; return b; };

describe('vrrp/runtime parts: rx-demux', () => {
  const users = new Map([['a', user(1, '10.0.0.1')], ['b', user(2, '10.0.0.1')], ['c', user(1, '10.0.0.2', '224.0.0.19')]]);
  const names = (d: { to: { n: string }[] }): string[] => d.to.map((u) => u.n);
  it('multicast IPv4: the users of that group with that VRID', () => {
    assert.deepEqual(names(demuxAdvert({ payload: advert(1), family: 'inet', dst: '224.0.0.18' }, false, users.keys(), (n) => users.get(n))), ['vr1@10.0.0.1']);
    assert.deepEqual(names(demuxAdvert({ payload: advert(1), family: 'inet', dst: '224.0.0.19' }, false, users.keys(), (n) => users.get(n))), ['vr1@10.0.0.2']);
  });
  it('unicast IPv4: by the destination being the user\'s source address; IPv6 is not filtered by address', () => {
    assert.deepEqual(names(demuxAdvert({ payload: advert(1), family: 'inet', dst: '10.0.0.2' }, true, users.keys(), (n) => users.get(n))), ['vr1@10.0.0.2']);
    assert.deepEqual(names(demuxAdvert({ payload: advert(1), family: 'inet6', dst: 'ff02::12' }, false, users.keys(), (n) => users.get(n))), ['vr1@10.0.0.1', 'vr1@10.0.0.2']);
  });
  it('an unknown VRID is reported only when the packet reached a user and holds a VRRP header; a user gone is skipped', () => {
    assert.deepEqual(demuxAdvert({ payload: advert(9), family: 'inet', dst: '224.0.0.18' }, false, users.keys(), (n) => users.get(n)), { to: [], unknownVrid: 9 });
    assert.deepEqual(demuxAdvert({ payload: advert(9, 7), family: 'inet', dst: '224.0.0.18' }, false, users.keys(), (n) => users.get(n)), { to: [] });
    assert.deepEqual(demuxAdvert({ payload: advert(9), family: 'inet', dst: '224.0.0.99' }, false, users.keys(), (n) => users.get(n)), { to: [] });
    assert.deepEqual(demuxAdvert({ payload: advert(1), family: 'inet', dst: '224.0.0.18' }, false, ['gone'], (n) => users.get(n)), { to: [] });
    assert.deepEqual(demuxAdvert({ payload: Buffer.from([0x21]), family: 'inet', dst: '224.0.0.18' }, false, users.keys(), (n) => users.get(n)), { to: [] });
  });
});

describe('vrrp/runtime parts: assigned-lines', () => {
  const link = (index: number, name: string): LinkInfo =>
    ({ index, name, mac: Buffer.alloc(6), up: true, running: true });
  const a = (index: number, address: string): AddrInfo => ({ index, family: address.includes(':') ? 'inet6' : 'inet', address, prefixLen: 24, scope: 0 });
  const links = new Map([['eth0', link(2, 'eth0')], ['ipv0', link(3, 'ipv0')]]);
  const addrs = new Map([[2, [a(2, '10.0.0.100'), a(2, '10.0.0.1'), a(2, '2001:db8::1'), a(2, 'fe80::1')]], [3, [a(3, '10.0.0.9')]]]);
  it('the first IPv4 and the first IPv6 link-local address, VIPs excepted, once per interface; an ipvlan\'s own address', () => {
    assert.deepEqual(assignedLines(['eth0', 'eth9', 'eth0', 'ipv0'], {
      link: (n) => links.get(n), addressesOf: (i) => addrs.get(i) ?? [], vips: new Set(['10.0.0.100']),
      ipvlanAddr: new Map([['ipv0', { address: '10.0.0.50', family: 'inet' as const }]]),
    }), ['Assigned address 10.0.0.1 for interface eth0', 'Assigned address fe80::1 for interface eth0', 'Assigned address 10.0.0.50 for interface ipv0']);
  });
});

describe('vrrp/runtime parts: tracker-statuses', () => {
  const tr = (kind: TrackerParams['kind'], name: string): TrackerParams => ({ kind, name, weight: 0, reverse: false, initial: { ok: true } });
  const trackers = [tr('interface', 'up0'), tr('interface', 'down0'), tr('script', 'chk'), tr('script', 'new'), tr('file', 'zero'), tr('file', 'five'), tr('process', 'p')];
  const known = new Map<string, { ok: boolean } | { value: number }>([['chk', { ok: false }], ['zero', { value: 0 }], ['five', { value: 5 }],
    ['p', { ok: true }]]);
  const io = {
    ifUp: (n: string) => n === 'up0',
    status: (t: { kind: string; name: string }) => known.get(t.name),
  };
  it('at start: interfaces down, and every known status but a file at 0', () => {
    assert.deepEqual(startupTrackerEvents(trackers, io).map((e) => (e.type === 'tracker' ? `${e.tracker.kind}:${e.tracker.name} ${JSON.stringify(e.status)}` : e.type)),
      ['interface:down0 {"ok":false}', 'script:chk {"ok":false}', 'file:five {"value":5}', 'process:p {"ok":true}']);
  });
  it('at a reload: every interface, and every known status, by key', () => {
    assert.deepEqual(reloadStatuses(trackers, io), {
      'interface:up0': { ok: true }, 'interface:down0': { ok: false }, 'script:chk': { ok: false }, 'file:zero': { value: 0 }, 'file:five': { value: 5 }, 'process:p': { ok: true },
    });
  });
});

describe('vrrp/runtime parts: net-feed', () => {
  const linkEv = (name: string): KernelEvent => ({ kind: 'link', link: { index: 2, name, mac: Buffer.alloc(6), up: true, running: true } });
  function rig(dumps: (() => Promise<{ links: LinkInfo[]; addrs: AddrInfo[] }>)[] = []) {
    const clock = new FakeClock(0);
    const timers = new FakeTimers(clock);
    const fed: string[] = [];
    const log = memoryLogger(2);
    let off = false;
    let n = 0;
    const dump = async () => (dumps[Math.min(n++, dumps.length - 1)] ?? (async () => ({ links: [], addrs: [] })))();
    let pending: Promise<{ links: LinkInfo[]; addrs: AddrInfo[] }> | undefined;
    const feed = new NetFeed({
      net: {
        links: async () => { pending = dump(); return (await pending).links; },
        addresses: async () => (await pending!).addrs,
      },
      gate: { feed: (ev) => fed.push(ev.kind === 'link' ? ev.link.name : ev.kind), rawLinks: () => [] },
      addresses: () => [], log, timers, off: () => off,
    });
    return { feed, fed, log, timers, clock, setOff: () => { off = true; } };
  }
  const settle = async (): Promise<void> => { for (let i = 0; i < 20; i++) await Promise.resolve(); };

  it('events wait while VMACs are made, then follow in order; nothing once off', () => {
    const r = rig();
    r.feed.feed(linkEv('a'));
    r.feed.hold(); r.feed.hold();
    r.feed.feed(linkEv('b'));
    r.feed.release();
    r.feed.feed(linkEv('c'));
    assert.deepEqual(r.fed, ['a']);
    r.feed.release();
    assert.deepEqual(r.fed, ['a', 'b', 'c']);
    r.setOff();
    r.feed.feed(linkEv('d'));
    assert.deepEqual(r.fed, ['a', 'b', 'c']);
  });

  it('an overrun: 2.2.7\'s lines, a dump (retried after a broken one), the missed events, then those that came meanwhile', async () => {
    const now = { links: [{ index: 5, name: 'new0', mac: Buffer.alloc(6), up: true, running: true }], addrs: [] };
    const r = rig([async () => { throw new Error('broken dump'); }, async () => now]);
    r.feed.error({ code: 'ENOBUFS', errno: 105, text: 'No buffer space available', message: '' });
    r.feed.feed(linkEv('during'));
    await settle();
    r.timers.advance(50);
    await settle();
    assert.equal(r.feed.overruns, 1);
    assert.deepEqual(r.fed, ['new0', 'during']);
    assert.deepEqual(r.log.lines().filter((l) => !l.startsWith('  -')), ['Netlink: Receive buffer overrun on monitor socket - (No buffer space available)',
      'Netlink: resynchronised links and addresses after the overrun (1 change)']);
  });
});
