// nf_tables netlink encoding of the firewall's messages (nft-model.ts), attribute for attribute and
// in the order libnftnl 1.2 builds them for keepalived 2.2.7 (test/unit/vrrp/firewall/data holds
// captured 2.2.7 batches; the codec test compares ours with them, sequence numbers aside), and
// decoding of the kernel's answers (ACKs, errors, the table a GETTABLE finds). Pure.
import { ackErrno, msgSeq, msgType, nla, NLA_F_NESTED, NLM_F_ACK, NLM_F_REQUEST, splitMessages } from '../../common/netlink.js';
import type { NfFamily, NftExpr, NftMsg } from './nft-model.js';

const NFNL_SUBSYS_NFTABLES = 10;
const NFNL_MSG_BATCH_BEGIN = 0x10, NFNL_MSG_BATCH_END = 0x11;
const NFT_MSG = { newTable: 0, getTable: 1, delTable: 2, newChain: 3, newRule: 6, newSet: 9, newElems: 12,
  delElems: 14 } as const;
const NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400, NLM_F_APPEND = 0x800;
const FAMILY: Record<NfFamily, number> = { ip: 2, ip6: 10 };
const HOOK = { input: 1, output: 3 } as const;
const VERDICT = { drop: 0, accept: 1, goto: -4 } as const;
const PAYLOAD_BASE = { network: 1, transport: 2 } as const;
const BYTEORDER = { host: 1, big: 2 } as const;
const NF_ACCEPT = 1;

// ---- attributes

const str = (type: number, s: string): Buffer => nla(type, Buffer.from(`${s}\0`, 'latin1'));
const be32 = (type: number, n: number): Buffer => { const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0); return nla(type, b); };
const nest = (type: number, parts: Buffer[]): Buffer => nla(type | NLA_F_NESTED, Buffer.concat(parts));
/** NFTA_DATA_VALUE inside a nested attribute (set keys and data, cmp and bitwise operands). */
const value = (type: number, data: Buffer): Buffer => nest(type, [nla(1, data)]);

function udata(pairs: [type: number, v: number][]): Buffer {
  const b = Buffer.alloc(pairs.length * 6);
  pairs.forEach(([t, v], i) => { b[i * 6] = t; b[i * 6 + 1] = 4; b.writeUInt32LE(v, i * 6 + 2); });
  return b;
}

function exprData(x: NftExpr): Buffer[] {
  switch (x.e) {
    case 'payload': return [be32(1, x.dreg), be32(2, PAYLOAD_BASE[x.base]), be32(3, x.offset), be32(4, x.len)];
    case 'meta': return [be32(2, x.key), be32(1, x.dreg)];
    case 'cmp': return [be32(1, x.sreg), be32(2, 0), value(3, x.data)];
    case 'bitwise': return [be32(1, x.sreg), be32(2, x.dreg), be32(3, x.mask.length), value(4, x.mask), value(5, x.xor)];
    case 'lookup': return [be32(2, x.sreg), ...(x.dreg ? [be32(3, x.dreg)] : []), str(1, x.set), ...(x.setId ? [be32(4, x.setId)] : [])];
    case 'counter': return [];
    case 'dup': return [be32(1, x.sregAddr), be32(2, x.sregDev)];
    case 'verdict': return [be32(1, 0), nest(2, [nest(2, [be32(1, VERDICT[x.verdict]), ...(x.verdict === 'goto' ? [str(2, x.chain)] : [])])])];
  }
}

const EXPR_NAME: Record<NftExpr['e'], string> = {
  payload: 'payload', meta: 'meta', cmp: 'cmp', bitwise: 'bitwise', lookup: 'lookup', counter: 'counter', dup: 'dup', verdict: 'immediate',
};

