// One keepalived-style HTTP/1.x GET over TCP or TLS (no certificate verification): the request
// template of check_http.c, read to EOF, split at the end of the headers. Used by the HTTP_GET /
// SSL_GET probe and by genhash. The response is read as 2.2.7 reads it (HttpResponseReader): the
// status line and headers must end within the first 4095 bytes (its 4096-byte buffer; measured with
// Debian's genhash: one byte more and it reports no data), the status code and Content-Length are
// taken by its rules (lib/html.c), the body is hashed as it arrives and only the first RAW_LIMIT
// bytes are kept (for `regex`): an endless body costs no memory. With `deadlineMs` the whole
// response must arrive in that time (2.2.7 only times each read, so a server that never stops
// sending holds its check forever).
import net from 'node:net';
import tls from 'node:tls';
import { createHash } from 'node:crypto';
import { bindError, errnoOf, socketFailed } from './tcp-handle.js';
import { connectStream, type SockOpts } from './sockopt.js';
import { once } from './once.js';
import type { Failure } from '../core/checker-fsm.js';

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
  /** The whole response must arrive within this long after the request is sent ('Timeout HTTP read' otherwise). */
  deadlineMs?: number;
  /** How much of the response to keep (default RAW_LIMIT). */
  rawLimit?: number;
}

export type HttpGetResult =
  | ({ ok: true; elapsedUs: number } & HttpResponse)
  /**
   * 'error': bind() failed (bindto / bind_port), errText its strerror, or the socket options
   * failed (errLine, keepalived's line): no check was made. 'text': the failure in 2.2.7's words.
   */
  | Extract<Failure, { why: 'error' | 'text' }>;

export function buildRequest(o: HttpGetOpts): string {
  const v11 = o.protocol === '1.1';
  const close = o.protocol === '1.1' || o.protocol === '1.0C';
  const host = o.vhost ?? (o.host.includes(':') ? `[${o.host}]:${o.port}` : `${o.host}:${o.port}`);
  return `GET ${o.path} HTTP/1.${v11 ? 1 : 0}\r\nUser-Agent: KeepAliveClient\r\n${close ? 'Connection: close\r\n' : ''}Host: ${host}\r\n\r\n`;
}

/** keepalived's MAX_BUFFER_LENGTH - 1: the status line and headers end (CRLF CRLF) within these bytes, or no data was
 *  received. */
export const HEAD_LIMIT = 4095;
/** How much of a response is kept for `regex` (and genhash -v) by default. */
export const RAW_LIMIT = 1 << 20;
export const NO_DATA = 'Read, no data received from ';

/** 2.2.7's extract_status_code(): after the first space (before any CR), exactly three digits and a space; else 0. */
export function statusCodeOf(b: Buffer): number {
  let i = 0;
  while (i < b.length && b[i] !== 0x20 && b[i] !== 0x0d) i++;
  if (b[i] !== 0x20) return 0;
  i++;
  if (i + 3 >= b.length || b[i] === 0x20 || b[i + 3] !== 0x20) return 0;
  // strtoul() would also take " 20" or "+20" here: codes below 100 fail like 0 does
  const t = b.toString('latin1', i, i + 3);
  return /^\d{3}$/.test(t) ? Number(t) : 0;
}

/**
 * 2.2.7's extract_content_length(): the first "Content-Length:" (that case) in what was received
 * so far (up to a NUL), read as strtoul() reads it; undefined (no cut) when absent, when the number
 * is followed by anything but CR / LF / the end, or when it does not fit (negative numbers wrap).
 */
export function contentLengthOf(b: Buffer): number | undefined {
  const nul = b.indexOf(0);
  const text = b.toString('latin1', 0, nul < 0 ? b.length : nul);
  const at = text.indexOf('Content-Length:');
  if (at < 0) return undefined;
  const m = /^[\t\n\v\f\r ]*([+-]?)(\d*)/.exec(text.slice(at + 15))!;
  const end = at + 15 + (m[2] ? m[0].length : 0);
  const next = text[end];
  if (next !== undefined && next !== '\r' && next !== '\n') return undefined;
  if (!m[2]) return 0;
  const v = Number(m[2]);
  if (m[1] === '-' && v !== 0) return undefined; // wraps to a huge size_t: no cut
  return Number.isSafeInteger(v) ? v : undefined;
}

/** The head of a response received so far: where the body starts, the status code, Content-Length. */
export function parseHead(raw: Buffer): { headerEnd: number; status: number; contentLength?: number } | undefined {
  const idx = raw.subarray(0, HEAD_LIMIT).indexOf('\r\n\r\n');
  if (idx < 0) return undefined;
  const contentLength = contentLengthOf(raw.subarray(0, Math.max(HEAD_LIMIT, idx + 4)));
  return { headerEnd: idx + 4, status: statusCodeOf(raw.subarray(0, HEAD_LIMIT)),
    ...(contentLength !== undefined ? { contentLength } : {}) };
}

/** The bytes keepalived feeds to MD5: the body, cut at Content-Length when one is given. */
export function bodyOf(r: { raw: Buffer; headerEnd: number; contentLength?: number }): Buffer {
  const body = r.raw.subarray(r.headerEnd);
  return r.contentLength !== undefined && r.contentLength < body.length ? body.subarray(0, r.contentLength) : body;
}

export function md5hex(b: Buffer): string { return createHash('md5').update(b).digest('hex'); }

