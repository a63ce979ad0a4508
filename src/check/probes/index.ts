// Picks the probe adapter for a checker type.
import type { Probe, ProbeSpec } from './types.js';
import { tcpProbe } from './tcp.js';
import { httpProbe } from './http.js';
import { smtpProbe } from './smtp.js';
import { miscProbe } from './misc.js';
import { dnsProbe } from './dns.js';
import { udpProbe } from './udp.js';
import { pingProbe } from './icmp.js';
import { fileProbe } from './file.js';

export type { Probe, ProbeSpec } from './types.js';

/** Returns undefined for checker types with no probe here (BFD_CHECK needs the BFD process). */
export function makeProbe(spec: ProbeSpec): Probe | undefined {
  switch (spec.checker.type) {
    case 'TCP_CHECK': return tcpProbe(spec);
    case 'HTTP_GET': case 'SSL_GET': return httpProbe(spec);
    case 'SMTP_CHECK': return smtpProbe(spec);
    case 'MISC_CHECK': return miscProbe(spec);
    case 'DNS_CHECK': return dnsProbe(spec);
    case 'UDP_CHECK': return udpProbe(spec);
    case 'PING_CHECK': return pingProbe(spec);
    case 'FILE_CHECK': return fileProbe(spec);
    default: return undefined;
  }
}
