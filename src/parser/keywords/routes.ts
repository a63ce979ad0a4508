// ip-route line syntax of virtual_routes and static_routes, read as keepalived 2.2.7's alloc_route() reads
// it (keepalived/vrrp/vrrp_iproute.c): the same words, the same word-skipping (e.g. `inet6` also skips the
// next word), the same messages, and the same outcome (line dropped, or kept with the bad part left out).
// Each line becomes a typed VirtualRoute; rules.ts reads ip-rule lines, route-print.ts prints both back.
import type { KwArgs } from '../schema.js';
import type { IpFamily, RouteEncap, RouteNexthop, VirtualRoute } from '../../config/model.js';
import type { RtNames } from '../../common/rt-names.js';
import { findRtnType, strtoulWhole, RTN } from '../../common/rt-names.js';
import {
  RTPROT_KEEPALIVED, RTAX, Drop, readU, getU, parseIpaddress, parseRoutePrefix, closePrefix, getRealms, getTimeRtt,
  DUPLICATE, trackGroup, iface, type RouteParseOpts, type OpenPrefix,
} from './route-values.js';

// ---------------------------------------------------------------------------------------------
// encap (parse_encap and friends): errors are reported, the route is kept (keepalived ignores the result)

function parseEncap(a: KwArgs, i: number, names: RtNames): { i: number; encap?: RouteEncap } {
  if (a.size <= ++i) { a.error('Missing encap type'); return { i }; }
  const type = a.need(i++);
  if (type === 'ip' || type === 'ip6') {
    const r = parseEncapIp(a, i, type, names);
    return { i: r.i - 1, encap: r.encap };
  }
  if (type === 'mpls' || type === 'ila') {
    if (i >= a.size) { a.error(type === 'mpls' ? 'missing address for MPLS encapsulation' : 'missing locator for ILA encapsulation'); return { i: i - 1 }; }
    const s = a.need(i++);
    if (type === 'mpls') {
      const labels = parseMplsLabels(s);
      if (!labels) { a.error(`invalid mpls address ${s} for encapsulation`); return { i: i - 1, encap: { kind: 'mpls', labels: [] } }; }
      return { i: i - 1, encap: { kind: 'mpls', labels } };
    }
    const loc = parseAddr64(s);
    if (loc === undefined) { a.error(`invalid locator ${s} for ila encapsulation`); return { i: i - 1, encap: { kind: 'ila', locator: 0n } }; }
    return { i: i - 1, encap: { kind: 'ila', locator: loc } };
  }
  a.error(`Unknown encap type - ${type}`);
  return { i };
}

function parseEncapIp(a: KwArgs, i: number, kind: 'ip' | 'ip6', names: RtNames): { i: number; encap: RouteEncap } {
  const e: Extract<RouteEncap, { kind: 'ip' | 'ip6' }> = { kind };
  const v6 = kind === 'ip6';
  const fail = (): { i: number; encap: RouteEncap } => { delete e.dst; delete e.src; return { i, encap: e }; };
  while (i + 1 < a.size) {
    const k = a.need(i), v = a.need(i + 1);
    if (k === 'id') {
      const n = readU(a, v, 0n, 2n ** 64n - 1n, { bits64: true });
      if (n === undefined) { a.error((v6 ? 'id %s value invalid for IPv6 encapsulation' : 'encap id %s value is invalid').replace('%s', v)); return fail(); }
      e.id = n;
    } else if (k === 'dst' || k === 'src') {
      const p = parseIpaddress(a, v, false);
      if (!p) { a.error(`Invalid encap ${kind} ${k} ${v}`); return fail(); }
      if (p.family !== (v6 ? 'inet6' : 'inet')) { a.error(v6 ? `IPv4 address ${v} not valid for ip6 encapsulation` : `IPv6 address ${v} not valid for ip encapsulation`); return fail(); }
      e[k] = p.address;
    } else if (k === (v6 ? 'tc' : 'tos')) {
      const t = names.find('dsfield', v);
      if (t === undefined) { a.error(v6 ? `tc value ${k} is invalid for ip6 encapsulation` : `dsfield ${v} not valid for ip encapsulation`); return fail(); }
      e.tos = t;
    } else if (k === (v6 ? 'hoplimit' : 'ttl')) {
      const t = getU(a, v, 255, v6 ? 'Invalid hoplimit %s specified for ip6 encapsulation' : 'ttl %s is not valid for ip encapsulation');
      if (t === undefined) return fail();
      e.ttl = t;
    } else if (k === 'flags') {
      const t = getU(a, v, 0xffff, `flags %s is not valid for ${kind} encapsulation`);
      if (t === undefined) return fail();
      e.flags = t;
    } else break;
    i += 2;
  }
  if (e.dst === undefined && e.id === undefined) { a.error(`address or id missing for ${kind} encapsulation`); return fail(); }
  return { i, encap: e };
}

