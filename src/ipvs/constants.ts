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

/** IPVS_STATS_ATTR_* (32-bit counters except bytes; the STATS64 variant carries every field as u64). */
export const STATS_ATTRS: AttrTable = {
  conns: { id: 1, kind: 'u32' }, inpkts: { id: 2, kind: 'u32' }, outpkts: { id: 3, kind: 'u32' },
  inbytes: { id: 4, kind: 'u64' }, outbytes: { id: 5, kind: 'u64' }, cps: { id: 6, kind: 'u32' },
  inpps: { id: 7, kind: 'u32' }, outpps: { id: 8, kind: 'u32' }, inbps: { id: 9, kind: 'u32' }, outbps: { id: 10, kind: 'u32' },
};
export const STATS64_ATTRS: AttrTable = Object.fromEntries(
  Object.entries(STATS_ATTRS).map(([k, v]) => [k, { id: v.id, kind: 'u64' as const }]),
);

/** IPVS_SVC_ATTR_* */
export const SVC_ATTRS: AttrTable = {
  af: { id: 1, kind: 'u16' },
  protocol: { id: 2, kind: 'u16' },
  addr: { id: 3, kind: 'addr' },
  port: { id: 4, kind: 'be16' },
  fwmark: { id: 5, kind: 'u32' },
  schedName: { id: 6, kind: 'string' },
  peName: { id: 11, kind: 'string' },
  flags: { id: 7, kind: 'flags' },
  timeout: { id: 8, kind: 'u32' },
  netmask: { id: 9, kind: 'u32' },
  stats: { id: 10, kind: 'nested', nested: STATS_ATTRS },
  stats64: { id: 12, kind: 'nested', nested: STATS64_ATTRS },
};

/** IPVS_DEST_ATTR_* */
export const DEST_ATTRS: AttrTable = {
  // Declaration order = wire order, the same as ipvsadm / libipvs.
  addrFamily: { id: 11, kind: 'u16' },
  addr: { id: 1, kind: 'addr' },
  port: { id: 2, kind: 'be16' },
  fwdMethod: { id: 3, kind: 'u32' },
  weight: { id: 4, kind: 'u32' },
  tunType: { id: 13, kind: 'u8' },
  tunPort: { id: 14, kind: 'be16' },
  tunFlags: { id: 15, kind: 'u16' },
  uThresh: { id: 5, kind: 'u32' },
  lThresh: { id: 6, kind: 'u32' },
  activeConns: { id: 7, kind: 'u32' },
  inactConns: { id: 8, kind: 'u32' },
  persistConns: { id: 9, kind: 'u32' },
  stats: { id: 10, kind: 'nested', nested: STATS_ATTRS },
  stats64: { id: 12, kind: 'nested', nested: STATS64_ATTRS },
};

/** IPVS_DAEMON_ATTR_* */
export const DAEMON_ATTRS: AttrTable = {
  state: { id: 1, kind: 'u32' },
  mcastIfn: { id: 2, kind: 'string' },
  syncId: { id: 3, kind: 'u32' },
  syncMaxlen: { id: 4, kind: 'u16' },
  mcastGroup: { id: 5, kind: 'in_addr' },
  mcastGroup6: { id: 6, kind: 'in6_addr' },
  mcastPort: { id: 7, kind: 'u16' },
  mcastTtl: { id: 8, kind: 'u8' },
};

/** IPVS_INFO_ATTR_* */
export const INFO_ATTRS: AttrTable = {
  version: { id: 1, kind: 'u32' },
  connTabSize: { id: 2, kind: 'u32' },
};

/** IPVS_CMD_ATTR_* (top level of every IPVS message). */
export const CMD_ATTRS: AttrTable = {
  service: { id: 1, kind: 'nested', nested: SVC_ATTRS },
  dest: { id: 2, kind: 'nested', nested: DEST_ATTRS },
  daemon: { id: 3, kind: 'nested', nested: DAEMON_ATTRS },
  timeoutTcp: { id: 4, kind: 'u32' },
  timeoutTcpFin: { id: 5, kind: 'u32' },
  timeoutUdp: { id: 6, kind: 'u32' },
};

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
