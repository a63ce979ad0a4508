// DNS_CHECK probe: one query of `type`/`name` (RD set) over UDP; success is a reply with the same
// id, QR set and RCODE 0 (check_dns.c). Failure texts are keepalived's. A bind() failure (bindto /
// bind_port) is no check: msg 'error' + errText (keepalived logs it and reschedules).
import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import type { Outcome } from '../core/checker-fsm.js';
import type { Probe, ProbeSpec } from './types.js';
import { bindError, errnoOf } from './tcp-handle.js';
import { once } from './once.js';

export const DNS_TYPES: Record<string, number> = { A: 1, NS: 2, CNAME: 5, SOA: 6, MX: 15, TXT: 16, AAAA: 28, RRSIG: 46, DNSKEY: 48 };

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

export function dnsCheck(host: string, port: number, name: string, type: number, timeoutMs: number, bindto?: string, bindPort?: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const id = randomInt(0, 65536);
    const finish = once((o: Outcome): void => {
      clearTimeout(timer);
      try { sock.close(); } catch { /* closed */ }
      resolve(o);
    });
    const timer = setTimeout(() => finish({ ok: false, msg: 'read timeout from socket' }), timeoutMs);
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (e.syscall === 'bind') { finish(bindError(errnoOf(e))); return; }
      finish({ ok: false, msg: `failed to read socket; errno ${-(e.errno ?? 0) || 0} (${e.code === 'ECONNREFUSED' ? 'Connection refused' : e.message})` });
    });
    sock.on('message', (m: Buffer) => {
      if (m.length < 12 || m.readUInt16BE(0) !== id) return;
      const flags = m.readUInt16BE(2);
      if (!(flags & 0x8000)) return;
      const rcode = flags & 0xf;
      finish(rcode ? { ok: false, msg: `read error occurred. (rcode = ${rcode})` } : { ok: true });
    });
    const go = (): void => {
      sock.connect(port, host, () => {
        sock.send(buildQuery(id, name, type), (err) => { if (err) finish({ ok: false, msg: 'failed to write socket.' }); });
      });
    };
    if (bindto || bindPort) sock.bind({ address: bindto, port: bindPort ?? 0 }, go); else go();
  });
}

export function dnsProbe(spec: ProbeSpec): Probe {
  const c = spec.checker;
  if (c.type !== 'DNS_CHECK') throw new Error('dnsProbe: wrong checker');
  const p = spec.params;
  const type = DNS_TYPES[(c.queryType || 'SOA').toUpperCase()] ?? 6;
  const name = c.name || '.';
  const key = `DNS|${p.connectIp}|${p.connectPort}|${p.bindto ?? ''}|${p.bindPort ?? ''}|${p.connectTimeoutMs}|${type}|${name}`;
  return { key: () => key, run: () => dnsCheck(p.connectIp, p.connectPort, name, type, p.connectTimeoutMs, p.bindto, p.bindPort) };
}