/** parse_mpls_address(): up to two labels "L[/L]", each <= 0xfffff. */
function parseMplsLabels(s: string): number[] | undefined {
  const parts = s.trimStart().split('/');
  if (parts.length > 2) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (p.startsWith('-') || /^\s/.test(p)) return undefined;
    const v = strtoulWhole(p);
    if (v === undefined || v > 0xfffffn) return undefined;
    out.push(Number(v));
  }
  return out;
}

/** get_addr64(): four ':'-separated hex groups. */
function parseAddr64(s: string): bigint | undefined {
  const parts = s.trimStart().split(':');
  if (parts.length !== 4 || parts.some((p) => !/^[0-9a-fA-F]{1,4}$/.test(p))) return undefined;
  return parts.reduce((acc, p) => (acc << 16n) | BigInt(`0x${p}`), 0n);
}

// ---------------------------------------------------------------------------------------------
// routes

interface RouteDraft extends Omit<VirtualRoute, 'family' | 'dst' | 'src'> {
  family?: IpFamily;
  dst?: OpenPrefix;
  src?: OpenPrefix;
  protocolGiven: boolean;
}

/** One virtual_routes / static_routes line; undefined when keepalived drops it. */
export function parseRouteLine(a: KwArgs, opts: RouteParseOpts): VirtualRoute | undefined {
  try { return parseRoute(a, opts); } catch (e) { if (e instanceof Drop) return undefined; throw e; }
}

