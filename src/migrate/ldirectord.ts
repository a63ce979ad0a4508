// ldirectord.cf -> keepalived virtual_server blocks. Global directives apply to every virtual
// unless the virtual overrides them; each `virtual=` opens a section that runs to the next one.
import { isIPv4, isIPv6, KNOWN_SCHEDULERS, type Draft, type DraftCheck, type DraftRealServer, type DraftVirtualServer, type MigrationError, type ReportEntry } from './draft.js';
import { parseSeconds, readLines, unquote, words, type SourceLine } from './kv-lines.js';

const SERVICE_PORTS: Record<string, number> = {
  http: 80, https: 443, smtp: 25, ftp: 21, dns: 53, domain: 53, pop: 110, pop3: 110, pops: 995, imap: 143, imaps: 993,
  ldap: 389, nntp: 119, mysql: 3306, pgsql: 5432, sip: 5060, radius: 1812, telnet: 23, ssh: 22,
};
const PORT_SERVICES: Record<number, string> = { 80: 'http', 443: 'https', 25: 'smtp', 53: 'dns', 21: 'ftp', 110: 'pop', 143: 'imap', 389: 'ldap', 119: 'nntp', 3306: 'mysql', 5432: 'pgsql', 5060: 'sip', 1812: 'radius', 995: 'pops', 993: 'imaps' };
const METHODS: Record<string, 'DR' | 'NAT' | 'TUN'> = { gate: 'DR', masq: 'NAT', ipip: 'TUN' };
/** Directives that exist only at the global level. */
const GLOBAL_ONLY = new Set(['autoreload', 'callback', 'logfile', 'execute', 'supervised', 'emailalertfrom', 'smtp', 'maintenancedir', 'fork', 'readdquiescent']);
const KNOWN = new Set([...GLOBAL_ONLY, 'virtual', 'real', 'service', 'checktype', 'checkport', 'checkcommand', 'request', 'receive', 'httpmethod',
  'virtualhost', 'login', 'passwd', 'database', 'secret', 'scheduler', 'persistent', 'netmask', 'protocol', 'monitorfile', 'fallback',
  'fallbackcommand', 'quiescent', 'emailalert', 'emailalertfreq', 'emailalertstatus', 'checktimeout', 'negotiatetimeout', 'connecttimeout',
  'checkinterval', 'failurecount', 'cleanstop']);

interface Setting { key: string; value: string; at: string; raw: string }
interface Section { head: Setting; settings: Map<string, Setting[]> }

export interface LdirectordParse { globals: Map<string, Setting[]>; virtuals: Section[];
  errors: MigrationError[]; notes: ReportEntry[] }

export function parseLdirectord(text: string, file: string): LdirectordParse {
  const globals = new Map<string, Setting[]>();
  const virtuals: Section[] = [];
  const errors: MigrationError[] = [];
  const notes: ReportEntry[] = [];
  const push = (m: Map<string, Setting[]>, s: Setting): void => { const l = m.get(s.key) ?? [];
    l.push(s); m.set(s.key, l); };
  for (const l of readLines(text)) {
    const at = `${file}:${l.line}`;
    const eq = l.text.indexOf('=');
    if (eq <= 0) { errors.push({ at, message: `expected key=value, got '${l.text}'`, assumed: 'line ignored' }); continue; }
    const key = l.text.slice(0, eq).trim().toLowerCase();
    const value = unquote(l.text.slice(eq + 1));
    const s: Setting = { key, value, at, raw: l.text };
    if (!KNOWN.has(key)) { errors.push({ at, message: `unknown ldirectord directive '${key}'`, assumed: 'line ignored' }); continue; }
    if (key === 'virtual') { virtuals.push({ head: s, settings: new Map() }); continue; }
    const cur = virtuals[virtuals.length - 1];
    if (cur && !GLOBAL_ONLY.has(key)) {
      if (!l.indented) notes.push({ at, source: l.text, became: `part of ${cur.head.raw}`, note: 'not indented; ldirectord expects virtual-section lines to be indented, taken as part of the preceding virtual=' });
      push(cur.settings, s);
    } else push(globals, s);
  }
  return { globals, virtuals, errors, notes };
}

