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
  /** Stops using the syslog socket (before the process exits), after the queued lines are sent. */
  close(): void;
  /** Waits (bounded) until queued syslog lines are sent. */
  flush(ms?: number): Promise<void>;
  /** Changes the facility (log_facility from the config, -S wins). */
  setFacility(f: number): void;
  /** Changes the syslog ident (net_namespace: "Keepalived_NAME"). */
  setIdent(ident: string): void;
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
  let ident = o.ident;
  let sock: DgramSocket | undefined = o.syslog ? openDgram() : undefined;
  const consoleWrite = o.consoleWrite ?? ((line: string) => { process.stderr.write(`${line}\n`); });
  // glibc's syslog() blocks when the syslog socket's queue is full; we cannot block, so lines
  // wait here (in order) until the socket is writable again. Bounded: oldest lines go first.
  const queue: Buffer[] = [];
  let blocked = false;
  let closing = false;
  let retry: NodeJS.Timeout | undefined;
  const shut = () => {
    if (retry) clearTimeout(retry);
    if (sock) { try { sock.close(); } catch { /* ignore */ } sock = undefined; }
  };
  const pump = () => {
    while (sock && queue.length && !blocked) {
      let congested = false;
      try {
        // unix-dgram reports a full receive queue as EAGAIN (-11) or as 'congestion' (1).
        sock.send(queue[0], 0, queue[0].length, path, (e?: Error) => {
          const code = (e as { code?: unknown } | undefined)?.code;
          if (code === -11 || code === 1) congested = true;
        });
      } catch { /* socket gone: drop the line, as glibc does */ }
      if (congested) {
        blocked = true;
        // 'writable' normally resumes us; the timer covers a missed wake-up.
        retry = setTimeout(() => { blocked = false; pump(); }, 10);
        retry.unref();
        return;
      }
      queue.shift();
    }
    if (closing && !queue.length) shut();
  };
  sock?.on('writable', () => { if (retry) clearTimeout(retry); blocked = false; pump(); });
  const write = (level: LogLevel, msg: string) => {
    const at = now();
    if (o.console) consoleWrite(formatConsole(msg, at));
    if (sock && !closing) {
      queue.push(Buffer.from(formatSyslog(facility, level, ident, pid, msg, at)));
      if (queue.length > 10_000) queue.shift();
      pump();
    }
  };
  const base = makeLogger(write, o.detail);
  return Object.assign(base, {
    /** Closes the socket once the queued lines are out (at most about a second later). */
    close: () => {
      if (!sock || closing) return;
      closing = true;
      if (!queue.length) { shut(); return; }
      setTimeout(shut, 1000).unref();
    },
    /** Resolves when every queued line was handed to the socket (or after `ms`). */
    flush: (ms = 1000) => new Promise<void>((resolve) => {
      const end = Date.now() + ms;
      const check = () => { if (!queue.length || !sock || Date.now() > end) resolve(); else setTimeout(check, 10); };
      check();
    }),
    setFacility: (f: number) => { facility = f; },
    setIdent: (i: string) => { ident = i; },
  });
}
