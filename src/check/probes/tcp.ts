// TCP_CHECK probe: a TCP connect within connect_timeout, then close (bindto/bind_port honoured).
// The connect itself is tcp-handle.ts; this adapts it to the Probe contract. One small object per
// real server (methods on the prototype, no closures): 10,000 of them are resident at once.
import type { Outcome } from '../core/checker-fsm.js';
import type { Probe, ProbeSpec } from './types.js';
import { Attempt, ipFamily, tcpStart, type Done } from './tcp-handle.js';
import type { SockOpts } from './sockopt.js';

export function tcpConnect(host: string, port: number, timeoutMs: number, bindto?: string, bindPort?: number,
    sockOpts?: SockOpts): Promise<Outcome> {
  return new Promise((resolve) => tcpStart(new Attempt(), host, ipFamily(host), port, timeoutMs, resolve,
    bindto, bindPort, sockOpts));
}

class TcpProbe implements Probe {
  private readonly k: string;
  private readonly family: 4 | 6 | 0;
  /** Reused for every check of this probe; an overlapping run gets its own. */
  private own: Attempt | null = null;
  constructor(private readonly host: string, private readonly port: number, private readonly timeoutMs: number,
    private readonly bindto: string | undefined, private readonly bindPort: number | undefined,
    private readonly sockOpts: SockOpts | undefined) {
    // Array.join gives a flat string (a template literal leaves a tree of cons strings per key).
    this.k = ['TCP', host, port, bindto ?? '', bindPort ?? '', timeoutMs, sockOpts?.bindIf ?? '', sockOpts?.fwmark ?? ''].join('|');
    this.family = ipFamily(host);
  }
  key(): string { return this.k; }
  start(_urlIdx: number, done: Done): void {
    let a = (this.own ??= new Attempt());
    if (a.done !== null) a = new Attempt();
    tcpStart(a, this.host, this.family, this.port, this.timeoutMs, done, this.bindto, this.bindPort, this.sockOpts);
  }
  run(): Promise<Outcome> { return new Promise((resolve) => this.start(0, resolve)); }
}

export function tcpProbe(spec: ProbeSpec): Probe {
  const p = spec.params;
  const opts = p.bindIf || p.fwmark ? { bindIf: p.bindIf, fwmark: p.fwmark } : undefined;
  return new TcpProbe(p.connectIp, p.connectPort, p.connectTimeoutMs, p.bindto, p.bindPort, opts);
}