function parseHostPort(v: string): { host: string; port?: number } | undefined {
  let m = /^\[([0-9a-fA-F:]+)\](?::(\S+))?$/.exec(v);
  if (!m) m = /^([^:\s]+)(?::(\S+))?$/.exec(v);
  if (!m) return undefined;
  const host = m[1];
  if (!isIPv4(host) && !isIPv6(host) && !/^[A-Za-z0-9.-]+$/.test(host)) return undefined;
  if (m[2] === undefined) return { host };
  const port = /^\d+$/.test(m[2]) ? Number(m[2]) : SERVICE_PORTS[m[2].toLowerCase()];
  if (port === undefined || port > 65535) return undefined;
  return { host, port };
}

/** Expands "a.b.c.d->a.b.c.e" real-server ranges. */
function expandRange(host: string): string[] | undefined {
  const m = /^(\d+\.\d+\.\d+\.)(\d+)->(\d+\.\d+\.\d+\.)?(\d+)$/.exec(host);
  if (!m) return [host];
  if (m[3] && m[3] !== m[1]) return undefined;
  const out: string[] = [];
  for (let i = Number(m[2]); i <= Number(m[4]); i++) out.push(`${m[1]}${i}`);
  return out;
}

/** Converts a parsed ldirectord.cf into virtual servers (added to `draft`) and report entries. */
export function convertLdirectord(p: LdirectordParse, draft: Draft, report: ReportEntry[],
    errors: MigrationError[]): void {
  errors.push(...p.errors);
  const before = draft.virtualServers.length;
  report.push(...p.notes);
  const g = (k: string): Setting | undefined => p.globals.get(k)?.at(-1);
  for (const [key, list] of p.globals) {
    for (const s of list) {
      switch (key) {
        case 'autoreload': case 'callback': report.push({ at: s.at, source: s.raw, became: null, note: 'keepalived reloads on SIGHUP (systemctl reload keepalived); no file polling' }); break;
        case 'logfile': report.push({ at: s.at, source: s.raw, became: null, note: 'keepalived logs to syslog (Keepalived_healthcheckers)' }); break;
        case 'supervised': case 'fork': case 'maintenancedir': case 'execute': case 'readdquiescent':
          report.push({ at: s.at, source: s.raw, became: null, note: 'no keepalived equivalent' }); break;
        case 'emailalertfrom': draft.notificationEmailFrom = s.value; report.push({ at: s.at, source: s.raw, became: `notification_email_from ${s.value}` }); break;
        case 'smtp': draft.smtpServer = s.value; report.push({ at: s.at, source: s.raw, became: `smtp_server ${s.value}` }); break;
        default: break; // global defaults of virtual-level directives: reported where they are applied
      }
    }
  }
  for (const sec of p.virtuals) {
    const vs = convertVirtual(sec, (k) => sec.settings.get(k)?.at(-1) ?? g(k), report, errors, draft);
    if (vs) draft.virtualServers.push(vs);
  }
  if (draft.virtualServers.slice(before).some((v) => v.check?.type === 'MISC_CHECK' || v.realServers.some((r) => r.check?.type === 'MISC_CHECK'))) draft.usesScripts = true;
  for (const k of ['checktimeout', 'negotiatetimeout', 'connecttimeout', 'checkinterval', 'failurecount', 'quiescent', 'fallback', 'emailalert', 'emailalertfreq', 'emailalertstatus', 'fallbackcommand', 'cleanstop']) {
    const s = g(k);
    if (s && p.virtuals.length === 0) report.push({ at: s.at, source: s.raw, became: null, note: 'global default with no virtual= to apply to' });
    else if (s) report.push({ at: s.at, source: s.raw, became: 'applied to each virtual_server (see their entries)' });
  }
  if (draft.notificationEmail.length && !draft.smtpServer) {
    draft.smtpServer = '127.0.0.1';
    report.push({ at: '-', source: 'emailalert without smtp=', became: 'smtp_server 127.0.0.1', note: 'ldirectord used the local mailer; keepalived speaks SMTP: point smtp_server at your relay' });
  }
}

