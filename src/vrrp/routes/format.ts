// Routes and rules as keepalived 2.2.7 writes them in its log and configuration dump
// (format_iproute() / format_iprule()): "Restoring deleted static route prepend 10.1.0.0/24 via
// inet 10.0.0.254 dev eth1 proto 18", "... static rule from all to 10.2.0.0/24 priority 101 tos 0x0
// protocol 18 lookup 200". Pure functions of the typed route / rule.
import type { RouteEncap, RoutePrefix, VirtualRoute, VirtualRule } from '../../config/model.js';
import { RTN, rtnTypeName } from '../../common/rt-names.js';

/** ipaddresstos(): the address, with "/len" unless it is a host address. */
export function prefixText(p: RoutePrefix): string {
  const max = p.family === 'inet' ? 32 : 128;
  return p.prefixLen === max ? p.address : `${p.address}/${p.prefixLen}`;
}

/** C's "%g" for the values keepalived prints (6 significant digits, no trailing zeros). */
const g = (x: number): string => String(Number(x.toPrecision(6)));

function encapText(e: RouteEncap): string {
  // label stack entries as keepalived prints them: label << 12, bottom-of-stack bit (0x100) on the last
  if (e.kind === 'mpls') return ` encap mpls${e.labels.map((l, i) => `${i ? '/' : ' '}${((l << 12) + (i === e.labels.length - 1 ? 0x100 : 0)).toString(16)}`).join('')}`;
  // keepalived prints the locator's network-order bytes read as a little-endian u64
  if (e.kind === 'ila') { const b = Buffer.alloc(8); b.writeBigUInt64BE(e.locator); return ` encap ila ${b.readBigUInt64LE()}`; }
  let s = ` encap ${e.kind}`;
  if (e.id !== undefined) s += ` id ${e.id}`;
  if (e.dst !== undefined) s += ` dst ${e.dst}`;
  if (e.src !== undefined) s += ` src ${e.src}`;
  if (e.tos !== undefined) s += e.kind === 'ip' ? ` tos ${e.tos}` : ` tc ${e.tos}`;
  if (e.ttl !== undefined) s += e.kind === 'ip' ? ` ttl ${e.ttl}` : ` hoplimit ${e.ttl}`;
  if (e.flags !== undefined) s += ` flags 0x${e.flags.toString(16)}`;
  return s;
}

const RTAX_LOCK = { mtu: 2, rtt: 4, rttvar: 5, ssthresh: 6, cwnd: 7, advmss: 8, reordering: 9,
  rtoMin: 13, ccAlgo: 16 } as const;

/**
 * format_iproute(). `installed`: where the route was last added when that is not its configured
 * `dev` (keepalived appends " [dev X]" / " [installed ifindex N]" to a tracked route that is set).
 */
