// Link-level VRRP keywords (keepalived/vrrp/vrrp_parser.c, core/global_parser.c of 2.2.7): the
// top-level garp_group, linkbeat_interfaces, interface_up_down_delays and linkbeat_use_polling,
// the global extra-GARP, VMAC-prefix, IGMP, unknown-VRID and receive-buffer settings, and the
// instance's garp_extra_if, use_vmac_addr, track_src_ip, kernel_rx_buf_size, linkbeat_use_polling.
// Messages and their quirks are 2.2.7's, checked with its -t (test/unit/parser/links.test.ts).
import type { GarpExtraIf, GarpGroup, GlobalDefs, KeepalivedConfig, LinkbeatInterface } from '../../config/model.js';
import type { KeywordDef, KwArgs } from '../schema.js';
import { table } from '../schema.js';
import { readUnsigned } from '../values.js';
import { flag } from './common.js';
import type { ViCtx } from './vrrp-instance.js';

/** Microseconds per second (keepalived's TIMER_HZ). */
const HZ = 1_000_000;

/**
 * read_decimal_unsigned_*_func with ignore_error set, as keepalived 2.2.7 reads garp_group and
 * up/down delay times: seconds with up to 6 decimals, in microseconds. An invalid number is reported
 * and still used for what strtoull makes of it with the decimals shifted in ("x" -> 0, "1x" -> 1 us)
 * when that is in range; a value out of range is reported and refused.
 */
export function readLenientMicros(a: KwArgs, text: string, minUs: number, maxUs: number): number | undefined {
  if (text.startsWith('-')) { a.error(`negative number '${text}'`); return undefined; }
  const dot = text.indexOf('.');
  let decimals = dot >= 0 ? text.length - dot - 1 : 0;
  let roundUp = false;
  if (decimals > 6) {
    a.error(`number '${text}' has too many decimal places`);
    roundUp = (text[dot + 7] ?? '0') >= '5';
    decimals = 6;
  }
  const shifted = (dot >= 0 ? text.slice(0, dot) + text.slice(dot + 1, dot + 1 + decimals) : text) + '0'.repeat(6 - decimals);
  const lead = /^\s*\+?\d*/.exec(shifted)![0].replace(/[\s+]/g, '');
  const val = Number(lead || '0') + (roundUp ? 1 : 0);
  const fmt = (us: number): string => `${Math.floor(us / HZ)}.${String(us % HZ).padStart(6, '0')}`;
  if (!/^\s*\+?\d+$/.test(shifted)) a.error(`invalid number '${text}'`);
  else if (val < minUs || val > maxUs) { a.error(`number '${text}' outside range [${fmt(minUs)}, ${fmt(maxUs)}]`); return undefined; }
  else return val;
  return val >= minUs && val <= maxUs ? val : undefined;
}

// ------------------------------------------------------------------------------------------------
// garp_group { garp_interval T; gna_interval T; interface IF; interfaces { IF ... } }

interface GarpCtx { g: GarpGroup; cfg: KeepalivedConfig; hasGarp: boolean; hasGna: boolean }

/** The group an interface already belongs to, if any. */
function groupOf(cfg: KeepalivedConfig, ifname: string): GarpGroup | undefined {
  return (cfg.garpGroups ?? []).find((g) => g.interfaces.includes(ifname));
}

function garpInterval(which: 'garp' | 'gna'): KeywordDef<GarpCtx> {
  const name = `${which}_interval`;
  return {
    name, priority: 'P1', args: ['timer'],
    handle: (c, a) => {
      const t = a.need(1);
      const us = readLenientMicros(a, t, 0, 2147483647);
      if (us === undefined) { a.error(`garp_group ${name} '${t}' invalid`); return; }
      if (which === 'garp') { c.g.garpInterval = us / HZ; c.hasGarp = true; } else { c.g.gnaInterval = us / HZ; c.hasGna = true; }
    },
  };
}

