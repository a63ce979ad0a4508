// vrrp_instance's use_ipvlan and vrf (keepalived/vrrp/vrrp_parser.c of 2.2.7: vrrp_ipvlan_handler,
// vrrp_vrf_handler), with 2.2.7's messages (measured with its -t in the qemu guest, which has both
// drivers: test/vm/links/keepalived-2.2.7.txt). use_ipvlan's words come in any order: a type
// (bridge, private, vepa), an address (which also sets the instance's family when none is set yet
// and becomes the advert source unless one was given before), and a name. vrf is refused after
// `interface`; keepalived clears it at the end of the parse (validate-vrrp.ts).
import type { VrrpInstance } from '../../config/model.js';
import type { KeywordDef, KwArgs } from '../schema.js';
import { parsePrefix } from '../values.js';
import type { ViCtx } from './vrrp-instance.js';

const IFNAMSIZ = 16;
const MODES = new Set(['bridge', 'private', 'vepa']);

/** The interface names other instances of the file already claim for a VMAC or an ipvlan. */
function claimedBy(c: ViCtx, name: string): VrrpInstance | undefined {
  return c.cfg.vrrpInstances.find((o) => o !== c.vi && (o.useIpvlan?.name === name || o.useVmac?.name === name));
}

function useIpvlan(c: ViCtx, a: KwArgs): void {
  const vi = c.vi;
  const n = vi.name;
  if (vi.useIpvlan) { a.error(`(${n}) use_ipvlan already specified`); return; }
  const u: NonNullable<VrrpInstance['useIpvlan']> = {};
  vi.useIpvlan = u;
  let typed = false;
  for (let i = 1; i < a.size; i++) {
    const w = a.opt(i)!;
    if (MODES.has(w)) {
      if (typed) a.error(`(${n}) ipvlan type already specified - ignoring '${w}'`);
      else { u.mode = w as NonNullable<typeof u.mode>; typed = true; }
      continue;
    }
    const p = parsePrefix(w);
    if (p && p.badLen === undefined) {
      if (u.address) { a.error(`(${n}) ipvlan address already specified - ignoring '${w}'`); continue; }
      if (!c.familySet) { c.familySet = true; vi.family = p.family; if (p.family === 'inet6') vi.version = 3; }
      else if (p.family !== vi.family) { a.error(`(${n}) ipvlan address[${w}] MUST match vrrp instance family !!! Skipping...`); continue; }
      // 2.2.7 parses it with zeroed lifetimes: an IPv6 one is added deprecated (preferred_lft 0)
      u.address = { address: p.address, prefixLen: p.prefixLen, family: p.family, options: p.family === 'inet6' ? ['preferred_lft', '0'] : [], pos: a.pos(i) };
      // also the advert source, unless one was set before (a later unicast_src_ip replaces it)
      vi.unicastSrcIp ??= p.address;
      continue;
    }
    if (u.name !== undefined) { a.error(`(${n}) IPVLAN interface already specified - ignoring '${w}'`); continue; }
    if (Buffer.byteLength(w) >= IFNAMSIZ) { a.error(`(${n}) IPVLAN interface name '${w}' too long - ignoring`); continue; }
    const other = claimedBy(c, w);
    if (other) { a.error(`(${n}) VRRP instance ${other.name} is already using ${w} - ignoring name`); continue; }
    u.name = w;
  }
}

function vrf(c: ViCtx, a: KwArgs): void {
  const vi = c.vi;
  const name = a.need(1);
  if (Buffer.byteLength(name) >= IFNAMSIZ) { a.error(`(${vi.name}) VRF interface name '${name}' too long - ignoring`); return; }
  if (vi.interface !== undefined) { a.error(`(${vi.name}) Cannot specify VRF interface and interface - ignoring`); return; }
  if (vi.vrf !== undefined) { a.error(`(${vi.name}) VRF interface already specified as '${vi.vrf}' - ignoring`); return; }
  if (a.interfaces && !a.interfaces.has(name)) {
    a.error(`(${vi.name}) WARNING - VRF interface ${name} doesn't exist`);
    a.markMissingInterface();
    return;
  }
  if (name === 'lo') { a.error(`(${vi.name}) cannot use a loopback interface (${name}) for VRF - ignoring`); return; }
  vi.vrf = name;
}

export const ipvlanVrfKeywords: KeywordDef<ViCtx>[] = [
  { name: 'use_ipvlan', priority: 'P1', args: ['rest'], handle: useIpvlan },
  { name: 'vrf', priority: 'P1', args: ['ifname'], handle: vrf },
];
