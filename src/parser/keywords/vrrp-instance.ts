// vrrp_instance NAME { ... } keyword table (keepalived/vrrp/vrrp_parser.c), with the nested
// authentication{} block and the address/route list syntaxes shared with static_* blocks.
import { table, type KeywordDef, type KwArgs } from '../schema.js';
import type { VrrpInstance, VirtualIp, KeepalivedConfig, TrackRef } from '../../config/model.js';
import { bool, flag, num, p2, readNum, scriptSpec, trackRef } from './common.js';
import { ipFamily, parseBool, parsePrefix, readUnsigned, readDecimal, readInt } from '../values.js';
import { rest } from '../reader.js';
import type { SourcePos } from '../../common/diagnostic.js';
import { parseRouteLine } from './routes.js';
import { parseRuleLine } from './rules.js';
import type { RuleState } from './route-values.js';
import { linkInstanceKeywords } from './links.js';
import { ipvlanVrfKeywords } from './ipvlan-vrf.js';
import { trackProcessRef } from './vrrp-blocks.js';
import { instanceGarpKeywords } from './garp.js';
import { lvsSyncDaemonInterfaceKeyword } from './lvs-syncd.js';

/** Sub-context of one vrrp_instance block. */
export interface ViCtx { vi: VrrpInstance; cfg: KeepalivedConfig; stateSet: boolean; familySet: boolean;
  rules: RuleState; prioritySet?: boolean; v2At?: SourcePos; v6At?: SourcePos }

/** Instances configured for unicast (unicast_src_ip, unicast_peer, check_unicast_src, old_unicast_checksum,
 *  unicast_fault_no_peer). */
export const unicastKeyword = new WeakSet<VrrpInstance>();

/** The keywords written in each vrrp_instance block (keepalived's PARAMETER_UNSET: a default applies only when
 *  absent). */
const givenKeywords = new WeakMap<VrrpInstance, Set<string>>();
export function keywordsGiven(vi: VrrpInstance): ReadonlySet<string> { return givenKeywords.get(vi) ?? new Set(); }

/** Records the keyword in the instance's given set, then runs its handler. */
function recordGiven(def: KeywordDef<ViCtx>): KeywordDef<ViCtx> {
  const handle = def.handle;
  return {
    ...def,
    handle: (c: ViCtx, a: KwArgs) => {
      let set = givenKeywords.get(c.vi);
      if (!set) { set = new Set(); givenKeywords.set(c.vi, set); }
      set.add(def.name);
      return handle ? handle(c, a) : c;
    },
  };
}

/** track_script weights as written, checked at end of parse once the script is known to exist. */
export const trackScriptWeightText = new WeakMap<TrackRef, string>();

export function newInstance(name: string, cfg: KeepalivedConfig): VrrpInstance {
  return {
    name, state: 'BACKUP', priority: 100, advertInt: 1, version: cfg.global.vrrpVersion, family: 'inet', nativeIpv6: false,
    virtualIpaddress: [], virtualIpaddressExcluded: [], virtualRoutes: [], virtualRules: [],
    trackInterface: [], trackScript: [], trackFile: [], trackProcess: [],
    dontTrackPrimary: false, nopreempt: false, preemptDelay: 0, unicastPeer: [], vmacXmitBase: false,
    skipCheckAdvAddr: false, checkUnicastSrc: false, promoteSecondaries: false, noVirtualIpaddress: false,
    unicastFaultNoPeer: false, extra: {},
  };
}

const VIP_FLAGS = new Set(['home', '-nodad', 'mngtmpaddr', 'noprefixroute', 'autojoin', 'use_vmac', 'no_track']);
const VIP_OPTS = new Set(['brd', 'broadcast', 'dev', 'scope', 'label', 'peer', 'preferred_lft', 'track_group']);
const SCOPE_NAMES = new Set(['global', 'site', 'link', 'host', 'nowhere']);

/**
 * One line of virtual_ipaddress / static_ipaddress: IP[/len] [brd X|+|-] [dev IF] [scope S] [label L]
 * [peer IP] [flags], with keepalived 2.2.7's checks (alloc_ipaddress): a peer makes the prefix a host
 * one, IPv6 addresses take no broadcast, scope or label, a bad broadcast or label drops the address.
 */
