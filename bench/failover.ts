// Failover benchmark (root, netns prefix "kvb"): a homogeneous pair per implementation, ours
// (run-ours.ts) and Debian's keepalived 2.2.7, r1 prio 150 MASTER / r2 prio 100 BACKUP, VRRPv2,
// advert_int 1, PASS, one VIP, in the same lab and run. Per trial:
//   (b) SIGTERM r1            -> VIP on r2, first GARP at the client; takeover -> first GARP
//   (c) SIGKILL r1 (VRRP proc) -> VIP on r2, also counted from r1's last advert seen on the wire
// r1 is restarted after each trial and preempts back. Times come from event arrival in this
// process (ip -o monitor address, tcpdump -l), so they include ~1 ms of pipe latency (and more on a
// loaded machine: the two pipes are scheduled independently). "advert -> first GARP (wire)" is
// taken from the client's capture timestamps alone (tcpdump -tt): r2's first advert as MASTER to
// its first GARP, the span that covers the VIP add (both implementations send advert, add the
// VIPs, then send GARPs), free of pipe latency.
//   node --import tsx bench/failover.ts [--runs N] [--only ours|keepalived]
import { waitFor } from '../test/helpers/netns.js';
import { configText, now, VrrpLab, type Daemon } from '../test/integration/vrrp/lab.js';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] || 10) || 10;
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const VIP = '10.199.0.100';
const conf = (prio: number, state: 'MASTER' | 'BACKUP') => configText([{ priority: prio, state, vips: [`${VIP}/24`], pass: 's3cret' }]);

type Impl = 'ours' | 'keepalived';
interface Row { vip: number; garp: number; garpAfterVip: number; wire?: number; fromLastAdvert?: number }

function stats(xs: number[], digits = 1): string {
  if (xs.length === 0) return 'n=0';
  const s = [...xs].sort((a, b) => a - b);
  const med = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return `${med.toFixed(digits)} [${s[0]!.toFixed(digits)}..${s[s.length - 1]!.toFixed(digits)}] n=${s.length}`;
}
function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; }

function lineTap(L: VrrpLab, host: string, cmd: string, argv: string[]): { t: number; text: string }[] {
  const ev: { t: number; text: string }[] = [];
  const p = L.lab.spawn(L.lab.ns(host), cmd, argv);
  let buf = '';
  p.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) { ev.push({ t: now(), text: buf.slice(0, i) }); buf = buf.slice(i + 1); }
  });
  return ev;
}

async function runImpl(impl: Impl): Promise<{ term: Row[]; kill: Row[] }> {
  const L = new VrrpLab('kvb').up();
  const out = { term: [] as Row[], kill: [] as Row[] };
  try {
    const c1 = L.writeConf('r1', conf(150, 'MASTER'));
    const c2 = L.writeConf('r2', conf(100, 'BACKUP'));
    L.monitorAddrs('r2');
    const garps = lineTap(L, 'c', 'tcpdump', ['--immediate-mode', '-tt', '-i', 'eth0', '-l', '-n', 'arp or (proto 112 and src 10.199.0.2)']);
    const adverts = lineTap(L, 'r2', 'tcpdump', ['--immediate-mode', '-i', 'eth0', '-l', '-n', 'proto 112 and src 10.199.0.1']);
    let r1: Daemon = L.start(impl, 'r1', c1);
    await r1.waitLine('(VI_1) Entering MASTER STATE', 30000);
    const r2 = L.start(impl, 'r2', c2);
    await r2.waitLine('(VI_1) Entering BACKUP STATE (init)', 30000);
    await new Promise((r) => setTimeout(r, 1000));
    for (let i = 0; i < 2 * runs; i++) {
      const kill = i % 2 === 1;
      // random phase within the advert interval
      await new Promise((r) => setTimeout(r, 200 + Math.random() * 1000));
      const t0 = now();
      if (kill) r1.crash(); else r1.signal('SIGTERM');
      const tVip = await L.waitAddr('r2', VIP, true, 8000, 2, t0);
      const g = await waitFor(() => garps.find((l) => l.t >= t0 && l.text.includes(`who-has ${VIP} (ff:ff:ff:ff:ff:ff) tell ${VIP}`)), 3000, 1);
      const row: Row = { vip: tVip - t0, garp: g.t - t0, garpAfterVip: g.t - tVip };
      // wire: capture timestamps of r2's first advert after t0 and the first GARP
      const adv = garps.find((l) => l.t >= t0 - 50 && l.text.includes('10.199.0.2 > 224.0.0.18') && l.t <= g.t);
      const ts = (l: { text: string }) => Number(l.text.split(' ')[0]) * 1000;
      if (adv) row.wire = ts(g) - ts(adv);
      if (kill) {
        const last = [...adverts].reverse().find((l) => l.t < t0);
        if (last) row.fromLastAdvert = tVip - last.t;
        out.kill.push(row);
      } else out.term.push(row);
      process.stderr.write(`${impl} ${kill ? 'SIGKILL' : 'SIGTERM'} #${Math.floor(i / 2) + 1}: VIP ${row.vip.toFixed(1)} ms, GARP ${row.garp.toFixed(1)} ms, takeover->GARP ${row.garpAfterVip.toFixed(2)} ms, advert->GARP (wire) ${row.wire?.toFixed(3) ?? '-'} ms${row.fromLastAdvert !== undefined ? `, from last advert ${row.fromLastAdvert.toFixed(1)} ms` : ''}\n`);
      await r1.exit(5000).catch(() => undefined);
      // restart r1; it preempts back after its own Master_Down_Interval
      const tr = now();
      r1 = L.start(impl, 'r1', c1);
      await r1.waitLine('(VI_1) Entering MASTER STATE', 60000, tr);
      await r2.waitLine('(VI_1) Entering BACKUP STATE', 3000, tr);
    }
    r1.signal('SIGTERM');
    r2.signal('SIGTERM');
    await Promise.all([r1.exit(3000), r2.exit(3000)]).catch(() => undefined);
  } finally {
    await L.down();
  }
  return out;
}

