// The native addon and socket adapters on a real L2 segment (root, network namespaces): VRRP
// packets cross between namespaces with TTL / hop limit 255 visible to the receiver, and AF_PACKET
// frames (GARP, NA) reach the wire byte for byte.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { isRoot, NetnsLab, waitFor } from '../../helpers/netns.js';

const PROBE = new URL('./io-probe.ts', import.meta.url).pathname;

function run(lab: NetnsLab, ns: string, args: string[]): { lines: () => unknown[]; done: Promise<number> } {
  const c = lab.spawn(ns, process.execPath, ['--import', 'tsx', PROBE, ...args]);
  let buf = '';
  c.stdout!.on('data', (d) => { buf += d; });
  c.stderr!.on('data', (d) => { process.stderr.write(d); });
  const done = new Promise<number>((r) => c.on('exit', (code) => r(code ?? -1)));
  return { lines: () => buf.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown), done };
}

describe('vrrp/io on the wire (netns)', function () {
  this.timeout(60000);
  let lab: NetnsLab;
  before(function () {
    if (!isRoot()) this.skip();
    lab = new NetnsLab('kvio').up();
    lab.addHost('a', { addr4: '10.77.0.1/24', addr6: 'fd77::1/64' });
    lab.addHost('b', { addr4: '10.77.0.2/24', addr6: 'fd77::2/64' });
  });
  after(() => lab?.down());

  for (const [family, group, vrrpLen] of [['inet', '224.0.0.18', 20], ['inet6', 'ff02::12', 24]] as const) {
    it(`${family}: adverts reach the peer with TTL/hop limit 255 and the group as destination; frames go out`, async () => {
      const dump = lab.spawn(lab.ns('b'), 'tcpdump', ['--immediate-mode', '-i', 'eth0', '-l', '-n', '-xx', '-c', '1', family === 'inet' ? 'arp' : 'icmp6 and ip6[40] == 136']);
      let tcpd = '';
      dump.stdout!.on('data', (d) => { tcpd += d; });
      dump.stderr!.on('data', (d) => { tcpd += d; });
      await waitFor(() => tcpd.includes('listening'), 10000);
      const rx = run(lab, lab.ns('b'), ['recv', family, 'eth0', group, '6000']);
      await waitFor(() => rx.lines().some((l) => (l as { ready?: boolean }).ready), 20000);
      await new Promise((r) => setTimeout(r, 300));
      const tx = run(lab, lab.ns('a'), ['send', family, 'eth0', group, '3']);
      assert.equal(await tx.done, 0);
      const txl = tx.lines() as { sent?: string; frame?: string; src?: string; mac?: string }[];
      assert.deepEqual(txl.filter((l) => l.sent).map((l) => l.sent), ['ok', 'ok', 'ok']);
      assert.equal(txl.find((l) => l.frame)?.frame, 'ok');
      const src = txl.find((l) => l.src)!.src;
      await waitFor(() => rx.lines().filter((l) => (l as { rx?: unknown }).rx).length >= 3, 5000);
      const got = rx.lines().filter((l) => (l as { rx?: unknown }).rx).map((l) => (l as { rx: { ttl: number;
        src: string; dst: string; payload: string } }).rx);
      for (const g of got) {
        assert.equal(g.ttl, 255);
        assert.equal(g.dst, group);
        assert.equal(g.src, src);
        assert.equal(g.payload.length / 2, vrrpLen);
      }
      await waitFor(() => /0x0000:/.test(tcpd), 5000).catch(() => { throw new Error(`tcpdump saw: ${tcpd}`); });
      const mac = txl.find((l) => l.mac)!.mac!;
      const hex = tcpd.split('\n').filter((l) => /^\s+0x[0-9a-f]{4}:/.test(l)).map((l) => l.replace(/^\s+0x[0-9a-f]{4}:\s+/, '').replace(/\s+/g, '')).join('').slice(0, family === 'inet' ? 84 : 172);
      if (family === 'inet') assert.equal(hex, `ffffffffffff${mac}080600010800060400 01${mac}0a4d0064ffffffffffff0a4d0064`.replace(/ /g, ''));
      else assert.ok(hex.startsWith(`333300000001${mac}86dd6000000000203aff`), hex);
      try { process.kill(dump.pid!, 'SIGTERM'); } catch { /* gone */ }
      await rx.done;
    });
  }

  for (const family of ['inet', 'inet6'] as const) {
    it(`${family}: VIP add/remove over our own rtnetlink socket: kernel answers, EEXIST / EADDRNOTAVAIL reported`, async () => {
      const p = run(lab, lab.ns('a'), ['nladdr', family, 'eth0', '-']);
      assert.equal(await p.done, 0);
      const steps = p.lines().filter((l) => (l as { step?: string }).step) as { step: string; result?: string;
        present?: boolean; inFlight?: number }[];
      assert.deepEqual(steps.map((s) => [s.step, s.result ?? '-', s.present ?? '-']), [
        ['add', 'ok', true], ['add again', 'EEXIST', '-'], ['del', 'ok', false], ['del again', 'EADDRNOTAVAIL', '-'],
        ['sync', '-', true], ['sync ack', 'ok', '-'],
      ]);
      assert.deepEqual(steps.slice(-2).map((s) => s.inFlight), [1, 0], 'one request awaiting its ACK right after the call, none after');
      if (family === 'inet') assert.equal(lab.exec(lab.ns('a'), 'ip', ['-o', '-4', 'addr', 'show', 'dev', 'eth0']).includes('10.77.0.100'), false);
    });
  }
});
