// SMTP_CHECK probe: expect a 220 banner, send `HELO <helo_name>` and expect 250, send QUIT and
// read the answer (check_smtp.c). Failure texts are keepalived's, with the server as `[ip]:port`.
// A bind() failure (bindto / bind_port) is no check: an 'error' with errText (keepalived reschedules).
// The server's lines are read by SmtpDialogue as 2.2.7 reads them (smtp_get_line_cb): a 512-byte
// buffer that starts again when 511 bytes hold no newline (so an overlong line is judged by its
// tail), the first '\n' before any NUL ends a line, the rest of what was read is dropped, and the
// status is 2.2.7's smtp_get_status() of the line as it is (a CR left before the newline included).
import net from 'node:net';
import type { Outcome } from '../core/checker-fsm.js';
import type { Probe, ProbeSpec } from './types.js';
import { pair } from '../format.js';
import { bindError, errnoOf, NO_SOCKET, socketFailed } from './tcp-handle.js';
import { once } from './once.js';
import { connectStream, type SockOpts } from './sockopt.js';

export const SMTP_DEFAULT_HELO = 'smtpchecker.keepalived.org';

/** smtp_get_status(): exactly three digits followed by a space or the end (a CR is neither). */
export function smtpStatus(line: string): number {
  const m = /^(\d{3})(?: |$)/.exec(line);
  return m ? Number(m[1]) : -1;
}

/** 2.2.7's SMTP_BUFF_MAX - 1: the bytes of a line kept before the buffer starts again. */
export const SMTP_LINE_MAX = 511;

/** What the dialogue asks for next: write a command, give up ('banner' / 'helo' failed), or succeed. */
export type SmtpStep = { kind: 'write'; text: string } | { kind: 'fail'; what: 'banner' | 'helo' } | { kind: 'ok' };

/** The banner / HELO / QUIT exchange over the bytes the server sends (pure). */
export class SmtpDialogue {
  private state: 'banner' | 'helo' | 'quit' | 'done' = 'banner';
  private buf = '';
  /** Times the buffer started again (2.2.7 logs "SMTP_CHECK Buffer overflow reading from server"). */
  overflows = 0;

  constructor(private readonly helo: string) {}

  get finished(): boolean { return this.state === 'done'; }
  /** Characters of a line held so far (bounded by SMTP_LINE_MAX; the fuzz tests check it). */
  get buffered(): number { return this.buf.length; }

  feed(d: Buffer): SmtpStep[] {
    const steps: SmtpStep[] = [];
    let text = d.toString('latin1');
    while (text.length && this.state !== 'done') {
      if (this.buf.length >= SMTP_LINE_MAX) { this.buf = ''; this.overflows++; }
      const take = text.slice(0, SMTP_LINE_MAX - this.buf.length);
      text = text.slice(take.length);
      this.buf += take;
      const nul = this.buf.indexOf('\0');
      const nl = this.buf.indexOf('\n');
      if (nl < 0 || (nul >= 0 && nul < nl)) continue;
      const line = this.buf.slice(0, nl);
      this.buf = '';
      text = ''; // the rest of what was read goes with the buffer
      const step = this.line(line);
      steps.push(step);
    }
    return steps;
  }

  private line(line: string): SmtpStep {
    if (this.state === 'banner') {
      if (smtpStatus(line) !== 220) { this.state = 'done'; return { kind: 'fail', what: 'banner' }; }
      this.state = 'helo';
      return { kind: 'write', text: `HELO ${this.helo}\r\n` };
    }
    if (this.state === 'helo') {
      if (smtpStatus(line) !== 250) { this.state = 'done'; return { kind: 'fail', what: 'helo' }; }
      this.state = 'quit';
      return { kind: 'write', text: 'QUIT\r\n' };
    }
    this.state = 'done';
    return { kind: 'ok' };
  }
}

export function smtpCheck(host: string, port: number, helo: string, timeoutMs: number,
  bindto?: string, bindPort?: number,
  sockOpts: SockOpts = {}, rsPair?: string): Promise<Outcome> {
  const srv = pair(host, port);
  return new Promise((resolve) => {
    let connected = false;
    const dialogue = new SmtpDialogue(helo);
    const sock = connectStream({ host, port, bindto, bindPort }, sockOpts);
    if (!(sock instanceof net.Socket)) { process.nextTick(resolve, sock); return; }
    const finish = once((o: Outcome): void => {
      clearTimeout(timer);
      sock.destroy();
      // 2.2.7 logs each time its buffer starts again
      const notes = Array.from({ length: dialogue.overflows }, () => `SMTP_CHECK Buffer overflow reading from server ${srv}. Increase SMTP_BUFF_MAX in check_smtp.h`);
      resolve(notes.length ? { ...o, notes } : o);
    });
    const fail = (m: string): void => { finish({ ok: false, why: 'text', text: m }); };
    let timer = setTimeout(() => fail(`Connection timeout to server ${srv}`), timeoutMs);
    const rearm = (): void => { clearTimeout(timer); timer = setTimeout(() => fail(`Read timeout from server ${srv}`), timeoutMs); };
    sock.once('connect', () => { connected = true; rearm(); });
    sock.on('data', (d: Buffer) => {
      for (const step of dialogue.feed(d)) {
        if (finish.done) return;
        if (step.kind === 'fail') return fail(step.what === 'banner' ? `Bad greeting banner from server ${srv}` : `Bad HELO response from server ${srv}`);
        if (step.kind === 'ok') return finish({ ok: true });
        sock.write(step.text);
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
  return { key: () => key, run: () => smtpCheck(p.connectIp, p.connectPort, helo, p.connectTimeoutMs, p.bindto,
    p.bindPort, opts, rsPair) };
}
