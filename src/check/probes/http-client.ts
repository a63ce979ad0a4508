// One keepalived-style HTTP/1.x GET over TCP or TLS (no certificate verification): the request
// template of check_http.c, read to EOF, split at the end of the headers. Used by the HTTP_GET /
// SSL_GET probe and by genhash.
import net from 'node:net';
import tls from 'node:tls';
import { createHash } from 'node:crypto';
import { bindError, errnoOf, socketFailed } from './tcp-handle.js';
import { connectStream, type SockOpts } from './sockopt.js';
import { once } from './once.js';

export interface HttpGetOpts {
  host: string;
  port: number;
  path: string;
  ssl: boolean;
  /** Host header; default `ip:port` (`[ip]:port` for IPv6). */
  vhost?: string;
  protocol?: '1.0' | '1.0C' | '1.1';
  timeoutMs: number;
  /** SNI name (enable_sni / sni_name / genhash -I). */
  sni?: string;
  bindto?: string;
  bindPort?: number;
  /** bind_if / fwmark of the checker. */
  sockOpts?: SockOpts;
  /** SSL{} block: client certificate, key and its password, CA (tls-context.ts). */
  tls?: tls.SecureContextOptions;
}

export type HttpGetResult =
  | { ok: true; raw: Buffer; headerEnd: number; status: number; contentLength?: number; elapsedUs: number }
  /**
   * msg 'error': bind() failed (bindto / bind_port), errText its strerror, or the socket options
   * failed (errLine, keepalived's line): no check was made.
   */
  | { ok: false; msg: string; errText?: string; errLine?: string; noSocket?: boolean };

export function buildRequest(o: HttpGetOpts): string {
  const v11 = o.protocol === '1.1';
  const close = o.protocol === '1.1' || o.protocol === '1.0C';
  const host = o.vhost ?? (o.host.includes(':') ? `[${o.host}]:${o.port}` : `${o.host}:${o.port}`);
  return `GET ${o.path} HTTP/1.${v11 ? 1 : 0}\r\nUser-Agent: KeepAliveClient\r\n${close ? 'Connection: close\r\n' : ''}Host: ${host}\r\n\r\n`;
}

export function parseHead(raw: Buffer): { headerEnd: number; status: number; contentLength?: number } | undefined {
  const idx = raw.indexOf('\r\n\r\n');
  if (idx < 0) return undefined;
  const head = raw.subarray(0, idx).toString('latin1');
  const m = /^HTTP\/\d+(?:\.\d+)?\s+(\d+)/i.exec(head);
  const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  return { headerEnd: idx + 4, status: m ? Number(m[1]) : 0, contentLength: cl ? Number(cl[1]) : undefined };
}

/** The bytes keepalived feeds to MD5: the body, cut at Content-Length when one is given. */
export function bodyOf(r: { raw: Buffer; headerEnd: number; contentLength?: number }): Buffer {
  const body = r.raw.subarray(r.headerEnd);
  return r.contentLength !== undefined && r.contentLength < body.length ? body.subarray(0, r.contentLength) : body;
}

export function md5hex(b: Buffer): string { return createHash('md5').update(b).digest('hex'); }

export function httpGet(o: HttpGetOpts): Promise<HttpGetResult> {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    let connected = false;
    let gotData = false;
    const chunks: Buffer[] = [];
    let sock: net.Socket;
    const finish = once((r: HttpGetResult): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    });
    const arm = (msg: () => string): NodeJS.Timeout => setTimeout(() => finish({ ok: false, msg: msg() }), o.timeoutMs);
    let timer = arm(() => (connected ? 'Timeout WEB read' : 'Timeout connecting'));
    const onReady = (): void => {
      connected = true;
      clearTimeout(timer);
      timer = arm(() => (gotData ? 'Timeout HTTP read' : 'Timeout WEB read'));
      sock.write(buildRequest(o));
    };
    const tcp = connectStream({ host: o.host, port: o.port, bindto: o.bindto, bindPort: o.bindPort }, o.sockOpts ?? {});
    if (!(tcp instanceof net.Socket)) {
      sock = new net.Socket();
      process.nextTick(() => finish({ ok: false, msg: 'error', errLine: tcp.errLine }));
      return;
    }
    if (o.ssl) {
      const topts: tls.ConnectionOptions = { socket: tcp, rejectUnauthorized: false, ...o.tls };
      if (o.sni) topts.servername = o.sni;
      sock = tls.connect(topts, onReady);
      // bind() and connect() errors are the TCP socket's; tls.connect passes them on as its own.
      tcp.on('error', (e) => { if (!connected && !finish.done) sock.emit('error', e); });
    } else {
      sock = tcp;
      sock.once('connect', onReady);
    }
    sock.on('data', (d: Buffer) => {
      gotData = true;
      chunks.push(d);
      clearTimeout(timer);
      timer = arm(() => 'Timeout HTTP read');
    });
    sock.on('error', (e: NodeJS.ErrnoException) => { // several may come (TLS over TCP): the first counts
      if (!connected && socketFailed(errnoOf(e))) finish({ ok: false, msg: 'error', noSocket: true });
      else if (e.syscall === 'bind') {
        const b = bindError(errnoOf(e));
        finish({ ok: false, msg: 'error', errText: b.errText });
      } else if (!connected) {
        const tlsErr = o.ssl && e.code !== 'ECONNREFUSED' && e.code !== 'EHOSTUNREACH' && e.code !== 'ENETUNREACH' && e.code !== 'ECONNRESET';
        finish({ ok: false, msg: tlsErr ? 'SSL handshake/communication error connecting to' : 'Connection failed' });
      } else finish({ ok: false, msg: 'Read error with' });
    });
    sock.once('end', () => {
      const raw = Buffer.concat(chunks);
      const head = parseHead(raw);
      if (!head) { finish({ ok: false, msg: 'Read, no data received from ' }); return; }
      finish({ ok: true, raw, ...head, elapsedUs: Number((process.hrtime.bigint() - t0) / 1000n) });
    });
  });
}
