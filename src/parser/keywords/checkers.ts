// Checker keyword tables (keepalived/check/check_*.c): the 13 common keywords every checker
// shares, then TCP_CHECK, HTTP_GET/SSL_GET with url{}, MISC_CHECK, SMTP_CHECK, DNS_CHECK,
// UDP_CHECK, PING_CHECK, FILE_CHECK and BFD_CHECK.
import { table, type KeywordDef, type KeywordTable, type KwArgs } from '../schema.js';
import type { Checker, CheckerCommon, HttpUrl, KeepalivedConfig, RealServer, SmtpHost } from '../../config/model.js';
import type { SourcePos } from '../../common/diagnostic.js';
import { isLinkLocal6, parseIpv6 } from '../../vrrp/addr.js';
import { bool, readNum, scriptSpec } from './common.js';
import { splitQuotedEscaped } from '../script-split.js';
import { ipFamily, readDecimal, readInt, isHexString, TIMER_MAX, TIMER_MAX_TEXT } from '../values.js';

/**
 * check_api.c check_conn_opts(): a checker (or SMTP host) whose destination is an IPv6 link-local
 * address needs bind_if (the device gives the scope); reports 2.2.7's error and returns false.
 */
export function linkLocalOk(dst: string, bindIf: string | undefined, a: KwArgs): boolean {
  const b = dst.includes(':') ? parseIpv6(dst) : undefined;
  if (!b || !isLinkLocal6(b) || bindIf) return true;
  a.error(`Checker link local address ${dst} requires a bind_if`);
  return false;
}

/** Sub-context of one checker block. */
export interface CkCtx { ck: Checker & CheckerCommon; extra: Record<string, string[]>; rs?: RealServer;
  cfg?: KeepalivedConfig }

const common: KeywordDef<CkCtx>[] = [
  {
    name: 'connect_ip', priority: 'P1', args: ['ip'],
    handle: (c, a) => { const ip = a.need(1); if (!ipFamily(ip)) { a.error(`Invalid connect_ip address ${ip} - ignoring`); return; } c.ck.connectIp = ip; },
  },
  {
    name: 'connect_port', priority: 'P0', args: ['uint'],
    handle: (c, a) => { const v = readNum(a, { kind: 'uint', min: 1, max: 65535, msg: (t) => `Invalid checker connect_port '${t}'` }); if (v !== undefined) c.ck.connectPort = v; },
  },
  {
    name: 'bindto', priority: 'P1', args: ['ip'],
    handle: (c, a) => { const ip = a.need(1); if (!ipFamily(ip)) { a.error(`Invalid bindto address ${ip} - ignoring`); return; } c.ck.bindto = ip; },
  },
  {
    name: 'bind_port', priority: 'P1', args: ['uint'],
    handle: (c, a) => { const v = readNum(a, { kind: 'uint', min: 1, max: 65535, msg: (t) => `Invalid checker bind_port '${t}'` }); if (v !== undefined) c.ck.bindPort = v; },
  },
  { name: 'bind_if', priority: 'P1', args: ['ifname'], handle: (c, a) => { c.ck.bindIf = a.need(1); } },
  {
    name: 'connect_timeout', priority: 'P0', args: ['timer'],
    handle: (c, a) => { const t = a.need(1); const v = readDecimal(a, t, 0.000001, 2147483); if (v === undefined) { a.error(`connect_timeout ${t} invalid - ignoring`); return; } c.ck.connectTimeout = v; },
  },
  {
    name: 'fwmark', priority: 'P1', args: ['uint'],
    handle: (c, a) => { const v = readNum(a, { kind: 'uint', min: 0, max: 4294967295, msg: (t) => `Invalid fwmark connection value '${t}'` }); if (v !== undefined) c.ck.fwmark = v; },
  },
  {
    name: 'retry', priority: 'P0', args: ['uint'],
    handle: (c, a) => { const v = readNum(a, { kind: 'uint', min: 0, max: 2147483647, msg: (t) => `Invalid retry connection value '${t}'` }); if (v !== undefined) c.ck.retry = v; },
  },
  {
    name: 'delay_before_retry', priority: 'P0', args: ['timer'],
    handle: (c, a) => { const t = a.need(1); const v = readDecimal(a, t, 0, TIMER_MAX, true, TIMER_MAX_TEXT);
      if (v !== undefined) c.ck.delayBeforeRetry = v; },
  },
  {
    name: 'warmup', priority: 'P1', args: ['timer'],
    handle: (c, a) => { const t = a.need(1); const v = readDecimal(a, t, 0, TIMER_MAX, true, TIMER_MAX_TEXT);
      if (v !== undefined) c.ck.warmup = v; },
  },
  {
    name: 'delay_loop', priority: 'P1', args: ['timer'],
    handle: (c, a) => { const t = a.need(1); const v = readDecimal(a, t, 0.000001, 2147483); if (v === undefined) { a.error(`checker delay_loop '${t}' invalid - ignoring`); return; } c.ck.delayLoop = v; },
  },
  bool<CkCtx>('alpha', (c, v) => { c.ck.alpha = v; }, 'P1', undefined, (t) => `Invalid alpha parameter ${t}`),
  bool<CkCtx>('log_all_failures', (c, v) => { c.ck.logAllFailures = v; }),
];

