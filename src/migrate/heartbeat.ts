// heartbeat v1 (ha.cf + haresources + authkeys, and the ldirectord.cf its `ldirectord` resource
// runs) -> one VRRP instance per haresources resource group, plus the LVS part from ldirectord.
// Node names become @config-id conditional priority lines, so one file serves both directors.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isIPv4, prefixFromMask, type Draft, type DraftVip, type DraftVrrp, type MigrationError, type ReportEntry } from './draft.js';
import { parseSeconds, readLines, words } from './kv-lines.js';
import { convertLdirectord, parseLdirectord } from './ldirectord.js';

export interface HeartbeatOptions { firstVrid?: number }

interface HaCf {
  nodes: string[];
  keepalive?: number;
  deadtime?: number;
  autoFailback: 'on' | 'off' | 'legacy';
  interface?: string;
  unicastPeers: string[];
  mcastGroup?: string;
  pingChecks: { command: string; weight: number }[];
  ipfail: boolean;
}

const PREFERRED_PRIORITY = 110;
const OTHER_PRIORITY = 100;
const PING_WEIGHT = 20;

const configId = (node: string): string => node.split('.')[0];

export function convertHeartbeat(dir: string, draft: Draft, report: ReportEntry[], errors: MigrationError[],
    opts: HeartbeatOptions = {}): void {
  const read = (name: string): string | undefined => {
    const p = path.join(dir, name);
    return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
  };
  const haText = read('ha.cf');
  if (haText === undefined) { errors.push({ at: path.join(dir, 'ha.cf'), message: 'ha.cf not found', fatal: true }); return; }
  const ha = parseHaCf(haText, path.join(dir, 'ha.cf'), report, errors);
  const auth = parseAuthkeys(read('authkeys'), path.join(dir, 'authkeys'), report, errors);
  const resText = read('haresources');
  if (resText === undefined) { errors.push({ at: path.join(dir, 'haresources'), message: 'haresources not found', fatal: true }); return; }

  draft.pingChecks.push(...ha.pingChecks);
  if (ha.mcastGroup) draft.mcastGroup4 = ha.mcastGroup;
  const advertInt = ha.keepalive ?? 2;
  const lines = joinContinuations(resText);
  let vrid = opts.firstVrid ?? 51;
  for (const l of lines) {
    const at = `${path.join(dir, 'haresources')}:${l.line}`;
    const w = words(l.text);
    const owner = w[0];
    if (ha.nodes.length && !ha.nodes.includes(owner)) errors.push({ at, message: `resource group owner '${owner}' is not a node in ha.cf (${ha.nodes.join(', ')})`, assumed: `no preferred node: every ha.cf node gets priority ${OTHER_PRIORITY}` });
    const vips: DraftVip[] = [];
    const starts: string[] = [];
    for (const res of w.slice(1)) {
      const parts = res.split('::');
      const name = parts[0];
      if (name === 'IPaddr' || name === 'IPaddr2' || isIPv4(name.split('/')[0])) {
        const spec = name === 'IPaddr' || name === 'IPaddr2' ? parts[1] ?? '' : res;
        const vip = parseIpaddr(spec);
        if (!vip) { errors.push({ at, message: `bad IP address resource '${res}'`, assumed: 'resource skipped' }); continue; }
        vips.push(vip);
        report.push({ at, source: res, became: `virtual_ipaddress ${vip.address}${vip.prefixLen !== undefined ? `/${vip.prefixLen}` : ''}${vip.dev ? ` dev ${vip.dev}` : ''}` });
      } else if (name === 'ldirectord') {
        const cf = parts[1] ? (path.isAbsolute(parts[1]) ? parts[1] : path.join(dir, parts[1])) : path.join(dir, 'ldirectord.cf');
        if (!existsSync(cf)) { errors.push({ at, message: `ldirectord resource: ${cf} not found`, assumed: 'resource skipped: no virtual servers from it' }); continue; }
        report.push({ at, source: res, became: `virtual_server blocks from ${cf}`, note: "keepalived's checker replaces ldirectord" });
        convertLdirectord(parseLdirectord(readFileSync(cf, 'utf8'), cf), draft, report, errors);
      } else if (name === 'MailTo') {
        for (const a of (parts[1] ?? '').split(',').filter(Boolean)) if (!draft.notificationEmail.includes(a)) draft.notificationEmail.push(a);
        report.push({ at, source: res, became: 'notification_email + smtp_alert on the instance', note: 'keepalived mails on every state change' });
      } else if (name === 'LVSSyncDaemonSwap') {
        report.push({ at, source: res, became: null, note: 'use global_defs lvs_sync_daemon <interface> <instance>' });
      } else {
        const args = parts.slice(1).join(' ');
        const script = `/etc/ha.d/resource.d/${name}`;
        const cmd = existsSync(script) ? `${script}${args ? ` ${args}` : ''}` : `/etc/init.d/${name}${args ? ` ${args}` : ''}`;
        starts.push(cmd);
        report.push({ at, source: res, became: `notify_master/backup/fault: ${cmd} start|stop` });
      }
    }
    if (!vips.length) { report.push({ at, source: l.text, became: null, note: 'resource group without an IP address: no VRRP instance (scripts cannot follow a VIP here)' }); continue; }
    const iface = ha.interface ?? vips[0].dev ?? 'eth0';
    if (!ha.interface && !vips[0].dev) report.push({ at, source: l.text, became: 'interface eth0', note: 'no bcast/ucast/mcast interface and no dev in IPaddr: assumed eth0' });
    const v: DraftVrrp = {
      name: `VI_${vrid}`, interface: iface, virtualRouterId: vrid, advertInt: Math.max(advertInt, 0.01),
      version: Number.isInteger(advertInt) ? undefined : 3,
      nodes: (ha.nodes.length ? ha.nodes : [owner]).map((n) => ({ configId: configId(n),
        priority: n === owner ? PREFERRED_PRIORITY : OTHER_PRIORITY })),
      nopreempt: ha.autoFailback === 'off', authPass: auth, unicastPeers: ha.unicastPeers, vips,
      trackInterfaces: [...new Set(vips.map((x) => x.dev).filter((d): d is string => !!d && d !== iface))],
      trackPing: ha.pingChecks.length > 0,
      smtpAlert: draft.notificationEmail.length > 0 || undefined,
    };
    if (starts.length) {
      draft.usesScripts = true;
      v.notifyMaster = `/bin/sh -c '${starts.map((c) => `${c} start`).join('; ')}'`;
      const stops = `/bin/sh -c '${[...starts].reverse().map((c) => `${c} stop`).join('; ')}'`;
      v.notifyBackup = stops; v.notifyFault = stops;
    }
    draft.vrrps.push(v);
    report.push({ at, source: l.text, became: `vrrp_instance ${v.name} (virtual_router_id ${vrid}; ${owner} priority ${PREFERRED_PRIORITY}, others ${OTHER_PRIORITY})`,
      note: 'heartbeat has no router id: VRIDs are numbered from 51; check no other VRRP router on the segment uses them' });
    vrid++;
  }
  if (ha.pingChecks.length) draft.usesScripts = true;
  if (ha.unicastPeers.length && draft.vrrps.length) report.push({ at: '-', source: 'ucast', became: 'unicast_peer', note: 'heartbeat ignores its own address in ucast lines; remove this node\'s own address from unicast_peer on each node' });
  if (ha.deadtime !== undefined) {
    const md = 3 * advertInt + (256 - OTHER_PRIORITY) / 256 * advertInt;
    report.push({ at: '-', source: `deadtime ${ha.deadtime}`, became: `master down after ${md.toFixed(2)} s (3 x advert_int ${advertInt} + skew)`, note: 'VRRP derives failure detection from advert_int; there is no separate deadtime' });
  }
}