function convertVirtual(sec: Section, get: (k: string) => Setting | undefined, report: ReportEntry[],
    errors: MigrationError[], draft: Draft): DraftVirtualServer | undefined {
  const h = sec.head;
  const used = (s: Setting | undefined, became: string | null, note?: string): void => { if (s) report.push({ at: s.at,
    source: s.raw, became, note }); };
  const vs: DraftVirtualServer = { address: '', protocol: 'TCP', lbAlgo: 'wrr', lbKind: 'DR', inhibitOnFailure: true, realServers: [] };
  if (/^\d+$/.test(h.value)) {
    vs.fwmark = Number(h.value);
    used(h, `virtual_server fwmark ${vs.fwmark}`);
  } else {
    const hp = parseHostPort(h.value);
    if (!hp || hp.port === undefined) { errors.push({ at: h.at, message: `virtual=${h.value}: expected IP:PORT or a firewall mark`, assumed: 'virtual section skipped, with its real servers' }); return undefined; }
    vs.address = hp.host; vs.port = hp.port;
    used(h, `virtual_server ${hp.host} ${hp.port}`);
  }
  const proto = get('protocol');
  if (proto) {
    const p = proto.value.toLowerCase();
    if (p === 'tcp' || p === 'udp') { vs.protocol = p === 'tcp' ? 'TCP' : 'UDP'; used(proto, `protocol ${vs.protocol}`); }
    else if (p === 'fwm') used(proto, vs.fwmark !== undefined ? 'virtual_server fwmark' : null, vs.fwmark !== undefined ? undefined : 'protocol=fwm needs virtual=<mark>');
    else errors.push({ at: proto.at, message: `protocol=${proto.value}: expected tcp, udp or fwm`, assumed: 'protocol TCP' });
  }
  const sched = get('scheduler');
  if (sched) {
    if (KNOWN_SCHEDULERS.has(sched.value)) { vs.lbAlgo = sched.value; used(sched, `lb_algo ${sched.value}`); }
    else errors.push({ at: sched.at, message: `scheduler=${sched.value}: unknown IPVS scheduler`, assumed: "lb_algo wrr (ldirectord's default)" });
  } else report.push({ at: h.at, source: '(scheduler not set)', became: 'lb_algo wrr', note: "ldirectord's default scheduler" });
  const pers = get('persistent');
  if (pers) { vs.persistenceTimeout = Number(pers.value); used(pers, `persistence_timeout ${pers.value}`); }
  const mask = get('netmask');
  if (mask) { vs.persistenceGranularity = mask.value; used(mask, `persistence_granularity ${mask.value}`); }
  const quiescent = get('quiescent');
  vs.inhibitOnFailure = quiescent ? /^yes$/i.test(quiescent.value) : true;
  used(quiescent, vs.inhibitOnFailure ? 'inhibit_on_failure' : '(no inhibit_on_failure: failed servers are removed)');
  if (!quiescent) report.push({ at: h.at, source: '(quiescent not set)', became: 'inhibit_on_failure', note: "ldirectord's default quiescent=yes sets weight 0 instead of removing" });
  const interval = get('checkinterval');
  vs.delayLoop = interval ? parseSeconds(interval.value) : 10;
  if (interval) used(interval, `delay_loop ${vs.delayLoop}`);
  else report.push({ at: h.at, source: '(checkinterval not set)', became: 'delay_loop 10', note: "ldirectord's default checkinterval" });

  const methods = new Map<'DR' | 'NAT' | 'TUN', number>();
  for (const r of sec.settings.get('real') ?? []) {
    const w = words(r.value);
    const hp = w[0] ? parseHostPort(w[0]) ?? parseHostPortRange(w[0]) : undefined;
    if (!hp) { errors.push({ at: r.at, message: `real=${r.value}: expected IP[:PORT] [gate|masq|ipip] [weight]`, assumed: 'real server skipped' }); continue; }
    const method: 'DR' | 'NAT' | 'TUN' | undefined = w[1] ? METHODS[w[1].toLowerCase()] : 'DR';
    if (!method) { errors.push({ at: r.at, message: `real=${r.value}: unknown forwarding method '${w[1]}' (gate, masq or ipip)`, assumed: 'real server skipped' }); continue; }
    const weight = w[2] !== undefined && /^\d+$/.test(w[2]) ? Number(w[2]) : 1;
    const hosts = expandRange(hp.host);
    if (!hosts) { errors.push({ at: r.at, message: `real=${r.value}: bad address range`, assumed: 'real server skipped' }); continue; }
    const rsList: DraftRealServer[] = hosts.map((address) => ({ address,
      port: hp.port ?? vs.port ?? 0, weight, method }));
    const extra = w.slice(3).join(' ').split(',').map((x) => x.trim()).filter(Boolean);
    if (extra.length) {
      report.push({ at: r.at, source: r.raw, became: 'per-server url path/regex', note: 'per-real request/receive applied to this real_server' });
      for (const rs of rsList) rs.check = { type: 'HTTP_GET', urlPath: pathOf(extra[0]), regex: extra[1] };
    }
    vs.realServers.push(...rsList);
    methods.set(method, (methods.get(method) ?? 0) + rsList.length);
    used(r, rsList.map((rs) => `real_server ${rs.address} ${rs.port} { weight ${weight} }`).join(', ') + (method !== 'DR' ? ` (${w[1]} -> ${method})` : ' (gate -> DR)'));
  }
  if (methods.size) vs.lbKind = [...methods.entries()].sort((a, b) => b[1] - a[1])[0][0];

  const fb = get('fallback');
  if (fb) {
    const w = words(fb.value);
    const hp = w[0] ? parseHostPort(w[0]) : undefined;
    if (!hp) errors.push({ at: fb.at, message: `fallback=${fb.value}: expected IP[:PORT] [method]`, assumed: 'no sorry_server' });
    else { vs.sorryServer = { address: hp.host, port: hp.port ?? vs.port }; used(fb, `sorry_server ${hp.host} ${hp.port ?? vs.port ?? 0}`); }
  }
  const ea = get('emailalert');
  if (ea) {
    for (const a of ea.value.split(/[\s,]+/).filter(Boolean)) if (!draft.notificationEmail.includes(a)) draft.notificationEmail.push(a);
    vs.smtpAlert = true;
    used(ea, 'notification_email + smtp_alert', 'keepalived mails on each real server up/down and quorum change');
  }
  for (const k of ['emailalertfreq', 'emailalertstatus', 'fallbackcommand', 'monitorfile', 'cleanstop', 'login', 'passwd', 'database', 'secret', 'httpmethod']) {
    const s = get(k);
    if (s && sec.settings.has(k)) used(s, null, k === 'fallbackcommand' ? 'use quorum_up / quorum_down scripts' : 'no keepalived equivalent');
  }
  vs.check = convertCheck(vs, get, used, errors);
  return vs;
}