/** Adds one interface to the group unless it is missing or already in a group (`shown`: the name in that message). */
function joinGroup(c: GarpCtx, a: KwArgs, ifname: string, shown: string): void {
  if (a.interfaces && !a.interfaces.has(ifname) && !c.cfg.global.dynamicInterfaces) {
    a.error(`WARNING - interface ${ifname} specified for garp_group doesn't exist`);
    a.markMissingInterface();
    return;
  }
  if (groupOf(c.cfg, ifname)) { a.error(`garp_group already specified for ${shown} - ignoring`); return; }
  c.g.interfaces.push(ifname);
}

const garpGroupTable = table('garp_group', [
  garpInterval('garp'),
  garpInterval('gna'),
  { name: 'interface', priority: 'P1', args: ['ifname'], handle: (c: GarpCtx, a) => { const n = a.need(1); joinGroup(c, a, n, n); } },
  {
    // read_value_block: every word of the block; the checks run when it closes (its '}' line).
    name: 'interfaces', priority: 'P1', block: 'words',
    handle: (c: GarpCtx) => {
      c.g.aggregationGroup = 1 + (c.cfg.garpGroups ?? []).filter((g) => g !== c.g && g.aggregationGroup).length;
      return { c, names: [] as string[] };
    },
    item: (x: { names: string[] }, a: KwArgs) => { x.names.push(a.words[0]!.text); },
    close: (x: { c: GarpCtx; names: string[] }, a: KwArgs) => {
      if (x.names.length === 0) { a.error('Warning - empty garp_group interfaces block'); return; }
      // 2.2.7 names the block's second word in "already specified" whichever interface it is
      for (const n of x.names) joinGroup(x.c, a, n, x.names[1] ?? '(null)');
    },
  },
]);

// ------------------------------------------------------------------------------------------------
// top level

const LB_TYPES = new Set(['MII', 'ETHTOOL', 'IOCTL']);

/** An interface named in a top-level link block that must exist (fatal in 2.2.7's -t when it does not). */
function knownInterface(a: KwArgs, cfg: KeepalivedConfig, ifname: string, what: string): boolean {
  if (!a.interfaces || a.interfaces.has(ifname) || cfg.global.dynamicInterfaces) return true;
  a.error(`unknown interface ${ifname} specified for ${what}`, 'fatal', 'KA_CFG_UNKNOWN_INTERFACE');
  return false;
}

type Top = { cfg: KeepalivedConfig };

export const linkTopKeywords: KeywordDef<Top>[] = [
  {
    name: 'garp_group', priority: 'P1', block: 'keywords', table: garpGroupTable,
    handle: (c: Top, a): GarpCtx => {
      const g: GarpGroup = { interfaces: [], pos: a.pos(0) };
      (c.cfg.garpGroups ??= []).push(g);
      return { g, cfg: c.cfg, hasGarp: false, hasGna: false };
    },
    close: (x: GarpCtx, a: KwArgs) => {
      if (x.hasGarp || x.hasGna) return;
      a.error(`garp group ${x.g.aggregationGroup ?? 0} does not have any delay set - removing`);
      x.cfg.garpGroups = x.cfg.garpGroups!.filter((g) => g !== x.g);
    },
  },
  {
    name: 'linkbeat_interfaces', priority: 'P1', block: 'lines',
    item: (c: Top, a: KwArgs) => {
      const name = a.words[0]!.text;
      if (!knownInterface(a, c.cfg, name, 'linkbeat interface')) return;
      const e: LinkbeatInterface = { name, pos: a.pos(0) };
      const t = a.opt(1);
      if (t !== undefined) {
        if (LB_TYPES.has(t)) e.type = t as LinkbeatInterface['type'];
        if (!LB_TYPES.has(t) || a.size > 2) a.error(`extra characters ${t} in linkbeat interface`);
      }
      const list = (c.cfg.linkbeatInterfaces ??= []);
      const i = list.findIndex((x) => x.name === name);
      if (i >= 0) list[i] = e; else list.push(e);
    },
  },
  {
    name: 'interface_up_down_delays', priority: 'P1', block: 'lines',
    item: (c: Top, a: KwArgs) => {
      const name = a.words[0]!.text;
      if (!knownInterface(a, c.cfg, name, 'up/down delay')) return;
      // 2.2.7 logs (not a config error) a missing or extra time; an invalid one leaves the line out
      if (a.size < 2) return;
      const down = readLenientMicros(a, a.words[1]!.text, 0, 255 * HZ);
      if (down === undefined) return;
      const up = a.size === 2 ? 0 : readLenientMicros(a, a.words[2]!.text, 0, 255 * HZ);
      if (up === undefined) return;
      const list = (c.cfg.interfaceUpDownDelays ??= []);
      const e = { name, downUs: down, upUs: up, pos: a.pos(0) };
      const i = list.findIndex((x) => x.name === name);
      if (i >= 0) list[i] = e; else list.push(e);
    },
  },
  flag<Top>('linkbeat_use_polling', (c) => { c.cfg.linkbeatUsePolling = true; }),
];