function parseRoute(a: KwArgs, opts: RouteParseOpts): VirtualRoute {
  const names = opts.names ?? a.host.routeNames;
  const r: RouteDraft = { table: 254, type: RTN.unicast, onlink: false, metrics: { lock: 0 }, nexthops: [], addMode: 'prepend', noTrack: false, protocolGiven: false };
  const mix = (f: IpFamily, msg = 'Cannot mix IPv4 and IPv6 addresses for route'): void => {
    if (r.family === undefined) r.family = f;
    else if (r.family !== f) { a.error(msg); throw new Drop(); }
  };
  const fail = (msg: string): never => { a.error(msg); throw new Drop(); };
  const u32 = (i: number, msg: string): number => getU(a, a.need(i), 0xffffffff, msg) ?? fail0();
  const fail0 = (): never => { throw new Drop(); };
  const locked = (i: number, bit: number): number => { if (a.need(i) === 'lock') { r.metrics.lock |= 1 << bit; return i + 1; } return i; };
  let doNexthop = false;
  let dest: string | undefined;
  let i = 0;
  while (i < a.size) {
    const str = a.need(i);
    if (str === 'inet6' || str === 'inet') {
      const f: IpFamily = str === 'inet6' ? 'inet6' : 'inet';
      if (r.family === undefined) r.family = f;
      else if (r.family !== f) fail(`${str} specified for ${f === 'inet6' ? 'IPv4' : 'IPv6'} route`);
      i++; // and once more below: keepalived skips the next word too
    } else if (str === 'src') {
      const p = parseIpaddress(a, a.need(++i), false) ?? fail(`invalid route src address ${a.need(i)}`);
      mix(p.family);
      r.prefSrc = { family: p.family, address: p.address };
    } else if (str === 'as') {
      if (a.need(++i) === 'to') i++;
      a.error('"as to" for MPLS only - ignoring');
    } else if (str === 'via' || str === 'gw') {
      if (str === 'gw') a.error('"gw" for routes is deprecated. Please use "via"');
      let s = a.need(++i);
      let f: IpFamily | undefined = r.family;
      if (s === 'inet' || s === 'inet6') { f = s; s = a.need(++i); }
      if (r.family === undefined) r.family = f;
      else if (r.family !== f) fail('Cannot mix IPv4 and IPv6 addresses for route');
      const p = parseIpaddress(a, s, false) ?? fail(`invalid route via address ${a.need(i)}`);
      mix(p.family);
      r.via = { family: p.family, address: p.address };
    } else if (str === 'from') {
      const p = parseRoutePrefix(a, a.need(++i)) ?? fail(`invalid route from address ${a.need(i)}`);
      if (p.family !== 'inet6') fail(`route from address only supported with IPv6 (${a.need(i)})`);
      mix(p.family!);
      r.src = p;
    } else if (str === 'tos' || str === 'dsfield') {
      r.tos = names.find('dsfield', a.need(++i)) ?? fail(`TOS value ${a.need(i)} is invalid`);
    } else if (str === 'table') {
      r.table = names.find('table', a.need(++i)) ?? fail(`Routing table ${a.need(i)} not found for route`);
    } else if (str === 'protocol') {
      r.protocol = names.find('proto', a.need(++i)) ?? fail(`Protocol ${a.need(i)} not found or invalid for route`);
      r.protocolGiven = true;
    } else if (str === 'scope') {
      r.scope = names.find('scope', a.need(++i)) ?? fail(`Scope ${a.need(i)} not found or invalid for route`);
    } else if (str === 'metric' || str === 'priority' || str === 'preference') {
      r.metric = u32(++i, 'Invalid metric %s specified for route');
    } else if (str === 'dev' || str === 'oif') {
      const n = a.need(++i);
      r.dev = iface(a, n, opts, `WARNING - interface ${n} for VROUTE nexthop doesn't exist`);
    } else if (str === 'onlink') {
      r.onlink = true;
    } else if (str === 'encap') {
      const e = parseEncap(a, i, names);
      i = e.i;
      if (e.encap) r.encap = e.encap;
    } else if (str === 'expires') {
      i++;
      if (r.family === 'inet') fail('expires is only valid for IPv6');
      r.family = 'inet6';
      r.expires = u32(i, 'Invalid expires time %s specified for route');
    } else if (str === 'mtu') {
      i = locked(++i, RTAX.mtu);
      r.metrics.mtu = u32(i, 'Invalid MTU %s specified for route');
    } else if (str === 'hoplimit') {
      r.metrics.hoplimit = getU(a, a.need(++i), 255, 'Invalid hoplimit %s specified for route') ?? fail0();
    } else if (str === 'advmss') {
      i = locked(++i, RTAX.advmss);
      r.metrics.advmss = u32(i, 'Invalid advmss %s specified for route');
    } else if (str === 'rtt' || str === 'rttvar' || str === 'rto_min') {
      const key = str === 'rto_min' ? 'rtoMin' : str;
      i = locked(++i, RTAX[key]);
      const v = getTimeRtt(a, a.need(i), str === 'rtt' ? 8 : str === 'rttvar' ? 4 : 1);
      if (v === undefined) fail(str === 'rto_min' ? `Invalid rto_min value ${a.need(i)} specified for route` : `Invalid ${str} ${a.need(i)} for route`);
      r.metrics[key] = v;
    } else if (str === 'reordering' || str === 'cwnd' || str === 'ssthresh') {
      i = locked(++i, RTAX[str]);
      r.metrics[str] = u32(i, str === 'reordering' ? 'Invalid reordering value %s specified for route' : `Invalid ${str} value %s specified for route`);
    } else if (str === 'window' || str === 'initcwnd' || str === 'initrwnd') {
      r.metrics[str] = u32(++i, `Invalid ${str} value %s specified for route`);
    } else if (str === 'realms') {
      r.realms = getRealms(names, a.need(++i)) ?? fail(`Invalid realms ${a.need(i)} for route`);
      if (r.family === 'inet6') fail('realms are only valid for IPv4');
      r.family = 'inet';
    } else if (str === 'features') {
      if (a.need(++i) === 'ecn') r.metrics.features = (r.metrics.features ?? 0) | 1;
      else a.error(`feature ${a.need(i)} not supported`);
    } else if (str === 'quickack' || str === 'fastopen_no_cookie') {
      const v = getU(a, a.need(++i), 1, `Invalid ${str} value %s specified for route`) ?? fail0();
      if (str === 'quickack') r.metrics.quickack = v; else r.metrics.fastopenNoCookie = v;
    } else if (str === 'congctl') {
      i = locked(++i, RTAX.ccAlgo);
      r.metrics.congctl = a.need(i);
    } else if (str === 'pref') {
      i++;
      if (r.family === 'inet') fail('pref is only valid for IPv6');
      r.family = 'inet6';
      const s = a.need(i);
      r.pref = s === 'low' ? 3 : s === 'medium' ? 0 : s === 'high' ? 1 : (getU(a, s, 255, 'Invalid pref value %s specified for route') ?? fail0());
    } else if (str === 'ttl-propagate') {
      const s = a.need(++i);
      if (s === 'enabled') r.ttlPropagate = true;
      else if (s === 'disabled') r.ttlPropagate = false;
      else { a.error(`ttl-propagate value ${s} not recognised`); r.ttlPropagate = false; }
    } else if (str === 'add') r.addMode = 'add';
    else if (str === 'prepend') r.addMode = 'prepend';
    else if (str === 'append') r.addMode = 'append';
    else if (str === 'or') {
      a.error('"or" for routes is deprecated. Please use "nexthop"');
      if (r.nexthops.length > 0) { a.error('"or" route already specified - ignoring subsequent'); i += 2; continue; }
      r.nexthops.push({ ...(r.via ? { via: r.via } : {}), onlink: false });
      delete r.via;
      const p = parseIpaddress(a, a.need(++i), false) ?? fail(`Invalid "or" address ${a.need(i)}`);
      r.nexthops.push({ via: { family: p.family, address: p.address }, onlink: false });
    } else if (str === 'nexthop') {
      if (r.nexthops.length > 0) a.error('Cannot specify nexthops with "or" route');
      else doNexthop = true;
      break;
    } else if (str === 'no_track') r.noTrack = true;
    else if (opts.allowTrackGroup && str === 'track_group') {
      const g = trackGroup(a, ++i, r.trackGroup, opts);
      if (g === DUPLICATE) break;
      if (g !== undefined) r.trackGroup = g;
    } else if (str === 'vrf') {
      // No VRF devices here (no vrf driver): an existing interface is never a VRF.
      const n = a.need(++i);
      fail(a.interfaces?.has(n) ? `Route specified VRF ${n} is not a VRF` : `VRF ${n} not found for route`);
    } else {
      if (str === 'to') i++;
      const t = findRtnType(str);
      // the type sets keepalived's IPROUTE_BIT_TYPE, which 2.2.7 defines as the bit of `add` too
      if (t !== undefined) { r.type = t; r.addMode = 'add'; i++; }
      dest = a.need(i);
      const p = parseRoutePrefix(a, dest) ?? fail(`unknown route keyword ${dest}`);
      if (p.family) mix(p.family, `Cannot mix IPv4 and IPv6 addresses for route (${dest})`);
      r.dst = p;
    }
    i++;
  }
  if (doNexthop) parseNexthops(a, i, r, opts);
  else if (i < a.size) fail(`Route has trailing nonsense - ${a.need(i)}`);
  if (!r.dst) fail('Route must have a destination');
  if (!r.noTrack) {
    if (r.protocolGiven && r.protocol !== RTPROT_KEEPALIVED) a.error(`Route cannot be tracked if protocol is not RTPROT_KEEPALIVED(${RTPROT_KEEPALIVED}), resetting protocol`);
    r.protocol = RTPROT_KEEPALIVED;
    if (r.dev === undefined) {
      a.error(`Warning - cannot track route ${dest} with no interface specified, not tracking`);
      r.noTrack = true;
    }
  }
  if (r.trackGroup !== undefined && r.dev === undefined) {
    a.error('Static route cannot have track group if no oif specified');
    delete r.trackGroup;
  }
  const family = r.family ?? 'inet';
  const { protocolGiven: _, dst, src, ...rest } = r;
  return { ...rest, family, dst: closePrefix(dst!, family),
    ...(src ? { src: closePrefix(src, family) } : {}), pos: a.pos(0) };
}

