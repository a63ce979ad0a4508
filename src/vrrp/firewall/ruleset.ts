// The pieces of keepalived 2.2.7's VIP firewall table, as nf_tables messages (facts measured with
// `nft list ruleset` and strace in namespaces, see test/integration/firewall/data): per family a
// table with an `out` chain (hook output) and, once VIPs are blocked, an `in` chain (hook input),
// both `type filter ... priority P; policy accept`, the set `vips` and the rules
// `ip daddr @vips drop` / `ip saddr @vips drop`; for IPv6 also neighbour discovery let through and
// link-local VIPs matched with their interface (`vips_link_local`, or `vips_link_local_name` by
// name); for use_vmac the IGMP / MLD reports moved to the base interface (`vmac_map`, `vmac_set`).
// Pure builders; plan.ts decides when each piece is created.
import {
  META, NFT_SET_MAP, NFT_TYPE, NFT_TYPE_BITS, type NfFamily, type NftExpr, type NftMsg,
} from './nft-model.js';

/** What shapes the table: its name, the base chains' priority (nftables_priority), counters. */
export interface TableOpts { table: string; priority: number; counters: boolean }

const ND_NEIGHBOR_SOLICIT = 135, ND_NEIGHBOR_ADVERT = 136, ND_ROUTER_SOLICIT = 133, MLD2_REPORT = 143;
const IPPROTO_IGMP = 2, IPPROTO_ICMPV6 = 58;
const IFNAMSIZ = 16;

/** Offsets in the IPv4 / IPv6 headers. */
const IP = { protocol: 9, saddr: 12, daddr: 16 } as const;
const IP6 = { nexthdr: 6, saddr: 8, daddr: 24 } as const;

const byte = (n: number): Buffer => Buffer.from([n]);
const counter = (o: TableOpts): NftExpr[] => (o.counters ? [{ e: 'counter' }] : []);
const macvlan = (): Buffer => { const b = Buffer.alloc(IFNAMSIZ); b.write('macvlan', 'latin1'); return b; };

export const newTable = (family: NfFamily, o: TableOpts): NftMsg => ({ op: 'newTable', family, table: o.table });
export const delTable = (family: NfFamily, table: string): NftMsg => ({ op: 'delTable', family, table });

export function baseChain(family: NfFamily, o: TableOpts, chain: 'in' | 'out'): NftMsg {
  return { op: 'newChain', family, table: o.table, chain, hook: { hook: chain === 'in' ? 'input' : 'output', priority: o.priority } };
}

export const chain = (family: NfFamily, o: TableOpts, name: string): NftMsg => ({ op: 'newChain', family, table: o.table, chain: name });

/** A set as keepalived's setup_set() makes it: key length from the (concatenated) key type. */
export function newSet(family: NfFamily, o: TableOpts, set: string, keyType: number, id: number,
    extra: { flags?: number; dataType?: number } = {}): NftMsg {
  const size = (t: number): number => {
    switch (t) {
      case NFT_TYPE.IPADDR: return 4;
      case NFT_TYPE.IP6ADDR: return 16;
      case NFT_TYPE.IFINDEX: return 4;
      case NFT_TYPE.ICMPV6_TYPE: return 1;
      case NFT_TYPE.IFNAME: return IFNAMSIZ;
      default: throw new RangeError(`unsupported nftables type ${t}`);
    }
  };
  let keyLen = 0;
  for (let t = keyType; t; t >>= NFT_TYPE_BITS) keyLen += size(t & ((1 << NFT_TYPE_BITS) - 1));
  return {
    op: 'newSet', family, table: o.table, set, keyType, keyLen, id,
    keyByteOrder: keyType === NFT_TYPE.IPADDR || keyType === NFT_TYPE.IP6ADDR ? 'big' : 'host',
    ...(extra.flags ? { flags: extra.flags } : {}),
    ...(extra.dataType !== undefined ? { data: { type: extra.dataType, len: size(extra.dataType) } } : {}),
  };
}

const rule = (family: NfFamily, o: TableOpts, chainName: string, exprs: NftExpr[]): NftMsg => ({ op: 'newRule', family, table: o.table, chain: chainName, exprs });

function addrPayload(family: NfFamily, saddr: boolean): NftExpr {
  return family === 'ip'
    ? { e: 'payload', base: 'network', offset: saddr ? IP.saddr : IP.daddr, len: 4, dreg: 1 }
    : { e: 'payload', base: 'network', offset: saddr ? IP6.saddr : IP6.daddr, len: 16, dreg: 1 };
}

/** `ip daddr @vips drop` (in) / `ip saddr @vips drop` (out). */
export function vipsRule(family: NfFamily, o: TableOpts, dir: 'in' | 'out'): NftMsg {
  return rule(family, o, dir, [addrPayload(family, dir === 'out'), { e: 'lookup', sreg: 1, set: 'vips' }, ...counter(o), { e: 'verdict', verdict: 'drop' }]);
}

/** `icmpv6 type @neighbor-discovery accept` (as `ip6 nexthdr` + transport payload). */
export function ndAcceptRule(o: TableOpts, dir: 'in' | 'out'): NftMsg {
  return rule('ip6', o, dir, [
    { e: 'payload', base: 'network', offset: IP6.nexthdr, len: 1, dreg: 1 }, { e: 'cmp', sreg: 1, data: byte(IPPROTO_ICMPV6) },
    { e: 'payload', base: 'transport', offset: 0, len: 1, dreg: 1 }, { e: 'lookup', sreg: 1, set: 'neighbor-discovery' },
    ...counter(o), { e: 'verdict', verdict: 'accept' },
  ]);
}