export function parseVip(a: KwArgs, what: string, defaultDev: string | undefined): VirtualIp | undefined {
  const text = a.need(0);
  const p = parsePrefix(text);
  if (!p) { a.error(`${what} parsed invalid IP ${text}. skipping IP...`); return undefined; }
  if (p.badLen !== undefined) {
    const max = p.family === 'inet' ? 32 : 128;
    a.error(`number '${p.badLen}' outside range [0, ${max}]`);
    a.error(`Invalid address prefix len ${p.badLen} for address ${text} - using ${max}`);
  }
  const full = p.family === 'inet' ? 32 : 128;
  const vip: VirtualIp = { address: p.address, prefixLen: p.prefixLen, family: p.family, options: [], pos: a.pos(0) };
  for (let i = 1; i < a.size; i++) {
    const w = a.opt(i)!;
    if (VIP_OPTS.has(w)) {
      const v = a.opt(i + 1);
      if (v === undefined) { a.error(`No ${w} parameter specified for ${text}`); return undefined; }
      i++;
      if (w === 'brd' || w === 'broadcast') {
        if (p.family === 'inet6') { a.error(`VRRP is trying to assign a broadcast ${w} to the IPv6 address ${text} !!?? WTF... skipping VIP...`); return undefined; }
        if (v !== '+' && v !== '-' && ipFamily(v) !== 'inet') { a.error(`VRRP is trying to assign invalid broadcast ${v}. skipping VIP...`); return undefined; }
        vip.brd = v;
      } else if (w === 'dev') {
        if (vip.dev !== undefined) { a.error(`Cannot specify ipaddress device more than once for ${text}`); return undefined; }
        vip.dev = v;
      } else if (w === 'scope') {
        if (SCOPE_NAMES.has(v) || /^\d+$/.test(v)) vip.scope = v;
        else a.error(`Invalid scope '${v}' specified for ${text} - ignoring`);
      } else if (w === 'label') {
        if (Buffer.byteLength(v) >= 16) { a.error(`Address label ${v} is longer than maximum length 15 - removing address`); return undefined; }
        vip.label = v;
      } else if (w === 'peer') {
        if (vip.peer !== undefined) { a.error(`Peer ${v} - another peer has already been specified`); continue; }
        const pf = ipFamily(v);
        if (!pf) a.error(`Invalid peer address ${v}`);
        else if (pf !== p.family) a.error(`Peer address ${v} does not match address family`);
        else {
          if (vip.prefixLen !== full) a.error('Cannot specify address prefix when specifying peer address - ignoring');
          vip.peer = v;
          vip.prefixLen = full;
        }
      } else if (w === 'preferred_lft') {
        if (v === 'forever' || (/^\d+$/.test(v) && Number(v) <= 0xffffffff)) vip.options.push(w, v);
        else a.error(`preferred_lft ${v} is invalid`);
      } else vip.options.push(w, v);
    } else if (w === 'no_track') vip.noTrack = true;
    else if (VIP_FLAGS.has(w)) vip.options.push(w);
    else a.error(`Unknown configuration entry '${w}' for ip address - ignoring`);
  }
  if (vip.brd !== undefined && vip.peer !== undefined) {
    a.error('Cannot specify broadcast and peer addresses - ignoring broadcast address');
    delete vip.brd;
  } else if ((vip.brd === '+' || vip.brd === '-') && vip.prefixLen > 30) {
    a.error(`Address prefix length ${vip.prefixLen} too long for broadcast`);
    delete vip.brd;
  }
  if (p.family === 'inet6') {
    if (vip.scope !== undefined) { a.error(`Cannot specify scope for IPv6 addresses (${text}) - ignoring scope`); delete vip.scope; }
    if (vip.label !== undefined) { a.error(`Cannot specify label for IPv6 addresses (${text}) - ignoring label`); delete vip.label; }
  }
  if (vip.dev !== undefined && a.interfaces && !a.interfaces.has(vip.dev)) {
    a.error(`WARNING - interface ${vip.dev} for ip address ${text} doesn't exist`);
    a.markMissingInterface();
  }
  void defaultDev;
  return vip;
}