type HttpCk = Extract<Checker, { type: 'HTTP_GET' | 'SSL_GET' }>;

/** PCRE2 option names 2.2.7's regex_options knows (check_http.c regex_options[]). */
const REGEX_OPTIONS: readonly string[] = ['allow_empty_class', 'alt_bsux', 'auto_callout', 'caseless', 'dollar_endonly', 'dotall', 'dupnames',
  'extended', 'firstline', 'match_unset_backref', 'multiline', 'never_ucp', 'never_utf', 'no_auto_capture', 'no_auto_possess',
  'no_dotstar_anchor', 'no_start_optimize', 'ucp', 'ungreedy', 'utf', 'never_backslash_c', 'alt_circumflex', 'alt_verbnames',
  'use_offset_limit'];
interface UrlCtx { url: HttpUrl; owner: CkCtx }

const urlTable = table('url', [
  { name: 'path', priority: 'P0', args: ['string'], handle: (c: UrlCtx, a) => { c.url.path = a.need(1); } },
  {
    name: 'digest', priority: 'P0', args: ['string'],
    handle: (c: UrlCtx, a) => {
      const d = a.need(1);
      if (d.length !== 32) { a.error(`digest '${d}' character length should be 32 rather than ${d.length}`); return; }
      if (!isHexString(d)) { a.error(`digest '${d}' is not a valid hex string - ignoring`); return; }
      c.url.digest = d.toLowerCase();
    },
  },
  {
    name: 'status_code', priority: 'P0', args: ['rest'],
    handle: (c: UrlCtx, a) => {
      a.need(1);
      const out: { from: number; to: number }[] = [];
      for (let i = 1; i < a.size; i++) {
        const w = a.opt(i)!;
        const m = /^(\d+)(?:-(\d+))?$/.exec(w);
        if (!m) { a.error(`Invalid HTTP_GET status code '${w}'`); continue; }
        const from = Number(m[1]); const to = m[2] !== undefined ? Number(m[2]) : from;
        if (from < 100 || to > 599 || from > to) { a.error(`Invalid HTTP_GET status code '${w}'`); continue; }
        out.push({ from, to });
      }
      if (out.length) c.url.statusCode = [...(c.url.statusCode ?? []), ...out];
    },
  },
  { name: 'virtualhost', priority: 'P1', args: ['string'], handle: (c: UrlCtx, a) => { c.url.virtualhost = a.need(1); } },
  {
    // 2.2.7's regex_handler re-reads the whole line with alloc_strvec_quoted_escaped() (quotes and
    // backslash escapes, as a script string): exactly two words, else logged and ignored
    name: 'regex', priority: 'P2', args: ['string'],
    handle: (c: UrlCtx, a) => {
      a.need(1);
      const w = splitQuotedEscaped(a.line.text, a.pos());
      if (!Array.isArray(w)) { a.error(w.message, w.severity, w.code); return; }
      if (w.length !== 2) { a.info('regex missing or too many fields'); return; }
      c.url.regex = w[1]!;
    },
  },
  { name: 'regex_no_match', priority: 'P2', handle: (c: UrlCtx) => { c.url.regexNoMatch = true; } },
  {
    // unknown names are skipped without a word, as in 2.2.7
    name: 'regex_options', priority: 'P2', args: ['rest'],
    handle: (c: UrlCtx, a) => { const o = a.words.slice(1).map((w) => w.text).filter((w) => REGEX_OPTIONS.includes(w));
      c.url.regexOptions = [...(c.url.regexOptions ?? []), ...o]; },
  },
  { name: 'regex_min_offset', priority: 'P2', args: ['uint'], handle: (c: UrlCtx, a) => { c.url.regexMinOffset = regexOffset(a, 'min'); } },
  { name: 'regex_max_offset', priority: 'P2', args: ['uint'], handle: (c: UrlCtx, a) => { const v = regexOffset(a, 'max'); if (v === undefined) delete c.url.regexMaxOffset; else c.url.regexMaxOffset = v; } },
  {
    name: 'regex_stack', priority: 'P2', args: ['uint', 'uint'],
    handle: (c: UrlCtx, a) => {
      if (a.size !== 3) { a.info('regex_stack requires start and max values'); return; }
      const [s, m] = [a.opt(1)!, a.opt(2)!];
      if (!/^\d+$/.test(s)) { a.info('regex_stack invalid start value'); return; }
      if (!/^\d+$/.test(m)) { a.info('regex_stack invalid max value'); return; }
      if (Number(s) > Number(m)) { a.info('regex stack start cannot exceed max value'); return; }
      c.url.regexStack = [Number(s), Number(m)];
    },
  },
]);