/** `ip6 daddr fe80::/10 goto in_link_local` (in) / `ip6 saddr fe80::/10 goto out_link_local` (out). */
export function linkLocalGotoRule(o: TableOpts, dir: 'in' | 'out'): NftMsg {
  const mask = Buffer.alloc(16), net = Buffer.alloc(16);
  mask.writeUInt32BE(0xffc00000, 0);
  net.writeUInt32BE(0xfe800000, 0);
  return rule('ip6', o, dir, [
    addrPayload('ip6', dir === 'out'), { e: 'bitwise', sreg: 1, dreg: 1, mask, xor: Buffer.alloc(16) }, { e: 'cmp', sreg: 1, data: net },
    ...counter(o), { e: 'verdict', verdict: 'goto', chain: `${dir}_link_local` },
  ]);
}

/** The neighbor-discovery set's constant elements. */
export function ndElems(o: TableOpts, setId: number): NftMsg {
  return { op: 'newElems', family: 'ip6', table: o.table, set: 'neighbor-discovery', setId, elems: [{ key: byte(ND_NEIGHBOR_SOLICIT) }, { key: byte(ND_NEIGHBOR_ADVERT) }] };
}

export const linkLocalSet = (byName: boolean): string => (byName ? 'vips_link_local_name' : 'vips_link_local');

export function linkLocalKeyType(byName: boolean): number {
  return (NFT_TYPE.IP6ADDR << NFT_TYPE_BITS) | (byName ? NFT_TYPE.IFNAME : NFT_TYPE.IFINDEX);
}

/** `ip6 daddr . iif @vips_link_local drop` (or `. iifname @vips_link_local_name`) and the out twin. */
export function linkLocalRule(o: TableOpts, dir: 'in' | 'out', byName: boolean): NftMsg {
  const key = dir === 'in' ? (byName ? META.IIFNAME : META.IIF) : (byName ? META.OIFNAME : META.OIF);
  return rule('ip6', o, `${dir}_link_local`, [
    addrPayload('ip6', dir === 'out'), { e: 'meta', key, dreg: 2 }, { e: 'lookup', sreg: 1, set: linkLocalSet(byName) },
    ...counter(o), { e: 'verdict', verdict: 'drop' },
  ]);
}

/** A link-local VIP's key: address then the interface index (host order) or its name (16 bytes). */
export function linkLocalKey(addr: Buffer, byName: boolean, ifindex: number, ifname: string): Buffer {
  if (byName) { const n = Buffer.alloc(IFNAMSIZ); n.write(ifname, 'latin1'); return Buffer.concat([addr, n]); }
  const i = Buffer.alloc(4); i.writeUInt32LE(ifindex); return Buffer.concat([addr, i]);
}

export const VMAC_MAP = 'vmac_map', VMAC_SET = 'vmac_set';

export function vmacMapSet(family: NfFamily, o: TableOpts, id: number): NftMsg {
  return newSet(family, o, VMAC_MAP, NFT_TYPE.IFINDEX, id, { flags: NFT_SET_MAP, dataType: NFT_TYPE.IFINDEX });
}

export const vmacSet = (o: TableOpts, id: number): NftMsg => newSet('ip6', o, VMAC_SET, NFT_TYPE.IFINDEX, id);

const oifMacvlan: NftExpr[] = [{ e: 'meta', key: META.OIFKIND, dreg: 2 }, { e: 'cmp', sreg: 2, data: macvlan() }, { e: 'meta', key: META.OIF, dreg: 2 }];

/**
 * `ip protocol igmp meta oifkind "macvlan" dup to ip daddr device oif map @vmac_map drop`, or for
 * IPv6 `icmpv6 type mld2-listener-report ...`: a VMAC's multicast reports leave by the base interface.
 */
export function moveReportsRule(family: NfFamily, o: TableOpts): NftMsg {
  const match: NftExpr[] = family === 'ip'
    ? [{ e: 'payload', base: 'network', offset: IP.protocol, len: 1, dreg: 1 }, { e: 'cmp', sreg: 1, data: byte(IPPROTO_IGMP) },
      { e: 'payload', base: 'network', offset: IP.daddr, len: 4, dreg: 1 }]
    : [{ e: 'meta', key: META.L4PROTO, dreg: 1 }, { e: 'cmp', sreg: 1, data: byte(IPPROTO_ICMPV6) },
      { e: 'payload', base: 'transport', offset: 0, len: 1, dreg: 1 }, { e: 'cmp', sreg: 1, data: byte(MLD2_REPORT) },
      { e: 'payload', base: 'network', offset: IP6.daddr, len: 16, dreg: 1 }];
  return rule(family, o, 'out', [...match, ...oifMacvlan, { e: 'lookup', sreg: 2, dreg: 2, set: VMAC_MAP, setId: 1 },
    { e: 'dup', sregAddr: 1, sregDev: 2 }, ...counter(o), { e: 'verdict', verdict: 'drop' }]);
}

/** `icmpv6 type nd-router-solicit meta oifkind "macvlan" oif @vmac_set drop`. */
export function dropRouterSolicitRule(o: TableOpts): NftMsg {
  return rule('ip6', o, 'out', [
    { e: 'meta', key: META.L4PROTO, dreg: 1 }, { e: 'cmp', sreg: 1, data: byte(IPPROTO_ICMPV6) },
    { e: 'payload', base: 'transport', offset: 0, len: 1, dreg: 1 }, { e: 'cmp', sreg: 1, data: byte(ND_ROUTER_SOLICIT) },
    ...oifMacvlan, { e: 'lookup', sreg: 2, set: VMAC_SET, setId: 1 }, ...counter(o), { e: 'verdict', verdict: 'drop' },
  ]);
}

/** An interface index as a set key / map value (host byte order, as keepalived writes it). */
export function ifindexKey(ifindex: number): Buffer { const b = Buffer.alloc(4); b.writeUInt32LE(ifindex); return b; }

