// Builders for config-model virtual / real servers with keepalived's defaults (tests only).
import type { RealServer, VirtualServer } from '../../../src/config/model.js';

export function rs(address: string, port: number, extra: Partial<RealServer> = {}): RealServer {
  return { address, port, family: address.includes(':') ? 'inet6' : 'inet', weight: 1, checkers: [], extra: {}, ...extra };
}

export function vsIp(address: string, port: number, extra: Partial<VirtualServer> = {}): VirtualServer {
  return {
    vs: { kind: 'ip', address, port, family: address.includes(':') ? 'inet6' : 'inet' },
    lbAlgo: 'wlc', lbKind: 'NAT', protocol: 'TCP', delayLoop: 60, inhibitOnFailure: false, quorum: 1, hysteresis: 0,
    alpha: false, omega: false, haSuspend: false, weight: 1, ops: false, schedFlags: [], realServers: [], extra: {},
    ...extra,
  };
}