/** regex_min/max_offset N (2.2.7: any parse problem gives 0, i.e. no limit for min, offset 0 for max). */
function regexOffset(a: KwArgs, type: 'min' | 'max'): number | undefined {
  if (a.size !== 2) { a.info(`Missing or too may options for regex_${type}_offset`); return 0; }
  const t = a.opt(1)!;
  if (!/^\d*$/.test(t)) { a.info(`Invalid regex_${type}_offset ${t} specified`); return 0; }
  return t === '' ? 0 : Number(t);
}

/** End of a url block (check_http.c url_check): regex settings without a regex, offsets out of order. */
function regexEnd(u: HttpUrl, a: KwArgs): void {
  if (!u.regex && (u.regexOptions?.length || u.regexNoMatch || u.regexMinOffset
      || u.regexMaxOffset !== undefined || u.regexStack)) {
    a.info('regex parameters specified without regex');
    delete u.regexOptions; delete u.regexNoMatch; delete u.regexMinOffset; delete u.regexMaxOffset; delete u.regexStack;
  }
  if (u.regexMaxOffset !== undefined && (u.regexMinOffset ?? 0) > u.regexMaxOffset) {
    a.info(`regex min offset ${u.regexMinOffset} > regex_max_offset ${u.regexMaxOffset} - ignoring`);
    delete u.regexMinOffset; delete u.regexMaxOffset;
  }
  if (u.regexMinOffset === 0) delete u.regexMinOffset;
}

function httpTable(name: 'HTTP_GET' | 'SSL_GET'): KeywordTable {
  const kws: KeywordDef<CkCtx>[] = [
    ...common,
    { name: 'virtualhost', priority: 'P1', args: ['string'], handle: (c, a) => { (c.ck as HttpCk).virtualhost = a.need(1); } },
    {
      name: 'http_protocol', priority: 'P1', args: ['word'],
      handle: (c, a) => {
        const v = a.need(1);
        if (v === '1.0' || v === '1.0C' || v === '1.1') (c.ck as HttpCk).httpProtocol = v;
        else if (v === '1.0c') (c.ck as HttpCk).httpProtocol = '1.0C';
        else a.error(`Invalid http_protocol version ${v}`);
      },
    },
    bool<CkCtx>('enable_sni', (c, v) => { (c.ck as HttpCk).enableSni = v; }),
    bool<CkCtx>('fast_recovery', (c, v) => { (c.ck as HttpCk).fastRecovery = v; }),
    {
      name: 'url', priority: 'P0', block: 'keywords', table: urlTable,
      handle: (c): UrlCtx => { const url: HttpUrl = { path: '' }; (c.ck as HttpCk).urls.push(url); return { url, owner: c }; },
      close: (u: UrlCtx, a: KwArgs) => {
        regexEnd(u.url, a);
        if (u.url.path) return;
        a.error('HTTP/SSL_GET checker url has no path - ignoring');
        const ck = u.owner.ck as HttpCk; ck.urls = ck.urls.filter((x) => x !== u.url);
      },
    },
  ];
  // nb_get_retry: deprecated alias of retry, HTTP_GET/SSL_GET only in 2.2.7 (sni_name, tls_compliant are HEAD only).
  const retry = common.find((k) => k.name === 'retry')!;
  kws.push({ ...retry, name: 'nb_get_retry', aliases: undefined });
  return table(name, kws);
}

type MiscCk = Extract<Checker, { type: 'MISC_CHECK' }>;
type SmtpCk = Extract<Checker, { type: 'SMTP_CHECK' }>;
const hostOwner = new WeakMap<SmtpCk, SmtpCk>();
const HOST_FIELDS: (keyof SmtpHost)[] = ['connectIp', 'connectPort', 'bindto', 'bindPort', 'bindIf', 'connectTimeout', 'fwmark', 'pos'];