function joinContinuations(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let cur: { line: number; text: string } | undefined;
  for (const l of readLines(text)) {
    const cont = l.text.endsWith('\\');
    const body = cont ? l.text.slice(0, -1).trim() : l.text;
    if (cur) cur.text += ` ${body}`; else cur = { line: l.line, text: body };
    if (!cont) { out.push(cur); cur = undefined; }
  }
  if (cur) out.push(cur);
  return out;
}

/** IPaddr resource: IP[/mask-or-prefix[/dev[/broadcast]]]. */
function parseIpaddr(spec: string): DraftVip | undefined {
  const [ip, mask, dev, brd] = spec.split('/');
  if (!isIPv4(ip)) return undefined;
  const vip: DraftVip = { address: ip };
  if (mask) { const p = prefixFromMask(mask); if (p === undefined || p > 32) return undefined; vip.prefixLen = p; }
  if (dev) {
    const [base, alias] = dev.split(':');
    vip.dev = base;
    if (alias !== undefined) vip.label = dev;
  }
  if (brd) { if (!isIPv4(brd)) return undefined; vip.brd = brd; }
  return vip;
}

function parseHaCf(text: string, file: string, report: ReportEntry[], errors: MigrationError[]): HaCf {
  const ha: HaCf = { nodes: [], autoFailback: 'legacy', unicastPeers: [], pingChecks: [], ipfail: false };
  const pings: { at: string; cmd: string; src: string }[] = [];
  for (const l of readLines(text)) {
    const at = `${file}:${l.line}`;
    const w = words(l.text);
    const [key, ...args] = w;
    const became = (b: string | null, note?: string): void => { report.push({ at, source: l.text, became: b, note }); };
    switch (key) {
      case 'node': ha.nodes.push(...args); became(`@${args.map(configId).join(' / @')} priority lines`, 'config id = hostname up to the first dot (or keepalived -i ID)'); break;
      case 'keepalive': case 'deadtime': {
        const s = parseSeconds(args[0] ?? '');
        if (s === undefined || s <= 0) { errors.push({ at, message: `${key}: expected a time (e.g. 2 or 500ms), got '${args[0] ?? ''}'`, assumed: key === 'keepalive' ? 'advert_int 2 (heartbeat\'s default keepalive)' : 'line ignored' }); break; }
        if (key === 'keepalive') { ha.keepalive = s; became(`advert_int ${s}${Number.isInteger(s) ? '' : ' (VRRPv3: fractional interval)'}`); }
        else { ha.deadtime = s; became('(see master down interval entry)'); }
        break;
      }
      case 'auto_failback':
        if (args[0] === 'on' || args[0] === 'off' || args[0] === 'legacy') ha.autoFailback = args[0];
        else { errors.push({ at, message: `auto_failback: expected on, off or legacy, got '${args[0] ?? ''}'`, assumed: 'legacy (preempt)' }); break; }
        became(args[0] === 'off' ? 'nopreempt' : 'preempt (keepalived default)');
        break;
      case 'bcast': ha.interface ??= args[0]; became(`interface ${args[0]} (multicast 224.0.0.18)`, args.length > 1 ? 'keepalived sends VRRP on one interface; extra interfaces ignored' : undefined); break;
      case 'ucast':
        // `ucast IP` (interface left out): the peer is still usable
        if (args.length === 1 && isIPv4(args[0]!)) {
          ha.unicastPeers.push(args[0]!);
          errors.push({ at, message: 'ucast: expected <interface> <IP>', assumed: `unicast_peer ${args[0]} (no interface from this line)` });
          break;
        }
        ha.interface ??= args[0];
        if (args[1] && isIPv4(args[1])) ha.unicastPeers.push(args[1]); else { errors.push({ at, message: 'ucast: expected <interface> <IP>', assumed: args[0] ? `interface ${args[0]}, no unicast peer from this line` : 'line ignored' }); break; }
        became(`interface ${args[0]}, unicast_peer ${args[1]}`);
        break;
      case 'mcast':
        ha.interface ??= args[0];
        if (args[1] && isIPv4(args[1])) { ha.mcastGroup = args[1]; became(`interface ${args[0]}, vrrp_mcast_group4 ${args[1]}`, 'udp port, ttl and loop do not apply to VRRP'); }
        else errors.push({ at, message: 'mcast: expected <interface> <group> <port> <ttl> <loop>', assumed: args[0] ? `interface ${args[0]}, multicast group 224.0.0.18` : 'line ignored' });
        break;
      case 'ping':
        for (const ip of args) pings.push({ at, cmd: `/usr/bin/ping -c 1 -W 1 ${ip}`, src: l.text });
        break;
      case 'ping_group':
        if (args.length < 2) { errors.push({ at, message: 'ping_group: expected <name> <IP> ...', assumed: 'line ignored' }); break; }
        pings.push({ at, cmd: `/bin/sh -c '${args.slice(1).map((ip) => `/usr/bin/ping -c 1 -W 1 ${ip}`).join(' || ')}'`, src: l.text });
        break;
      case 'respawn':
        if ((args[1] ?? '').endsWith('/ipfail')) { ha.ipfail = true; became('track_script chk_ping* with weights', 'ipfail moves resources to the node that reaches more ping nodes: each reachable ping node adds its weight to the priority'); }
        else became(null, 'keepalived does not supervise other programs');
        break;
      case 'udpport': became(null, 'VRRP is IP protocol 112, not UDP'); break;
      case 'logfacility': became(null, `run keepalived with -S ${args[0] ?? 'daemon'}`); break;
      case 'initdead': became(null, 'keepalived starts as BACKUP and takes over after the master-down interval'); break;
      case 'warntime': case 'debugfile': case 'logfile': case 'watchdog': case 'stonith': case 'stonith_host': case 'crm': case 'apiauth': case 'baud':
      case 'serial': case 'use_logd': case 'compression': case 'traditional_compression': case 'autojoin': case 'deadping': case 'hbgenmethod':
      case 'realtime': case 'debug': case 'uuidfrom': case 'coredumps': case 'msgfmt': case 'rtprio': case 'conn_logd_time': case 'max_rexmit_delay':
        became(null, 'no keepalived equivalent'); break;
      default:
        errors.push({ at, message: `unknown ha.cf directive '${key}'`, assumed: 'line ignored' });
    }
  }
  const weight = ha.ipfail && pings.length > 0 ? PING_WEIGHT : 0;
  for (const p of pings) {
    ha.pingChecks.push({ command: p.cmd, weight });
    report.push({ at: p.at, source: p.src, became: `vrrp_script running "${p.cmd}"${weight ? ` weight ${weight}` : ''} in track_script`,
      note: weight ? undefined : 'without ipfail heartbeat only monitored ping nodes; here an unreachable target puts the instance in FAULT' });
  }
  if (ha.nodes.length > 2) report.push({ at: file, source: 'node', became: null, note: 'more than two nodes: all but the preferred owner get the same priority' });
  return ha;
}

