// global_defs keyword table (keepalived/core/global_parser.c): P0/P1 keywords fill GlobalDefs with
// keepalived's defaults and checks; every other real keyword is P2, kept verbatim in `extra`.
// The set of names is exactly keepalived 2.2.7's (test/corpus/keywords-2.2.7.json, harvested from
// the real binary): HEAD-only keywords (json_version, state_dump_file, ...) are unknown in 2.2.7.
// The only additions are our SMTP extensions (EXTENSION_KEYWORDS, marked `extension` in the table).
import { table, type ArgType, type KeywordDef } from '../schema.js';
import type { GlobalDefs, FifoSpec } from '../../config/model.js';
import { bool, flag, num, p2, str, readNum, scriptSpec } from './common.js';
import { ipFamily, parseBool, readUnsigned } from '../values.js';
import { rest } from '../reader.js';
import { lookupUser } from '../../host/users.js';
import { linkGlobalKeywords } from './links.js';
import { processKeywords } from './process-defs.js';
import { daemonKeywords } from './daemon-defs.js';
import { lvsSyncDaemonKeyword } from './lvs-syncd.js';
import { globalGarpKeywords } from './garp.js';

type G = GlobalDefs;

/** keepalived's DEFAULT_NFTABLES_TABLE and NFT_TABLE_MAXNAMELEN. */
export const NFT_DEFAULT_TABLE = 'keepalived';
const NFT_TABLE_MAXNAMELEN = 256;

export function defaultGlobalDefs(hostname: string): GlobalDefs {
  return {
    routerId: hostname,
    notificationEmail: [],
    notificationEmailFrom: `keepalived@${hostname}`,
    smtpConnectTimeout: 30,
    smtpHeloName: hostname || 'localhost',
    noEmailFaults: false,
    checkerLogAllFailures: false,
    noCheckerEmails: false,
    enableScriptSecurity: false,
    vrrpVersion: 2,
    vrrpStrict: false,
    vrrpSkipCheckAdvAddr: false,
    vrrpCheckUnicastSrc: false,
    vrrpGarpMasterDelay: 5,
    vrrpGarpMasterRepeat: 5,
    vrrpGarpMasterRefresh: 0,
    vrrpGarpMasterRefreshRepeat: 1,
    vrrpGarpInterval: 0,
    vrrpGnaInterval: 0,
    vrrpMinGarp: false,
    vrrpLowerPrioNoAdvert: false,
    vrrpHigherPrioSendAdvert: false,
    vrrpDownTimerAdverts: 3,
    vrrpNotifyPriorityChanges: false,
    fifoWriteVrrpStatesOnReload: false,
    vrrpMcastGroup4: '224.0.0.18',
    vrrpMcastGroup6: 'ff02::12',
    defaultInterface: 'eth0',
    dynamicInterfaces: false,
    vrrpStartupDelay: 0,
    lvsFlush: false,
    lvsFlushOnStop: false,
    jsonVersion: 1,
    childWaitTime: 5,
    extra: {},
  };
}

function fifo(which: 'notifyFifo' | 'vrrpNotifyFifo' | 'lvsNotifyFifo', name: string): KeywordDef<G> {
  return {
    name, priority: 'P1', args: ['string', 'word', 'word'],
    handle: (g, a) => {
      const f: FifoSpec = { path: a.need(1), script: g[which]?.script };
      if (a.opt(2)) f.user = a.opt(2);
      if (a.opt(3)) f.group = a.opt(3)!;
      g[which] = f;
    },
  };
}
function fifoScript(which: 'notifyFifo' | 'vrrpNotifyFifo' | 'lvsNotifyFifo', name: string): KeywordDef<G> {
  return {
    name, priority: 'P1', args: ['script'],
    handle: (g, a) => { const f = g[which] ?? { path: '' }; f.script = scriptSpec(a); g[which] = f; },
  };
}

/** A keyword with an optional true/false word (bare = true); an invalid word is reported and changes nothing. */
function strictBool(name: string, msg: string | ((t: string) => string),
    set: (g: G, v: boolean) => void): KeywordDef<G> {
  return {
    name, priority: 'P1', args: ['bool'],
    handle: (g, a) => {
      const t = a.opt(1);
      const v = t === undefined ? true : parseBool(t);
      if (v === undefined) { a.error(typeof msg === 'string' ? msg : msg(t!)); return; }
      set(g, v);
    },
  };
}