/** A response as it is read: the head found once, the body hashed as it comes, at most `rawLimit` bytes kept. */
export type HttpResponse = { raw: Buffer; headerEnd: number; status: number; contentLength?: number; digest: string;
  bodyBytes: number; truncated: boolean };

export class HttpResponseReader {
  private chunks: Buffer[] = [];
  private kept = 0;
  private head?: { headerEnd: number; status: number; contentLength?: number };
  private readonly md5 = createHash('md5');
  private hashed = 0;
  private bodyBytes = 0;
  private truncated = false;
  /** Set when the head did not end within HEAD_LIMIT bytes: the check fails at once (2.2.7: a read of 0 bytes, taken as
   *  the end). */
  failed?: string;

  constructor(private readonly rawLimit = RAW_LIMIT) {}

  /** Takes the next bytes; false when the response is already judged (failed). */
  feed(d: Buffer): boolean {
    if (this.failed) return false;
    if (!this.head) {
      this.chunks.push(d);
      this.kept += d.length;
      const soFar = this.chunks.length === 1 ? d : Buffer.concat(this.chunks);
      this.chunks = [soFar];
      this.head = parseHead(soFar);
      if (!this.head) {
        if (soFar.length >= HEAD_LIMIT) { this.failed = NO_DATA; return false; }
        return true;
      }
      if (soFar.length > this.rawLimit) {
        this.chunks = [soFar.subarray(0, Math.max(this.rawLimit, this.head.headerEnd))];
        this.kept = this.chunks[0]!.length; this.truncated = true;
      }
      this.body(soFar.subarray(this.head.headerEnd));
      return true;
    }
    if (this.kept < this.rawLimit) {
      const take = d.length <= this.rawLimit - this.kept ? d : d.subarray(0, this.rawLimit - this.kept);
      this.chunks.push(take);
      this.kept += take.length;
      if (take !== d) this.truncated = true;
    } else this.truncated = true;
    this.body(d);
    return true;
  }

  private body(d: Buffer): void {
    this.bodyBytes += d.length;
    const cl = this.head!.contentLength;
    const want = cl === undefined ? d.length : Math.max(0, Math.min(d.length, cl - this.hashed));
    if (want > 0) { this.md5.update(want === d.length ? d : d.subarray(0, want)); this.hashed += want; }
  }

  /** The response at its end (EOF); a failure text when there was no head. */
  end(): HttpResponse | { failed: string } {
    if (this.failed) return { failed: this.failed };
    if (!this.head) return { failed: NO_DATA };
    return { raw: this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks), ...this.head, digest: this.md5.digest('hex'), bodyBytes: this.bodyBytes, truncated: this.truncated };
  }
}

export function httpGet(o: HttpGetOpts): Promise<HttpGetResult> {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    let connected = false;
    let gotData = false;
    const reader = new HttpResponseReader(o.rawLimit);
    let sock: net.Socket;
    let deadline: NodeJS.Timeout | undefined;
    const finish = once((r: HttpGetResult): void => {
      clearTimeout(timer);
      clearTimeout(deadline);
      sock.destroy();
      resolve(r);
    });
    const arm = (msg: () => string): NodeJS.Timeout => setTimeout(() => finish({ ok: false, why: 'text', text: msg() }), o.timeoutMs);
    let timer = arm(() => (connected ? 'Timeout WEB read' : 'Timeout connecting'));
    const onReady = (): void => {
      connected = true;
      clearTimeout(timer);
      timer = arm(() => (gotData ? 'Timeout HTTP read' : 'Timeout WEB read'));
      if (o.deadlineMs !== undefined) deadline = setTimeout(() => finish({ ok: false, why: 'text', text: gotData ? 'Timeout HTTP read' : 'Timeout WEB read' }), o.deadlineMs);
      sock.write(buildRequest(o));
    };
    const tcp = connectStream({ host: o.host, port: o.port, bindto: o.bindto, bindPort: o.bindPort }, o.sockOpts ?? {});
    if (!(tcp instanceof net.Socket)) {
      sock = new net.Socket();
      process.nextTick(() => finish({ ok: false, why: 'error', errLine: tcp.errLine }));
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
      if (!reader.feed(d)) { finish({ ok: false, why: 'text', text: reader.failed! }); return; }
      clearTimeout(timer);
      timer = arm(() => 'Timeout HTTP read');
    });
    sock.on('error', (e: NodeJS.ErrnoException) => { // several may come (TLS over TCP): the first counts
      if (!connected && socketFailed(errnoOf(e))) finish({ ok: false, why: 'error', noSocket: true });
      else if (e.syscall === 'bind') {
        const b = bindError(errnoOf(e));
        finish({ ok: false, why: 'error', errText: b.errText });
      } else if (!connected) {
        const tlsErr = o.ssl && e.code !== 'ECONNREFUSED' && e.code !== 'EHOSTUNREACH' && e.code !== 'ENETUNREACH' && e.code !== 'ECONNRESET';
        finish({ ok: false, why: 'text', text: tlsErr ? 'SSL handshake/communication error connecting to' : 'Connection failed' });
      } else finish({ ok: false, why: 'text', text: 'Read error with' });
    });
    sock.once('end', () => {
      const r = reader.end();
      if ('failed' in r) { finish({ ok: false, why: 'text', text: r.failed }); return; }
      finish({ ok: true, ...r, elapsedUs: Number((process.hrtime.bigint() - t0) / 1000n) });
    });
  });
}
