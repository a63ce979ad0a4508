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
}

export type VrrpStatName = keyof VrrpStats;

export function newStats(): VrrpStats {
  return {
    advert_rcvd: 0, advert_sent: 0, become_master: 0, release_master: 0, packet_len_err: 0,
    advert_interval_err: 0, ip_ttl_err: 0, invalid_type_rcvd: 0, addr_list_err: 0, invalid_authtype: 0,
    authtype_mismatch: 0, auth_failure: 0, pri_zero_rcvd: 0, pri_zero_sent: 0,
    version_err: 0, checksum_err: 0, vrid_err: 0, v3_csum_pseudo_rcvd: 0, v3_csum_plain_rcvd: 0,
  };
}

/** The body keepalived writes per instance to the stats dump file (SIGUSR2, /tmp/keepalived.stats). */
export function formatStatsDump(name: string, s: VrrpStats): string[] {
  return [
    `VRRP Instance: ${name}`,
    '  Advertisements:',
    `    Received: ${s.advert_rcvd}`,
    `    Sent: ${s.advert_sent}`,
    `  Became master: ${s.become_master}`,
    `  Released master: ${s.release_master}`,
    '  Packet Errors:',
    `    Length: ${s.packet_len_err}`,
    `    TTL: ${s.ip_ttl_err}`,
    `    Invalid Type: ${s.invalid_type_rcvd}`,
    `    Advertisement Interval: ${s.advert_interval_err}`,
    `    Address List: ${s.addr_list_err}`,
    '  Authentication Errors:',
    `    Invalid Type: ${s.invalid_authtype}`,
    `    Type Mismatch: ${s.authtype_mismatch}`,
    `    Failure: ${s.auth_failure}`,
    '  Priority Zero:',
    `    Received: ${s.pri_zero_rcvd}`,
    `    Sent: ${s.pri_zero_sent}`,
  ];
}
