// genhash (also `keepalived -T` / `--genhash`): fetch a URL the way HTTP_GET/SSL_GET do and print
// the MD5 of the body, as keepalived 2.2.7's genhash prints it; -v dumps header and body in
// keepalived's hex+ASCII layout and the response time.
import { bodyOf, httpGet, NO_DATA } from './probes/http-client.js';
import { failureText } from './core/checker-fsm.js';

export interface GenhashIo { out(s: string): void; err(s: string): void }

const stdio: GenhashIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

export const GENHASH_USAGE = `Usage: genhash COMMAND [OPTIONS]
Commands:
   -s server-address -p port -u url
   -S -s server-address -p port -u url
   -h

Options:
Either long or short options are allowed.
   --use-ssl         -S       Use SSL connection to remote server.
   --use-sni         -I       Use SNI during SSL handshake (uses virtualhost setting; see -V).
   --server          -s       Use the specified remote server address.
   --port            -p       Use the specified remote server port.
   --url             -u       Use the specified remote server url.
   --use-virtualhost -V       Use the specified virtualhost in GET query.
   --verbose         -v       Use verbose mode output.
   --help            -h       Display this short inlined help screen.
   --fwmark          -m       Use the specified FW mark.
   --protocol        -P       Use the specified HTTP protocol - '1.0', 1.0c', '1.1'.
                                1.0c means 1.0 with 'Connection: close'
   --timeout         -t       Timeout in seconds
`;

export interface GenhashOpts {
  server?: string; port?: number; url?: string; ssl: boolean; sni: boolean; vhost?: string; verbose: boolean;
  fwmark?: number; protocol: '1.0' | '1.0C' | '1.1'; timeoutS: number; help: boolean;
}

const LONG: Record<string, string> = {
  'use-ssl': 'S', 'use-sni': 'I', server: 's', port: 'p', url: 'u', 'use-virtualhost': 'V', verbose: 'v', help: 'h',
  fwmark: 'm', protocol: 'P', timeout: 't', release: 'r',
};
const WITH_ARG = new Set(['s', 'p', 'u', 'V', 'm', 'P', 't']);

/** Parses genhash's options; returns an error text for bad input. */
export function parseGenhashArgs(argv: string[]): GenhashOpts | { error: string } {
  const o: GenhashOpts = { ssl: false, sni: false, verbose: false, protocol: '1.0', timeoutS: 5, help: false };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k]!;
    let flag: string | undefined;
    let val: string | undefined;
    if (a.startsWith('--')) {
      const [name, v] = a.slice(2).split('=', 2) as [string, string | undefined];
      flag = LONG[name];
      val = v;
    } else if (a.startsWith('-') && a.length >= 2) {
      flag = a[1];
      if (a.length > 2) val = a.slice(2);
    }
    if (!flag) return { error: `unknown option ${a}` };
    if (WITH_ARG.has(flag) && val === undefined) {
      val = argv[++k];
      if (val === undefined) return { error: `option ${a} needs an argument` };
    }
    switch (flag) {
      case 'S': o.ssl = true; break;
      case 'I': o.sni = true; break;
      case 'v': o.verbose = true; break;
      case 'h': o.help = true; break;
      case 's': o.server = val; break;
      case 'p': o.port = Number(val); break;
      case 'u': o.url = val; break;
      case 'V': o.vhost = val; break;
      case 'm': o.fwmark = Number(val); break;
      case 't': o.timeoutS = Number(val); break;
      case 'P': {
        const p = (val ?? '').toLowerCase();
        if (p === '1.0') o.protocol = '1.0'; else if (p === '1.0c') o.protocol = '1.0C'; else if (p === '1.1') o.protocol = '1.1';
        else return { error: `invalid protocol ${val}` };
        break;
      }
      default: return { error: `unknown option ${a}` };
    }
  }
  return o;
}

const isPrint = (b: number): boolean => b >= 0x20 && b < 0x7f;

/** keepalived's dump_buffer(): `OOOO  xx xx .. - xx ..   ascii`, 16 bytes a line, decimal offsets. */
export function dumpBuffer(buf: Buffer): string {
  let s = '';
  for (let off = 0; off < buf.length; off += 16) {
    let hex = '';
    let asc = '';
    for (let j = 0; j < 16; j++) {
      if (j === 8) hex += '- ';
      const b = buf[off + j];
      if (off + j < buf.length && b !== undefined) { hex += b.toString(16).padStart(2, '0') + ' '; asc += isPrint(b) ? String.fromCharCode(b) : '.'; }
      else { hex += '   '; asc += ' '; }
    }
    s += `${String(off).padStart(4, '0')}  ${hex}  ${asc}\n`;
  }
  return s;
}

const banner = (t: string): string => `-----------------------[${t}]-----------------------\n`;

export async function genhashMain(argv: string[], io: GenhashIo = stdio): Promise<number> {
  const o = parseGenhashArgs(argv);
  if ('error' in o || o.help || !o.server || !o.port || !o.url) { io.err(GENHASH_USAGE); return 1; }
  const t0 = process.hrtime.bigint();
  const r = await httpGet({
    host: o.server, port: o.port, path: o.url, ssl: o.ssl, vhost: o.vhost, protocol: o.protocol,
    timeoutMs: Math.round(o.timeoutS * 1000), sni: o.ssl && o.sni ? o.vhost : undefined, rawLimit: Infinity,
  });
  if (!r.ok) {
    if (r.why === 'text' && r.text === NO_DATA) io.err('no data received from remote webserver\n');
    else {
      io.out(`${failureText(r)}\n`);
      // genhash -v ends a failed fetch with the response time too ("Connection failed", "Read error with").
      if (o.verbose) io.out(`\nGlobal response time for [${o.url}] = ${(process.hrtime.bigint() - t0) / 1000n} usecs\n`);
    }
    return 0;
  }
  const body = bodyOf(r);
  const digest = r.digest;
  if (o.verbose) {
    const head = r.raw.subarray(0, r.headerEnd);
    io.out(banner('    HTTP Header Buffer    ') + dumpBuffer(head));
    io.out(banner(' HTTP Header Ascii Buffer ') + head.toString('latin1') + '\n');
    if (body.length) io.out(banner('        HTML Buffer        ') + dumpBuffer(body));
    io.out('\n' + banner('    HTML hash resulting    ') + dumpBuffer(Buffer.from(digest, 'hex')));
    io.out(banner(' HTML hash final resulting '));
  }
  io.out(`${digest}\n`);
  if (o.verbose) io.out(`\nGlobal response time for [${o.url}] = ${r.elapsedUs} usecs\n`);
  return 0;
}

/** The daemon's `keepalived -T` entry (src/daemon/main.ts looks for `main`). */
export const main = genhashMain;