export function formatRoute(r: VirtualRoute, installed?: { ifname?: string; ifindex: number }): string {
  let s = `${r.addMode} `;
  if (r.type !== RTN.unicast) s += `${rtnTypeName(r.type)} `;
  s += prefixText(r.dst);
  if (r.src) s += ` from ${prefixText(r.src)}`;
  if (r.prefSrc) s += ` src ${r.prefSrc.address}`;
  if (r.tos !== undefined) s += ` tos ${r.tos}`;
  if (r.encap) s += encapText(r.encap);
  if (r.via) s += ` via ${r.via.family} ${r.via.address}`;
  if (r.dev !== undefined) s += ` dev ${r.dev}`;
  if (r.table !== 254) s += ` table ${r.table}`;
  if (r.protocol !== undefined) s += ` proto ${r.protocol}`;
  if (r.scope !== undefined) s += ` scope ${r.scope}`;
  if (r.metric !== undefined) s += ` metric ${r.metric}`;
  if (r.family === 'inet' && r.onlink) s += ' onlink';
  if (r.realms) s += r.realms & 0xffff0000 ? ` realms ${r.realms >>> 16}/${r.realms & 0xffff}` : ` realm ${r.realms & 0xffff}`;
  if (r.expires !== undefined) s += ` expires ${r.expires}sec`;
  const m = r.metrics;
  const lock = (k: keyof typeof RTAX_LOCK): boolean => ((m.lock >> RTAX_LOCK[k]) & 1) === 1;
  if (m.congctl !== undefined) s += ` congctl ${m.congctl}${lock('ccAlgo') ? 'lock ' : ''}`;
  if (m.rtt !== undefined) s += ` rtt${lock('rtt') ? ' lock' : ''} ${m.rtt >= 8000 ? `${g(m.rtt / 8000)}s` : `${g(m.rtt / 8)}ms`}`;
  if (m.rttvar !== undefined) s += ` rttvar${lock('rttvar') ? ' lock' : ''} ${m.rttvar >= 4000 ? `${g(m.rttvar / 4000)}s` : `${g(m.rttvar / 4)}ms`}`;
  if (m.rtoMin !== undefined) s += ` rto_min${lock('rtoMin') ? ' lock' : ''} ${m.rtoMin >= 1000 ? `${g(m.rtoMin / 1000)}s` : `${m.rtoMin}ms`}`;
  if (m.features) s += ' features ecn';
  if (m.mtu !== undefined) s += ` mtu ${lock('mtu') ? 'lock ' : ''}${m.mtu}`;
  if (m.window !== undefined) s += ` window ${m.window}`;
  if (m.ssthresh !== undefined) s += ` ssthresh ${lock('ssthresh') ? 'lock ' : ''}${m.ssthresh}`;
  if (m.cwnd !== undefined) s += ` cwnd ${lock('cwnd') ? 'lock ' : ''}${m.cwnd}`;
  if (m.advmss !== undefined) s += ` advmss ${lock('advmss') ? 'lock ' : ''}${m.advmss}`;
  if (m.reordering !== undefined) s += ` reordering ${lock('reordering') ? 'lock ' : ''}${m.reordering}`;
  if (m.hoplimit !== undefined) s += ` hoplimit ${m.hoplimit}`;
  if (m.initcwnd !== undefined) s += ` initcwnd ${m.initcwnd}`;
  if (m.initrwnd !== undefined) s += ` initrwnd ${m.initrwnd}`;
  if (m.quickack !== undefined) s += ` quickack ${m.quickack}`;
  if (r.pref !== undefined) s += ` pref ${r.pref === 3 ? 'low' : r.pref === 0 ? 'medium' : r.pref === 1 ? 'high' : 'unknown'}`;
  if (m.fastopenNoCookie !== undefined) s += ` fastopen_no_cookie ${m.fastopenNoCookie}`;
  if (r.ttlPropagate !== undefined) s += ` ttl-propagate ${r.ttlPropagate ? 'en' : 'dis'}abled`;
  for (const nh of r.nexthops) {
    s += ' nexthop';
    if (nh.via) s += ` via inet${nh.via.family === 'inet' ? '' : '6'} ${nh.via.address}`;
    if (nh.dev !== undefined) s += ` dev ${nh.dev}`;
    if (nh.weight !== undefined) s += ` weight ${nh.weight}`;
    if (nh.onlink) s += ' onlink';
    // keepalived tests the route's realms (not the nexthop's) for the "realms" form
    if (nh.realms) s += (r.realms ?? 0) & 0xffff0000 ? ` realms ${nh.realms >>> 16}/${nh.realms & 0xffff}` : ` realm ${nh.realms & 0xffff}`;
    if (nh.encap) s += encapText(nh.encap);
  }
  if (r.noTrack) s += ' no_track';
  if (r.trackGroup !== undefined) s += ` track_group ${r.trackGroup}`;
  if (installed && !r.noTrack) s += installed.ifname !== undefined ? ` [dev ${installed.ifname}]` : ` [installed ifindex ${installed.ifindex}]`;
  return s;
}

/** format_iprule(). */
export function formatRule(r: VirtualRule): string {
  let s = '';
  if (!r.to && !r.from && r.family === 'inet6') s += 'inet6 ';
  if (r.invert) s += 'not ';
  s += r.from ? `from ${prefixText(r.from)}` : 'from all';
  if (r.to) s += ` to ${prefixText(r.to)}`;
  s += ` priority ${r.preference}`;
  s += ` tos 0x${r.tos.toString(16)}`;
  if (r.fwmark !== undefined) {
    s += ` fwmark 0x${r.fwmark.toString(16)}`;
    if (r.fwmask !== undefined && r.fwmask !== 0xffffffff) s += `/0x${r.fwmask.toString(16)}`;
  }
  if (r.iif !== undefined) s += ` iif ${r.iif}`;
  if (r.oif !== undefined) s += ` oif ${r.oif}`;
  if (r.suppressPrefixlen !== undefined) s += ` suppress_prefixlen ${r.suppressPrefixlen}`;
  if (r.suppressIfgroup !== undefined) s += ` suppress_ifgroup ${r.suppressIfgroup}`;
  if (r.tunnelId) s += ` tunnel-id ${r.tunnelId}`;
  if (r.uidRange) s += ` uidrange ${r.uidRange.start}-${r.uidRange.end}`;
  if (r.action.kind === 'l3mdev') s += ' l3mdev';
  if (r.protocol !== undefined) s += ` protocol ${r.protocol}`;
  if (r.ipProto !== undefined) s += ` ipproto ${r.ipProto}`;
  if (r.sport) s += ` sport ${r.sport.start}-${r.sport.end}`;
  if (r.dport) s += ` dport ${r.dport.start}-${r.dport.end}`;
  if (r.realms) s += ` realms ${r.realms >>> 16}/${r.realms & 0xffff}`;
  const a = r.action;
  if (a.kind === 'table') s += ` lookup ${a.table}`;
  else if (a.kind === 'l3mdev') s += ' lookup 0';
  else if (a.kind === 'goto') s += ` goto ${a.target}`;
  else if (a.kind === 'nop') s += ' nop';
  else s += ` type ${a.kind}`;
  if (r.noTrack) s += ' no_track';
  if (r.trackGroup !== undefined) s += ` track_group ${r.trackGroup}`;
  return s;
}