/** Where a MISC_CHECK's `user` line is (validation reports an unknown user there). */
export const miscUserPos = new WeakMap<MiscCk, SourcePos>();
type DnsCk = Extract<Checker, { type: 'DNS_CHECK' }>;
type UdpCk = Extract<Checker, { type: 'UDP_CHECK' }>;
type FileCk = Extract<Checker, { type: 'FILE_CHECK' }>;
type BfdCk = Extract<Checker, { type: 'BFD_CHECK' }>;

const TIMING = new Set(['retry', 'nb_get_retry', 'delay_before_retry', 'warmup', 'delay_loop', 'alpha', 'log_all_failures']);

/**
 * UDP_CHECK hex data: the words after the keyword, concatenated, hex digits only, read two digits
 * per byte; 2.2.7 refuses a 0xff byte (its reader uses -1 as the error value).
 */
function udpHex(a: KwArgs): string | undefined {
  const s = a.words.slice(1).map((w) => w.text).join('');
  if (!/^[0-9a-fA-F]+$/.test(s)) return undefined;
  for (let i = 0; i < s.length; i += 2) if (s.slice(i, i + 2).toLowerCase() === 'ff') return undefined;
  return s;
}

const DNS_TYPES = new Set(['A', 'NS', 'CNAME', 'SOA', 'MX', 'TXT', 'AAAA']);

