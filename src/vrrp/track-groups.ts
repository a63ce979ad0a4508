// track_group (keepalived 2.2.7's static_track_group): the VRRP instances a track_group block names
// track, with weight 0 (down = FAULT), the interface of each static address (`dev`), static route
// (`dev`) and static rule (`iif`) that names the group with `track_group NAME`, unless that entry
// has no_track. 2.2.7's lines (vrrp_static_track.c; measured): "vrrp instance X specified in track
// group G doesn't exist - ignoring", "Static track group G has no virtual router(s)" / "... has no
// VRRP instance(s)" then "Static track group G init fails - removing", "Static address|route|rule
// has both track_group and no_track set - not tracking". Pure.
import type { KeepalivedConfig } from '../config/model.js';

export interface TrackGroups {
  /** Instance name -> the interfaces it tracks through its track groups (in config order, once each). */
  interfaces: Map<string, string[]>;
  /** 2.2.7's lines about the groups, in its order. */
  lines: string[];
}

/** The members of each track_group block (its `group { ... }` words), as the parser kept the block. */
function groupMembers(cfg: KeepalivedConfig): { name: string; members: string[] | undefined }[] {
  return cfg.extra.filter((e) => e.keyword === 'track_group').map((e) => {
    const words = (e.lines ?? []).flat();
    const at = words.indexOf('group');
    if (at < 0) return { name: e.args[0] ?? '', members: undefined };
    const members: string[] = [];
    for (const w of words.slice(at + 1)) { if (w === '{') continue; if (w === '}') break; members.push(w); }
    return { name: e.args[0] ?? '', members };
  });
}

export function trackGroups(cfg: KeepalivedConfig): TrackGroups {
  const lines: string[] = [];
  const known = new Set(cfg.vrrpInstances.map((v) => v.name));
  const groups = new Map<string, string[]>();
  for (const { name, members } of groupMembers(cfg)) {
    if (!members) { lines.push(`Static track group ${name} has no virtual router(s)`, `Static track group ${name} init fails - removing`); continue; }
    const found: string[] = [];
    for (const m of members) {
      if (known.has(m)) found.push(m);
      else lines.push(`vrrp instance ${m} specified in track group ${name} doesn't exist - ignoring`);
    }
    if (found.length === 0) { lines.push(`Static track group ${name} has no VRRP instance(s)`, `Static track group ${name} init fails - removing`); continue; }
    groups.set(name, found);
  }
  const interfaces = new Map<string, string[]>();
  const track = (kind: string, group: string | undefined, dev: string | undefined,
    noTrack: boolean | undefined): void => {
    if (group === undefined || !groups.has(group)) return;
    if (noTrack) { lines.push(`Static ${kind} has both track_group and no_track set - not tracking`); return; }
    if (dev === undefined) return;
    for (const inst of groups.get(group)!) {
      const list = interfaces.get(inst) ?? [];
      if (!list.includes(dev)) list.push(dev);
      interfaces.set(inst, list);
    }
  };
  for (const a of cfg.staticIpaddress) {
    const i = a.options?.indexOf('track_group') ?? -1;
    track('address', i >= 0 ? a.options![i + 1] : undefined, a.dev ?? cfg.global.defaultInterface, a.noTrack);
  }
  for (const r of cfg.staticRoutes) track('route', r.trackGroup, r.dev, r.noTrack);
  for (const r of cfg.staticRules) track('rule', r.trackGroup, r.iif, r.noTrack);
  return { interfaces, lines };
}