function body(m: NftMsg): Buffer[] {
  switch (m.op) {
    case 'newTable': case 'delTable': case 'getTable': return [str(1, m.table)];
    case 'newChain':
      return [str(1, m.table), str(3, m.chain),
        ...(m.hook ? [nest(4, [be32(1, HOOK[m.hook.hook]), be32(2, m.hook.priority)]), be32(5, NF_ACCEPT), str(7, 'filter')] : [])];
    case 'newSet': {
      const ud: [number, number][] = [[0, BYTEORDER[m.keyByteOrder]]];
      if (m.data) ud.push([1, BYTEORDER.host]);
      return [str(1, m.table), str(2, m.set), ...(m.flags ? [be32(3, m.flags)] : []),
        be32(4, m.keyType), be32(5, m.keyLen),
        ...(m.data ? [be32(6, m.data.type), be32(7, m.data.len)] : []), be32(10, m.id), nla(13, udata(ud))];
    }
    case 'newElems': case 'delElems':
      return [str(2, m.set), ...(m.setId ? [be32(4, m.setId)] : []), str(1, m.table),
        nest(3, m.elems.map((el, i) => nest(i + 1, [value(1, el.key), ...(el.data ? [value(2, el.data)] : [])])))];
    case 'newRule':
      return [str(1, m.table), str(2, m.chain), nest(4, m.exprs.map((x) => nest(1,
        [str(1, EXPR_NAME[x.e]), nest(2, exprData(x))])))];
  }
}

function flagsOf(m: NftMsg): number {
  switch (m.op) {
    case 'newTable': case 'newChain': case 'newSet': return NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE;
    case 'newElems': return NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | (m.excl ? NLM_F_EXCL : 0);
    case 'newRule': return NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_APPEND;
    case 'delTable': case 'delElems': case 'getTable': return NLM_F_REQUEST | NLM_F_ACK;
  }
}

function header(type: number, flags: number, seq: number, family: number, resId: number, len: number): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt32LE(len, 0);
  h.writeUInt16LE(type, 4);
  h.writeUInt16LE(flags, 6);
  h.writeUInt32LE(seq >>> 0, 8);
  h[16] = family;
  h.writeUInt16BE(resId, 18);
  return h;
}

/** One nf_tables message (netlink header + nfgenmsg + attributes) with sequence number `seq`. */
export function encodeMsg(m: NftMsg, seq: number): Buffer {
  const b = Buffer.concat(body(m));
  return Buffer.concat([header((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG[m.op], flagsOf(m), seq,
    FAMILY[m.family], 0, 20 + b.length), b]);
}

/**
 * A batch: NFNL_MSG_BATCH_BEGIN, the messages, NFNL_MSG_BATCH_END, sequence numbers from `seq` on.
 * `acked`: the sequence numbers of the messages (each asks for an ACK).
 */
export function encodeBatch(msgs: readonly NftMsg[], seq: number): { datagram: Buffer;
    acked: number[]; nextSeq: number } {
  const parts = [header(NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, seq++, 0, NFNL_SUBSYS_NFTABLES, 20)];
  const acked: number[] = [];
  for (const m of msgs) { acked.push(seq); parts.push(encodeMsg(m, seq++)); }
  parts.push(header(NFNL_MSG_BATCH_END, NLM_F_REQUEST, seq++, 0, NFNL_SUBSYS_NFTABLES, 20));
  return { datagram: Buffer.concat(parts), acked, nextSeq: seq };
}

/** What came back for one request: an ACK / error (errno 0 = success) or, for GETTABLE, the table. */
export type NftReply = { seq: number; kind: 'ack'; errno: number } | { seq: number; kind: 'table' };

/** The messages of one datagram from the kernel. */
export function parseReplies(buf: Uint8Array): NftReply[] {
  const out: NftReply[] = [];
  for (const m of splitMessages(buf)) {
    const seq = msgSeq(m), errno = ackErrno(m);
    if (errno !== undefined) out.push({ seq, kind: 'ack', errno });
    else if (msgType(m) === ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG.newTable)) out.push({ seq, kind: 'table' });
  }
  return out;
}
