// Log sinks for the daemon's processes: syslog over the /dev/log unix datagram socket (through
// the unix-dgram addon), the -l console on stderr, and the Logger every subsystem receives. Each
// process (parent, VRRP child, checker child) builds its own, with its own ident and pid.
import { createRequire } from 'node:module';
import { makeLogger, type Logger, type LogLevel } from '../common/log.js';
import { formatConsole, formatSyslog } from './log-format.js';

export interface LogSinkOptions {
  ident: string;
  /** Facility number (daemon = 3). */
  facility: number;
  /** -D count. */
  detail: number;
  console: boolean;           // -l
  syslog: boolean;            // not -G
  /** Path of the syslog socket; default /dev/log (KEEPALIVED_TS_SYSLOG_SOCKET overrides, for tests). */
  syslogPath?: string;
  pid?: number;
  /** Where console lines go; default process.stderr. */
  consoleWrite?: (line: string) => void;
  now?: () => Date;
}

interface DgramSocket {
  send(buf: Buffer, offset: number, length: number, path: string, cb: (err?: Error) => void): void;
  close(): void;
  on(ev: string, fn: (...a: unknown[]) => void): void;
}

export interface DaemonLogger extends Logger {
  /** Stops using the syslog socket (before the process exits). */
  close(): void;
  /** Changes the facility (log_facility from the config, -S wins). */
  setFacility(f: number): void;
}

function openDgram(): DgramSocket | undefined {
  try {
    const require = createRequire(import.meta.url);
    const unix = require('unix-dgram') as { createSocket(t: 'unix_dgram'): DgramSocket };
    const s = unix.createSocket('unix_dgram');
    s.on('error', () => { /* syslog down: like glibc, drop the line */ });
    return s;
  } catch {
    return undefined;
  }
}

export function defaultSyslogPath(): string {
  return process.env.KEEPALIVED_TS_SYSLOG_SOCKET || '/dev/log';
}

export function createDaemonLogger(o: LogSinkOptions): DaemonLogger {
  const now = o.now ?? (() => new Date());
  const pid = o.pid ?? process.pid;
  const path = o.syslogPath ?? defaultSyslogPath();
  let facility = o.facility;
  let sock: DgramSocket | undefined = o.syslog ? openDgram() : undefined;
  const consoleWrite = o.consoleWrite ?? ((line: string) => { process.stderr.write(`${line}\n`); });
  const write = (level: LogLevel, msg: string) => {
    const at = now();
    if (o.console) consoleWrite(formatConsole(msg, at));
    if (sock) {
      const buf = Buffer.from(formatSyslog(facility, level, o.ident, pid, msg, at));
      try { sock.send(buf, 0, buf.length, path, () => { /* errors dropped, as glibc does */ }); } catch { /* ignore */ }
    }
  };
  const base = makeLogger(write, o.detail);
  return Object.assign(base, {
    close: () => { if (sock) { try { sock.close(); } catch { /* ignore */ } sock = undefined; } },
    setFacility: (f: number) => { facility = f; },
  });
}
