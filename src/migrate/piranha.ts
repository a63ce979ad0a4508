// Red Hat piranha lvs.cf (pulse + nanny) -> a VRRP instance for the director pair and one
// virtual_server per `virtual` block. primary/backup become @config-id priority lines.
import { isIPv4, KNOWN_SCHEDULERS, prefixFromMask, type Draft, type DraftCheck, type DraftVirtualServer, type DraftVrrp, type MigrationError, type ReportEntry } from './draft.js';
import { unquote } from './kv-lines.js';

export interface PiranhaOptions { primaryId?: string; backupId?: string; vrid?: number }

interface Item { key: string; value: string; at: string; src: string }
interface Block { kind: string; name: string; at: string; items: Item[]; children: Block[] }

/** Parses lvs.cf: `key = value` lines and `virtual NAME {` / `server NAME {` blocks. */
export function parseLvsCf(text: string, file: string, errors: MigrationError[]): Block {
  const root: Block = { kind: 'root', name: '', at: file, items: [], children: [] };
  const stack = [root];
  text.split(/\r?\n/).forEach((raw, i) => {
    const at = `${file}:${i + 1}`;
    let t = raw.trim();
    if (!t || t.startsWith('#')) return;
    const m = /^(virtual|server|failover)\s+(\S+)\s*\{$/.exec(t);
    if (m) {
      const b: Block = { kind: m[1], name: m[2], at, items: [], children: [] };
      stack[stack.length - 1].children.push(b);
      stack.push(b);
      return;
    }
    if (t === '}') { if (stack.length > 1) stack.pop(); else errors.push({ at, message: "unexpected '}'", assumed: 'line ignored' }); return; }
    const eq = t.indexOf('=');
    if (eq <= 0) {
      if (/^\w+$/.test(t)) { stack[stack.length - 1].items.push({ key: t, value: '', at, src: raw.trim() }); return; }
      errors.push({ at, message: `expected 'key = value', got '${t}'`, assumed: 'line ignored' });
      return;
    }
    const key = t.slice(0, eq).trim();
    t = t.slice(eq + 1).trim();
    stack[stack.length - 1].items.push({ key, value: unquote(t), at, src: raw.trim() });
  });
  if (stack.length > 1) errors.push({ at: stack[stack.length - 1].at, message: `block '${stack[stack.length - 1].kind} ${stack[stack.length - 1].name}' is not closed`, assumed: 'closed at the end of the file' });
  return root;
}

const NETWORK: Record<string, 'DR' | 'NAT' | 'TUN'> = { direct: 'DR', nat: 'NAT', tunnel: 'TUN' };

export function convertPiranha(text: string, file: string, draft: Draft, report: ReportEntry[],
    errors: MigrationError[], opts: PiranhaOptions = {}): void {
  const root = parseLvsCf(text, file, errors);
  const get = (b: Block, k: string): Item | undefined => b.items.filter((i) => i.key === k).at(-1);
  const primaryId = opts.primaryId ?? 'primary', backupId = opts.backupId ?? 'backup';
  const lbKind = (() => {
    const n = get(root, 'network');
    if (!n) return 'NAT' as const;
    const k = NETWORK[n.value];
    if (!k) { errors.push({ at: n.at, message: `network = ${n.value}: expected direct, nat or tunnel`, assumed: 'lb_kind NAT (piranha\'s default)' }); return 'NAT' as const; }
    report.push({ at: n.at, source: n.src, became: `lb_kind ${k}` });
    return k;
  })();
  const keepalive = get(root, 'keepalive');
  const advert = keepalive ? Number(keepalive.value) : 6;
  const vrrp: DraftVrrp = {
    name: 'VI_1', interface: 'eth0', virtualRouterId: opts.vrid ?? 51, advertInt: advert > 0 ? advert : 6,
    version: Number.isInteger(advert) ? undefined : 3,
    nodes: [{ configId: primaryId, priority: 110 }], nopreempt: false, unicastPeers: [], vips: [],
    trackInterfaces: [], trackPing: false,
  };
  for (const it of root.items) {
    const r = (became: string | null, note?: string): void => { report.push({ at: it.at,
      source: it.src, became, note }); };
    switch (it.key) {
      case 'primary': r(`@${primaryId} priority 110`, `run keepalived on ${it.value} with -i ${primaryId} (or set the config id to its hostname)`); break;
      case 'backup': vrrp.nodes.push({ configId: backupId, priority: 100 }); r(`@${backupId} priority 100`, `run keepalived on ${it.value} with -i ${backupId}`); break;
      case 'backup_active': if (it.value === '0') r(null, 'backup_active = 0: the backup director is not used; the @backup lines are harmless'); else r('(second director)'); break;
      case 'keepalive': r(`advert_int ${vrrp.advertInt}`); break;
      case 'deadtime': r(`master down after ${(3 * vrrp.advertInt + (156 / 256) * vrrp.advertInt).toFixed(2)} s`, 'VRRP derives failure detection from advert_int (3 x advert_int + skew)'); break;
      case 'network': break;
      case 'heartbeat': case 'heartbeat_port': r(null, 'VRRP (IP protocol 112) replaces the pulse heartbeat'); break;
      case 'service': case 'serial_no': case 'debug_level': case 'primary_private': case 'backup_private': case 'rsh_command': case 'hard_shutdown': r(null, 'no keepalived equivalent'); break;
      case 'monitor_links': if (it.value === '1') r('track_interface of each VIP device', 'keepalived tracks the instance interface and the VIP devices'); else r(null); break;
      case 'nat_router': {
        const [ip, dev] = it.value.split(/\s+/);
        if (!ip || !isIPv4(ip)) { errors.push({ at: it.at, message: 'nat_router = <IP> <dev[:alias]>', assumed: 'line ignored' }); break; }
        vrrp.vips.push({ address: ip, dev: dev?.split(':')[0], label: dev?.includes(':') ? dev : undefined });
        r(`virtual_ipaddress ${ip}${dev ? ` dev ${dev.split(':')[0]}` : ''}`, 'the NAT router address moves with the director');
        break;
      }
      case 'nat_nmask': { const p = prefixFromMask(it.value); const v = vrrp.vips.find((x) => x.prefixLen === undefined); if (v && p !== undefined) v.prefixLen = p; r(p !== undefined ? `/${p} on the NAT router address` : null); break; }
      case 'syncdaemon': r(null, 'use global_defs lvs_sync_daemon <interface> VI_1'); break;
      case 'tcp_timeout': case 'tcpfin_timeout': case 'udp_timeout': r(null, 'use global_defs lvs_timeouts'); break;
      default: errors.push({ at: it.at, message: `unknown lvs.cf setting '${it.key}'`, assumed: 'line ignored' });
    }
  }
  for (const v of root.children) {
    if (v.kind !== 'virtual') { report.push({ at: v.at, source: `${v.kind} ${v.name}`, became: null, note: 'failover services (pulse without LVS) have no keepalived equivalent' }); continue; }
    const vs = convertVirtual(v, lbKind, vrrp, report, errors);
    if (vs) draft.virtualServers.push(vs);
    if (vs?.check?.type === 'MISC_CHECK') draft.usesScripts = true;
  }
  if (vrrp.vips.length === 0) { errors.push({ at: file, message: 'no virtual address found: nothing for VRRP to fail over', assumed: 'no vrrp_instance written' }); return; }
  vrrp.interface = vrrp.vips[0]?.dev ?? 'eth0';
  vrrp.trackInterfaces = [...new Set(vrrp.vips.map((x) => x.dev).filter((d): d is string => !!d
    && d !== vrrp.interface))];
  draft.vrrps.push(vrrp);
}

function convertVirtual(b: Block, lbKind: 'DR' | 'NAT' | 'TUN', vrrp: DraftVrrp, report: ReportEntry[], errors: MigrationError[]): DraftVirtualServer | undefined {
  const get = (k: string): Item | undefined => b.items.filter((i) => i.key === k).at(-1);
  const r = (it: Item | undefined, became: string | null, note?: string): void => { if (it) report.push({ at: it.at,
    source: it.src, became, note }); };
  const active = get('active');
  if (active && active.value === '0') { r(active, null, `virtual ${b.name} is inactive: not converted`); return undefined; }
  const addr = get('address');
  const [ip, dev] = (addr?.value ?? '').split(/\s+/);
  if (!addr || !isIPv4(ip)) { errors.push({ at: addr?.at ?? b.at, message: `virtual ${b.name}: address = <IP> <dev[:alias]> is required`, assumed: `virtual ${b.name} skipped, with its servers` }); return undefined; }
  const mask = get('vip_nmask');
  const prefix = mask ? prefixFromMask(mask.value) : undefined;
  if (!vrrp.vips.some((x) => x.address === ip)) vrrp.vips.push({ address: ip, prefixLen: prefix, dev: dev?.split(':')[0], label: dev?.includes(':') ? dev : undefined });
  r(addr, `virtual_ipaddress ${ip}${dev ? ` dev ${dev.split(':')[0]}` : ''} and virtual_server ${ip}`);
  r(mask, prefix !== undefined ? `/${prefix}` : null);
  const fw = get('fwmark');
  const port = get('port');
  const vs: DraftVirtualServer = { address: ip, port: port ? Number(port.value) : 80, protocol: 'TCP', lbAlgo: 'wlc', lbKind, inhibitOnFailure: false, realServers: [], comment: `piranha virtual ${b.name}` };
  if (fw) { vs.fwmark = Number(fw.value); r(fw, `virtual_server fwmark ${fw.value}`); }
  r(port, `port ${vs.port}`);
  const proto = get('protocol');
  if (proto) { if (/^(tcp|udp)$/i.test(proto.value)) { vs.protocol = proto.value.toUpperCase() as 'TCP' | 'UDP'; r(proto, `protocol ${vs.protocol}`); } else errors.push({ at: proto.at, message: `protocol = ${proto.value}: expected tcp or udp`, assumed: 'protocol TCP' }); }
  const sched = get('scheduler');
  if (sched) { if (KNOWN_SCHEDULERS.has(sched.value)) { vs.lbAlgo = sched.value; r(sched, `lb_algo ${sched.value}`); } else errors.push({ at: sched.at, message: `scheduler = ${sched.value}: unknown IPVS scheduler`, assumed: 'lb_algo wlc (piranha\'s default)' }); }
  const pers = get('persistent');
  if (pers && Number(pers.value) > 0) { vs.persistenceTimeout = Number(pers.value); r(pers, `persistence_timeout ${pers.value}`); }
  const pmask = get('pmask'); if (pmask) { vs.persistenceGranularity = pmask.value; r(pmask, `persistence_granularity ${pmask.value}`); }
  const sorry = get('sorry_server'); if (sorry) { if (isIPv4(sorry.value)) { vs.sorryServer = { address: sorry.value }; r(sorry, `sorry_server ${sorry.value} ${vs.port}`); } else errors.push({ at: sorry.at, message: 'sorry_server = <IP>', assumed: 'no sorry_server' }); }
  const timeout = get('timeout');
  const reentry = get('reentry');
  vs.delayLoop = 6;
  report.push({ at: b.at, source: `virtual ${b.name}`, became: `virtual_server ${ip} ${vs.port} { delay_loop 6 }`, note: 'nanny checks every 6 s by default' });
  r(timeout, `connect_timeout ${timeout?.value}`);
  r(reentry, null, 'keepalived re-adds a server after its first successful check; there is no re-entry delay');
  const qs = get('quiesce_server'); r(qs, null, qs?.value === '1' ? 'resetting connection counts when a server joins has no keepalived equivalent' : undefined);
  const lm = get('load_monitor'); r(lm, null, lm && lm.value !== 'none' ? 'rup/ruptime dynamic weights: use MISC_CHECK with misc_dynamic' : undefined);
  const send = get('send'), expect = get('expect'), regex = get('use_regex'), sp = get('send_program');
  const check: DraftCheck = { type: vs.protocol === 'UDP' ? 'UDP_CHECK' : 'TCP_CHECK', connectTimeout: timeout ? Number(timeout.value) : undefined, retry: 0, delayBeforeRetry: 6 };
  const req = send ? /^GET\s+(\S+)\s+HTTP\/1\.[01]/.exec(send.value.replace(/\\r\\n/g, '\r\n')) : null;
  if (sp) {
    check.type = 'MISC_CHECK';
    check.miscPath = sp.value.replace(/%h/g, '{rip}');
    r(sp, `MISC_CHECK misc_path "${check.miscPath}"`, 'nanny compared the program output with expect; MISC_CHECK uses the exit code');
    r(expect, null, 'make the program exit non-zero on failure');
  } else if (req) {
    check.type = 'HTTP_GET'; check.urlPath = req[1];
    r(send, `HTTP_GET url { path ${req[1]} }`);
    if (expect && /^HTTP(\/1\.[01])?(\s+200)?/.test(expect.value)) r(expect, 'status_code 200', 'the expected status line becomes a status code check');
    else if (expect) { check.regex = expect.value; r(expect, `url { regex "${expect.value}" }`, 'keepalived matches the response body only'); }
  } else {
    r(send, null, 'a raw send/expect dialogue has no keepalived checker: TCP connect check used (or write a MISC_CHECK)');
    r(expect, null);
  }
  r(regex, null);
  vs.check = check;
  for (const s of b.children) {
    const sg = (k: string): Item | undefined => s.items.filter((i) => i.key === k).at(-1);
    const sa = sg('address'), sw = sg('weight'), sact = sg('active'), sport = sg('port');
    if (sact && sact.value === '0') { r(sact, null, `server ${s.name} is inactive: not converted`); continue; }
    if (!sa || !isIPv4(sa.value)) { errors.push({ at: sa?.at ?? s.at, message: `server ${s.name}: address = <IP> is required`, assumed: `server ${s.name} skipped` }); continue; }
    const rs = { address: sa.value, port: sport ? Number(sport.value) : vs.port ?? 0,
      weight: sw ? Number(sw.value) : 1 };
    vs.realServers.push(rs);
    report.push({ at: s.at, source: `server ${s.name}`, became: `real_server ${rs.address} ${rs.port} { weight ${rs.weight} }` });
  }
  return vs;
}
