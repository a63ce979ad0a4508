// Runs inside the scripts/vm guest, in a client namespace: N long-lived TCP connections to HOST:PORT
// from local ports BASE..BASE+N-1 (so a director's `ipvsadm -Lnc` names each one), each sending a
// numbered line every INTERVAL ms and expecting it back from the echo server behind IPVS. One JSON
// line per event on stdout: {c, open, p} when connection c is up, {c, q, s, e} per echoed line
// (sequence, sent, echoed), {c, err, t} when it fails or closes, {c, bad, t} for an echo that is not
// the line sent. Runs until SIGTERM. Usage: node echo-client.mjs HOST PORT N BASE INTERVAL_MS
import { connect } from 'node:net';

const [host, portArg, nArg, baseArg, intervalArg] = process.argv.slice(2);
const port = Number(portArg), n = Number(nArg), base = Number(baseArg), interval = Number(intervalArg ?? 200);
const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
const timers: NodeJS.Timeout[] = [];

function open(c: number): void {
  const sent = new Map<number, number>();
  let seq = 0, buf = '', dead = false;
  const s = connect({ host: host!, port, localPort: base + c });
  s.setNoDelay(true);
  s.setEncoding('utf8');
  const fail = (err: string) => { if (!dead) { dead = true; out({ c, err, t: Date.now() }); } };
  s.on('connect', () => {
    out({ c, open: Date.now(), p: s.localPort });
    timers.push(setInterval(() => { if (dead) return; sent.set(seq, Date.now()); s.write(`${c} ${seq++}\n`); }, interval));
  });
  s.on('data', (d: string) => {
    buf += d;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i); buf = buf.slice(i + 1);
      const [cc, qq] = line.split(' ').map(Number);
      const at = sent.get(qq!);
      if (cc !== c || at === undefined) { out({ c, bad: line, t: Date.now() }); continue; }
      sent.delete(qq!);
      out({ c, q: qq, s: at, e: Date.now() });
    }
  });
  s.on('error', (e: NodeJS.ErrnoException) => fail(e.code ?? e.message));
  s.on('close', () => fail('closed'));
}

for (let c = 0; c < n; c++) open(c);
process.on('SIGTERM', () => { for (const t of timers) clearInterval(t); process.exit(0); });
