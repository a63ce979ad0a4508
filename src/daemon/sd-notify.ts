// systemd readiness notification (sd_notify(3)) for Type=notify units, as Debian's keepalived
// unit uses: READY=1 after start-up, RELOADING=1 / READY=1 around a reload, STOPPING=1. Sends
// one datagram to $NOTIFY_SOCKET (a filesystem path; abstract sockets are not supported by the
// unix-dgram addon, and are then ignored).
import { createRequire } from 'node:module';

interface Dgram { send(b: Buffer, o: number, l: number, p: string, cb: (e?: Error) => void): void; close(): void;
  on(e: string, f: () => void): void }

export type Notify = (state: string) => void;

export function sdNotifier(env: NodeJS.ProcessEnv = process.env): Notify | undefined {
  const path = env.NOTIFY_SOCKET;
  if (!path || path.startsWith('@')) return undefined;
  let sock: Dgram;
  try {
    const require = createRequire(import.meta.url);
    sock = (require('unix-dgram') as { createSocket(t: string): Dgram }).createSocket('unix_dgram');
    sock.on('error', () => {});
  } catch { return undefined; }
  return (state) => {
    const b = Buffer.from(state);
    try { sock.send(b, 0, b.length, path, () => {}); } catch { /* systemd gone */ }
    if (state.startsWith('STOPPING')) { try { sock.close(); } catch { /* ignore */ } }
  };
}
