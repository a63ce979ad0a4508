// Fuzz target: IPVS Generic Netlink replies. Real reply datagrams recorded in the qemu guest
// (fixtures/ipvs-replies.json), mutated, answer the request of a fresh IpvsClient whose transport
// (src/ipvs/transport.ts) runs on the netlink package's own sockets over a fake raw socket: the
// package's framing and multipart handling, our ACK / error handling, the genl header, and the
// codec's decoding of services, destinations, timeouts, info and sync daemons. Verdict: the
// request's result (ok, a kernel errno, EIO for a malformed reply, ETIMEDOUT when no reply matched
// it) plus the malformed-input reasons noted on the way. Invariant: every decoded entry is typed.
import * as fs from 'node:fs';
import { isIP } from 'node:net';
import { malformedInput } from '../../src/common/malformed.js';
import { IpvsClient } from '../../src/ipvs/client.js';
import { genlTransportOver, type GenlResult } from '../../src/ipvs/transport.js';
import type { IpvsDaemon, IpvsDest, IpvsService } from '../../src/ipvs/types.js';
import type { FuzzTarget, Rng } from './harness.js';
import { FakeRawSocket, genlSocketOver, immediate, mutateDatagrams, netlinkPkg, notedSince, readdressed, sleep } from './netlink-fake.js';

const FIXTURE = new URL('./fixtures/ipvs-replies.json', import.meta.url);

type Scenario = 'family' | 'services' | 'dests' | 'config' | 'info' | 'daemons' | 'ack' | 'exists' | 'missing' | 'missingDests';
interface Recorded { familyId: number; replies: Record<Exclude<Scenario, 'dests'>, string[]> & { dests: string[][] } }

export interface IpvsInput { scenario: Scenario; datagrams: Buffer[] }

const PORT = 4242;
/** A fresh socket's first request has sequence number 1: the replies are addressed to it. */
const SEQ = 1;

function load(): { famId: number; samples: { scenario: Scenario; datagrams: Buffer[] }[] } {
  const f = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Recorded;
  const samples: { scenario: Scenario; datagrams: Buffer[] }[] = [];
  const hex = (xs: string[]) => xs.map((x) => readdressed(Buffer.from(x, 'hex'), SEQ, PORT));
  for (const [k, v] of Object.entries(f.replies)) {
    if (k === 'dests') for (const d of v as string[][]) samples.push({ scenario: 'dests', datagrams: hex(d) });
    else samples.push({ scenario: k as Scenario, datagrams: hex(v as string[]) });
  }
  return { famId: f.familyId, samples };
}

const validPort = (p: number) => Number.isInteger(p) && p >= 0 && p <= 0xffff;
const badService = (s: IpvsService) => !(s.af === 2 || s.af === 10) || (s.fwmark === 0 && (isIP(s.addr) === 0 || !validPort(s.port))) || typeof s.sched !== 'string';
const badDest = (d: IpvsDest) => !(d.af === 2 || d.af === 10) || isIP(d.addr) === 0 || !validPort(d.port)
  || d.fwd < 0 || d.fwd > 7;
const badDaemon = (d: IpvsDaemon) => (d.state !== 'master' && d.state !== 'backup') || typeof d.ifname !== 'string';

export function ipvsTarget(): FuzzTarget<IpvsInput> {
  const { famId, samples } = load();
  const all = samples.flatMap((s) => s.datagrams);
  return {
    name: 'ipvs',
    generate(rng: Rng): IpvsInput {
      const s = rng.pick(samples);
      return { scenario: s.scenario, datagrams: mutateDatagrams(rng, s.datagrams, all, 4) };
    },
    async run(input) {
      const raw = new FakeRawSocket(PORT);
      const genl = genlSocketOver(raw);
      const t = genlTransportOver(genl, netlinkPkg.genl.Commands.GET_FAMILY, { timeoutMs: 3 });
      const opened = await IpvsClient.open({ ...t, resolveFamily: async () => ({ ok: true,
        value: { id: famId, version: 1 } }) });
      if (!opened.ok) throw new Error('open');
      const client = opened.value;
      const before = malformedInput.snapshot();
      let p: Promise<GenlResult<unknown>>;
      switch (input.scenario) {
        case 'family': p = t.resolveFamily('IPVS'); break;
        case 'services': p = client.getServices(); break;
        case 'dests': case 'missingDests': p = client.getDests({ af: 2, protocol: 6, addr: '10.0.0.1', port: 80, fwmark: 0 }); break;
        case 'config': p = client.getTimeouts(); break;
        case 'info': p = client.getInfo(); break;
        case 'daemons': p = client.getDaemons(); break;
        case 'ack': p = client.setTimeouts({ tcp: 900, tcpfin: 120, udp: 300 }); break;
        default: p = client.addService({ af: 2, protocol: 6, addr: '10.0.0.1', port: 80, fwmark: 0, sched: 'rr', flags: 0, timeout: 0, netmask: 0xffffffff }); break;
      }
      let settled: GenlResult<unknown> | undefined;
      void p.then((x) => { settled = x; });
      await immediate();
      for (const d of input.datagrams) raw.deliver(d);
      await immediate();
      if (!settled) await sleep(5); // no reply matched the request: it times out
      if (!settled) await p;
      client.close();
      const r = settled!;
      const noted = notedSince(before, 'ipvs');
      if (r.ok) {
        const v = r.value;
        if (input.scenario === 'services' && (v as IpvsService[]).some(badService)) return '!bad-service';
        if (input.scenario === 'dests' && (v as IpvsDest[]).some(badDest)) return '!bad-dest';
        if (input.scenario === 'daemons' && (v as IpvsDaemon[]).some(badDaemon)) return '!bad-daemon';
      }
      const verdict = r.ok ? 'ok' : r.errno;
      return `${input.scenario} ${verdict}${noted.length ? ` dropped:${noted.join(',')}` : ''}`;
    },
    show: (input) => `${input.scenario}: ${input.datagrams.map((d) => d.toString('hex')).join(' | ')}`,
  };
}
