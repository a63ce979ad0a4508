// Routes and rules printed back as config words (the printer's virtual_routes / virtual_rules / static_*
// lines): parsing the words again (routes.ts, rules.ts) gives the same VirtualRoute / VirtualRule.
import type { RouteAddress, RouteEncap, RoutePrefix, VirtualRoute, VirtualRule } from '../../config/model.js';
import { RTN } from '../../common/rt-names.js';
import {
  RTPROT_KEEPALIVED, RTAX,
} from './route-values.js';

// ---------------------------------------------------------------------------------------------
// printing back (config syntax; parsing the words again gives the same route / rule)

/** A prefix as a config word; any-address as `default` / `default6` (`all` for an IPv4 rule). */
const pfx = (p: RoutePrefix, anyV4 = 'default'): string => (p.any ? (p.family === 'inet6' ? 'default6' : anyV4) : `${p.address}/${p.prefixLen}`);
const addr = (p: RouteAddress): string => p.address;

function encapWords(e: RouteEncap): string[] {
  // an unreadable label list was kept as none: printed as one that reads back so
  if (e.kind === 'mpls') return ['encap', 'mpls', e.labels.length ? e.labels.join('/') : '-'];
  if (e.kind === 'ila') {
    const h = e.locator.toString(16).padStart(16, '0');
    return ['encap', 'ila', [0, 4, 8, 12].map((o) => h.slice(o, o + 4)).join(':')];
  }
  const w = ['encap', e.kind];
  if (e.id !== undefined) w.push('id', String(e.id));
  if (e.dst !== undefined) w.push('dst', e.dst);
  if (e.src !== undefined) w.push('src', e.src);
  if (e.tos !== undefined) w.push(e.kind === 'ip' ? 'tos' : 'tc', String(e.tos));
  if (e.ttl !== undefined) w.push(e.kind === 'ip' ? 'ttl' : 'hoplimit', String(e.ttl));
  if (e.flags !== undefined) w.push('flags', String(e.flags));
  return w;
}

/** A route as a config line (the printer's form of virtual_routes / static_routes). */
export function routeWords(r: VirtualRoute): string[] {
  const w: string[] = [];
  if (r.type !== RTN.unicast) w.push(String(r.type));
  w.push(pfx(r.dst));
  if (r.src) w.push('from', pfx(r.src));
  if (r.prefSrc) w.push('src', addr(r.prefSrc));
  if (r.via) w.push('via', addr(r.via));
  if (r.dev !== undefined) w.push('dev', r.dev);
  if (r.table !== 254) w.push('table', String(r.table));
  // a route without dev is untracked by keepalived itself (protocol 18, no `no_track` written)
  const autoNoTrack = r.noTrack && r.dev === undefined && r.protocol === RTPROT_KEEPALIVED;
  if (r.protocol !== undefined && (r.noTrack ? !autoNoTrack : r.protocol !== RTPROT_KEEPALIVED)) w.push('protocol', String(r.protocol));
  if (r.scope !== undefined) w.push('scope', String(r.scope));
  if (r.metric !== undefined) w.push('metric', String(r.metric));
  if (r.tos !== undefined) w.push('tos', String(r.tos));
  if (r.onlink) w.push('onlink');
  if (r.realms !== undefined) w.push('realms', `${r.realms >>> 16}/${r.realms & 0xffff}`);
  if (r.expires !== undefined) w.push('expires', String(r.expires));
  if (r.pref !== undefined) w.push('pref', String(r.pref));
  if (r.ttlPropagate !== undefined) w.push('ttl-propagate', r.ttlPropagate ? 'enabled' : 'disabled');
  const m = r.metrics;
  const lk = (bit: number): string[] => ((m.lock >> bit) & 1 ? ['lock'] : []);
  if (m.mtu !== undefined) w.push('mtu', ...lk(RTAX.mtu), String(m.mtu));
  if (m.hoplimit !== undefined) w.push('hoplimit', String(m.hoplimit));
  if (m.advmss !== undefined) w.push('advmss', ...lk(RTAX.advmss), String(m.advmss));
  if (m.rtt !== undefined) w.push('rtt', ...lk(RTAX.rtt), String(m.rtt));
  if (m.rttvar !== undefined) w.push('rttvar', ...lk(RTAX.rttvar), String(m.rttvar));
  if (m.rtoMin !== undefined) w.push('rto_min', ...lk(RTAX.rtoMin), String(m.rtoMin));
  if (m.reordering !== undefined) w.push('reordering', ...lk(RTAX.reordering), String(m.reordering));
  if (m.window !== undefined) w.push('window', String(m.window));
  if (m.cwnd !== undefined) w.push('cwnd', ...lk(RTAX.cwnd), String(m.cwnd));
  if (m.ssthresh !== undefined) w.push('ssthresh', ...lk(RTAX.ssthresh), String(m.ssthresh));
  if (m.initcwnd !== undefined) w.push('initcwnd', String(m.initcwnd));
  if (m.initrwnd !== undefined) w.push('initrwnd', String(m.initrwnd));
  if (m.quickack !== undefined) w.push('quickack', String(m.quickack));
  if (m.fastopenNoCookie !== undefined) w.push('fastopen_no_cookie', String(m.fastopenNoCookie));
  if (m.features) w.push('features', 'ecn');
  if (m.congctl !== undefined) w.push('congctl', ...lk(RTAX.ccAlgo), m.congctl);
  if (r.encap) w.push(...encapWords(r.encap));
  if (r.trackGroup !== undefined) w.push('track_group', r.trackGroup);
  if (r.noTrack && !autoNoTrack) w.push('no_track');
  if (r.addMode !== 'prepend' || r.type !== RTN.unicast) w.push(r.addMode);
  for (const nh of r.nexthops) {
    w.push('nexthop');
    if (nh.via) w.push('via', addr(nh.via));
    if (nh.dev !== undefined) w.push('dev', nh.dev);
    if (nh.weight !== undefined) w.push('weight', String(nh.weight));
    if (nh.onlink) w.push('onlink');
    if (nh.realms !== undefined) w.push('realms', `${nh.realms >>> 16}/${nh.realms & 0xffff}`);
    if (nh.encap) w.push(...encapWords(nh.encap));
  }
  return w;
}