/** parse_nexthops(): errors drop the nexthop being read; the route is kept. */
function parseNexthops(a: KwArgs, i: number, r: RouteDraft, opts: RouteParseOpts): void {
  const names = opts.names ?? a.host.routeNames;
  let kwFamily: IpFamily | undefined;
  try {
    while (i < a.size && a.need(i) === 'nexthop') {
      i++;
      const nh: RouteNexthop = { onlink: false };
      const bad = (msg: string): never => { a.error(msg); throw new Drop(); };
      while (i < a.size) {
        const str = a.need(i);
        if (str === 'via') {
          let s = a.need(++i);
          if (s === 'inet' || s === 'inet6') { kwFamily = s; s = a.need(++i); }
          if (kwFamily !== undefined) {
            if (r.family === undefined) r.family = kwFamily;
            else if (r.family !== kwFamily) bad('IPv4/6 mismatch for nexthop');
          }
          const p = parseIpaddress(a, s, false) ?? bad(`invalid nexthop address ${s}`);
          if (r.family !== undefined && p.family !== r.family) bad('Address family mismatch for next hop');
          r.family ??= p.family;
          nh.via = { family: p.family, address: p.address };
        } else if (str === 'dev') {
          const n = a.need(++i);
          if (a.interfaces && !a.interfaces.has(n) && !opts.dynamicInterfaces) { a.markMissingInterface(); bad(`WARNING - interface ${n} for VROUTE nexthop doesn't exist`); }
          nh.dev = n;
        } else if (str === 'weight') {
          const v = getU(a, a.need(++i), 256, 'Invalid weight %s specified for route');
          if (v === undefined) throw new Drop();
          if (v === 0) bad('Invalid weight 0 specified for route');
          nh.weight = v;
        } else if (str === 'onlink') nh.onlink = true;
        else if (str === 'encap') {
          const e = parseEncap(a, i, names);
          i = e.i;
          if (e.encap) nh.encap = e.encap;
        } else if (str === 'realms') {
          nh.realms = getRealms(names, a.need(++i)) ?? bad(`Invalid realms ${a.need(i)} for route`);
          if (r.family === undefined) r.family = 'inet';
          else if (r.family !== 'inet') bad('realms are only supported for IPv4');
        } else if (str === 'as') {
          if (a.need(++i) === 'to') i++;
          bad("'as [to]' (nat) not supported");
        } else break;
        i++;
      }
      r.nexthops.push(nh);
    }
    if (i < a.size) a.error(`Route has trailing nonsense after nexthops - ${a.need(i)}`);
  } catch (e) {
    if (!(e instanceof Drop)) throw e;
  }
}
