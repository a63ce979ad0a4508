// rtnetlink requests for routes and rules laid out as keepalived 2.2.7's netlink_route() /
// netlink_rule() build them (header fields, flags, attributes), and notifications decoded into the
// fields keepalived compares. Routes and rules come from config lines through the project parser.
import assert from 'node:assert/strict';
import { parseConfigText } from '../../../../src/config/load.js';
import { splitAttrs } from '../../../../src/common/netlink.js';
import { decodeRouteRuleMessage, encodeRouteRequest, encodeRuleRequest, splitMessages } from '../../../../src/vrrp/io/nl-route.js';
import type { VirtualRoute, VirtualRule } from '../../../../src/config/model.js';

const IF: Record<string, number> = { eth0: 2, lan1: 3 };
const ifindexOf = (n: string) => IF[n];

function route(line: string): VirtualRoute {
  const r = parseConfigText(`static_routes {\n ${line}\n}\n`, 't.conf', { hostname: 'h' });
  return r.config.staticRoutes[0]!;
}
function rule(line: string): VirtualRule {
  const r = parseConfigText(`static_rules {\n ${line}\n}\n`, 't.conf', { hostname: 'h' });
  return r.config.staticRules[0]!;
}

const hdr = (m: Buffer) => ({ type: m.readUInt16LE(4), flags: m.readUInt16LE(6), family: m[16], dstLen: m[17],
  srcLen: m[18], tos: m[19], table: m[20], protocol: m[21], scope: m[22], type8: m[23], rflags: m.readUInt32LE(24) });
const attrs = (m: Buffer) => splitAttrs(m.subarray(28));