// ------------------------------------------------------------------------------------------------
// global_defs

/**
 * vrrp_garp_extra_if / garp_extra_if: `[all] N` in any order (the last number wins). `all` counts
 * as soon as it is read, even on a line whose time is then refused (as 2.2.7 sets its flag).
 */
function readExtraIf(a: KwArgs, min: number, prev: GarpExtraIf | undefined, bad: (t: string) => string,
    noTime: string): GarpExtraIf | undefined {
  let all = prev?.all ?? false;
  let delay: number | undefined;
  let failed = false;
  for (let i = 1; i < a.size && !failed; i++) {
    const t = a.words[i]!.text;
    if (t === 'all') { all = true; continue; }
    const v = readUnsigned(a, t, min, 86400);
    if (v === undefined) { a.error(bad(t)); failed = true; } else delay = v;
  }
  // the global form has no time at 0 (its minimum is 1 anyway)
  if (!failed && (delay === undefined || (min === 1 && delay === 0))) a.error(noTime);
  if (failed || delay === undefined || (min === 1 && delay === 0)) return all !== (prev?.all ?? false)
    ? { intervalS: prev?.intervalS ?? 0, all } : prev;
  return { intervalS: delay, all };
}

type G = GlobalDefs;

function rxBufsPolicy(g: G, a: KwArgs): void {
  if (a.size < 2) { a.error('vrrp_rx_bufs_policy missing'); return; }
  let mtu = false, advert = false, size: number | undefined;
  const prev = g.vrrpRxBufsPolicy;
  if (prev?.kind === 'mtu') mtu = true; else if (prev?.kind === 'advert') advert = true; else if (prev?.kind === 'size') size = prev.bytes;
  for (let i = 1; i < a.size; i++) {
    const t = a.words[i]!.text;
    if (t.toUpperCase() === 'MTU') mtu = true;
    else if (t.toUpperCase() === 'ADVERT') advert = true;
    else {
      // 2.2.7 reads word 1 for a size, whichever word this is
      const v = readUnsigned(a, a.words[1]!.text, 0, 4294967295);
      if (v === undefined) a.error(`Invalid vrrp_rx_bufs_policy ${t}`); else size = v;
    }
  }
  if (size !== undefined && (mtu || advert)) { a.error('Cannot set vrrp_rx_bufs_policy size and policy, ignoring policy'); mtu = advert = false; }
  else if (mtu && advert) { a.error('Cannot set both vrrp_rx_bufs_policy MTU and ADVERT, ignoring ADVERT'); advert = false; }
  g.vrrpRxBufsPolicy = size !== undefined ? { kind: 'size', bytes: size } : mtu ? { kind: 'mtu' } : advert ? { kind: 'advert' } : g.vrrpRxBufsPolicy;
}

const IGMP_SYSCTL = '/proc/sys/net/ipv4/igmp_link_local_mcast_reports';