/** authkeys -> auth_pass, or undefined for crc / no file. */
function parseAuthkeys(text: string | undefined, file: string, report: ReportEntry[],
    errors: MigrationError[]): string | undefined {
  if (text === undefined) return undefined;
  let active: string | undefined;
  const keys = new Map<string, { method: string; key?: string; at: string; src: string }>();
  for (const l of readLines(text)) {
    const w = words(l.text);
    const at = `${file}:${l.line}`;
    if (w[0] === 'auth') active = w[1];
    else if (/^\d+$/.test(w[0])) keys.set(w[0], { method: (w[1] ?? '').toLowerCase(), key: w.slice(2).join(' ') || undefined, at, src: l.text });
    else errors.push({ at, message: `authkeys: unexpected line '${l.text}'`, assumed: 'line ignored' });
  }
  if (active === undefined) { errors.push({ at: file, message: 'authkeys: no "auth N" line', assumed: 'no VRRP authentication' }); return undefined; }
  const k = keys.get(active);
  if (!k) { errors.push({ at: file, message: `authkeys: auth ${active} names no key`, assumed: 'no VRRP authentication' }); return undefined; }
  if (k.method === 'crc') { report.push({ at: k.at, source: k.src, became: null, note: 'crc is a checksum, not authentication: no VRRP authentication configured' }); return undefined; }
  if ((k.method !== 'md5' && k.method !== 'sha1') || !k.key) { errors.push({ at: k.at, message: `authkeys: expected crc, md5 KEY or sha1 KEY`, assumed: 'no VRRP authentication' }); return undefined; }
  const pass = k.key.slice(0, 8);
  report.push({ at: k.at, source: `${active} ${k.method} ****`, became: 'authentication { auth_type PASS auth_pass <first 8 characters of the key> }',
    note: `WARNING: ${k.method} has no VRRP equivalent; PASS sends the password in clear text (8 characters at most)` });
  return pass;
}