describe('vrrp/routes rtnetlink codecs', () => {
  it('a route add: RTM_NEWROUTE CREATE (prepend), main table in the header, protocol 18, scope universe, DST/GATEWAY/OIF', () => {
    const m = encodeRouteRequest(route('10.201.1.0/24 via 10.50.0.254 dev lan1'), 'add', ifindexOf)!;
    assert.deepEqual(hdr(m), { type: 24, flags: 0x1 | 0x4 | 0x400, family: 2, dstLen: 24, srcLen: 0, tos: 0, table: 254,
      protocol: 18, scope: 0, type8: 1, rflags: 0 });
    const a = attrs(m);
    assert.deepEqual([...a.keys()], [1, 5, 4]);
    assert.deepEqual([...a.get(1)!], [10, 201, 1, 0]);
    assert.deepEqual([...a.get(5)!], [10, 50, 0, 254]);
    assert.equal(a.get(4)!.readUInt32LE(0), 3);
  });

  it('flags: `add` and a written type are NLM_F_EXCL, `append` NLM_F_APPEND, a reload REPLACE; delete: scope nowhere, type only with the add bit', () => {
    assert.equal(hdr(encodeRouteRequest(route('10.1.0.0/16 dev eth0 add'), 'add', ifindexOf)!).flags & 0xf00, 0x600);
    assert.equal(hdr(encodeRouteRequest(route('blackhole 10.1.0.0/16'), 'add', ifindexOf)!).flags & 0xf00, 0x600);
    assert.equal(hdr(encodeRouteRequest(route('10.1.0.0/16 dev eth0 append'), 'add', ifindexOf)!).flags & 0xf00, 0xc00);
    assert.equal(hdr(encodeRouteRequest(route('10.1.0.0/16 dev eth0'), 'replace', ifindexOf)!).flags & 0xf00, 0x500);
    const del = hdr(encodeRouteRequest(route('blackhole 10.1.0.0/16'), 'del', ifindexOf)!);
    assert.deepEqual([del.type, del.flags, del.scope, del.type8], [25, 0x5, 255, 6]);
    assert.equal(hdr(encodeRouteRequest(route('blackhole 10.1.0.0/16 prepend'), 'del', ifindexOf)!).type8, 0);
  });

  it('table above 255 in RTA_TABLE; metric, realms, onlink, pref, metrics with lock, IPv6 from', () => {
    const m = encodeRouteRequest(route('10.1.0.0/16 via 10.70.0.1 dev eth0 table 1000 metric 7 realms 1/2 onlink mtu lock 1400 advmss 1360 congctl cubic'), 'add', ifindexOf)!;
    const h = hdr(m), a = attrs(m);
    assert.equal(h.table, 0);
    assert.equal(h.rflags, 4);
    assert.equal(a.get(15)!.readUInt32LE(0), 1000);
    assert.equal(a.get(6)!.readUInt32LE(0), 7);
    assert.equal(a.get(11)!.readUInt32LE(0), (1 << 16) | 2);
    const mx = splitAttrs(a.get(8)!);
    assert.equal(mx.get(16)!.toString(), 'cubic');
    assert.equal(mx.get(2)!.readUInt32LE(0), 1400);
    assert.equal(mx.get(8)!.readUInt32LE(0), 1360);
    assert.equal(mx.get(1)!.readUInt32LE(0), 1 << 2);
    const v6 = encodeRouteRequest(route('fd00:11::/64 dev eth0 from fd00:1::/64 pref high'), 'add', ifindexOf)!;
    assert.deepEqual([hdr(v6).family, hdr(v6).dstLen, hdr(v6).srcLen], [10, 64, 64]);
    assert.equal(attrs(v6).get(20)![0], 1);
  });

  it('multipath: RTA_MULTIPATH of rtnexthop { len, flags, hops = weight - 1, ifindex } with their gateways', () => {
    const m = encodeRouteRequest(route('10.201.7.0/24 nexthop via 10.50.0.253 dev lan1 weight 2 nexthop via 10.50.0.252 dev lan1 onlink'), 'add', ifindexOf)!;
    const mp = attrs(m).get(9)!;
    assert.deepEqual([mp.readUInt16LE(0), mp[2], mp[3], mp.readInt32LE(4)], [16, 0, 1, 3]);
    assert.deepEqual([...mp.subarray(12, 16)], [10, 50, 0, 253]);
    assert.deepEqual([mp.readUInt16LE(16), mp[18], mp[19], mp.readInt32LE(20)], [16, 4, 0, 3]);
    assert.equal(encodeRouteRequest(route('10.201.7.0/24 dev eth9'), 'add', ifindexOf), undefined, 'no index for a missing interface');
  });

  it('a rule add: RTM_NEWRULE CREATE|EXCL, fib_rule_hdr, FRA_SRC, FRA_PRIORITY, FRA_PROTOCOL 18; not, iif, fwmark/mask, goto', () => {
    const m = encodeRuleRequest(rule('from 10.202.1.0/24 table 100 preference 100'), 'add');
    assert.deepEqual(hdr(m).type, 32);
    assert.equal(hdr(m).flags, 0x1 | 0x4 | 0x400 | 0x200);
    assert.deepEqual([m[16], m[17], m[18], m[20], m[23]], [2, 0, 24, 100, 1]);
    const a = attrs(m);
    assert.deepEqual([...a.keys()], [2, 6, 21]);
    assert.equal(a.get(6)!.readUInt32LE(0), 100);
    assert.equal(a.get(21)![0], 18);
    const g = encodeRuleRequest(rule('not from all iif lan1 fwmark 0x10/0xff goto 110 preference 104'), 'del');
    assert.equal(hdr(g).type, 33);
    assert.equal(hdr(g).flags, 0x5);
    assert.deepEqual([g[23], g.readUInt32LE(24)], [2, 2]);
    const b = attrs(g);
    assert.equal(b.get(3)!.toString('latin1'), 'lan1\0');
    assert.equal(b.get(10)!.readUInt32LE(0), 0x10);
    assert.equal(b.get(16)!.readUInt32LE(0), 0xff);
    assert.equal(b.get(4)!.readUInt32LE(0), 110);
    assert.equal(b.get(2)!.length, 4, '"from all" is sent as 0.0.0.0 with length 0');
  });

  it('notifications decode to what route_is_ours / compare_rule look at (pid, table, dst, oif, priority; rule fields)', () => {
    const r = encodeRouteRequest(route('10.203.1.0/24 via 10.199.0.254 dev eth0 metric 9'), 'add', ifindexOf)!;
    r.writeUInt32LE(1234, 12);
    const d = decodeRouteRuleMessage(r);
    assert.ok(d && 'route' in d);
    assert.deepEqual(d.route, { added: true, pid: 1234, family: 'inet', dstLen: 24, tos: 0, table: 254, protocol: 18, dst: '10.203.1.0', oif: 2, priority: 9 });
    const u = decodeRouteRuleMessage(encodeRuleRequest(rule('from 10.204.1.0/24 iif eth0 sport 1000-2000 table 1000 preference 200'), 'del'));
    assert.ok(u && 'rule' in u);
    assert.equal(u.rule.added, false);
    assert.deepEqual([u.rule.src, u.rule.srcLen, u.rule.table, u.rule.priority, u.rule.iif, u.rule.protocol], ['10.204.1.0', 24, 1000, 200, 'eth0', 18]);
    assert.deepEqual(u.rule.sport, { start: 1000, end: 2000 });
    assert.equal(splitMessages(Buffer.concat([r, r])).length, 2);
  });
});
