// USR2 (STATS) dump: /tmp/keepalived.stats, keepalived 2.2.7's layout (vrrp_print_stats()), and one
// line of ours per instance, "  Master conflicts: N", only once such an episode happened (so the file
// stays byte-identical to 2.2.7's until then).
import type { VrrpSnapshot } from './model.js';

export function formatStatsDump(snap: VrrpSnapshot): string {
  const out: string[] = [];
  for (const i of snap.instances) {
    const s = i.stats;
    out.push(
      `VRRP Instance: ${i.name}`,
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
    );
    if (s.master_conflict) out.push(`  Master conflicts: ${s.master_conflict}`);
  }
  return out.map((l) => `${l}\n`).join('');
}
