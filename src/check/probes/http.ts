// HTTP_GET / SSL_GET probe: fetch one url of the checker and judge it as keepalived does:
// status in status_code (default 200-299), then MD5 digest of the body, then regex. A bind()
// failure is passed on as an 'error' with errText: no check was made (keepalived reschedules).
import type { Outcome } from '../core/checker-fsm.js';
import type { HttpUrl } from '../../config/model.js';
import type { Probe, ProbeSpec } from './types.js';
import { bodyOf, httpGet, md5hex } from './http-client.js';
import { tlsOptionsFor } from './tls-context.js';
import { compileUrlRegex, type CompiledRegex } from './regex.js';

export function statusOk(url: HttpUrl, status: number): boolean {
  const ranges = url.statusCode && url.statusCode.length ? url.statusCode : [{ from: 200, to: 299 }];
  return ranges.some((r) => status >= r.from && status <= r.to);
}

const compiled = new WeakMap<HttpUrl, CompiledRegex>();
function regexFor(u: HttpUrl): CompiledRegex {
  let c = compiled.get(u);
  if (!c) {
    c = compileUrlRegex({ pattern: u.regex!, options: u.regexOptions, minOffset: u.regexMinOffset,
      maxOffset: u.regexMaxOffset });
    compiled.set(u, c);
  }
  return c;
}

/** Judges a response; `digest` is the body's MD5 as it was read (else computed from `raw`). */
export function judge(url: HttpUrl, r: { raw: Buffer; headerEnd: number; status: number; contentLength?: number;
    digest?: string }): Outcome {
  if (!statusOk(url, r.status)) return { ok: false, why: 'text', text: 'HTTP status code error to' };
  let text = 'HTTP status code';
  if (url.digest) {
    if ((r.digest ?? md5hex(bodyOf(r))) !== url.digest.toLowerCase()) return { ok: false, why: 'text', text: 'MD5 digest error to' };
    text = 'MD5 digest';
  }
  if (url.regex) {
    // 2.2.7 matches the whole response (status line and headers too): regex.ts
    const matched = regexFor(url).test(r.raw);
    if (matched === !!url.regexNoMatch) return { ok: false, why: 'text', text: 'Regex match failed' };
    text = 'Regex match';
  }
  return { ok: true, text };
}

export function httpProbe(spec: ProbeSpec): Probe {
  const c = spec.checker;
  if (c.type !== 'HTTP_GET' && c.type !== 'SSL_GET') throw new Error('httpProbe: wrong checker');
  const p = spec.params;
  const ssl = c.type === 'SSL_GET';
  const urls = c.urls.length ? c.urls : [{ path: '/' }];
  const tlsOpts = ssl ? tlsOptionsFor(spec.config) : undefined;
  const vhostFor = (u: HttpUrl): string | undefined => u.virtualhost ?? c.virtualhost
    ?? spec.rs.virtualhost ?? spec.vs.virtualhost;
  return {
    key: (i) => `${c.type}|${p.connectIp}|${p.connectPort}|${p.bindto ?? ''}|${p.bindPort ?? ''}|${p.bindIf ?? ''}|${p.fwmark ?? ''}|${p.connectTimeoutMs}|${c.httpProtocol ?? ''}|${JSON.stringify(urls[i])}|${vhostFor(urls[i]!) ?? ''}`,
    async run(i) {
      const url = urls[Math.min(i, urls.length - 1)]!;
      const vhost = vhostFor(url);
      const r = await httpGet({
        host: p.connectIp, port: p.connectPort, path: url.path, ssl, vhost, protocol: c.httpProtocol,
        // a response must be complete within one delay_loop (at least connect_timeout): 2.2.7 times only each read
        timeoutMs: p.connectTimeoutMs, deadlineMs: Math.max(p.delayLoopMs, p.connectTimeoutMs), bindto: p.bindto,
        bindPort: p.bindPort, sockOpts: { bindIf: p.bindIf, fwmark: p.fwmark },
        // keepalived 2.2.7's SNI name skips the real server's virtualhost (url, checker, virtual server)
        sni: ssl && c.enableSni ? (c.sniName ?? url.virtualhost ?? c.virtualhost ?? spec.vs.virtualhost)
          : undefined, tls: tlsOpts,
      });
      if (!r.ok) return r;
      return judge(url, r);
    },
  };
}