/** A rule as a config line (the printer's form of virtual_rules / static_rules). */
export function ruleWords(r: VirtualRule): string[] {
  const w: string[] = [];
  // `inet6` makes keepalived skip the next word as well: the second one
  if (r.family === 'inet6' && !r.from && !r.to) w.push('inet6', 'inet6');
  if (r.invert) w.push('not');
  if (r.from) w.push('from', pfx(r.from, 'all'));
  if (r.to) w.push('to', pfx(r.to, 'all'));
  w.push('preference', String(r.preference));
  if (r.tos) w.push('tos', String(r.tos));
  if (r.fwmark !== undefined) w.push('fwmark', r.fwmask !== undefined ? `${r.fwmark}/${r.fwmask}` : String(r.fwmark));
  if (r.realms !== undefined) w.push('realms', `${r.realms >>> 16}/${r.realms & 0xffff}`);
  if (r.suppressPrefixlen !== undefined) w.push('suppress_prefixlength', String(r.suppressPrefixlen));
  if (r.suppressIfgroup !== undefined) w.push('suppress_ifgroup', String(r.suppressIfgroup));
  if (r.iif !== undefined) w.push('iif', r.iif);
  if (r.oif !== undefined) w.push('oif', r.oif);
  if (r.tunnelId !== undefined) w.push('tunnel-id', String(r.tunnelId));
  if (r.uidRange) w.push('uidrange', `${r.uidRange.start}-${r.uidRange.end}`);
  if (r.protocol !== undefined && (r.noTrack || r.protocol !== RTPROT_KEEPALIVED)) w.push('protocol', String(r.protocol));
  if (r.ipProto !== undefined) w.push('ipproto', String(r.ipProto));
  if (r.sport) w.push('sport', `${r.sport.start}-${r.sport.end}`);
  if (r.dport) w.push('dport', `${r.dport.start}-${r.dport.end}`);
  const act = r.action;
  if (act.kind === 'table') w.push('table', String(act.table));
  else if (act.kind === 'goto') w.push('goto', String(act.target));
  else w.push(act.kind);
  if (r.trackGroup !== undefined) w.push('track_group', r.trackGroup);
  if (r.noTrack) w.push('no_track');
  return w;
}