export const checkerTables: Record<Checker['type'], KeywordTable> = {
  TCP_CHECK: table('TCP_CHECK', common),
  HTTP_GET: httpTable('HTTP_GET'),
  SSL_GET: httpTable('SSL_GET'),
  SMTP_CHECK: table('SMTP_CHECK', [
    ...common,
    { name: 'helo_name', priority: 'P0', args: ['string'], handle: (c: CkCtx, a) => { (c.ck as Extract<Checker, { type: 'SMTP_CHECK' }>).heloName = a.need(1); } },
    {
      // Connection keywords go to the host; the others (retry, delay_loop...) to the SMTP_CHECK
      // itself, as in 2.2.7 (check_smtp.c: the host block only swaps the checker's conn_opts).
      name: 'host', priority: 'P2', block: 'keywords', table: table('host', common),
      handle: (c: CkCtx, a): CkCtx => {
        const ck = c.ck as SmtpCk;
        if (!ck.hosts?.length) a.info('The SMTP_CHECK host block is deprecated. Please define additional checkers.', 'KPB_DEPRECATED');
        const host = { type: 'SMTP_CHECK', pos: a.pos(0) } as SmtpCk;
        (ck.hosts ??= []).push(host);
        hostOwner.set(host, ck);
        return { ck: host, extra: c.extra, rs: c.rs };
      },
      close: (h: CkCtx, a: KwArgs) => {
        const host = h.ck as SmtpCk & Record<string, unknown>;
        const owner = hostOwner.get(host) as (SmtpCk & Record<string, unknown>) | undefined;
        if (!owner) return;
        const idx = owner.hosts!.indexOf(host);
        // smtp_host_end_handler: a link-local host without bind_if is dropped
        if (!linkLocalOk(host.connectIp ?? h.rs?.address ?? '', host.bindIf, a)) { owner.hosts!.splice(idx, 1); return; }
        const kept: SmtpHost = {};
        for (const k of HOST_FIELDS) if (host[k] !== undefined) (kept as Record<string, unknown>)[k] = host[k];
        for (const [k, v] of Object.entries(host)) if (v !== undefined && k !== 'type' && !HOST_FIELDS.includes(k as keyof SmtpHost)) owner[k] = v;
        owner.hosts![idx] = kept;
      },
    },
  ]),
  MISC_CHECK: table('MISC_CHECK', [
    ...common.filter((k) => TIMING.has(k.name)),
    { name: 'misc_path', priority: 'P0', args: ['script'], handle: (c: CkCtx, a) => { (c.ck as MiscCk).miscPath = scriptSpec(a); } },
    {
      name: 'misc_timeout', priority: 'P1', args: ['uint'],
      handle: (c: CkCtx, a) => { const v = readNum(a, { kind: 'uint', min: 0, max: 2147483647, msg: (t) => `Invalid misc_timeout value '${t}'` }); if (v !== undefined) (c.ck as MiscCk).miscTimeout = v; },
    },
    { name: 'misc_dynamic', priority: 'P1', handle: (c: CkCtx) => { (c.ck as MiscCk).miscDynamic = true; } },
    {
      name: 'user', priority: 'P1', args: ['word', 'word'],
      handle: (c: CkCtx, a) => { const u = a.need(1); const g = a.opt(2);
        (c.ck as MiscCk).user = g ? { user: u, group: g } : { user: u }; miscUserPos.set(c.ck as MiscCk, a.pos()); },
    },
  ]),
  DNS_CHECK: table('DNS_CHECK', [
    ...common,
    {
      name: 'type', priority: 'P1', args: ['word'],
      handle: (c: CkCtx, a) => { const t = a.need(1); if (!DNS_TYPES.has(t.toUpperCase())) { a.error(`Unknown DNS check type ${t} - ignoring`); return; } (c.ck as DnsCk).queryType = t.toUpperCase(); },
    },
    { name: 'name', priority: 'P1', args: ['string'], handle: (c: CkCtx, a) => { (c.ck as DnsCk).name = a.need(1); } },
  ]),
  UDP_CHECK: table('UDP_CHECK', [
    ...common,
    { name: 'payload', priority: 'P1', args: ['rest'], handle: (c: CkCtx, a) => { a.need(1); const p = udpHex(a); if (p === undefined) { a.error('Invalid hex string for UDP_CHECK payload'); return; } (c.ck as UdpCk).payload = p; } },
    {
      name: 'require_reply', priority: 'P1', args: ['string'],
      handle: (c: CkCtx, a) => {
        if (a.size < 2) { (c.ck as UdpCk).requireReply = true; return; }
        const p = udpHex(a);
        if (p === undefined) { a.error('Invalid hex string for UDP_CHECK require_reply'); return; }
        (c.ck as UdpCk).requireReply = p;
      },
    },
    { name: 'min_reply_length', priority: 'P1', args: ['uint'], handle: (c: CkCtx, a) => { const v = readNum(a, { kind: 'uint', min: 0, max: 65515, msg: (t) => `Invalid min_reply_length '${t}'` }); if (v !== undefined) (c.ck as UdpCk).minReplyLength = v; } },
    { name: 'max_reply_length', priority: 'P1', args: ['uint'], handle: (c: CkCtx, a) => { const v = readNum(a, { kind: 'uint', min: 0, max: 65515, msg: (t) => `Invalid max_reply_length '${t}'` }); if (v !== undefined) (c.ck as UdpCk).maxReplyLength = v; } },
  ]),
  PING_CHECK: table('PING_CHECK', common),
  FILE_CHECK: table('FILE_CHECK', [
    {
      // check_file.c: the track_file block must be defined before (it is looked up here)
      name: 'track_file', priority: 'P2', args: ['string'],
      handle: (c: CkCtx, a) => {
        const n = a.need(1);
        if (c.cfg && !c.cfg.trackFiles.some((t) => t.name === n)) { a.error(`track_file ${n} not found`); return; }
        (c.ck as FileCk).trackFile = n;
      },
    },
    {
      name: 'weight', priority: 'P2', args: ['int', 'word'],
      handle: (c: CkCtx, a) => {
        if (a.size < 2) { a.error('track file weight missing'); return; }
        const v = readInt(a, a.opt(1)!, -2147483647, 2147483647, false);
        if (v === undefined) { a.error('weight for track file must be in [-2147483647..2147483647] inclusive. Ignoring...'); return; }
        const o = a.opt(2);
        if (o !== undefined && o !== 'reverse' && o !== 'noreverse') { a.error(`unknown track file weight option ${o} - ignoring`); return; }
        (c.ck as FileCk).weight = v;
        (c.ck as FileCk).reverse = o === 'reverse';
      },
    },
  ]),
  BFD_CHECK: table('BFD_CHECK', [
    { name: 'name', priority: 'P2', args: ['string'], handle: (c: CkCtx, a) => { (c.ck as BfdCk).name = a.need(1); } },
    bool<CkCtx>('alpha', (c, v) => { c.ck.alpha = v; }, 'P2'),
  ]),
};

export const CHECKER_PRIORITY: Record<Checker['type'], 'P0' | 'P1' | 'P2'> = {
  TCP_CHECK: 'P0', HTTP_GET: 'P0', SSL_GET: 'P0', MISC_CHECK: 'P0', SMTP_CHECK: 'P0',
  PING_CHECK: 'P1', UDP_CHECK: 'P1', DNS_CHECK: 'P1', FILE_CHECK: 'P2', BFD_CHECK: 'P2',
};

export function newChecker(type: Checker['type']): Checker {
  switch (type) {
    case 'HTTP_GET': case 'SSL_GET': return { type, urls: [] };
    case 'MISC_CHECK': return { type, miscPath: { argv: [], raw: '' }, miscDynamic: false };
    case 'DNS_CHECK': return { type, queryType: 'SOA', name: '.' };
    case 'FILE_CHECK': return { type, trackFile: '', reverse: false };
    case 'BFD_CHECK': return { type, name: '' };
    default: return { type } as Checker;
  }
}
