// Runs inside the scripts/vm guest, in the LVS scenario's client namespace: one fresh TCP connection
// per HTTP request to the VIP, one request every INTERVAL ms, and one JSON line per request on stdout
// ({ s: start ms, e: end ms, p: local port, b: body or null, err }). The local port is what ties an
// answer to the director that forwarded it (its `ipvsadm -Lnc` lists the client's port), so the
// client binds its own ports in sequence from 20000: an ephemeral port would come back within
// minutes, while the directors' IPVS connection entries of its first use can live for 15.
// Usage: node lvs-client.mjs URL INTERVAL_MS TIMEOUT_MS   (runs until killed)
import { request } from 'node:http';

const [url, intervalArg, timeoutArg] = process.argv.slice(2);
const interval = Number(intervalArg ?? 100);
const timeout = Number(timeoutArg ?? 1000);

export interface Sample { s: number; e: number; p: number; b: string | null; err?: string }

let nextPort = 20000;

function once(): Promise<Sample> {
  const s = Date.now();
  const localPort = nextPort;
  nextPort = nextPort >= 60999 ? 20000 : nextPort + 1;
  return new Promise((resolve) => {
    let port = 0;
    let done = false;
    const finish = (b: string | null, err?: string) => {
      if (done) return;
      done = true;
      resolve({ s, e: Date.now(), p: port, b, ...(err ? { err } : {}) });
    };
    const req = request(url!, { agent: false, timeout, localPort, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => finish(res.statusCode === 200 ? body.trim() : null, res.statusCode === 200 ? undefined : `HTTP ${res.statusCode}`));
      res.on('error', (e) => finish(null, e.message));
    });
    req.on('socket', (sock) => { sock.on('connect', () => { port = sock.localPort ?? 0; }); });
    req.on('timeout', () => { req.destroy(new Error('timeout')); });
    req.on('error', (e: NodeJS.ErrnoException) => finish(null, e.code ?? e.message));
    req.end();
  });
}

process.stdout.write(`${JSON.stringify({ ready: Date.now() })}\n`);
for (;;) {
  const r = await once();
  process.stdout.write(`${JSON.stringify(r)}\n`);
  const wait = r.s + interval - Date.now();
  if (wait > 0) await new Promise((res) => setTimeout(res, wait));
}
