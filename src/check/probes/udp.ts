// UDP_CHECK probe: send the payload on a connected UDP socket. An ICMP unreachable (seen as
// ECONNREFUSED) is a failure; silence until connect_timeout is a success unless require_reply is
// set; a reply must be min..max_reply_length bytes and start with require_reply's bytes if given
// (otherwise 'mismatch': keepalived's "reply data mismatch"). A bind() failure (bindto / bind_port)
// is a 'bind' failure with errno + errText: keepalived 2.2.7 logs it and counts a failed check (unlike
// the other checkers, which reschedule without a check).
import dgram from 'node:dgram';
import type { Outcome } from '../core/checker-fsm.js';
import type { Probe, ProbeSpec } from './types.js';
import { bindError, errnoOf, NO_SOCKET, socketFailed } from './tcp-handle.js';
import { once } from './once.js';
import { bindDgram, type SockOpts } from './sockopt.js';
import { fillPattern } from './pattern.js';

export interface UdpOpts {
  payload: Buffer;
  requireReply?: Buffer | true;
  minLen: number;
  maxLen: number;
}

export function udpCheck(host: string, port: number, o: UdpOpts, timeoutMs: number, bindto?: string, bindPort?: number,
  sockOpts: SockOpts = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const finish = once((r: Outcome): void => {
      clearTimeout(timer);
      try { sock.close(); } catch { /* closed */ }
      resolve(r);
    });
    const timer = setTimeout(() => finish(o.requireReply ? { ok: false, why: 'timeout' } : { ok: true }), timeoutMs);
    sock.on('error', (e: NodeJS.ErrnoException) => {
      const errno = errnoOf(e);
      if (socketFailed(errno)) { finish(NO_SOCKET); return; }
      if (e.syscall !== 'bind') { finish({ ok: false, why: 'failed' }); return; }
      finish({ ok: false, why: 'bind', errno, errText: bindError(errno).errText });
    });
    sock.on('message', (m: Buffer) => {
      if (!o.requireReply) { finish({ ok: true }); return; }
      if (m.length < o.minLen || m.length > o.maxLen) { finish({ ok: false, why: 'mismatch' }); return; }
      if (Buffer.isBuffer(o.requireReply) && !m.subarray(0, o.requireReply.length).equals(o.requireReply)) { finish({ ok: false, why: 'mismatch' }); return; }
      finish({ ok: true });
    });
    // udp_bind_connect(): the mark only (no SO_BINDTODEVICE), bind, connect; a failure is a failed check.
    bindDgram(sock, bindto, bindPort, sockOpts, false, (err) => {
      if (err !== null) { finish({ ok: false, why: 'bind', errLine: err }); return; }
      sock.connect(port, host, (ce?: Error) => {
        if (ce) { finish({ ok: false, why: 'failed' }); return; } // connect_error: a failed check
        sock.send(o.payload, (e) => { if (e) finish({ ok: false, why: 'failed' }); });
      });
    });
  });
}

const hex = (s: string): Buffer => Buffer.from(s.replace(/^0x/i, '').replace(/\s+/g, ''), 'hex');

export function udpProbe(spec: ProbeSpec): Probe {
  const c = spec.checker;
  if (c.type !== 'UDP_CHECK') throw new Error('udpProbe: wrong checker');
  const p = spec.params;
  const opts: UdpOpts = {
    // no payload: keepalived sends 32 bytes of its filler (udp_bind_connect)
    payload: c.payload ? hex(c.payload) : fillPattern(Buffer.alloc(32)),
    requireReply: c.requireReply === true ? true : c.requireReply ? hex(c.requireReply) : undefined,
    minLen: c.minReplyLength ?? 0,
    maxLen: c.maxReplyLength ?? 255,
  };
  const key = `UDP|${p.connectIp}|${p.connectPort}|${p.bindto ?? ''}|${p.bindPort ?? ''}|${p.fwmark ?? ''}|${p.connectTimeoutMs}|${c.payload ?? ''}|${String(c.requireReply ?? '')}|${opts.minLen}|${opts.maxLen}`;
  const so = { fwmark: p.fwmark };
  return { key: () => key, run: () => udpCheck(p.connectIp, p.connectPort, opts, p.connectTimeoutMs,
    p.bindto, p.bindPort, so) };
}