const P2_NAMES = [
  'bfd_priority', 'bfd_no_swap', 'bfd_rt_priority', 'bfd_cpu_affinity', 'bfd_rlimit_rttime', 'bfd_rlimit_rtime',
  'bfd_process_name',
  'nftables_ipvs', 'nftables_ipvs_priority', 'nftables_ipvs_start_fwmark',
  'snmp_socket', 'enable_traps', 'enable_snmp_vrrp', 'enable_snmp_keepalived', 'enable_snmp_rfc',
  'enable_snmp_rfcv2', 'enable_snmp_rfcv3', 'enable_snmp_checker',
  'enable_dbus', 'dbus_service_name', 'include_check',
];

const INCLUDE_CHECKS = new Set(['read', 'match', 'wildcard_match', 'brace_match']);

/** A P2 keyword kept verbatim, after keepalived 2.2.7's parse-time checks of its value. */
function checkedP2(name: string): KeywordDef<G> {
  const keep = p2<G>(name);
  return {
    ...keep,
    handle: (g: G, a) => {
      if (name === 'include_check') {
        for (let i = 1; i < a.size; i++) {
          const w = a.opt(i)!;
          const sign = w[0] === '-' || w[0] === '+';
          if (!sign && i > 1) { a.error(`Duplicate include_check '${w}' specified - ignoring`); continue; }
          if (!INCLUDE_CHECKS.has(sign ? w.slice(1) : w)) a.error(`Unknown include_check type '${sign ? w.slice(1) : w}' - ignoring`);
        }
      }
      keep.handle!(g, a);
    },
  };
}

/**
 * Project extensions beyond keepalived 2.2.7 for the SMTP alerter (src/notify/notifier.ts reads
 * them from global.extra[name] as string arrays, verbatim): smtp_auth_user USER, smtp_auth_pass
 * PASS, smtp_starttls [on|off] (bare = on), smtp_tls_verify [on|off]. keepalived -t rejects them
 * ("Unknown keyword", exit 5), so configs using them are kept out of the differential corpus.
 */
export const EXTENSION_KEYWORDS = ['smtp_auth_user', 'smtp_auth_pass', 'smtp_starttls', 'smtp_tls_verify'] as const;

function extension(name: (typeof EXTENSION_KEYWORDS)[number], args: ArgType[], needArg: boolean): KeywordDef<G> {
  return {
    name, priority: 'P1', args, extension: true,
    handle: (g: G, a) => { if (needArg) a.need(1); g.extra[name] = rest(a.words, 1); },
  };
}

