// SMTP_CHECK probe: expect a 220 banner, send `HELO <helo_name>` and expect 250, send QUIT and
// read the answer (check_smtp.c). Failure texts are keepalived's, with the server as `[ip]:port`.
// A bind() failure (bindto / bind_port) is no check: msg 'error' + errText (keepalived reschedules).
import net from 'node:net';
import type { Outcome } from '../core/checker-fsm.js';
import type { Probe, ProbeSpec } from './types.js';
import { pair } from '../format.js';
import { bindError, errnoOf, NO_SOCKET, socketFailed } from './tcp-handle.js';
import { once } from './once.js';
import { connectStream, type SockOpts } from './sockopt.js';

export const SMTP_DEFAULT_HELO = 'smtpchecker.keepalived.org';

/** smtp_get_status(): exactly three digits followed by a space or the end. */
export function smtpStatus(line: string): number {
  const m = /^(\d{3})(?: |$)/.exec(line.replace(/\r$/, ''));
  return m ? Number(m[1]) : -1;
}

export function smtpCheck(host: string, port: number, helo: string, timeoutMs: number, bindto?: string, bindPort?: number,
  sockOpts: SockOpts = {}, rsPair?: string): Promise<Outcome> {
  const srv = pair(host, port);
  return new Promise((resolve) => {
    let connected = false;
    let state: 'banner' | 'helo' | 'quit' = 'banner';
    let buf = '';
    const sock = connectStream({ host, port, bindto, bindPort }, sockOpts);
    if (!(sock instanceof net.Socket)) { process.nextTick(resolve, sock); return; }
    const finish = once((o: Outcome): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(o);
    });
    const fail = (m: string): void => { finish({ ok: false, msg: m }); };
    let timer = setTimeout(() => fail(`Connection timeout to server ${srv}`), timeoutMs);
    const rearm = (): void => { clearTimeout(timer); timer = setTimeout(() => fail(`Read timeout from server ${srv}`), timeoutMs); };
    sock.once('connect', () => { connected = true; rearm(); });
    sock.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      if (buf.length > 4096) buf = buf.slice(-4096);
      let nl: number;
      while (!finish.done && (nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = '';
        if (state === 'banner') {
          if (smtpStatus(line) !== 220) return fail(`Bad greeting banner from server ${srv}`);
          state = 'helo';
          sock.write(`HELO ${helo}\r\n`);
        } else if (state === 'helo') {
          if (smtpStatus(line) !== 250) return fail(`Bad HELO response from server ${srv}`);
          state = 'quit';
          sock.write('QUIT\r\n');
        } else {
          return finish({ ok: true });
        }
        rearm();
      }
    });
    sock.once('error', (e: NodeJS.ErrnoException) => {
      if (!connected && socketFailed(errnoOf(e))) finish(NO_SOCKET);
      else if (e.syscall === 'bind') finish(bindError(errnoOf(e)));
      else if (connected) fail(`Read failure from server ${srv}`);
      // connect() refused at once (no route): keepalived names the address and the real server;
      // a connect that fails later (refused, reset) is connect_fail (measured: test/vm/checkers14).
      else if (e.code === 'ENETUNREACH' && rsPair) fail(`Network unreachable for server ${host} - real server ${rsPair}`);
      else fail(`Could not connect to server ${srv}`);
    });
    sock.once('end', () => fail(`Read failure from server ${srv}`));
  });
}

export function smtpProbe(spec: ProbeSpec): Probe {
  const c = spec.checker;
  const p = spec.params;
  const helo = (c.type === 'SMTP_CHECK' ? c.heloName : undefined) ?? SMTP_DEFAULT_HELO;
  const key = `SMTP|${p.connectIp}|${p.connectPort}|${p.bindto ?? ''}|${p.bindPort ?? ''}|${p.bindIf ?? ''}|${p.fwmark ?? ''}|${p.connectTimeoutMs}|${helo}`;
  const opts = { bindIf: p.bindIf, fwmark: p.fwmark };
  const rsPair = pair(spec.rs.address, spec.rs.port);
  return { key: () => key, run: () => smtpCheck(p.connectIp, p.connectPort, helo, p.connectTimeoutMs, p.bindto, p.bindPort, opts, rsPair) };
}
