// Loopback TCP listeners for the checker benches: real server k listens on 127.1.x.y:8080, accepts and
// closes at once, and prints `accepted N` every reportMs; stdin closing ends the process.
import net from 'node:net';

export const PORT = 8080;
export const addr = (k: number): string => `127.1.${Math.floor(k / 250)}.${(k % 250) + 1}`;

export async function listener(n: number, reportMs: number): Promise<void> {
  let accepted = 0;
  for (let k = 0; k < n; k++) {
    const srv = net.createServer({ pauseOnConnect: true }, (c) => { accepted++; c.destroy(); });
    srv.on('error', (e) => { process.stderr.write(`listen ${addr(k)}: ${e.message}\n`); });
    await new Promise<void>((r) => srv.listen({ host: addr(k), port: PORT, backlog: 1024 }, r));
  }
  process.stdout.write('ready\n');
  setInterval(() => { process.stdout.write(`accepted ${accepted}\n`); }, reportMs).unref();
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}
