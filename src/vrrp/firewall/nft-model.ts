// The nf_tables objects keepalived 2.2.7's VIP firewall creates, as typed values: tables, chains,
// sets, set elements, rules made of expressions, and the netlink messages that carry them. The
// planner (plan.ts) produces these, codec.ts encodes them exactly as libnftnl does for keepalived
// (checked byte for byte against captured 2.2.7 batches), the fake kernel records them.

export type NfFamily = 'ip' | 'ip6';

/** nftables datatypes (nftables' include/datatype.h), as set key/data types. */
export const NFT_TYPE = { IPADDR: 7, IP6ADDR: 8, IFINDEX: 20, ICMPV6_TYPE: 29, IFNAME: 41 } as const;
/** Bits per datatype in a concatenated key type (key type = (a << 6) | b). */
export const NFT_TYPE_BITS = 6;

export const NFT_SET_CONSTANT = 0x2;
export const NFT_SET_MAP = 0x8;

/** enum nft_meta_keys. */
export const META = { IIF: 4, OIF: 5, IIFNAME: 6, OIFNAME: 7, L4PROTO: 16, OIFKIND: 27 } as const;

export type Register = 1 | 2;

export type NftExpr =
  | { e: 'payload'; base: 'network' | 'transport'; offset: number; len: number; dreg: Register }
  | { e: 'meta'; key: number; dreg: Register }
  | { e: 'cmp'; sreg: Register; data: Buffer }
  | { e: 'bitwise'; sreg: Register; dreg: Register; mask: Buffer; xor: Buffer }
  | { e: 'lookup'; sreg: Register; dreg?: Register; set: string; setId?: number }
  | { e: 'counter' }
  | { e: 'dup'; sregAddr: Register; sregDev: Register }
  | { e: 'verdict'; verdict: 'accept' | 'drop' } | { e: 'verdict'; verdict: 'goto'; chain: string };

export interface NftSetElem { key: Buffer; data?: Buffer }

/** One message of a batch (or, for getTable, a request of its own). */
export type NftMsg =
  | { op: 'newTable' | 'delTable' | 'getTable'; family: NfFamily; table: string }
  /** A base chain (hook) is always `type filter ... policy accept`, as keepalived makes them. */
  | { op: 'newChain'; family: NfFamily; table: string; chain: string; hook?: { hook: 'input' | 'output'; priority: number } }
  | {
    op: 'newSet'; family: NfFamily; table: string; set: string; flags?: number; keyType: number; keyLen: number;
    data?: { type: number; len: number }; id: number; keyByteOrder: 'big' | 'host';
  }
  /** excl: NLM_F_EXCL (adding an element that is already there fails). setId: the set was created in this batch. */
  | { op: 'newElems' | 'delElems'; family: NfFamily; table: string; set: string; setId?: number; excl?: boolean; elems: NftSetElem[] }
  | { op: 'newRule'; family: NfFamily; table: string; chain: string; exprs: NftExpr[] };

/** What one firewall step needs: the messages of one batch, and whether stale tables must go first. */
export interface NftBatch {
  /**
   * Set on the first setup of a table: keepalived 2.2.7 then deletes (and logs) tables of this name
   * left from before, in both families, at the head of the same batch.
   */
  deleteStale?: string;
  msgs: NftMsg[];
}
