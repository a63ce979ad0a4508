// LVS keyword tables (keepalived/check/check_parser.c): virtual_server_group, virtual_server
// (aliases lb_algo/lvs_sched, lb_kind/lvs_method) and real_server with its checker blocks.
import { table, type KeywordDef, type KwArgs } from '../schema.js';
import type { VirtualServer, RealServer, VirtualServerGroup, LbKind, Checker, KeepalivedConfig } from '../../config/model.js';
import { bool, flag, readNum, scriptSpec } from './common.js';
import { ipFamily, readDecimal, readUnsigned, TIMER_MAX, TIMER_MAX_TEXT } from '../values.js';
import { SKIP_BLOCK, rest } from '../reader.js';
import { checkerTables, newChecker, linkLocalOk, CHECKER_PRIORITY, type CkCtx } from './checkers.js';

export interface VsCtx { vs: VirtualServer; cfg: KeepalivedConfig; set: Set<string> }
export interface RsCtx { rs: RealServer; vsc: VsCtx }

/** Real servers that gave `weight` themselves (the others take the virtual server's at the end of the parse). */
export const rsWeightGiven = new WeakSet<RealServer>();

export const SCHEDULERS = new Set(['rr', 'wrr', 'lc', 'wlc', 'lblc', 'sh', 'mh', 'dh', 'fo', 'ovf', 'lblcr', 'sed', 'nq', 'twos']);

/** "IP PORT" header of virtual_server / real_server / sorry_server. */
export function parseIpPort(ip: string, port: string | undefined): { address: string; port: number; family: 'inet' | 'inet6' } | undefined {
  const family = ipFamily(ip);
  if (!family) return undefined;
  if (port === undefined) return { address: ip, port: 0, family };
  if (!/^\d+$/.test(port)) return undefined;
  const p = Number(port);
  if (p > 65535) return undefined;
  return { address: ip, port: p, family };
}

/**
 * lb_kind / lvs_method value: NAT|DR|TUN [type ipip|gue|gre] [port N] [nocsum|csum|remcsum], with
 * 2.2.7's messages (svr_forwarding_handler). A bad tunnel option drops the line (2.2.7 has by then
 * set the method to TUN, keeping the old tunnel settings).
 */
function parseMethod(a: KwArgs, what: 'virtual' | 'real' | 'sorry'): { kind: LbKind; tunnel?: VirtualServer['tunnel'] } | undefined {
  const m = a.need(1);
  if (m === 'NAT' || m === 'DR') return { kind: m };
  if (m === 'TUN') {
    const tunnel: NonNullable<VirtualServer['tunnel']> = { type: 'ipip' };
    for (let i = 2; i < a.size; i++) {
      const w = a.opt(i)!;
      if (w === 'type') {
        const t = a.opt(++i);
        if (t === undefined) { a.error(`Missing tunnel type for ${what} server.`); return undefined; }
        if (t === 'ipip' || t === 'gue' || t === 'gre') tunnel.type = t;
        else { a.error(`Unknown tunnel type ${t} for ${what} server.`); return undefined; }
      } else if (w === 'port') {
        const p = a.opt(++i);
        if (p === undefined) { a.error(`Missing port for ${what} server gue tunnel.`); return undefined; }
        const n = /^\d+$/.test(p) ? Number(p) : NaN;
        if (!(n >= 1 && n <= 65535)) { a.error(`Invalid gue tunnel port ${p} for ${what} server.`); return undefined; }
        tunnel.port = n;
      } else if (w === 'nocsum' || w === 'csum' || w === 'remcsum') tunnel.csum = w;
      else { a.error(`Invalid tunnel option ${w} for ${what} server.`); return undefined; }
    }
    if ((tunnel.type === 'gue') !== (tunnel.port !== undefined)) { a.error('gue tunnels require port, otherwise cannot have port.'); return undefined; }
    if (tunnel.type === 'ipip' && tunnel.csum && tunnel.csum !== 'nocsum') { a.error('ipip tunnels do not support checksum option.'); return undefined; }
    if (tunnel.type === 'gre' && tunnel.csum === 'remcsum') { a.error('gre tunnels do not support remote checksum option.'); return undefined; }
    return { kind: 'TUN', tunnel };
  }
  a.error(`PARSER : unknown [${m}] routing method for ${what} server.`);
  return undefined;
}

