// lvs_sync_daemon (global_defs) and the deprecated vrrp_instance lvs_sync_daemon_interface, read as
// keepalived 2.2.7 reads them (core/global_parser.c lvs_syncd_handler, vrrp/vrrp_parser.c
// vrrp_lvs_syncd_handler): the options in any order, the old positional form IF INSTANCE SYNCID,
// its messages and ranges (recorded with its -t: test/corpus/configs/err-g-lvs-sync-*.conf).
// 2.2.7 reads global_defs in its parent, before the VRRP process reads the instances, so a global
// lvs_sync_daemon wins over an instance's lvs_sync_daemon_interface wherever either is written;
// resolveSyncdInterfaces() applies that rule once the whole file is read.
import type { KeepalivedConfig, LvsSyncDaemon } from '../../config/model.js';
import type { SourcePos } from '../../common/diagnostic.js';
import type { KeywordDef, KwArgs } from '../schema.js';
import { ipFamily, readUnsigned } from '../values.js';
import { isMulticast } from '../../vrrp/validate.js';
import type { ViCtx } from './vrrp-instance.js';

/** IP_VS_IFNAME_MAXLEN: the interface name must be shorter. */
const IFNAME_MAX = 16;

/** The numeric options: range and what 2.2.7 says when the value is missing / invalid. */
const NUMERIC = {
  id: { min: 0, max: 255, missing: 'No value specified for lvs_sync_daemon id, defaulting to vrid', bad: (v: string) => `Invalid syncid (${v}) - defaulting to vrid` },
  maxlen: { min: 1, max: 65535 - 20 - 8, missing: 'No value specified for lvs_sync_daemon maxlen - ignoring', bad: (v: string) => `Invalid lvs_sync_daemon maxlen (${v}) - ignoring` },
  port: { min: 1, max: 65535, missing: 'No value specified for lvs_sync_daemon port - ignoring', bad: (v: string) => `Invalid lvs_sync_daemon port (${v}) - ignoring` },
  ttl: { min: 1, max: 255, missing: 'No value specified for lvs_sync_daemon ttl - ignoring', bad: (v: string) => `Invalid lvs_sync_daemon ttl (${v}) - ignoring` },
} as const;
const FIELD = { id: 'syncId', maxlen: 'maxlen', port: 'port', ttl: 'ttl' } as const;

/** global_defs lvs_sync_daemon IF [INSTANCE [SYNCID]] [inst NAME] [id N] [maxlen N] [port N] [ttl N] [group IP]. */
export function parseLvsSyncDaemon(a: KwArgs, prev: LvsSyncDaemon | undefined): LvsSyncDaemon | undefined {
  if (prev) { a.error(`lvs_sync_daemon has already been specified as ${prev.interface} ${prev.instance ?? ''} - ignoring`); return undefined; }
  const ifname = a.opt(1);
  if (ifname === undefined) { a.error('lvs_sync_daemon requires interface'); return undefined; }
  if (ifname.length >= IFNAME_MAX) { a.error(`lvs_sync_daemon interface name '${ifname}' too long - ignoring`); return undefined; }
  const s: LvsSyncDaemon = { interface: ifname };
  for (let i = 2; i < a.size; i++) {
    const w = a.opt(i)!;
    const v = a.opt(i + 1);
    if (w === 'inst') {
      if (s.instance !== undefined) a.error(`lvs_sync_daemon vrrp instance has already been specified as ${s.instance} - ignoring`);
      else if (v !== undefined) s.instance = v;
      i++;
      continue;
    }
    if (w === 'id' || w === 'maxlen' || w === 'port' || w === 'ttl') {
      const r = NUMERIC[w];
      if (v === undefined) { a.error(r.missing); continue; }
      const n = readUnsigned(a, v, r.min, r.max);
      if (n === undefined) a.error(r.bad(v)); else s[FIELD[w]] = n;
      i++;
      continue;
    }
    if (w === 'group') {
      if (v === undefined) { a.error('No value specified for lvs_sync_daemon group - ignoring'); continue; }
      const fam = ipFamily(v);
      if (!fam) a.error(`Invalid lvs_sync_daemon group (${v}) - ignoring`);
      else if (!isMulticast(v, fam)) { a.error(`lvs_sync_daemon group address ${v} is not multicast - ignoring`); delete s.group; }
      else s.group = v;
      i++;
      continue;
    }
    // the old form lvs_sync_daemon IF VRRP_INSTANCE [SYNC_ID]
    if (i === 2) { s.instance = w; continue; }
    if (i === 3) {
      const n = readUnsigned(a, w, 0, 255);
      if (n === undefined) a.error(NUMERIC.id.bad(w));
      else { a.error('Please use keyword "id" before lvs_sync_daemon SYNCID'); s.syncId = n; }
      continue;
    }
    a.error(`Unknown option ${w} specified for lvs_sync_daemon`);
  }
  return s;
}

export const lvsSyncDaemonKeyword: KeywordDef<KeepalivedConfig['global']> = {
  name: 'lvs_sync_daemon', priority: 'P1', args: ['ifname', 'rest'],
  handle: (g, a) => {
    const s = parseLvsSyncDaemon(a, g.lvsSyncDaemon);
    if (s) g.lvsSyncDaemon = s;
  },
};

interface InstanceSyncd { ifname: string; instance: string; pos: SourcePos }
/** Each config's vrrp_instance lvs_sync_daemon_interface lines, in file order, until resolved. */
const fromInstances = new WeakMap<KeepalivedConfig, InstanceSyncd[]>();

export const lvsSyncDaemonInterfaceKeyword: KeywordDef<ViCtx> = {
  name: 'lvs_sync_daemon_interface', priority: 'P1', args: ['ifname'],
  handle: (c, a) => {
    const name = c.vi.name;
    a.error(`(${name}) Specifying lvs_sync_daemon_interface against a vrrp is deprecated.`);
    // printf("      %*sPlease ...", strlen(iname) - 2, ""): a negative width pads as well
    a.error(`      ${' '.repeat(Math.abs(name.length - 2))}Please use global lvs_sync_daemon`);
    const list = fromInstances.get(c.cfg) ?? [];
    list.push({ ifname: a.need(1), instance: name, pos: a.pos() });
    fromInstances.set(c.cfg, list);
  },
};

/**
 * After the whole file: the first lvs_sync_daemon_interface applies unless a global lvs_sync_daemon
 * is set; every other one is "already specified" (reported at its own line through `report`).
 */
export function resolveSyncdInterfaces(cfg: KeepalivedConfig, report: (message: string, pos: SourcePos) => void): void {
  const list = fromInstances.get(cfg);
  if (!list) return;
  fromInstances.delete(cfg);
  for (const x of list) {
    const cur = cfg.global.lvsSyncDaemon;
    if (cur) report(`(${x.instance}) lvs_sync_daemon_interface has already been specified as ${cur.interface} - ignoring`, x.pos);
    else cfg.global.lvsSyncDaemon = { interface: x.ifname, instance: x.instance, fromInstance: true };
  }
}
