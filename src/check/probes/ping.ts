// PING_CHECK probe: one ICMP echo. Node has no raw or ICMP datagram sockets, so this adapter runs
// the system `ping` (iputils, setuid/capability) with -c 1 and a deadline; exit 0 = reply seen.
import { spawn } from 'node:child_process';
import type { Outcome } from '../core/checker-fsm.js';
import type { Probe, ProbeSpec } from './types.js';

export function icmpEcho(host: string, timeoutMs: number, bindto?: string): Promise<Outcome> {
  const secs = Math.max(1, Math.ceil(timeoutMs / 1000));
  const args = [host.includes(':') ? '-6' : '-4', '-n', '-q', '-c', '1', '-W', String(secs)];
  if (bindto) args.push('-I', bindto);
  args.push(host);
  return new Promise((resolve) => {
    let child;
    try { child = spawn('ping', args, { stdio: 'ignore' }); } catch { resolve({ ok: false, msg: 'failed' }); return; }
    const timer = setTimeout(() => { try { child.kill('SIGKILL'); } catch { /* gone */ } }, timeoutMs + 1000);
    child.once('error', () => { clearTimeout(timer); resolve({ ok: false, msg: 'failed' }); });
    child.once('exit', (code) => { clearTimeout(timer); resolve(code === 0 ? { ok: true } : { ok: false, msg: 'timeout' }); });
  });
}

export function pingProbe(spec: ProbeSpec): Probe {
  const p = spec.params;
  const key = `PING|${p.connectIp}|${p.connectTimeoutMs}|${p.bindto ?? ''}`;
  return { key: () => key, run: () => icmpEcho(p.connectIp, p.connectTimeoutMs, p.bindto) };
}