function checkerDef(type: Checker['type']): KeywordDef<RsCtx> {
  return {
    name: type, priority: CHECKER_PRIORITY[type], block: 'keywords', table: checkerTables[type],
    handle: (c, a): CkCtx => { const ck = newChecker(type) as CkCtx['ck']; ck.pos = a.pos(0); c.rs.checkers.push(ck); return { ck, extra: c.rs.extra, rs: c.rs, cfg: c.vsc.cfg }; },
    close: (k: CkCtx, a: KwArgs) => {
      const ck = k.ck;
      let drop = false;
      if ((ck.type === 'HTTP_GET' || ck.type === 'SSL_GET') && ck.urls.length === 0) { a.error('HTTP/SSL_GET checker has no urls specified - ignoring'); drop = true; }
      if (ck.type === 'MISC_CHECK' && ck.miscPath.argv.length === 0) { a.error('No script path has been specified for MISC_CHECKER - skipping'); drop = true; }
      if (ck.type === 'FILE_CHECK' && !ck.trackFile) { a.error('FILE_CHECK has no track_file specified - ignoring'); drop = true; }
      // check_conn_opts(): the checkers with a connection (an SMTP_CHECK whose hosts replace it: per host)
      const conn = ck.type !== 'MISC_CHECK' && ck.type !== 'FILE_CHECK' && ck.type !== 'BFD_CHECK';
      const smtpHostsOnly = ck.type === 'SMTP_CHECK' && !!ck.hosts?.length && !(['connectIp', 'connectPort', 'bindto', 'bindPort', 'bindIf', 'fwmark', 'connectTimeout'] as const).some((f) => ck[f] !== undefined);
      if (!drop && conn && !smtpHostsOnly && !linkLocalOk(ck.connectIp ?? k.rs?.address ?? '', ck.bindIf, a)) drop = true;
      if (drop && k.rs) k.rs.checkers = k.rs.checkers.filter((x) => x !== ck);
    },
  };
}

const rsNotify = (name: string, field: 'notifyUp' | 'notifyDown'): KeywordDef<RsCtx> => ({
  name, priority: 'P1', args: ['script'], handle: (c, a) => { c.rs[field] = scriptSpec(a); },
});

const rsTimer = (name: string, field: 'delayBeforeRetry' | 'warmup' | 'connectTimeout' | 'delayLoop', min: number): KeywordDef<RsCtx> => ({
  name, priority: 'P1', args: ['timer'],
  handle: (c, a) => { const t = a.need(1); const v = readDecimal(a, t, min, 2147483); if (v === undefined) { a.error(`real server ${name} '${t}' invalid - ignoring`); return; } c.rs[field] = v; },
});

export const realServerTable = table('real_server', [
  {
    name: 'weight', priority: 'P0', args: ['uint'],
    handle: (c: RsCtx, a) => {
      const t = a.need(1);
      const v = readUnsigned(a, t, 0, 2147483647);
      if (v === undefined) { a.error(`Real server weight ${t} is outside range 0-2147483647`); return; }
      c.rs.weight = v;
      rsWeightGiven.add(c.rs);
    },
  },
  bool<RsCtx>('inhibit_on_failure', (c, v) => { c.rs.inhibitOnFailure = v; }),
  rsNotify('notify_up', 'notifyUp'), rsNotify('notify_down', 'notifyDown'),
  {
    name: 'lvs_method', priority: 'P1', args: ['word'],
    handle: (c: RsCtx, a) => {
      const m = parseMethod(a, 'real');
      if (!m) return;
      c.rs.lvsMethod = m.kind;
      if (m.tunnel) c.rs.tunnel = m.tunnel; else if (m.kind !== 'TUN') delete c.rs.tunnel;
    },
  },
  bool<RsCtx>('smtp_alert', (c, v) => { c.rs.smtpAlert = v; }),
  bool<RsCtx>('alpha', (c, v) => { c.rs.alpha = v; }),
  {
    name: 'retry', priority: 'P1', args: ['uint'],
    handle: (c: RsCtx, a) => { const v = readNum(a, { kind: 'uint', min: 0, max: 4294967295, msg: (t) => `retry value invalid - ${t}` }); if (v !== undefined) c.rs.retry = v; },
  },
  rsTimer('delay_before_retry', 'delayBeforeRetry', 0), rsTimer('warmup', 'warmup', 0),
  rsTimer('connect_timeout', 'connectTimeout', 0.000001), rsTimer('delay_loop', 'delayLoop', 0.000001),
  { name: 'virtualhost', priority: 'P1', args: ['string'], handle: (c: RsCtx, a) => { c.rs.virtualhost = a.need(1); } },
  {
    name: 'uthreshold', priority: 'P2', args: ['uint'],
    handle: (c: RsCtx, a) => { const v = readNum(a, { kind: 'uint', min: 0, max: 2147483647, msg: (t) => `Invalid uthreshold '${t}'` }); if (v !== undefined) c.rs.uthreshold = v; },
  },
  {
    name: 'lthreshold', priority: 'P2', args: ['uint'],
    handle: (c: RsCtx, a) => { const v = readNum(a, { kind: 'uint', min: 0, max: 2147483647, msg: (t) => `Invalid lthreshold '${t}'` }); if (v !== undefined) c.rs.lthreshold = v; },
  },
  { name: 'snmp_name', priority: 'P2', args: ['string'], handle: (c: RsCtx, a) => { c.rs.extra['snmp_name'] = rest(a.words, 1); } },
  ...(Object.keys(checkerTables) as Checker['type'][]).map(checkerDef),
]);

