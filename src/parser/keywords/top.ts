// Top-level keyword table: the 25 top-level keywords of keepalived.conf (features doc §2.1), each
// creating its model object and handing the sub-table its context. P2 top-level blocks and
// keywords are kept verbatim in KeepalivedConfig.extra.
import { table, type KeywordDef, type KwArgs } from '../schema.js';
import type { KeepalivedConfig, VirtualServer, VirtualServerGroup, VrrpTrackProcess } from '../../config/model.js';
import { SKIP_BLOCK, rest, type Proc } from '../reader.js';
import { globalDefsTable } from './global-defs.js';
import { vrrpInstanceTable, newInstance, closeInstance, parseVip, type ViCtx } from './vrrp-instance.js';
import { vrrpScriptTable, newScript, closeScript, syncGroupTable, newSyncGroup, trackFileTable, trackProcessTable, newTrackProcess, closeTrackProcess, type ScriptCtx, type SyncCtx, type TrackFileCtx, type ProcCtx } from './vrrp-blocks.js';
import { virtualServerTable, newVirtualServer, vsHeader, vsgItem, type VsCtx } from './lvs.js';
import { parseRouteLine } from './routes.js';
import { parseRuleLine } from './rules.js';
import type { RouteParseOpts, RuleState } from './route-values.js';
import { readNum, type BuildCtx } from './common.js';
import { linkTopKeywords } from './links.js';

export interface TopCtx extends BuildCtx { rules: RuleState; vsSet: Map<VirtualServer, Set<string>> }

type Extra = KeepalivedConfig['extra'][number];

/** A top-level P2 block: kept verbatim (header args + inner lines). */
function p2TopBlock(name: string, inner: string[]): KeywordDef<TopCtx> {
  return {
    name, priority: 'P2', block: 'raw', inner: new Set(inner),
    handle: (c, a): Extra => { const e: Extra = { keyword: a.words[0]!.text, args: rest(a.words, 1), pos: a.pos(0),
      lines: [] }; c.cfg.extra.push(e); return e; },
    item: (e: Extra, a: KwArgs) => { e.lines!.push(a.line.brace ? [a.line.brace] : rest(a.words, 0)); },
  };
}

const named = <S>(a: KwArgs, make: (name: string) => S): S => make(a.need(1));

/** static_routes / static_rules: track_group allowed (groups declared above the line). */
const staticOpts = (c: TopCtx): RouteParseOpts => ({
  allowTrackGroup: true, dynamicInterfaces: c.cfg.global.dynamicInterfaces,
  trackGroupExists: (g) => c.cfg.extra.some((e) => e.keyword === 'track_group' && e.args[0] === g),
});

