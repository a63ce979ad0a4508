// Effective checker parameters: each timing/connection keyword resolves checker -> real_server ->
// virtual_server -> the checker type's default (features doc §4.2). Times are returned in ms.
import type { Checker, RealServer, VirtualServer } from '../../config/model.js';

export interface EffectiveParams {
  retry: number;
  delayBeforeRetryMs: number;
  delayLoopMs: number;
  warmupMs: number;
  connectTimeoutMs: number;
  alpha: boolean;
  logAllFailures: boolean;
  connectIp: string;
  connectPort: number;
  bindto?: string;
  bindPort?: number;
  /** SO_BINDTODEVICE / SO_MARK for the check's socket (probes/sockopt.ts). */
  bindIf?: string;
  fwmark?: number;
}

const s2ms = (s: number): number => Math.round(s * 1000);

export function defaultRetry(type: Checker['type']): number {
  if (type === 'MISC_CHECK') return 0;
  if (type === 'DNS_CHECK') return 3;
  return 1;
}

export function resolveParams(c: Checker, rs: RealServer, vs: VirtualServer, globalLogAll = false): EffectiveParams {
  const delayLoop = c.delayLoop ?? rs.delayLoop ?? vs.delayLoop ?? 60;
  const defDbr = c.type === 'HTTP_GET' || c.type === 'SSL_GET' ? 3 : c.type === 'DNS_CHECK' ? delayLoop : 1;
  const dbr = c.delayBeforeRetry ?? rs.delayBeforeRetry ?? vs.delayBeforeRetry ?? defDbr;
  const defPort = c.type === 'DNS_CHECK' && !rs.port ? 53 : c.type === 'SMTP_CHECK' && !rs.port ? 25 : rs.port;
  return {
    retry: c.retry ?? rs.retry ?? vs.retry ?? defaultRetry(c.type),
    delayBeforeRetryMs: s2ms(dbr),
    delayLoopMs: s2ms(delayLoop),
    warmupMs: s2ms(c.warmup ?? rs.warmup ?? vs.warmup ?? delayLoop),
    connectTimeoutMs: s2ms(c.connectTimeout ?? rs.connectTimeout ?? vs.connectTimeout ?? 5),
    alpha: c.alpha ?? rs.alpha ?? vs.alpha ?? false,
    logAllFailures: (c.logAllFailures ?? false) || globalLogAll,
    connectIp: c.connectIp ?? rs.address,
    connectPort: c.connectPort ?? defPort,
    bindto: c.bindto,
    bindPort: c.bindPort,
    bindIf: c.bindIf,
    fwmark: c.fwmark,
  };
}