const impls: Impl[] = only ? [only as Impl] : ['ours', 'keepalived'];
const results = new Map<Impl, { term: Row[]; kill: Row[] }>();
for (const impl of impls) results.set(impl, await runImpl(impl));

console.log(`\nFailover, VRRPv2 advert_int 1 s, r1 prio 150 -> r2 prio 100; median [min..max] n, in ms (${runs} runs each)`);
console.log('expected: SIGTERM -> VIP = Skew_Time(100) = 609.4 ms; SIGKILL -> VIP from last advert = Master_Down_Interval(100) = 3609.4 ms');
for (const [impl, r] of results) {
  console.log(`\n${impl}:`);
  console.log(`  (b) SIGTERM -> VIP on r2          ${stats(r.term.map((x) => x.vip))}`);
  console.log(`  (b) SIGTERM -> first GARP (client) ${stats(r.term.map((x) => x.garp))}`);
  console.log(`  (b) takeover -> first GARP        ${stats(r.term.map((x) => x.garpAfterVip))}`);
  console.log(`  (b) advert -> first GARP (wire)   ${stats(r.term.flatMap((x) => (x.wire !== undefined ? [x.wire] : [])), 3)}`);
  console.log(`  (c) SIGKILL -> VIP on r2          ${stats(r.kill.map((x) => x.vip))}`);
  console.log(`  (c) last advert -> VIP on r2      ${stats(r.kill.flatMap((x) => (x.fromLastAdvert !== undefined ? [x.fromLastAdvert] : [])))}`);
  console.log(`  (c) takeover -> first GARP        ${stats(r.kill.map((x) => x.garpAfterVip))}`);
  console.log(`  (c) advert -> first GARP (wire)   ${stats(r.kill.flatMap((x) => (x.wire !== undefined ? [x.wire] : [])), 3)}`);
}
const o = results.get('ours'), k = results.get('keepalived');
if (o && k) {
  const ratio = (f: (r: { term: Row[]; kill: Row[] }) => number[]) => (median(f(o)) / median(f(k))).toFixed(3);
  console.log('\nratio ours / keepalived (medians):');
  console.log(`  (b) SIGTERM -> VIP        ${ratio((r) => r.term.map((x) => x.vip))}`);
  console.log(`  (c) last advert -> VIP    ${ratio((r) => r.kill.flatMap((x) => (x.fromLastAdvert !== undefined ? [x.fromLastAdvert] : [])))}`);
  console.log(`  takeover -> first GARP    ${ratio((r) => [...r.term, ...r.kill].map((x) => x.garpAfterVip))}`);
  console.log(`  advert -> GARP (wire)     ${ratio((r) => [...r.term, ...r.kill].flatMap((x) => (x.wire !== undefined ? [x.wire] : [])))}`);
}
process.exit(0);