export const topTable = table('top', [
  { name: 'global_defs', priority: 'P0', block: 'keywords', table: globalDefsTable, handle: (c: TopCtx) => c.cfg.global },
  {
    name: 'vrrp_instance', priority: 'P0', block: 'keywords', table: vrrpInstanceTable,
    handle: (c: TopCtx, a): ViCtx | typeof SKIP_BLOCK => {
      if (c.cfg.vrrpInstances.some((v) => v.name === a.need(1))) { a.error(`vrrp instance ${a.need(1)} already defined`); return SKIP_BLOCK; }
      const vi = named(a, (n) => newInstance(n, c.cfg));
      vi.pos = a.pos(0);
      c.cfg.vrrpInstances.push(vi);
      return { vi, cfg: c.cfg, stateSet: false, familySet: false, rules: c.rules };
    },
    close: (v: ViCtx, a: KwArgs) => closeInstance(v, a),
  },
  {
    name: 'vrrp_script', priority: 'P0', block: 'keywords', table: vrrpScriptTable,
    handle: (c: TopCtx, a): ScriptCtx => { const s = named(a, newScript); s.pos = a.pos(0); c.cfg.vrrpScripts.push(s);
      return { s, timeoutSet: false }; },
    close: (s: ScriptCtx, a: KwArgs) => closeScript(s, a),
  },
  {
    name: 'vrrp_sync_group', priority: 'P1', block: 'keywords', table: syncGroupTable,
    handle: (c: TopCtx, a): SyncCtx => { const g = named(a, newSyncGroup); g.pos = a.pos(0);
      c.cfg.vrrpSyncGroups.push(g); return { g, trackProcesses: c.cfg.trackProcesses }; },
  },
  {
    name: 'track_file', aliases: ['vrrp_track_file'], priority: 'P1', block: 'keywords', table: trackFileTable,
    handle: (c: TopCtx, a): TrackFileCtx => {
      const t = { name: a.need(1), pos: a.pos(0), file: '', weight: 1, reverse: false };
      c.cfg.trackFiles.push(t);
      return { t };
    },
    close: (t: TrackFileCtx, a: KwArgs) => {
      if (!t.t.file) a.error(`No file set for track_file ${t.t.name} - ignoring`);
      else if (t.t.initFile) t.t.initFile.endPos = a.pos(0);
    },
  },
  {
    name: 'vrrp_track_process', priority: 'P1', block: 'keywords', table: trackProcessTable,
    handle: (c: TopCtx, a): ProcCtx & { all: VrrpTrackProcess[] } => { const p = named(a, newTrackProcess);
      p.pos = a.pos(0); c.cfg.trackProcesses.push(p); return { p, all: c.cfg.trackProcesses }; },
    close: (p: ProcCtx & { all: VrrpTrackProcess[] }, a: KwArgs) => closeTrackProcess(p, a, p.all),
  },
  {
    name: 'net_namespace', priority: 'P1', args: ['string'],
    handle: (c: TopCtx, a) => {
      const n = a.opt(1);
      if (n === undefined) { a.error('net_namespace name missing - ignoring'); return; }
      if (c.cfg.netNamespace === undefined) c.cfg.netNamespace = n;
      else a.error(`Duplicate net_namespace definition ${n} - ignoring`);
    },
  },
  {
    name: 'virtual_server_group', priority: 'P1', block: 'lines', args: ['string'],
    handle: (c: TopCtx, a) => { const g: VirtualServerGroup = { name: a.need(1), pos: a.pos(0), entries: [] };
      c.cfg.virtualServerGroups.push(g); return { g, cfg: c.cfg }; },
    item: (x: { g: VirtualServerGroup }, a: KwArgs) => vsgItem(x.g, a),
    close: (x: { g: VirtualServerGroup; cfg: KeepalivedConfig }, a: KwArgs) => {
      if (x.g.entries.length) return;
      a.error(`virtual server group ${x.g.name} has no entries - removing`);
      x.cfg.virtualServerGroups = x.cfg.virtualServerGroups.filter((g) => g !== x.g);
    },
  },
  {
    name: 'virtual_server', priority: 'P0', block: 'keywords', table: virtualServerTable,
    handle: (c: TopCtx, a): VsCtx | typeof SKIP_BLOCK => {
      const h = vsHeader(a);
      if (!h) return SKIP_BLOCK;
      const vs = newVirtualServer(h, a.pos(0));
      c.cfg.virtualServers.push(vs);
      const set = new Set<string>();
      c.vsSet.set(vs, set);
      return { vs, cfg: c.cfg, set };
    },
  },
  {
    name: 'static_ipaddress', priority: 'P1', block: 'lines',
    item: (c: TopCtx, a) => { const v = parseVip(a, 'VRRP', undefined); if (v) c.cfg.staticIpaddress.push(v); },
  },
  { name: 'static_routes', priority: 'P1', block: 'lines', item: (c: TopCtx, a) => { const r = parseRouteLine(a, staticOpts(c)); if (r) c.cfg.staticRoutes.push(r); } },
  { name: 'static_rules', priority: 'P1', block: 'lines', item: (c: TopCtx, a) => { const r = parseRuleLine(a, c.rules, staticOpts(c)); if (r) c.cfg.staticRules.push(r); } },
  // Inner keyword sets of keepalived 2.2.7 (harvested from the binary like the other tables).
  p2TopBlock('bfd_instance', ['checker', 'hoplimit', 'idle_tx', 'max_hops', 'min_rx', 'min_tx', 'multiplier', 'neighbor_ip', 'neighbour_ip', 'passive', 'source_ip', 'ttl', 'vrrp', 'weight']),
  p2TopBlock('track_group', ['group']),
  ...linkTopKeywords,
  p2TopBlock('SSL', ['ca', 'certificate', 'key', 'password']),
  {
    name: 'net_namespace_ipvs', priority: 'P1', args: ['string'],
    handle: (c: TopCtx, a) => {
      if (c.cfg.netNamespaceIpvs !== undefined) { a.error(`Duplicate net_namespace_ipvs definition ${a.need(1)} - ignoring`); return; }
      // no name: the default (initial) namespace
      c.cfg.netNamespaceIpvs = a.opt(1) ?? '';
    },
  },
  { name: 'namespace_with_ipsets', priority: 'P1', args: ['none'], handle: (c: TopCtx) => { c.cfg.namespaceWithIpsets = true; } },
  {
    name: 'instance', priority: 'P1', args: ['string'],
    handle: (c: TopCtx, a) => {
      const n = a.opt(1);
      if (n === undefined) { a.error('instance name missing - ignoring'); return; }
      if (c.cfg.instanceName === undefined) { c.cfg.instanceName = n; c.cfg.usePidDir = true; }
      else a.error(`Duplicate instance definition ${n} - ignoring`);
    },
  },
  { name: 'use_pid_dir', priority: 'P1', args: ['none'], handle: (c: TopCtx) => { c.cfg.usePidDir = true; } },
  {
    name: 'child_wait_time', priority: 'P1', args: ['uint'], default: 5,
    handle: (c: TopCtx, a) => {
      const v = readNum(a, { kind: 'uint', min: 0, max: 4294967295, msg: (t) => `Invalid child_wait_time ${t}` });
      if (v !== undefined) c.cfg.global.childWaitTime = v;
    },
  },
]);

const CHECKER_TOP = new Set(['virtual_server', 'virtual_server_group', 'SSL']);
const PARENT_TOP = new Set(['global_defs', 'net_namespace', 'net_namespace_ipvs', 'namespace_with_ipsets', 'use_pid_dir', 'instance', 'child_wait_time', 'linkbeat_use_polling']);

/** Which keepalived process reports on a top-level block: parent ('(Line N)'), checker or vrrp child. */
export function procOf(kw: string): Proc {
  return PARENT_TOP.has(kw) ? 'parent' : CHECKER_TOP.has(kw) ? 'checker' : 'vrrp';
}

export { SKIP_BLOCK };
