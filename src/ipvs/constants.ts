// IPVS Generic Netlink vocabulary from include/uapi/linux/ip_vs.h, declared as data: command numbers,
// attribute tables (id, wire kind, nesting), service / destination flag bits and enums.
// Nothing here does I/O; attrs.ts encodes and decodes with these tables.

export const IPVS_GENL_NAME = 'IPVS';
export const IPVS_GENL_VERSION = 1;

export const IPVS_CMD = {
  NEW_SERVICE: 1, SET_SERVICE: 2, DEL_SERVICE: 3, GET_SERVICE: 4,
  NEW_DEST: 5, SET_DEST: 6, DEL_DEST: 7, GET_DEST: 8,
  NEW_DAEMON: 9, DEL_DAEMON: 10, GET_DAEMON: 11,
  SET_CONFIG: 12, GET_CONFIG: 13, SET_INFO: 14, GET_INFO: 15, ZERO: 16, FLUSH: 17,
} as const;
export type IpvsCmd = (typeof IPVS_CMD)[keyof typeof IPVS_CMD];

/** Wire kinds: little-endian host order except be16 (network order) and addr (union nf_inet_addr, 16 bytes). */
export type AttrKind = 'u8' | 'u16' | 'be16' | 'u32' | 'u64' | 'string' | 'addr' | 'in_addr' | 'in6_addr' | 'flags' | 'nested';

export interface AttrSpec {
  id: number;
  kind: AttrKind;
  /** For kind 'nested': the table of the inner attributes. */
  nested?: AttrTable;
}
export type AttrTable = Readonly<Record<string, AttrSpec>>;

/** One attribute: [field name, IPVS_*_ATTR_* id, wire kind, inner table of a nested one]. */
type AttrRow = readonly [name: string, id: number, kind: AttrKind, nested?: AttrTable];

/** A table from rows; the row order is the wire order (encodeAttrs writes attributes in it). */
function attrTable(rows: readonly AttrRow[]): AttrTable {
  return Object.freeze(Object.fromEntries(rows.map(([name, id, kind, nested]) => [name,
    nested ? { id, kind, nested } : { id, kind }])));
}

/** IPVS_STATS_ATTR_* (32-bit counters except bytes; the STATS64 variant carries every field as u64). */
const STATS_ROWS: AttrRow[] = [
  ['conns', 1, 'u32'], ['inpkts', 2, 'u32'], ['outpkts', 3, 'u32'], ['inbytes', 4, 'u64'], ['outbytes', 5, 'u64'],
  ['cps', 6, 'u32'], ['inpps', 7, 'u32'], ['outpps', 8, 'u32'], ['inbps', 9, 'u32'], ['outbps', 10, 'u32'],
];
export const STATS_ATTRS = attrTable(STATS_ROWS);
export const STATS64_ATTRS = attrTable(STATS_ROWS.map(([name, id]) => [name, id, 'u64']));

/** IPVS_SVC_ATTR_* */
export const SVC_ATTRS = attrTable([
  ['af', 1, 'u16'], ['protocol', 2, 'u16'], ['addr', 3, 'addr'], ['port', 4, 'be16'], ['fwmark', 5, 'u32'],
  ['schedName', 6, 'string'], ['peName', 11, 'string'], ['flags', 7, 'flags'], ['timeout', 8, 'u32'], ['netmask', 9, 'u32'],
  ['stats', 10, 'nested', STATS_ATTRS], ['stats64', 12, 'nested', STATS64_ATTRS],
]);

/** IPVS_DEST_ATTR_* (row order = wire order, the same as ipvsadm / libipvs). */
export const DEST_ATTRS = attrTable([
  ['addrFamily', 11, 'u16'], ['addr', 1, 'addr'], ['port', 2, 'be16'], ['fwdMethod', 3, 'u32'], ['weight', 4, 'u32'],
  ['tunType', 13, 'u8'], ['tunPort', 14, 'be16'], ['tunFlags', 15, 'u16'], ['uThresh', 5, 'u32'], ['lThresh', 6, 'u32'],
  ['activeConns', 7, 'u32'], ['inactConns', 8, 'u32'], ['persistConns', 9, 'u32'],
  ['stats', 10, 'nested', STATS_ATTRS], ['stats64', 12, 'nested', STATS64_ATTRS],
]);

/** IPVS_DAEMON_ATTR_* */
export const DAEMON_ATTRS = attrTable([
  ['state', 1, 'u32'], ['mcastIfn', 2, 'string'], ['syncId', 3, 'u32'], ['syncMaxlen', 4, 'u16'],
  ['mcastGroup', 5, 'in_addr'], ['mcastGroup6', 6, 'in6_addr'], ['mcastPort', 7, 'u16'], ['mcastTtl', 8, 'u8'],
]);

/** IPVS_INFO_ATTR_* */
export const INFO_ATTRS = attrTable([['version', 1, 'u32'], ['connTabSize', 2, 'u32']]);

/** IPVS_CMD_ATTR_* (top level of every IPVS message). */
export const CMD_ATTRS = attrTable([
  ['service', 1, 'nested', SVC_ATTRS], ['dest', 2, 'nested', DEST_ATTRS], ['daemon', 3, 'nested', DAEMON_ATTRS],
  ['timeoutTcp', 4, 'u32'], ['timeoutTcpFin', 5, 'u32'], ['timeoutUdp', 6, 'u32'],
]);

/** Top level of GET_INFO replies. */
export const INFO_REPLY_ATTRS: AttrTable = INFO_ATTRS;

/** IP_VS_SVC_F_* */
export const SVC_F = {
  PERSISTENT: 0x0001, HASHED: 0x0002, ONEPACKET: 0x0004, SCHED1: 0x0008, SCHED2: 0x0010, SCHED3: 0x0020,
} as const;

/** IP_VS_CONN_F_* forwarding methods (IP_VS_CONN_F_FWD_MASK = 7). */
export const FWD = { MASQ: 0, LOCALNODE: 1, TUNNEL: 2, DROUTE: 3, BYPASS: 4 } as const;
export const FWD_MASK = 0x7;

/** IP_VS_CONN_F_TUNNEL_TYPE_* and IP_VS_TUNNEL_ENCAP_FLAG_*. */
export const TUN_TYPE = { ipip: 0, gue: 1, gre: 2 } as const;
export const TUN_FLAG = { nocsum: 0, csum: 1, remcsum: 2 } as const;

/** IP_VS_STATE_* for the sync daemon. */
export const DAEMON_STATE = { NONE: 0, MASTER: 1, BACKUP: 2 } as const;

export const AF_INET = 2;
export const AF_INET6 = 10;
export const IPPROTO = { TCP: 6, UDP: 17, SCTP: 132 } as const;

/** Schedulers the kernel ships (ip_vs_<name>.ko). */
export const SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos'] as const;