const vsTimer = (name: string, field: 'connectTimeout' | 'delayBeforeRetry' | 'warmup', min: number, prio: 'P0' | 'P1'): KeywordDef<VsCtx> => ({
  name, priority: prio, args: ['timer'],
  handle: (c, a) => { const t = a.need(1); const v = readDecimal(a, t, min, TIMER_MAX, true, TIMER_MAX_TEXT); if (v === undefined) { a.error(`virtual server ${name} ${t} invalid - ignoring`); return; } c.vs[field] = v; },
});

const SCHED_FLAGS = ['flag-1', 'flag-2', 'flag-3', 'sh-port', 'sh-fallback', 'mh-port', 'mh-fallback'];

export const virtualServerTable = table('virtual_server', [
  {
    name: 'lb_algo', aliases: ['lvs_sched'], priority: 'P0', args: ['word'], default: 'wlc',
    handle: (c: VsCtx, a) => {
      const s = a.need(1);
      if (!SCHEDULERS.has(s)) { a.error(`Invalid lvs_scheduler '${s}' - ignoring`); return; }
      c.vs.lbAlgo = s; c.set.add('sched');
    },
  },
  {
    name: 'lb_kind', aliases: ['lvs_method'], priority: 'P0', args: ['word'], default: 'NAT',
    handle: (c: VsCtx, a) => {
      const m = parseMethod(a, 'virtual');
      if (!m) return;
      c.vs.lbKind = m.kind; c.set.add('method');
      if (m.tunnel) c.vs.tunnel = m.tunnel; else if (m.kind !== 'TUN') delete c.vs.tunnel;
    },
  },
  {
    name: 'protocol', priority: 'P0', args: ['word'], default: 'TCP',
    handle: (c: VsCtx, a) => {
      const p = a.need(1).toUpperCase();
      if (p === 'TCP' || p === 'UDP' || p === 'SCTP') { c.vs.protocol = p; c.set.add('protocol'); }
      else a.error(`Unknown protocol ${a.need(1)} - ignoring`);
    },
  },
  {
    name: 'delay_loop', priority: 'P0', args: ['timer'], default: 60,
    handle: (c: VsCtx, a) => {
      const t = a.need(1);
      const v = readDecimal(a, t, 0.000001, TIMER_MAX, true, TIMER_MAX_TEXT);
      if (v === undefined) { a.error(`virtual server delay loop '${t}' invalid - ignoring`); return; }
      c.vs.delayLoop = v;
    },
  },
  {
    name: 'persistence_timeout', priority: 'P0', args: ['uint'],
    handle: (c: VsCtx, a) => {
      const t = a.opt(1);
      if (t === undefined) { c.vs.persistenceTimeout = 360; return; }
      const v = readUnsigned(a, t, 1, 2678400);
      if (v === undefined) { a.error('persistence_timeout invalid'); return; }
      c.vs.persistenceTimeout = v;
    },
  },
  { name: 'persistence_granularity', priority: 'P1', args: ['string'], handle: (c: VsCtx, a) => { c.vs.persistenceGranularity = a.need(1); } },
  vsTimer('connect_timeout', 'connectTimeout', 0.000001, 'P1'),
  {
    name: 'retry', priority: 'P1', args: ['uint'],
    handle: (c: VsCtx, a) => { const v = readNum(a, { kind: 'uint', min: 0, max: 4294967295, msg: (t) => `retry value invalid - ${t}` }); if (v !== undefined) c.vs.retry = v; },
  },
  vsTimer('delay_before_retry', 'delayBeforeRetry', 0, 'P1'),
  vsTimer('warmup', 'warmup', 0, 'P1'),
  bool<VsCtx>('inhibit_on_failure', (c, v) => { c.vs.inhibitOnFailure = v; }),
  {
    name: 'sorry_server', priority: 'P1', args: ['ip', 'uint'],
    handle: (c: VsCtx, a) => {
      const s = parseIpPort(a.need(1), a.opt(2));
      if (!s) { a.error(`Invalid sorry server IP address ${a.need(1)} - skipping`); return; }
      c.vs.sorryServer = { ...c.vs.sorryServer, ...s };
    },
  },
  {
    name: 'sorry_server_inhibit', priority: 'P2', args: ['bool'],
    handle: (c: VsCtx, a) => {
      if (c.vs.sorryServer) c.vs.sorryServer.inhibit = true;
      else a.error('Ignoring sorry_server inhibit used before or without sorry_server');
    },
  },
  {
    name: 'sorry_server_lvs_method', priority: 'P2', args: ['word'],
    handle: (c: VsCtx, a) => {
      if (!c.vs.sorryServer) { a.error('sorry_server forwarding used without sorry_server'); return; }
      const m = parseMethod(a, 'sorry');
      if (!m) return;
      c.vs.sorryServer.lvsMethod = m.kind;
      if (m.tunnel) c.vs.sorryServer.tunnel = m.tunnel; else if (m.kind !== 'TUN') delete c.vs.sorryServer.tunnel;
    },
  },
  {
    name: 'quorum', priority: 'P1', args: ['uint'], default: 1,
    handle: (c: VsCtx, a) => {
      const v = readNum(a, { kind: 'uint', min: 1, max: 4294967295, msg: (t) => `Quorum ${t} must be in [1, 4294967295]. Setting to 1.` });
      c.vs.quorum = v ?? 1;
    },
  },
  {
    name: 'hysteresis', priority: 'P1', args: ['uint'], default: 0,
    handle: (c: VsCtx, a) => { const v = readNum(a, { kind: 'uint', min: 0, max: 4294967295, msg: (t) => `Hysteresis ${t} must be in [0, 4294967295] - ignoring` }); if (v !== undefined) c.vs.hysteresis = v; },
  },
  { name: 'quorum_up', priority: 'P1', args: ['script'], handle: (c: VsCtx, a) => { c.vs.quorumUp = scriptSpec(a); } },
  { name: 'quorum_down', priority: 'P1', args: ['script'], handle: (c: VsCtx, a) => { c.vs.quorumDown = scriptSpec(a); } },
  bool<VsCtx>('alpha', (c, v) => { c.vs.alpha = v; }),
  bool<VsCtx>('omega', (c, v) => { c.vs.omega = v; }),
  { name: 'virtualhost', priority: 'P1', args: ['string'], handle: (c: VsCtx, a) => { c.vs.virtualhost = a.need(1); } },
  bool<VsCtx>('smtp_alert', (c, v) => { c.vs.smtpAlert = v; }),
  flag<VsCtx>('ha_suspend', (c) => { c.vs.haSuspend = true; }),
  {
    name: 'weight', priority: 'P2', args: ['uint'], default: 1,
    handle: (c: VsCtx, a) => { const v = readNum(a, { kind: 'uint', min: 0, max: 2147483647, msg: (t) => `Virtual server weight ${t} is outside range 0-2147483647` }); if (v !== undefined) c.vs.weight = v; },
  },
  flag<VsCtx>('ops', (c) => { c.vs.ops = true; }, 'P2'),
  ...SCHED_FLAGS.map((f) => flag<VsCtx>(f, (c) => { if (!c.vs.schedFlags.includes(f)) c.vs.schedFlags.push(f); }, 'P2')),
  {
    name: 'ip_family', priority: 'P2', args: ['word'],
    handle: (c: VsCtx, a) => { const f = a.need(1); if (f === 'inet' || f === 'inet6') c.vs.ipFamily = f; else a.error(`unknown address family ${f}`); },
  },
  ...['hashed', 'persistence_engine', 'snmp_name'].map((n): KeywordDef<VsCtx> => ({
    name: n, priority: 'P2', args: ['rest'], handle: (c, a) => { c.vs.extra[n] = rest(a.words, 1); },
  })),
  {
    name: 'real_server', priority: 'P0', block: 'keywords', table: realServerTable, args: ['ip', 'uint'],
    handle: (c: VsCtx, a) => {
      const ip = a.need(1); const port = a.opt(2);
      const s = parseIpPort(ip, port);
      if (!s) { a.error(`Invalid real server ip address/port ${ip}/${port ?? ''} - skipping`); return SKIP_BLOCK; }
      // (explicit properties: object spread is a slow path in V8 and this runs once per real server)
      const rs: RealServer = { address: s.address, port: s.port, family: s.family, pos: a.pos(0), weight: c.vs.weight,
        checkers: [], extra: {} };
      c.vs.realServers.push(rs);
      return { rs, vsc: c } satisfies RsCtx;
    },
  },
]);