export const linkGlobalKeywords: KeywordDef<G>[] = [
  {
    name: 'vrrp_garp_extra_if', aliases: ['vrrp_vmac_garp_intvl'], priority: 'P1', args: ['rest'],
    handle: (g: G, a) => {
      const kw = a.words[0]!.text;
      if (kw === 'vrrp_vmac_garp_intvl') a.error('Keyword "vrrp_vmac_garp_intvl" is deprecated - please use "vrrp_garp_extra_if"');
      const v = readExtraIf(a, 1, g.vrrpGarpExtraIf, (t) => `${kw} '${t}' invalid - ignoring`, `${kw} specified without time - ignoring`);
      if (v) g.vrrpGarpExtraIf = v;
    },
  },
  {
    name: 'vmac_prefix', priority: 'P1', args: ['string'],
    handle: (g: G, a) => {
      const p = a.need(1);
      if (g.vmacPrefix !== undefined) { a.error(`vmac prefix has already been specified - ignoring ${p}`); return; }
      g.vmacPrefix = p;
    },
  },
  {
    name: 'vmac_addr_prefix', priority: 'P1', args: ['string'],
    handle: (g: G, a) => {
      const p = a.need(1);
      if (g.vmacAddrPrefix !== undefined) { a.error(`vmac_addr prefix has already been specified - ignoring ${p}`); return; }
      g.vmacAddrPrefix = p;
    },
  },
  flag<G>('disable_local_igmp', (g, a) => {
    if (!a.host.files.writable(IGMP_SYSCTL)) { a.error(`kernel does not support ${IGMP_SYSCTL}`); return; }
    g.disableLocalIgmp = true;
  }),
  flag<G>('log_unknown_vrids', (g) => { g.logUnknownVrids = true; }),
  { name: 'vrrp_rx_bufs_policy', priority: 'P1', args: ['rest'], handle: rxBufsPolicy },
  {
    name: 'vrrp_rx_bufs_multiplier', priority: 'P1', args: ['uint'],
    handle: (g: G, a) => {
      if (a.size !== 2) { a.error('Invalid vrrp_rx_bufs_multiplier'); return; }
      const v = readUnsigned(a, a.words[1]!.text, 1, 4294967295);
      if (v === undefined) a.error(`Invalid vrrp_rx_bufs_multiplier ${a.words[1]!.text}`); else g.vrrpRxBufsMultiplier = v;
    },
  },
];

// ------------------------------------------------------------------------------------------------
// vrrp_instance

export const linkInstanceKeywords: KeywordDef<ViCtx>[] = [
  {
    name: 'garp_extra_if', aliases: ['vmac_garp_intvl'], priority: 'P1', args: ['rest'],
    handle: (c: ViCtx, a) => {
      const kw = a.words[0]!.text;
      if (kw === 'vmac_garp_intvl') a.error('Keyword "vmac_garp_intvl" is deprecated - please use "garp_extra_if"');
      const v = readExtraIf(a, 0, c.vi.garpExtraIf, (t) => `(${c.vi.name}): ${kw} '${t}' invalid - ignoring`, `(${c.vi.name}): ${kw} specified without time - ignoring`);
      if (v) c.vi.garpExtraIf = v;
    },
  },
  flag<ViCtx>('use_vmac_addr', (c) => { c.vi.useVmacAddr = true; }),
  flag<ViCtx>('track_src_ip', (c) => { c.vi.trackSrcIp = true; }),
  {
    name: 'kernel_rx_buf_size', priority: 'P1', args: ['uint'],
    handle: (c: ViCtx, a) => {
      const v = a.size === 2 ? readUnsigned(a, a.words[1]!.text, 0, 4294967295) : undefined;
      if (v === undefined) { a.error(`(${c.vi.name}) invalid kernel_rx_buf_size specified`); return; }
      c.vi.kernelRxBufSize = v;
    },
  },
  flag<ViCtx>('linkbeat_use_polling', (c, a) => {
    c.vi.linkbeatUsePolling = true;
    a.error(`(${c.vi.name}) 'linkbeat_use_polling' in vrrp instance deprecated - use linkbeat_interfaces block`);
  }),
];

export const LINK_TOP_NAMES = linkTopKeywords.map((k) => k.name);
export const LINK_GLOBAL_NAMES = linkGlobalKeywords.flatMap((k) => [k.name, ...(k.aliases ?? [])]);
export const LINK_INSTANCE_NAMES = linkInstanceKeywords.flatMap((k) => [k.name, ...(k.aliases ?? [])]);
