// A loopback TCP port for a test that stops a server and starts it again on the same port. Port 0
// would do for a server that stays up, but a port the kernel handed out is in its ephemeral range
// (net.ipv4.ip_local_port_range), where any process's connect() or listen(0) may take it while the
// server is down. This one lies below that range, where only an explicit bind can take it, and is
// found from this process's pid, so two runs of a test at once start from different ports.
import { readFileSync } from 'node:fs';
import net from 'node:net';

const LOWEST = 10000;

/** The first port of the kernel's ephemeral range (32768 when it cannot be read). */
function ephemeralLow(): number {
  try { return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768; } catch { return 32768; }
}

function free(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

/** A port below the ephemeral range that is free on `host` now, the search starting from this pid. */
export async function portOutsideEphemeral(host = '127.0.0.1'): Promise<number> {
  const span = ephemeralLow() - LOWEST;
  if (span < 100) throw new Error(`ip_local_port_range starts at ${ephemeralLow()}: no room below it for a test port`);
  const start = (process.pid * 7919) % span;
  for (let i = 0; i < 200; i++) {
    const port = LOWEST + ((start + i) % span);
    if (await free(port, host)) return port;
  }
  throw new Error(`no free port from ${LOWEST + start} on ${host}`);
}