export function newVirtualServer(vs: VirtualServer['vs'], pos: VirtualServer['pos']): VirtualServer {
  return {
    vs, pos, lbAlgo: 'wlc', lbKind: 'NAT', protocol: 'TCP', delayLoop: 60, inhibitOnFailure: false, quorum: 1, hysteresis: 0,
    alpha: false, omega: false, haSuspend: false, weight: 1, ops: false, schedFlags: [], realServers: [], extra: {},
  };
}

/** virtual_server header: IP [PORT] | fwmark N [inet|inet6] | group NAME. */
export function vsHeader(a: KwArgs): VirtualServer['vs'] | undefined {
  const w1 = a.need(1);
  if (w1 === 'fwmark') {
    const t = a.need(2);
    const n = readUnsigned(a, t, 1, 4294967295);
    if (n === undefined) return undefined;
    const f = a.opt(3);
    return f === 'inet' || f === 'inet6' ? { kind: 'fwmark', fwmark: n, family: f } : { kind: 'fwmark', fwmark: n };
  }
  if (w1 === 'group') return { kind: 'group', group: a.need(2) };
  const s = parseIpPort(w1, a.opt(2));
  if (!s) { a.error(`Invalid virtual server IP address/port ${w1}/${a.opt(2) ?? ''} - skipping`); return undefined; }
  return { kind: 'ip', address: s.address, port: s.port, family: s.family };
}