function vipBlock(name: string, field: 'virtualIpaddress' | 'virtualIpaddressExcluded', prio: 'P0' | 'P1'): KeywordDef<ViCtx> {
  return {
    name, priority: prio, block: 'lines',
    item: (c, a) => {
      const v = parseVip(a, 'VRRP', c.vi.interface);
      if (!v) return;
      // keepalived 2.2.7: excluded VIPs of either family, and they do not set the instance's family.
      if (field === 'virtualIpaddressExcluded') { c.vi[field].push(v); return; }
      if (!c.familySet) {
        c.familySet = true; c.vi.family = v.family;
        if (v.family === 'inet6') { c.vi.version = 3; c.v6At = a.pos(0); if (c.v2At) v2v6Note(c, a); }
      }
      else if (v.family !== c.vi.family) { a.error(`(${c.vi.name}): address family must match VRRP instance [${a.opt(0)}] - ignoring`); return; }
      c.vi[field].push(v);
    },
  };
}

function trackBlock(name: string, field: 'trackScript' | 'trackInterface' | 'trackFile' | 'trackProcess', what: string, min: number, max: number, prio: 'P0' | 'P1'): KeywordDef<ViCtx> {
  return {
    name, priority: prio, block: 'lines',
    item: (c, a) => {
      if (field === 'trackScript') {
        // keepalived resolves track_script entries at the end: weight errors only for scripts that exist
        const w = a.words.findIndex((x) => x.text === 'weight');
        const ref: TrackRef = { name: a.need(0), weight: 0, reverse: a.words.some((x) => x.text === 'reverse'), pos: a.pos(0) };
        if (w > 0) { trackScriptWeightText.set(ref, a.opt(w + 1) ?? ''); }
        c.vi.trackScript.push(ref);
        return;
      }
      if (field === 'trackInterface') {
        const w = a.words.findIndex((x) => x.text === 'weight');
        const t = w > 0 ? a.opt(w + 1) : undefined;
        if (t !== undefined) {
          const v = readInt(a, t, -254, 254);
          if (v === undefined || v < -253 || v > 253) {
            a.error(`(${c.vi.name}) weight ${t} for ${a.need(0)} must be between [-253..253] inclusive. Ignoring...`);
            if (a.interfaces && !a.interfaces.has(a.need(0))) { a.error(`(${c.vi.name}) tracked interface ${a.need(0)} doesn't exist`); a.markMissingInterface(); return; }
            c.vi.trackInterface.push({ name: a.need(0), weight: 0, reverse: false, pos: a.pos(0) });
            return;
          }
        }
      }
      const t: TrackRef | undefined = trackRef(a, min, max, what, c.vi.name);
      if (!t) return;
      if (field === 'trackInterface' && a.interfaces && !a.interfaces.has(t.name)) {
        a.error(`(${c.vi.name}) tracked interface ${t.name} doesn't exist`);
        a.markMissingInterface();
        return;
      }
      c.vi[field].push(t);
    },
  };
}

const notify = (name: string, field: 'notifyMaster' | 'notifyBackup' | 'notifyFault' | 'notifyStop' | 'notify' | 'notifyMasterRxLowerPri', prio: 'P0' | 'P1' | 'P2' = 'P0'): KeywordDef<ViCtx> => ({
  name, priority: prio, args: ['script'],
  handle: (c, a) => {
    if (c.vi[field]) { a.error(`(${c.vi.name}) ${name} script already specified - ignoring ${rest(a.words, 1).join(' ')}`); return; }
    c.vi[field] = scriptSpec(a);
  },
});

export const authTable = table('authentication', [
  {
    name: 'auth_type', priority: 'P0', args: ['word'],
    handle: (c: ViCtx, a) => {
      const t = a.need(1);
      if (t === 'AH') a.notImplemented('auth_type AH', 'IPsec AH authentication is not implemented (adverts carry auth type 2 without an AH header)');
      if (t === 'PASS' || t === 'AH') c.vi.authentication = { ...(c.vi.authentication ?? {}), type: t };
      else a.error(`(${c.vi.name}) unknown authentication type '${t}'`);
    },
  },
  {
    name: 'auth_pass', priority: 'P0', args: ['string'],
    handle: (c: ViCtx, a) => {
      let p = a.need(1);
      if (p.length > 8) { a.error('Truncating auth_pass to 8 characters'); p = p.slice(0, 8); }
      c.vi.authentication = { type: c.vi.authentication?.type ?? ('' as 'PASS'), pass: p };
    },
  },
]);

