// Per-instance VRRP counters. The first block uses keepalived's own names (vrrp_t->stats, as in
// its stats dump and JSON); the second block holds counters keepalived keeps only for SNMP or not at
// all, so that every rejection reason of the validation ladder has a counter.

export interface VrrpStats {
  // keepalived names
  advert_rcvd: number;
  advert_sent: number;
  become_master: number;
  release_master: number;
  packet_len_err: number;
  advert_interval_err: number;
  ip_ttl_err: number;
  invalid_type_rcvd: number;
  addr_list_err: number;
  invalid_authtype: number;
  authtype_mismatch: number;
  auth_failure: number;
  pri_zero_rcvd: number;
  pri_zero_sent: number;
  // keepalived keeps these for SNMP only (vers_err, chk_err, vrid_err)
  version_err: number;
  checksum_err: number;
  vrid_err: number;
  // ours: which VRRPv3-over-IPv4 checksum form arrived
  v3_csum_pseudo_rcvd: number;
  v3_csum_plain_rcvd: number;
  // ours: master conflicts, episodes in which this instance was MASTER and received an advert from
  // another master (the stalled master waking up, a healed partition): counted once per episode
  master_conflict: number;
}

export type VrrpStatName = keyof VrrpStats;

/** keepalived's vrrp_stats as its JSON dump writes them ("stats"), in that order: the one list every dump reads. */
export const KEEPALIVED_STATS = [
  'advert_rcvd', 'advert_sent', 'become_master', 'release_master', 'packet_len_err', 'advert_interval_err', 'ip_ttl_err',
  'invalid_type_rcvd', 'addr_list_err', 'invalid_authtype', 'authtype_mismatch', 'auth_failure', 'pri_zero_rcvd', 'pri_zero_sent',
] as const satisfies readonly VrrpStatName[];

/** The counters the dumps show: keepalived's, then ours (master_conflict, dumped only when not 0). */
export const DUMPED_STATS = [...KEEPALIVED_STATS, 'master_conflict'] as const satisfies readonly VrrpStatName[];
export type DumpedStats = Pick<VrrpStats, (typeof DUMPED_STATS)[number]>;

export function newStats(): VrrpStats {
  return {
    advert_rcvd: 0, advert_sent: 0, become_master: 0, release_master: 0, packet_len_err: 0,
    advert_interval_err: 0, ip_ttl_err: 0, invalid_type_rcvd: 0, addr_list_err: 0, invalid_authtype: 0,
    authtype_mismatch: 0, auth_failure: 0, pri_zero_rcvd: 0, pri_zero_sent: 0,
    version_err: 0, checksum_err: 0, vrid_err: 0, v3_csum_pseudo_rcvd: 0, v3_csum_plain_rcvd: 0,
    master_conflict: 0,
  };
}
