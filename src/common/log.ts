// Logging contract shared by every subsystem: one Logger interface, keepalived's levels, and an
// in-memory logger for tests. Sinks (console, syslog) live in src/daemon; cores only call Logger.

export type LogLevel = 'emerg' | 'alert' | 'crit' | 'err' | 'warning' | 'notice' | 'info' | 'debug';

/** syslog(3) severity numbers for each level. */
export const LOG_SEVERITY: Record<LogLevel, number> = {
  emerg: 0, alert: 1, crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7,
};

export interface Logger {
  /** Log one line at a level; the text is exactly what keepalived would write (no prefix). */
  log(level: LogLevel, msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  /** Lines keepalived only writes with -D (detail >= 1) or -D -D (detail >= 2). */
  detail(msg: string, level?: 1 | 2): void;
}

export interface LogRecord { level: LogLevel; msg: string; at: number }

/** Builds a Logger from one write function and the -D detail level. */
export function makeLogger(write: (level: LogLevel, msg: string) => void, detailLevel = 0): Logger {
  return {
    log: write,
    info: (m) => write('info', m),
    warn: (m) => write('warning', m),
    error: (m) => write('err', m),
    detail: (m, lvl = 1) => { if (detailLevel >= lvl) write('info', m); },
  };
}

/** A logger that keeps every line in memory (tests, and the -t diagnostics collector). */
export function memoryLogger(detailLevel = 2): Logger & { records: LogRecord[]; lines(): string[] } {
  const records: LogRecord[] = [];
  const base = makeLogger((level, msg) => { records.push({ level, msg, at: Date.now() }); }, detailLevel);
  return Object.assign(base, { records, lines: () => records.map((r) => r.msg) });
}

export const nullLogger: Logger = makeLogger(() => {}, 0);