export const vrrpInstanceTable = table('vrrp_instance', ([
  {
    name: 'state', priority: 'P0', args: ['word'],
    handle: (c: ViCtx, a) => {
      const s = a.need(1);
      c.stateSet = true;
      if (s === 'MASTER' || s === 'BACKUP') c.vi.state = s;
      else { a.error(`(${c.vi.name}) unknown state '${s}', defaulting to BACKUP`); c.vi.state = 'BACKUP'; }
    },
  },
  {
    name: 'interface', priority: 'P0', args: ['ifname'],
    handle: (c: ViCtx, a) => {
      const ifn = a.need(1);
      if (Buffer.byteLength(ifn) >= 16) { a.error(`Interface name '${ifn}' too long - ignoring`); return; }
      if (ifn === 'lo') { a.error(`(${c.vi.name}) cannot use a loopback interface (${ifn}) for vrrp - ignoring`); return; }
      if (a.interfaces && !a.interfaces.has(ifn)) {
        a.error(`WARNING - interface ${ifn} for vrrp_instance ${c.vi.name} doesn't exist`);
        a.markMissingInterface();
      }
      c.vi.interface = ifn;
      c.vi.interfacePos = a.pos(0);
    },
  },
  {
    name: 'virtual_router_id', priority: 'P0', args: ['uint'],
    handle: (c: ViCtx, a) => {
      const v = readNum(a, { kind: 'uint', min: 1, max: 255, msg: (t) => `(${c.vi.name}): VRID '${t}' not valid - must be between 1 & 255` });
      if (v !== undefined) c.vi.virtualRouterId = v;
    },
  },
  {
    name: 'priority', priority: 'P0', args: ['uint'], default: 100,
    handle: (c: ViCtx, a) => {
      const v = readNum(a, { kind: 'uint', min: 1, max: 255, msg: () => `(${c.vi.name}) Priority not valid! must be between 1 & 255. Using default 100` });
      c.vi.priority = v ?? 100;
      c.prioritySet = true;
    },
  },
  {
    name: 'advert_int', priority: 'P0', args: ['timer'], default: 1,
    handle: (c: ViCtx, a) => {
      const t = a.need(1);
      const v = readDecimal(a, t, 0.01, 255);
      if (v === undefined || v <= 0) { a.error(`(${c.vi.name}) Advert interval (${t}) not valid! Must be > 0 - ignoring`); return; }
      c.vi.advertInt = v;
    },
  },
  { name: 'authentication', priority: 'P0', block: 'keywords', table: authTable },
  vipBlock('virtual_ipaddress', 'virtualIpaddress', 'P0'),
  vipBlock('virtual_ipaddress_excluded', 'virtualIpaddressExcluded', 'P1'),
  { name: 'virtual_routes', priority: 'P1', block: 'lines', item: (c: ViCtx, a) => { const r = parseRouteLine(a, { allowTrackGroup: false, dynamicInterfaces: c.cfg.global.dynamicInterfaces }); if (r) c.vi.virtualRoutes.push(r); } },
  { name: 'virtual_rules', priority: 'P1', block: 'lines', item: (c: ViCtx, a) => { const r = parseRuleLine(a, c.rules, { allowTrackGroup: false, dynamicInterfaces: c.cfg.global.dynamicInterfaces }); if (r) c.vi.virtualRules.push(r); } },
  trackBlock('track_script', 'trackScript', 'script', -253, 253, 'P0'),
  trackBlock('track_interface', 'trackInterface', 'interface', -254, 254, 'P0'),
  trackBlock('track_file', 'trackFile', 'file', -254, 254, 'P1'),
  { name: 'track_process', priority: 'P1', block: 'lines', item: (c: ViCtx, a) => trackProcessRef(a, c.vi.name, c.cfg.trackProcesses, c.vi.trackProcess) },
  { name: 'track_bfd', priority: 'P2', block: 'lines', item: (c: ViCtx, a) => { (c.vi.extra['track_bfd'] ??= []).push(...rest(a.words, 0)); } },
  flag<ViCtx>('nopreempt', (c) => { c.vi.nopreempt = true; }, 'P0'),
  flag<ViCtx>('preempt', (c) => { c.vi.nopreempt = false; }, 'P0'),
  {
    name: 'preempt_delay', priority: 'P1', args: ['timer'],
    handle: (c: ViCtx, a) => {
      const t = a.need(1);
      const v = readDecimal(a, t, 0, 1000);
      if (v === undefined) { a.error(`(${c.vi.name}) Preempt_delay not valid! must be between 0-1000`); return; }
      c.vi.preemptDelay = v;
    },
  },
  notify('notify_master', 'notifyMaster'), notify('notify_backup', 'notifyBackup'), notify('notify_fault', 'notifyFault'),
  notify('notify_stop', 'notifyStop', 'P1'), notify('notify', 'notify'), notify('notify_master_rx_lower_pri', 'notifyMasterRxLowerPri', 'P1'),
  bool<ViCtx>('smtp_alert', (c, v) => { c.vi.smtpAlert = v; }, 'P0', undefined, (t) => `Invalid vrrp_instance smtp_alert parameter ${t}`),
  {
    name: 'unicast_src_ip', aliases: ['mcast_src_ip'], priority: 'P0', args: ['ip'],
    handle: (c: ViCtx, a) => {
      const ip = a.need(1);
      if (a.words[0]!.text === 'unicast_src_ip') unicastKeyword.add(c.vi);
      if (!ipFamily(ip)) { a.error(`Configuration error: VRRP instance[${c.vi.name}] malformed src address[${ip}]. Skipping...`); return; }
      c.vi.unicastSrcIp = ip;
    },
  },
  {
    name: 'unicast_peer', priority: 'P0', block: 'lines',
    item: (c: ViCtx, a) => {
      const ip = a.need(0);
      if (!ipFamily(ip)) { a.error(`Configuration error: VRRP instance[${c.vi.name}] malformed unicast peer address[${ip}]. Skipping...`); return; }
      const p: VrrpInstance['unicastPeer'][number] = { address: ip };
      for (let i = 1; i < a.size; i += 2) {
        const k = a.opt(i)!; const v = a.opt(i + 1);
        if ((k === 'min_ttl' || k === 'max_ttl') && v !== undefined) {
          const n = readUnsigned(a, v, 0, 255);
          if (n === undefined) continue; // 2.2.7 says nothing
          if (k === 'min_ttl') p.minTtl = n; else p.maxTtl = n;
        } else a.error(`(${c.vi.name}) unknown unicast_peer option ${k} - ignoring`);
      }
      c.vi.unicastPeer.push(p);
    },
  },
  {
    name: 'unicast_ttl', priority: 'P1', args: ['uint'],
    handle: (c: ViCtx, a) => {
      const v = readNum(a, { kind: 'uint', min: 0, max: 255, msg: (t) => `(${c.vi.name}): TTL '${t}' not valid - must be between 0 & 255` });
      if (v !== undefined) c.vi.unicastTtl = v;
    },
  },
  ...instanceGarpKeywords<ViCtx>(),
  {
    name: 'version', priority: 'P1', args: ['uint'],
    handle: (c: ViCtx, a) => {
      const v = readNum(a, { kind: 'uint', min: 2, max: 3, msg: () => `(${c.vi.name}): Version must be either 2 or 3` });
      if (v === 2) { c.v2At = a.pos(0); if (c.v6At) { v2v6Note(c, a); return; } }
      if (v === 2 || v === 3) c.vi.version = v;
    },
  },
  {
    name: 'use_vmac', priority: 'P1', args: ['word', 'word'],
    handle: (c: ViCtx, a) => {
      const u: NonNullable<VrrpInstance['useVmac']> = {};
      for (let i = 1; i < a.size; i++) {
        const w = a.opt(i)!;
        if (/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(w)) {
          if (/^00:00:5e:00:0[12]:/i.test(w)) { a.error(`VMAC MAC address not allowed to be RFC5798 address (${w}) - ignoring`); continue; }
          u.mac = w;
        }
        else if (w === 'netlink_notify_msg') continue;
        else if (w === 'group') i++;
        else u.name = w;
      }
      c.vi.useVmac = u;
    },
  },
  flag<ViCtx>('vmac_xmit_base', (c) => { c.vi.vmacXmitBase = true; }),
  flag<ViCtx>('dont_track_primary', (c) => { c.vi.dontTrackPrimary = true; }),
  flag<ViCtx>('native_ipv6', (c, a) => {
    if (c.familySet && c.vi.family === 'inet') { a.error(`(${c.vi.name}) Cannot specify native_ipv6 with IPv4 addresses`); return; }
    c.vi.nativeIpv6 = true; c.vi.family = 'inet6'; c.familySet = true; c.vi.version = 3;
  }),
  flag<ViCtx>('accept', (c) => { c.vi.accept = true; }),
  flag<ViCtx>('no_accept', (c) => { c.vi.accept = false; }),
  {
    name: 'strict_mode', priority: 'P1', args: ['bool'],
    handle: (c: ViCtx, a) => {
      const t = a.opt(1);
      const v = t === undefined ? true : parseBool(t);
      // an invalid value leaves it unset (global_defs' vrrp_strict applies)
      if (v === undefined) { a.error(`(${c.vi.name}) invalid strict_mode ${t} specified`); givenKeywords.get(c.vi)?.delete('strict_mode'); return; }
      c.vi.strictMode = v;
    },
  },
  bool<ViCtx>('skip_check_adv_addr', (c, v) => { c.vi.skipCheckAdvAddr = v; }),
  // check_unicast_src, unicast_fault_no_peer and old_unicast_checksum make the instance a unicast one
  // (closeInstance: UNICAST_KEYWORDS), with or without a valid value
  flag<ViCtx>('check_unicast_src', (c) => { c.vi.checkUnicastSrc = true; }),
  flag<ViCtx>('unicast_fault_no_peer', (c) => { c.vi.unicastFaultNoPeer = true; }),
  {
    name: 'old_unicast_checksum', priority: 'P1', args: ['word'],
    handle: (c: ViCtx, a) => {
      const m = a.opt(1);
      if (m === undefined) c.vi.oldUnicastChecksum = 'config';
      else if (m === 'never') c.vi.oldUnicastChecksum = 'never';
      else a.error(`(${c.vi.name}) Unknown old_unicast_chksum mode ${m} - ignoring`);
    },
  },
  {
    // keepalived 2.2.7: a well-formed address sets the instance's family even when it is then refused;
    // a refused address also clears an earlier one
    name: 'mcast_dst_ip', priority: 'P1', args: ['ip'],
    handle: (c: ViCtx, a) => {
      const ip = a.need(1);
      const fam = ipFamily(ip);
      if (!fam) { a.error(`(${c.vi.name}) malformed mcast dest address ${ip}. Skipping...`); return; }
      delete c.vi.mcastDstIp;
      if (!c.familySet) { c.familySet = true; c.vi.family = fam; if (fam === 'inet6') c.vi.version = 3; }
      else if (fam !== c.vi.family) { a.error(`(${c.vi.name}) mcast dest address ${ip} MUST match VRRP instance family. Skipping...`); return; }
      const multicast = fam === 'inet' ? /^2(2[4-9]|3\d)\./.test(ip) : /^ff[0-9a-f]2:/i.test(ip);
      if (!multicast) { a.error(`(${c.vi.name}) mcast_dst_ip ${ip} not${fam === 'inet6' ? ' link-local' : ''} multicast. Skipping...`); return; }
      c.vi.mcastDstIp = ip;
    },
  },
  {
    name: 'down_timer_adverts', priority: 'P1', args: ['uint'],
    handle: (c: ViCtx, a) => {
      const v = readNum(a, { kind: 'uint', min: 1, max: 100, msg: (t) => `(${c.vi.name}): Invalid down_timer_adverts [1:100] '${t}'` });
      if (v !== undefined) c.vi.downTimerAdverts = v;
    },
  },
  {
    name: 'notify_priority_changes', priority: 'P1', args: ['bool'],
    handle: (c: ViCtx, a) => {
      const t = a.opt(1);
      const v = t === undefined ? true : parseBool(t);
      if (v === undefined) { a.error(`(${c.vi.name}) Invalid value '${t}' for notify_priority_changes specified`); return; }
      c.vi.notifyPriorityChanges = v;
    },
  },
  {
    name: 'notify_deleted', priority: 'P1', args: ['script'],
    handle: (c: ViCtx, a) => {
      if (c.vi.notifyDeleted) { a.error(`(${c.vi.name}) notify_deleted already specified - ignoring ${a.opt(1) ?? ''}`); return; }
      c.vi.notifyDeleted = a.size > 1 ? { script: scriptSpec(a) } : {};
    },
  },
  flag<ViCtx>('promote_secondaries', (c) => { c.vi.promoteSecondaries = true; }),
  bool<ViCtx>('lower_prio_no_advert', (c, v) => { c.vi.lowerPrioNoAdvert = v; }),
  bool<ViCtx>('higher_prio_send_advert', (c, v) => { c.vi.higherPrioSendAdvert = v; }),
  lvsSyncDaemonInterfaceKeyword,
  {
    name: 'debug', priority: 'P1', args: ['uint'],
    handle: (c: ViCtx, a) => { const v = readNum(a, { kind: 'uint', min: 0, max: 4, msg: (t) => `(${c.vi.name}) Debug value '${t}' not valid; must be between 0-4` }); if (v !== undefined) c.vi.debug = v; },
  },
  ...linkInstanceKeywords,
  ...ipvlanVrfKeywords,
] as KeywordDef<ViCtx>[]).map(recordGiven));

