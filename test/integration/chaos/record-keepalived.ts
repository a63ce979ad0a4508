// Records what keepalived 2.2.7 does under the chaos tier's process faults, in the chaos lab (three
// 2.2.7 routers, lab.ts): the logs of the router hit and of its peer, the VIP owners and the wire
// (adverts, gratuitous ARPs) from the fault on. Output: test/integration/chaos/data/ka-2.2.7-<fault>.txt.
//   node --import tsx test/integration/chaos/record-keepalived.ts vrrp|parent|stop [daemon]
// (`daemon` runs ours instead, for a side-by-side look; needs `npm run build`.)
import { writeFileSync } from 'node:fs';
import { now } from '../vrrp/lab.js';
import { ChaosLab, formatFigures, ROUTERS, type Router } from './lab.js';

const fault = process.argv[2] as 'vrrp' | 'parent' | 'stop';
const kind = process.argv[3] === 'daemon' ? 'daemon' : 'keepalived';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lab = new ChaosLab('chrec').up();
const out: string[] = [`# ${kind === 'keepalived' ? 'keepalived 2.2.7 (Debian)' : 'ours'} x3 in the chaos lab (record-keepalived.ts ${fault}): r1 masters VI_1 (r1 150, r2 100, r3 50), advert_int 1;`,
  `# fault on r1 at t=0 (${fault === 'vrrp' ? 'SIGKILL of the VRRP child' : fault === 'parent' ? 'SIGKILL of the parent' : 'SIGSTOP of the VRRP child, SIGCONT at 5 s'}); times in ms`];
try {
  for (const r of ROUTERS) lab.start(r, kind);
  await lab.settle(20_000);
  await sleep(1500);
  const p = lab.pids('r1');
  const t0 = now();
  if (fault === 'vrrp') process.kill(p.vrrp!, 'SIGKILL');
  if (fault === 'parent') process.kill(p.parent!, 'SIGKILL');
  if (fault === 'stop') { process.kill(p.vrrp!, 'SIGSTOP'); await sleep(5000); process.kill(p.vrrp!, 'SIGCONT'); }
  await sleep(6500);
  const alive = (pid?: number) => { if (!pid) return 'none'; try { process.kill(pid, 0); return 'alive'; } catch { return 'gone'; } };
  out.push(`# r1 processes after: parent ${alive(p.parent)}, VRRP child ${alive(p.vrrp)}; pid files now ${JSON.stringify(lab.pids('r1'))}`);
  out.push('## figures', ...formatFigures(lab.figures(fault, t0, t0)).split('\n'));
  out.push('## wire (client): adverts V vrid prio src, gratuitous ARPs G ip mac');
  const wire = [...lab.monitor.adverts.filter((a) => a.t > t0).map((a) => ({ t: a.t, s: `V ${a.vrid} ${a.prio} ${a.src}` })),
    ...lab.monitor.garps.filter((g) => g.t > t0).map((g) => ({ t: g.t, s: `G ${g.ip} ${g.mac === lab.vl.mac('r1') ? 'r1' : g.mac === lab.vl.mac('r2') ? 'r2' : g.mac}` }))].sort((a, b) => a.t - b.t);
  for (const w of wire) out.push(`${Math.round(w.t - t0)} ${w.s}`);
  for (const r of ['r1', 'r2'] as Router[]) {
    out.push(`## ${r} log`);
    for (const l of lab.daemon(r).lines.filter((x) => x.t >= t0)) out.push(`${Math.round(l.t - t0)} ${l.text}`);
  }
} finally { await lab.down(); }
const file = new URL(`./data/${kind === 'keepalived' ? 'ka-2.2.7' : 'ours'}-${fault}.txt`, import.meta.url).pathname;
writeFileSync(file, out.join('\n') + '\n');
console.log(file);
