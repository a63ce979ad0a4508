// TCP_CHECK probe: a TCP connect within connect_timeout (bindto/bind_port honoured).
import net from 'node:net';
import type { Outcome } from '../core/checker-fsm.js';
import type { Probe, ProbeSpec } from './types.js';

export function tcpConnect(host: string, port: number, timeoutMs: number, bindto?: string, bindPort?: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let done = false;
    const sock = net.connect({ host, port, localAddress: bindto, localPort: bindPort });
    const finish = (o: Outcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ ok: false, msg: 'timeout' }), timeoutMs);
    sock.once('connect', () => finish({ ok: true }));
    sock.once('error', () => finish({ ok: false, msg: 'failed' }));
  });
}

export function tcpProbe(spec: ProbeSpec): Probe {
  const p = spec.params;
  const key = `TCP|${p.connectIp}|${p.connectPort}|${p.bindto ?? ''}|${p.bindPort ?? ''}|${p.connectTimeoutMs}`;
  return {
    key: () => key,
    run: () => tcpConnect(p.connectIp, p.connectPort, p.connectTimeoutMs, p.bindto, p.bindPort),
  };
}