/** virtual_server_group NAME { IP PORT | IP-last PORT | IPa-IPb PORT | IP/nn PORT | fwmark N [inet|inet6] } */
export function vsgItem(g: VirtualServerGroup, a: KwArgs): void {
  const w0 = a.need(0);
  if (w0 === 'fwmark') {
    const t = a.need(1);
    const n = readUnsigned(a, t, 0, 4294967295);
    if (n === undefined) { a.error(`(${g.name}): fwmark '${t}' must be in [0, 4294967295] - ignoring`); return; }
    const f = a.opt(2);
    g.entries.push(f === 'inet' || f === 'inet6' ? { kind: 'fwmark', fwmark: n, family: f, pos: a.pos(0) } : { kind: 'fwmark', fwmark: n, pos: a.pos(0) });
    return;
  }
  const port = a.opt(1);
  const bad = (): void => a.error(`Invalid virtual server group IP address ${w0} /port/${port ?? ''} - skipping`);
  let p = 0;
  if (port !== undefined) {
    const v = readUnsigned(a, port, 1, 65535);
    if (v === undefined) { bad(); return; }
    p = v;
  }
  let first = w0; let last = w0;
  const slash = w0.indexOf('/');
  const dash = w0.indexOf('-');
  if (slash > 0) {
    first = w0.slice(0, slash);
    const len = Number(w0.slice(slash + 1));
    const fam = ipFamily(first);
    if (fam === 'inet' && Number.isInteger(len) && len >= 0 && len <= 32) {
      const ipn = first.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
      const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
      const lo = (ipn & mask) >>> 0; const hi = (lo | (~mask >>> 0)) >>> 0;
      const s = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
      first = s(lo); last = s(hi);
    } else if (!fam || !Number.isInteger(len)) first = '';
  } else if (dash > 0) {
    first = w0.slice(0, dash);
    const tail = w0.slice(dash + 1);
    const fam = ipFamily(first);
    if (fam === 'inet' && /^\d+$/.test(tail)) {
      if (Number(tail) > 255) { a.error(`Virtual server group range '${w0}' end '${tail}' too large`); return; }
      last = first.replace(/\d+$/, tail);
    }
    else if (fam === 'inet6' && /^[0-9a-fA-F]+$/.test(tail)) last = first.replace(/[0-9a-fA-F]+$/, tail);
    else last = tail;
  }
  const fam = ipFamily(first);
  if (!fam || ipFamily(last) !== fam) { bad(); return; }
  g.entries.push({ kind: 'range', first, last, port: p, family: fam, pos: a.pos(0) });
}
