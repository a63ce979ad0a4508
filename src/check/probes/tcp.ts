// TCP_CHECK probe: a TCP connect within connect_timeout, then close (bindto/bind_port honoured).
// The connect itself is tcp-handle.ts; this adapts it to the Probe contract.
import type { Outcome } from '../core/checker-fsm.js';
import type { Probe, ProbeSpec } from './types.js';
import { Attempt, ipFamily, tcpStart, type Done } from './tcp-handle.js';

export function tcpConnect(host: string, port: number, timeoutMs: number, bindto?: string, bindPort?: number): Promise<Outcome> {
  return new Promise((resolve) => tcpStart(new Attempt(), host, ipFamily(host), port, timeoutMs, resolve, bindto, bindPort));
}

export function tcpProbe(spec: ProbeSpec): Probe {
  const p = spec.params;
  const key = `TCP|${p.connectIp}|${p.connectPort}|${p.bindto ?? ''}|${p.bindPort ?? ''}|${p.connectTimeoutMs}`;
  const family = ipFamily(p.connectIp);
  // Reused for every check of this probe; a second overlapping run gets its own.
  let own: Attempt | null = null;
  const start = (_urlIdx: number, done: Done): void => {
    let a = own ??= new Attempt();
    if (a.done !== null) a = new Attempt();
    tcpStart(a, p.connectIp, family, p.connectPort, p.connectTimeoutMs, done, p.bindto, p.bindPort);
  };
  return {
    key: () => key,
    start,
    run: () => new Promise((resolve) => start(0, resolve)),
  };
}