/** Our note (keepalived silently uses v3): VRRP v2 cannot carry IPv6, naming both places. */
function v2v6Note(c: ViCtx, a: KwArgs): void {
  const at = (p?: SourcePos): string => (p ? `${p.file}:${p.line}:${p.col}` : '?');
  a.info(`(${c.vi.name}) version 2 (${at(c.v2At)}) cannot be used with IPv6 addresses (${at(c.v6At)}) - VRRP version 3 is used`, 'KPB_V2_IPV6');
}

/** IPv6 instances that were given `version 2` (keepalived's strict mode says so and uses 3). */
export const v2WithIpv6 = new WeakSet<VrrpInstance>();

/** The keywords that make keepalived treat an instance as configured for unicast. */
const UNICAST_KEYWORDS = ['unicast_peer', 'check_unicast_src', 'old_unicast_checksum', 'unicast_fault_no_peer'];

/** End of a vrrp_instance block: defaults that depend on other keywords. */
export function closeInstance(c: ViCtx, a: KwArgs): void {
  const vi = c.vi;
  const given = keywordsGiven(vi);
  if (c.v2At && vi.family === 'inet6') v2WithIpv6.add(vi);
  if (UNICAST_KEYWORDS.some((k) => given.has(k))) unicastKeyword.add(vi);
  // keepalived's end of a vrrp_instance block (vrrp_end_handler)
  // (an interface that does not exist counts as none, as 2.2.7's NULL ifp)
  const noIf = vi.interface === undefined || (a.interfaces !== undefined && !a.interfaces.has(vi.interface));
  if (unicastKeyword.has(vi) && (vi.useVmac || vi.useIpvlan) && noIf) {
    a.error(`(${vi.name}): Cannot use VMAC/ipvlan with unicast and no interface - clearing use_vmac`);
    delete vi.useVmac;
    delete vi.useIpvlan;
  } else if (unicastKeyword.has(vi) && (vi.useVmac || vi.useIpvlan) && !vi.vmacXmitBase) {
    a.error(`(${vi.name}) unicast with use_vmac requires vmac_xmit_base - setting`);
    vi.vmacXmitBase = true;
  }
  if (vi.unicastPeer.length === 0 && vi.unicastTtl !== undefined) {
    a.error(`(${vi.name}): Cannot use unicast_ttl without unicast peers - resetting`);
    delete vi.unicastTtl;
  }
  // No priority: an instance that wants MASTER is the address owner (255), otherwise 100.
  if (!c.prioritySet && c.stateSet && c.vi.state === 'MASTER') c.vi.priority = 255;
  if (!c.stateSet) c.vi.state = c.vi.priority === 255 ? 'MASTER' : 'BACKUP';
}
