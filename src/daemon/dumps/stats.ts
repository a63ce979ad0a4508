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
      `    Received: ${s.advertRcvd}`,
      `    Sent: ${s.advertSent}`,
      `  Became master: ${s.becomeMaster}`,
      `  Released master: ${s.releaseMaster}`,
      '  Packet Errors:',
      `    Length: ${s.packetLenErr}`,
      `    TTL: ${s.ipTtlErr}`,
      `    Invalid Type: ${s.invalidTypeRcvd}`,
      `    Advertisement Interval: ${s.advertIntervalErr}`,
      `    Address List: ${s.addrListErr}`,
      '  Authentication Errors:',
      `    Invalid Type: ${s.invalidAuthtype}`,
      `    Type Mismatch: ${s.authtypeMismatch}`,
      `    Failure: ${s.authFailure}`,
      '  Priority Zero:',
      `    Received: ${s.priZeroRcvd}`,
      `    Sent: ${s.priZeroSent}`,
    );
    if (s.masterConflict) out.push(`  Master conflicts: ${s.masterConflict}`);
  }
  return out.map((l) => `${l}\n`).join('');
}