export const globalDefsTable = table('global_defs', [
  {
    name: 'router_id', priority: 'P0', args: ['string'],
    handle: (g: G, a) => { const v = a.opt(1); if (v === undefined) { a.error('routerid name missing - ignoring'); return; } g.routerId = v; },
  },
  {
    name: 'notification_email', priority: 'P0', block: 'words', args: ['none'],
    item: (g: G, a) => { g.notificationEmail.push(a.need(0)); },
  },
  {
    name: 'notification_email_from', priority: 'P0', args: ['string'],
    handle: (g: G, a) => { const v = a.opt(1); if (!v) { a.error('emailfrom missing - ignoring'); return; } g.notificationEmailFrom = v; },
  },
  {
    name: 'smtp_server', priority: 'P0', args: ['ip', 'uint'],
    handle: (g: G, a) => {
      const host = a.need(1);
      let port = 25;
      if (a.opt(2) !== undefined) {
        const p = readUnsigned(a, a.opt(2)!, 1, 65535);
        if (p === undefined) { a.error(`Invalid smtp server ${host} ${a.opt(2)}`); return; }
        port = p;
      }
      g.smtpServer = { host, port };
    },
  },
  num<G>('smtp_connect_timeout', { kind: 'uint', min: 0, max: 4294, default: 30, msg: (t) => `smtp_connect_timeout '${t}' must be in [0, 4294] - ignoring` }, (g, v) => { g.smtpConnectTimeout = v; }, 'P0'),
  str<G>('smtp_helo_name', (g, v) => { g.smtpHeloName = v; }, 'P1'),
  bool<G>('smtp_alert', (g, v) => { g.smtpAlert = v; }),
  bool<G>('smtp_alert_vrrp', (g, v) => { g.smtpAlertVrrp = v; }),
  bool<G>('smtp_alert_checker', (g, v) => { g.smtpAlertChecker = v; }),
  flag<G>('no_email_faults', (g) => { g.noEmailFaults = true; }),
  bool<G>('checker_log_all_failures', (g, v) => { g.checkerLogAllFailures = v; }),
  flag<G>('no_checker_emails', (g) => { g.noCheckerEmails = true; }),
  {
    name: 'script_user', priority: 'P1', args: ['word', 'word'],
    handle: (g: G, a) => {
      const user = a.need(1);
      const grp = a.opt(2);
      const spec = grp === undefined ? { user } : { user, group: grp };
      if (!lookupUser(spec, a.host.users).ok) a.error('Error setting global script uid/gid');
      // Kept even when it does not resolve: then every script without a user of its own fails (2.2.7).
      g.scriptUser = grp ? { user, group: grp } : { user };
    },
  },
  flag<G>('enable_script_security', (g) => { g.enableScriptSecurity = true; }),
  {
    name: 'vrrp_version', priority: 'P1', args: ['uint'], default: 2,
    handle: (g: G, a) => {
      const v = readNum(a, { kind: 'uint', min: 2, max: 3, msg: () => 'VRRP Error: Version must be either 2 or 3' });
      if (v === 2 || v === 3) g.vrrpVersion = v;
    },
  },
  flag<G>('vrrp_strict', (g) => { g.vrrpStrict = true; }),
  {
    name: 'vrrp_iptables', priority: 'P1', args: ['rest'],
    handle: (g: G, a) => {
      // Debian's 2.2.7 is built without iptables support: the nftables table "keepalived" instead
      a.error("iptables not supported, using nftables instead. Please replace 'vrrp_iptables and 'vrrp_ipsets' with 'nftables' config option");
      g.nftables = NFT_DEFAULT_TABLE;
      g.nftablesPriority = -1;
    },
  },
  {
    name: 'nftables', priority: 'P1', args: ['word'],
    handle: (g: G, a) => {
      if (g.nftables !== undefined) { a.error('nftables already specified - ignoring'); return; }
      const name = a.opt(1) ?? NFT_DEFAULT_TABLE;
      if (Buffer.byteLength(name) >= NFT_TABLE_MAXNAMELEN) { a.error('nftables table name too long - ignoring'); return; }
      g.nftables = name;
      g.nftablesPriority = -1;
    },
  },
  num<G>('nftables_priority', { kind: 'int', min: -2147483648, max: 2147483647, msg: (t) => `invalid nftables chain priority '${t}'` }, (g, v) => { g.nftablesPriority = v; }),
  flag<G>('nftables_counters', (g) => { g.nftablesCounters = true; }),
  flag<G>('nftables_ifindex', (g) => { g.nftablesIfindex = true; }),
  flag<G>('vrrp_skip_check_adv_addr', (g) => { g.vrrpSkipCheckAdvAddr = true; }),
  flag<G>('vrrp_check_unicast_src', (g) => { g.vrrpCheckUnicastSrc = true; }),
  ...globalGarpKeywords(),
  // 1 us to UINT_MAX us (keepalived 2.2.7: 0 is invalid)
  num<G>('vrrp_garp_interval', { kind: 'dec', min: 0.000001, max: 4294.967295, msg: (t) => `vrrp_garp_interval '${t}' is invalid` }, (g, v) => { g.vrrpGarpInterval = v; }),
  num<G>('vrrp_gna_interval', { kind: 'dec', min: 0.000001, max: 4294.967295, msg: (t) => `vrrp_gna_interval '${t}' is invalid` }, (g, v) => { g.vrrpGnaInterval = v; }),
  strictBool('vrrp_min_garp', 'Invalid value for vrrp_min_garp specified', (g, v) => {
    // keepalived applies vrrp_min_garp where it stands: GARP settings still at their defaults become
    // one GARP, no refresh, no second burst; a later keyword overrides it again. 'false' changes nothing.
    if (!v) return;
    g.vrrpMinGarp = true;
    if (g.vrrpGarpMasterRepeat === 5) g.vrrpGarpMasterRepeat = 1;
    if (g.vrrpGarpMasterRefreshRepeat === 1) g.vrrpGarpMasterRefreshRepeat = 0;
    if (g.vrrpGarpMasterDelay === 5) g.vrrpGarpMasterDelay = 0;
  }),
  strictBool('vrrp_lower_prio_no_advert', 'Invalid value for vrrp_lower_prio_no_advert specified', (g, v) => { g.vrrpLowerPrioNoAdvert = v; }),
  strictBool('vrrp_higher_prio_send_advert', 'Invalid value for vrrp_higher_prio_send_advert specified', (g, v) => { g.vrrpHigherPrioSendAdvert = v; }),
  num<G>('vrrp_down_timer_adverts', { kind: 'uint', min: 1, max: 100, msg: (t) => `Invalid vrrp_down_timer_adverts [1:100] '${t}'` }, (g, v) => { g.vrrpDownTimerAdverts = v; }),
  strictBool('rs_init_notifies', (t) => `Invalid value '${t}' for global rs_init_notifies specified`, (g, v) => { g.rsInitNotifies = v; }),
  strictBool('vrrp_notify_priority_changes', (t) => `Invalid value '${t}' for global vrrp_notify_priority_changes specified`, (g, v) => { g.vrrpNotifyPriorityChanges = v; }),
  flag<G>('fifo_write_vrrp_states_on_reload', (g) => { g.fifoWriteVrrpStatesOnReload = true; }),
  {
    name: 'vrrp_mcast_group4', priority: 'P1', args: ['ip'], default: '224.0.0.18',
    handle: (g: G, a) => { const v = a.need(1); if (ipFamily(v) !== 'inet') { a.error(`Can't parse vrrp_mcast_group4 [${v}]. Skipping`); return; } g.vrrpMcastGroup4 = v; },
  },
  {
    name: 'vrrp_mcast_group6', priority: 'P1', args: ['ip'], default: 'ff02::12',
    handle: (g: G, a) => { const v = a.need(1); if (ipFamily(v) !== 'inet6') { a.error(`Can't parse vrrp_mcast_group6 [${v}]. Skipping`); return; } g.vrrpMcastGroup6 = v; },
  },
  str<G>('default_interface', (g, v) => { g.defaultInterface = v; }),
  {
    name: 'dynamic_interfaces', priority: 'P1', args: ['word'],
    handle: (g: G, a) => {
      g.dynamicInterfaces = true;
      const o = a.opt(1);
      if (o !== undefined && o !== 'allow_if_changes') a.error(`Unknown dynamic_interfaces option '${o}'`);
    },
  },
  fifo('notifyFifo', 'notify_fifo'), fifoScript('notifyFifo', 'notify_fifo_script'),
  fifo('vrrpNotifyFifo', 'vrrp_notify_fifo'), fifoScript('vrrpNotifyFifo', 'vrrp_notify_fifo_script'),
  fifo('lvsNotifyFifo', 'lvs_notify_fifo'), fifoScript('lvsNotifyFifo', 'lvs_notify_fifo_script'),
  ...processKeywords,
  ...daemonKeywords,
  // keepalived's message names it "date_use_instance"
  {
    name: 'data_use_instance', priority: 'P1', args: ['bool'],
    handle: (g: G, a) => {
      const t = a.opt(1);
      const v = t === undefined ? true : parseBool(t);
      if (v === undefined) { a.error(`Invalid value '${t}' for global date_use_instance specified`); return; }
      g.dataUseInstance = v;
    },
  },
  num<G>('vrrp_startup_delay', { kind: 'dec', min: 0, max: 3600, msg: (t) => `vrrp_startup_delay '${t}' is invalid` }, (g, v) => { g.vrrpStartupDelay = v; }),
  lvsSyncDaemonKeyword,
  flag<G>('lvs_flush', (g) => { g.lvsFlush = true; }),
  { name: 'lvs_flush_on_stop', aliases: ['lvs_flush_onstop'], priority: 'P1', args: ['word'], handle: (g: G) => { g.lvsFlushOnStop = true; } },
  {
    name: 'lvs_timeouts', priority: 'P1', args: ['rest'],
    handle: (g: G, a) => {
      const t: NonNullable<G['lvsTimeouts']> = {};
      for (let i = 1; i < a.size; i += 2) {
        const k = a.opt(i)!; const v = a.opt(i + 1);
        if (v === undefined) { a.error(`No value specified for lvs_timeout ${k} - ignoring`); break; }
        const n = readUnsigned(a, v, 0, 86400 * 31);
        if (n === undefined) { a.error(`Invalid lvs_timeout ${k} (${v}) - ignoring`); continue; }
        if (k === 'tcp') t.tcp = n; else if (k === 'tcpfin') t.tcpfin = n; else if (k === 'udp') t.udp = n;
        else a.error(`Unknown option ${k} specified for lvs_timeouts`);
      }
      g.lvsTimeouts = t;
    },
  },
  ...linkGlobalKeywords,
  ...[...new Set(P2_NAMES)].map((n) => checkedP2(n)),
  extension('smtp_auth_user', ['string'], true),
  extension('smtp_auth_pass', ['string'], true),
  extension('smtp_starttls', ['bool'], false),
  extension('smtp_tls_verify', ['bool'], false),
]);

export function restWords(words: Parameters<typeof rest>[0]): string[] { return rest(words, 1); }