function parseHostPortRange(v: string): { host: string; port?: number } | undefined {
  const m = /^(\d+\.\d+\.\d+\.\d+->\d+(?:\.\d+\.\d+\.\d+)?)(?::(\S+))?$/.exec(v);
  if (!m) return undefined;
  const port = m[2] === undefined ? undefined : /^\d+$/.test(m[2]) ? Number(m[2]) : SERVICE_PORTS[m[2]];
  return { host: m[1], port };
}

function pathOf(req: string): string { return req.startsWith('/') ? req : `/${req}`; }

function convertCheck(vs: DraftVirtualServer, get: (k: string) => Setting | undefined,
  used: (s: Setting | undefined, became: string | null, note?: string) => void,
  errors: MigrationError[]): DraftCheck | undefined {
  const ct = get('checktype');
  const type = (ct?.value ?? 'negotiate').toLowerCase();
  const svc = get('service');
  const port = get('checkport');
  const service = (svc?.value ?? PORT_SERVICES[Number(port?.value ?? vs.port)] ?? 'none').toLowerCase();
  const failure = get('failurecount');
  const fc = failure ? Number(failure.value) : 1;
  const retry = Math.max(0, fc - 1);
  const timeouts = { connect: get('connecttimeout') ?? get('checktimeout'), negotiate: get('negotiatetimeout') ?? get('checktimeout') };
  const base: Partial<DraftCheck> = { retry, delayBeforeRetry: vs.delayLoop };
  used(failure, `retry ${retry}`, 'ldirectord counts failures (failurecount); keepalived counts retries after the first failure');
  if (port) { base.connectPort = Number(port.value); used(port, `connect_port ${port.value}`); }
  if (type === 'off' || type === 'on') {
    if (ct) report(ct, type === 'on' ? 'real servers without a checker (always up)' : 'real servers without a checker');
    return undefined;
  }
  if (type === 'ping') { report(ct, 'PING_CHECK'); return { type: 'PING_CHECK', ...base, connectTimeout: num(timeouts.connect) }; }
  if (type === 'external' || type === 'external-perl') {
    const cmd = get('checkcommand');
    if (!cmd) { errors.push({ at: ct!.at, message: 'checktype=external needs checkcommand=', assumed: 'no health check for this virtual server' }); return undefined; }
    used(cmd, `MISC_CHECK misc_path "${cmd.value} ${vs.address} ${vs.port ?? 0} {rip} {rport}"`, 'ldirectord passes VIP VPORT RIP RPORT');
    return { type: 'MISC_CHECK', miscPath: `${cmd.value} ${vs.address} ${vs.port ?? 0} {rip} {rport}`, ...base };
  }
  if (type === 'connect' || /^\d+$/.test(type)) {
    if (/^\d+$/.test(type)) report(ct, 'TCP_CHECK', 'checktype=N (negotiate every Nth check) has no equivalent; a connect check is used');
    else report(ct, vs.protocol === 'UDP' ? 'UDP_CHECK' : 'TCP_CHECK');
    return { type: vs.protocol === 'UDP' ? 'UDP_CHECK' : 'TCP_CHECK', ...base, connectTimeout: num(timeouts.connect) };
  }
  if (type !== 'negotiate' && type !== 'combined') { errors.push({ at: ct!.at, message: `checktype=${ct!.value}: unknown check type`, assumed: 'no health check for this virtual server' }); return undefined; }
  const req = get('request'), rcv = get('receive'), vh = get('virtualhost');
  const timeout = num(timeouts.negotiate);
  if (svc) used(svc, null, 'selects the check below');
  if (service === 'http' || service === 'https') {
    const c: DraftCheck = { type: service === 'http' ? 'HTTP_GET' : 'SSL_GET', ...base, connectTimeout: timeout, urlPath: req ? pathOf(req.value) : '/' };
    used(req, `url { path ${c.urlPath} }`);
    if (rcv) { c.regex = rcv.value; used(rcv, `url { regex "${rcv.value}" }`); }
    if (vh) { c.virtualhost = vh.value; used(vh, `virtualhost ${vh.value}`); }
    report(ct, c.type);
    return c;
  }
  if (service === 'smtp') { report(ct, 'SMTP_CHECK'); return { type: 'SMTP_CHECK', ...base, connectTimeout: timeout }; }
  if (service === 'dns') {
    used(req, req ? `DNS_CHECK name ${req.value}` : null);
    report(ct, 'DNS_CHECK');
    return { type: 'DNS_CHECK', ...base, connectTimeout: timeout, dnsName: req?.value };
  }
  report(ct, 'TCP_CHECK', `service=${service} has no negotiate check in keepalived; a TCP connect check is used (or write a MISC_CHECK)`);
  used(req, null, 'request/receive need an HTTP service in keepalived');
  used(rcv, null);
  return { type: 'TCP_CHECK', ...base, connectTimeout: timeout };

  function report(s: Setting | undefined, became: string, note?: string): void { used(s, became, note); }
}

function num(s: Setting | undefined): number | undefined { return s ? parseSeconds(s.value) : undefined; }
