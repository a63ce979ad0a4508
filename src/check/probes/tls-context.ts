// The top-level SSL { password ca certificate key } block for SSL_GET, as keepalived 2.2.7 uses it
// (check_ssl.c build_ssl_ctx): one client context for every SSL_GET, holding the certificate chain
// of `certificate`, the private key of `key` (opened with `password`) and the CAs of `ca`. 2.2.7
// never verifies the server (no SSL_VERIFY_PEER), so the CAs change nothing on the wire; the client
// certificate is what a server that asks for one gets. A file that cannot be loaded stops the checker
// process at start (keepalived's lines, then KEEPALIVED_EXIT_FATAL). Only with an SSL_GET configured.
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import type { KeepalivedConfig } from '../../config/model.js';

export interface SslBlock { ca?: string; certificate?: string; key?: string; password?: string }

/** The SSL{} block's settings (the last block and the last line of each keyword win). */
export function sslBlockOf(cfg: Pick<KeepalivedConfig, 'extra'>): SslBlock | undefined {
  let out: SslBlock | undefined;
  for (const e of cfg.extra) {
    if (e.keyword !== 'SSL') continue;
    out = {};
    for (const l of e.lines ?? []) {
      const [k, v] = l;
      if (v !== undefined && (k === 'ca' || k === 'certificate' || k === 'key' || k === 'password')) out[k] = v;
    }
  }
  return out;
}

export type TlsLoad = { ok: true; opts: tls.SecureContextOptions } | { ok: false; lines: string[] };

type Read = (path: string) => Buffer;

/** Loads the files in 2.2.7's order (certificate, key with password, CA); keepalived's lines on failure. */
export function loadSsl(b: SslBlock, read: Read = (p) => readFileSync(p)): TlsLoad {
  const opts: tls.SecureContextOptions = {};
  const fail = (what: string): TlsLoad => ({
    ok: false,
    lines: [`SSL error : Cant load ${what} file...`, 'Error Initialize SSL, ctx Instance', `  SSL  keyfile:${b.key ?? '(null)'}`,
      `  SSL password:${b.password ?? '(null)'}`, `  SSL   cafile:${b.ca ?? '(null)'}`, 'Terminate...'],
  });
  const tryCtx = (o: tls.SecureContextOptions): boolean => {
    try { tls.createSecureContext(o); return true; } catch { return false; }
  };
  if (b.certificate) {
    try { opts.cert = read(b.certificate); } catch { return fail('certificate'); }
    if (!tryCtx({ cert: opts.cert })) return fail('certificate');
  }
  if (b.password !== undefined) opts.passphrase = b.password;
  if (b.key) {
    try { opts.key = read(b.key); } catch { return fail('key'); }
    if (!tryCtx(opts)) return fail('key');
  }
  if (b.ca) {
    try { opts.ca = read(b.ca); } catch { return fail('CA'); }
    if (!tryCtx({ ca: opts.ca })) return fail('CA');
  }
  return { ok: true, opts };
}

const hasSslGet = (cfg: KeepalivedConfig): boolean =>
  cfg.virtualServers.some((vs) => vs.realServers.some((rs) => rs.checkers.some((c) => c.type === 'SSL_GET')));

const cache = new WeakMap<KeepalivedConfig, TlsLoad | null>();

/** The SSL{} load result for a config (null: no SSL block or no SSL_GET); computed once per config. */
export function sslFor(cfg: KeepalivedConfig): TlsLoad | null {
  let r = cache.get(cfg);
  if (r === undefined) {
    const b = hasSslGet(cfg) ? sslBlockOf(cfg) : undefined;
    r = b ? loadSsl(b) : null;
    cache.set(cfg, r);
  }
  return r;
}

/** The client TLS options for SSL_GET under this config (none when the block is absent or failed). */
export function tlsOptionsFor(cfg: KeepalivedConfig | undefined): tls.SecureContextOptions | undefined {
  const r = cfg ? sslFor(cfg) : null;
  return r && r.ok ? r.opts : undefined;
}
