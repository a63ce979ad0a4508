// Fuzz target: rtnetlink replies and notifications. Real datagrams recorded in a namespace of our
// own (fixtures/rtnl-replies.json: link / address / route / rule dumps and the notifications of
// the link, address, route and rule groups), mutated, go where the kernel's would: link and address
// dumps answer Rtnl.links() / addresses() and notifications reach Rtnl.monitor() (src/vrrp/io/rtnl.ts
// on the netlink package's sockets over a fake raw socket); route and rule datagrams go through
// routeRuleEventsOf() (the VRRP child's route/rule group socket); every datagram also through
// parseAcks() (the VIP and route request sockets). Verdict: what came out, plus the malformed-input
// reasons noted. Invariants: every link, address and route/rule event handed on is typed.
import * as fs from 'node:fs';
import { isIP } from 'node:net';
import { malformedInput } from '../../src/common/malformed.js';
import { Rtnl } from '../../src/vrrp/io/rtnl.js';
import { parseAcks } from '../../src/vrrp/io/nl-channel.js';
import { routeRuleEventsOf } from '../../src/vrrp/kernel/linux-routes.js';
import type { AddrInfo, KernelEvent, LinkInfo } from '../../src/vrrp/kernel/port.js';
import type { FuzzTarget, Rng } from './harness.js';
import { FakeRawSocket, immediate, mutateDatagrams, netlinkPkg, notedSince, packageSocketOver, readdressed, sleep } from './netlink-fake.js';

const FIXTURE = new URL('./fixtures/rtnl-replies.json', import.meta.url);
const PORT = 4242;

type Scenario = 'links' | 'addresses' | 'monitor' | 'routes';
export interface RtnlInput { scenario: Scenario; datagrams: Buffer[] }

function load(): { scenario: Scenario; datagrams: Buffer[] }[] {
  const f = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as { dumps: Record<string, string[]>; events: string[] };
  const hex = (xs: string[]) => xs.map((x) => readdressed(Buffer.from(x, 'hex'), 1, PORT));
  const out: { scenario: Scenario; datagrams: Buffer[] }[] = [
    { scenario: 'links', datagrams: hex(f.dumps.links!) }, { scenario: 'addresses', datagrams: hex(f.dumps.addresses!) },
  ];
  for (const k of ['routes4', 'routes6', 'rules4', 'rules6']) for (const d of f.dumps[k]!) out.push({ scenario: 'routes', datagrams: [Buffer.from(d, 'hex')] });
  for (const e of f.events) {
    const d = Buffer.from(e, 'hex');
    const type = d.readUInt16LE(4);
    out.push({ scenario: type >= 24 ? 'routes' : 'monitor', datagrams: [d] });
  }
  return out;
}

const badLink = (l: LinkInfo) => !(Number.isInteger(l.index) && l.index > 0) || !l.name || !Buffer.isBuffer(l.mac);
const badAddr = (a: AddrInfo) => !(a.index > 0) || isIP(a.address) !== (a.family === 'inet' ? 4 : 6) || a.prefixLen < 0 || a.prefixLen > (a.family === 'inet' ? 32 : 128);
const badEvent = (e: KernelEvent) => (e.kind === 'link' ? badLink(e.link) : e.kind === 'linkDeleted' ? !(e.index > 0) : badAddr(e.addr));

export function rtnlTarget(): FuzzTarget<RtnlInput> {
  const samples = load();
  const all = samples.flatMap((s) => s.datagrams);
  return {
    name: 'rtnetlink',
    generate(rng: Rng): RtnlInput {
      const s = rng.pick(samples);
      return { scenario: s.scenario, datagrams: mutateDatagrams(rng, s.datagrams, all, s.scenario === 'addresses' ? 8 : s.scenario === 'routes' ? 12 : 16) };
    },
    async run(input) {
      const before = malformedInput.snapshot();
      for (const d of input.datagrams) parseAcks(d);
      let verdict: string;
      if (input.scenario === 'routes') {
        let n = 0;
        for (const d of input.datagrams) {
          for (const ev of routeRuleEventsOf(d)) {
            const e = 'route' in ev ? ev.route : ev.rule;
            if (e.family !== 'inet' && e.family !== 'inet6') return '!bad-route-family';
            const dst = 'route' in ev ? ev.route.dst : ev.rule.dst;
            if (dst !== undefined && isIP(dst) !== (e.family === 'inet' ? 4 : 6)) return '!bad-route-address';
            n++;
          }
        }
        verdict = n ? 'events' : 'no events';
      } else {
        const raws: FakeRawSocket[] = [];
        // the monitor's datagrams are handed to it as its socket in the groups would (nl-channel.ts's NlGroups)
        let feed: (d: Buffer) => void = () => {};
        const socket = () => {
          const raw = new FakeRawSocket(PORT);
          raws.push(raw);
          return new netlinkPkg.RtNetlinkSocket(packageSocketOver(raw));
        };
        const rtnl = new Rtnl(socket, 3,
          (_g, onDatagram) => { feed = onDatagram; return { close: () => {}, setRcvBuf: () => undefined }; });
        if (input.scenario === 'monitor') {
          const events: KernelEvent[] = [];
          rtnl.monitor((e) => events.push(e));
          for (const d of input.datagrams) feed(d);
          if (events.some(badEvent)) return '!bad-event';
          verdict = events.length ? 'events' : 'no events';
        } else {
          const p: Promise<(LinkInfo | AddrInfo)[]> = input.scenario === 'links' ? rtnl.links() : rtnl.addresses();
          let settled: { ok: true; v: (LinkInfo | AddrInfo)[] } | { ok: false; e: string } | undefined;
          void p.then((v) => { settled = { ok: true, v }; }, (e: Error) => { settled = { ok: false, e: e.message.replace(/\d+/g, 'N') }; });
          await immediate();
          for (const d of input.datagrams) raws[0]!.deliver(d);
          await immediate();
          if (!settled) await sleep(5);
          if (!settled) await p.catch(() => undefined);
          const r = settled!;
          if (r.ok && r.v.some((x) => ('mac' in x ? badLink(x) : badAddr(x)))) return '!bad-dump-entry';
          verdict = r.ok ? 'ok' : r.e;
        }
        rtnl.close();
      }
      const noted = notedSince(before, 'rtnetlink');
      return `${input.scenario} ${verdict}${noted.length ? ` dropped:${noted.join(',')}` : ''}`;
    },
    show: (input) => `${input.scenario}: ${input.datagrams.map((d) => d.toString('hex')).join(' | ')}`,
  };
}

