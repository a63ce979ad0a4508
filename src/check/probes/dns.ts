// DNS_CHECK probe: one query of `type`/`name` (RD set) over UDP; success is a reply with the same
// id, QR set and RCODE 0 (check_dns.c). Failure texts are keepalived's. A bind() failure (bindto /
// bind_port) is no check: an 'error' with errText (keepalived logs it and reschedules).
import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import type { Outcome } from '../core/checker-fsm.js';
import type { Probe, ProbeSpec } from './types.js';
import { bindError, errnoOf, CONNECT_FAIL_ERRNOS, NO_SOCKET, socketFailed } from './tcp-handle.js';
import { pair } from '../format.js';
import { once } from './once.js';
import { bindDgram, sockOptError, type SockOpts } from './sockopt.js';

export const DNS_TYPES: Record<string, number> = { A: 1, NS: 2, CNAME: 5, SOA: 6, MX: 15, TXT: 16, AAAA: 28,
  RRSIG: 46, DNSKEY: 48 };

export function buildQuery(id: number, name: string, type: number): Buffer {
  const parts: Buffer[] = [];
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(0x0100, 2); // RD
  h.writeUInt16BE(1, 4);
  parts.push(h);
  if (name !== '.') {
    for (const label of name.split('.')) {
      if (!label) continue;
      const l = Buffer.from(label, 'latin1');
      parts.push(Buffer.from([l.length]), l);
    }
  }
  parts.push(Buffer.from([0]));
  const t = Buffer.alloc(4);
  t.writeUInt16BE(type, 0);
  t.writeUInt16BE(1, 2);
  parts.push(t);
  return Buffer.concat(parts);
}

/**
 * 2.2.7's dns_recv_thread() on one datagram: shorter than 8 bytes (its test is against the size of
 * a pointer, not of the 12-byte header), another id, or no QR bit: not the answer, keep waiting;
 * RCODE not 0: failed; else success. Nothing after the header is read (no names, no counts).
 */
export type DnsVerdict = { wait: 'short' | 'id' | 'query' } | Outcome;

export function dnsReply(m: Buffer, id: number): DnsVerdict {
  if (m.length < 8) return { wait: 'short' };
  if (m.readUInt16BE(0) !== id) return { wait: 'id' };
  const flags = m.readUInt16BE(2);
  if (!(flags & 0x8000)) return { wait: 'query' };
  const rcode = flags & 0xf;
  return rcode ? { ok: false, why: 'text', text: `read error occurred. (rcode = ${rcode})` } : { ok: true };
}

export function dnsCheck(host: string, port: number, name: string, type: number, timeoutMs: number,
  bindto?: string, bindPort?: number,
  sockOpts: SockOpts = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const id = randomInt(0, 65536);
    const finish = once((o: Outcome): void => {
      clearTimeout(timer);
      try { sock.close(); } catch { /* closed */ }
      resolve(o);
    });
    const timer = setTimeout(() => finish({ ok: false, why: 'text', text: 'read timeout from socket' }), timeoutMs);
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (socketFailed(errnoOf(e))) { finish(NO_SOCKET); return; }
      if (e.syscall === 'bind') { finish(bindError(errnoOf(e))); return; }
      finish({ ok: false, why: 'text', text: `failed to read socket; errno ${-(e.errno ?? 0) || 0} (${e.code === 'ECONNREFUSED' ? 'Connection refused' : e.message})` });
    });
    sock.on('message', (m: Buffer) => {
      const v = dnsReply(m, id);
      if (!('wait' in v)) finish(v);
    });
    // socket_bind_connect(): mark, device, bind, connect.
    bindDgram(sock, bindto, bindPort, sockOpts, true, (err) => {
      if (err !== null) { finish(sockOptError(err)); return; }
      sock.connect(port, host, (ce?: Error) => {
        // connect() refused: a failed check for an unreachable network (connect_fail), else no check.
        if (ce) { finish(CONNECT_FAIL_ERRNOS.has(errnoOf(ce)) ? { ok: false, why: 'text', text: `network unreachable for ${pair(host, port)}` } : { ok: false, why: 'error' }); return; }
        sock.send(buildQuery(id, name, type), (e) => { if (e) finish({ ok: false, why: 'text', text: 'failed to write socket.' }); });
      });
    });
  });
}

export function dnsProbe(spec: ProbeSpec): Probe {
  const c = spec.checker;
  if (c.type !== 'DNS_CHECK') throw new Error('dnsProbe: wrong checker');
  const p = spec.params;
  const type = DNS_TYPES[(c.queryType || 'SOA').toUpperCase()] ?? 6;
  const name = c.name || '.';
  const key = `DNS|${p.connectIp}|${p.connectPort}|${p.bindto ?? ''}|${p.bindPort ?? ''}|${p.bindIf ?? ''}|${p.fwmark ?? ''}|${p.connectTimeoutMs}|${type}|${name}`;
  const opts = { bindIf: p.bindIf, fwmark: p.fwmark };
  return { key: () => key, run: () => dnsCheck(p.connectIp, p.connectPort, name, type, p.connectTimeoutMs,
    p.bindto, p.bindPort, opts) };
}
