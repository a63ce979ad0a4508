// One line of text per nf_tables message of the VIP firewall, close to the nft command that would do
// the same ("add table ip keepalived", "add element ip keepalived vips { 10.0.0.1 }"), so tests can
// state expected batches as data. Rules are named by chain and the expressions' short forms.
import { bytesToIp } from '../../src/vrrp/io/addr.js';
import type { NftExpr, NftMsg, NftSetElem } from '../../src/vrrp/firewall/nft-model.js';

const TYPES: Record<number, string> = { 7: 'ipv4_addr', 8: 'ipv6_addr', 20: 'iface_index', 29: 'icmpv6_type', 41: 'ifname' };

function typeName(t: number): string {
  const parts: string[] = [];
  for (; t; t >>= 6) parts.unshift(TYPES[t & 63] ?? `type${t & 63}`);
  return parts.join(' . ');
}

function elem(set: string, el: NftSetElem): string {
  const k = el.key;
  switch (set) {
    case 'vips': return bytesToIp(k);
    case 'vips_link_local': return `${bytesToIp(k.subarray(0, 16))} . ${k.readUInt32LE(16)}`;
    case 'vips_link_local_name': return `${bytesToIp(k.subarray(0, 16))} . "${k.subarray(16).toString('latin1').replace(/\0+$/, '')}"`;
    case 'vmac_map': return `${k.readUInt32LE(0)} : ${el.data!.readUInt32LE(0)}`;
    case 'vmac_set': return String(k.readUInt32LE(0));
    default: return k.toString('hex');
  }
}

export function exprText(x: NftExpr): string {
  switch (x.e) {
    case 'payload': return `${x.base === 'network' ? 'nh' : 'th'}[${x.offset}:${x.len}]>r${x.dreg}`;
    case 'meta': return `meta${x.key}>r${x.dreg}`;
    case 'cmp': return `r${x.sreg}==${x.data.toString('hex')}`;
    case 'bitwise': return `r${x.sreg}&${x.mask.toString('hex')}>r${x.dreg}`;
    case 'lookup': return `r${x.sreg}@${x.set}${x.dreg ? `>r${x.dreg}` : ''}`;
    case 'counter': return 'counter';
    case 'dup': return `dup(r${x.sregAddr},r${x.sregDev})`;
    case 'verdict': return x.verdict === 'goto' ? `goto ${x.chain}` : x.verdict;
  }
}

export function nftText(m: NftMsg): string {
  const w = `${m.family} ${m.table}`;
  switch (m.op) {
    case 'newTable': return `add table ${w}`;
    case 'delTable': return `delete table ${w}`;
    case 'getTable': return `get table ${w}`;
    case 'newChain': return `add chain ${w} ${m.chain}${m.hook ? ` { ${m.hook.hook} ${m.hook.priority} }` : ''}`;
    case 'newSet': return `add ${m.data ? 'map' : 'set'} ${w} ${m.set} { ${typeName(m.keyType)}${m.data ? ` : ${typeName(m.data.type)}` : ''}${m.flags && !m.data ? ` flags ${m.flags}` : ''} }`;
    case 'newElems': case 'delElems':
      return `${m.op === 'newElems' ? 'add' : 'delete'} element ${w} ${m.set} { ${m.elems.map((e) => elem(m.set, e)).join(', ')} }`;
    case 'newRule': return `add rule ${w} ${m.chain} ${m.exprs.map(exprText).join(' ')}`;
  }
}
