// What a reload loses with an include: keepalived 2.2.7 re-reads the file and simply drops whatever
// an include no longer reads (a missing file logs only "Config files missing '...'", a glob that
// now matches nothing logs nothing), so the instances defined there stop and their VIPs go
// (measured: test/unit/daemon/data/reload-include-2.2.7.md). We do the same, but say so: for each
// file an include read at the last (re)load and no longer reads, the include, the file, and each
// vrrp_instance / vrrp_sync_group / vrrp_script / virtual_server(_group) defined in it that is gone.
import type { KeepalivedConfig, VirtualServer } from '../config/model.js';

export interface LostInclude {
  /** The include directive as written, and where. */
  pattern: string;
  at: string;
  /** The file it read at the last (re)load. */
  file: string;
  /** What was defined in that file and is not in the new configuration. */
  removed: string[];
}

function vsText(vs: VirtualServer): string {
  const a = vs.vs;
  if (a.kind === 'fwmark') return `virtual_server fwmark ${a.fwmark}`;
  if (a.kind === 'group') return `virtual_server group ${a.group}`;
  return `virtual_server ${a.address} ${a.port}`;
}

/** Files read through an include by `old` and not by `next`, with what went with them. */
export function lostIncludes(old: KeepalivedConfig, next: KeepalivedConfig): LostInclude[] {
  const was = old.includedBy ?? {};
  const now = next.includedBy ?? {};
  const out: LostInclude[] = [];
  for (const [file, site] of Object.entries(was)) {
    if (file in now) continue;
    const removed: string[] = [];
    const here = (p: { file: string } | undefined) => p?.file === file;
    for (const vi of old.vrrpInstances) {
      if (!here(vi.pos) || next.vrrpInstances.some((n) => n.name === vi.name)) continue;
      const vips = vi.virtualIpaddress.map((v) => `${v.address}/${v.prefixLen}`);
      removed.push(`vrrp_instance ${vi.name}${vips.length ? ` (VIPs ${vips.join(' ')} dropped)` : ''}`);
    }
    for (const sg of old.vrrpSyncGroups) if (here(sg.pos) && !next.vrrpSyncGroups.some((n) => n.name === sg.name)) removed.push(`vrrp_sync_group ${sg.name}`);
    for (const s of old.vrrpScripts) if (here(s.pos) && !next.vrrpScripts.some((n) => n.name === s.name)) removed.push(`vrrp_script ${s.name}`);
    for (const vs of old.virtualServers) {
      if (here(vs.pos) && !next.virtualServers.some((n) => vsText(n) === vsText(vs))) removed.push(vsText(vs));
    }
    for (const g of old.virtualServerGroups) if (here(g.pos) && !next.virtualServerGroups.some((n) => n.name === g.name)) removed.push(`virtual_server_group ${g.name}`);
    out.push({ pattern: site.pattern, at: `${site.file}:${site.line}`, file, removed });
  }
  return out;
}

/** The warning line for one lost include. */
export function lostIncludeLine(l: LostInclude): string {
  const what = l.removed.length ? `removed: ${l.removed.join(', ')}` : 'nothing defined there was removed';
  return `WARNING - reload: include '${l.pattern}' (${l.at}) no longer reads '${l.file}' (missing file, or the pattern matches nothing) - ${what}`;
}
