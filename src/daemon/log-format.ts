// Pure formatting of log lines as keepalived writes them: the RFC 3164 datagram glibc's syslog()
// sends with LOG_PID ("<PRI>Mmm dd HH:MM:SS ident[pid]: msg"), the console prefix of -l
// (ctime-style "%c: msg"), the syslog identities of each process, and the wrapped
// "Command line:" start-up line.
import os from 'node:os';
import { LOG_SEVERITY, type LogLevel } from '../common/log.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

export type ProcessRole = 'parent' | 'vrrp' | 'checker' | 'bfd';

/** syslog ident per process, with keepalived's `_<netns>` / `_<instance>` suffixes. */
export function syslogIdent(role: ProcessRole, suffix: { namespace?: string; instance?: string } = {}): string {
  const base = { parent: 'Keepalived', vrrp: 'Keepalived_vrrp', checker: 'Keepalived_healthcheckers', bfd: 'Keepalived_bfd' }[role];
  return base + (suffix.namespace ? `_${suffix.namespace}` : '') + (suffix.instance ? `_${suffix.instance}` : '');
}

/** `Nov 23 15:27:52` (glibc's "%h %e %T": day padded with a space), local time. */
export function syslogTimestamp(d: Date): string {
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
}

/** One syslog datagram as glibc's syslog(3) sends it to /dev/log with LOG_PID. */
export function formatSyslog(facility: number, level: LogLevel, ident: string, pid: number,
    msg: string, at: Date): string {
  const pri = facility * 8 + LOG_SEVERITY[level];
  return `<${pri}>${syslogTimestamp(at)} ${ident}[${pid}]: ${msg}`;
}

/** ctime()-style `Mon Nov 23 14:30:04 2026` (strftime %c in the C locale). */
export function consoleTimestamp(d: Date): string {
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${d.getFullYear()}`;
}

/** A console (-l) line, written to stderr. */
export function formatConsole(msg: string, at: Date): string {
  return `${consoleTimestamp(at)}: ${msg}`;
}

/**
 * keepalived's "Command line:" lines: each argument single-quoted, lines of at most 102
 * columns, continuation lines indented by 14 spaces (under the first argument).
 */
export function commandLineLines(argv: string[]): string[] {
  const lines: string[] = [];
  let cur = 'Command line:';
  let fresh = true;
  for (const a of argv) {
    const word = ` '${a}'`;
    if (!fresh && cur.length + word.length > 102) { lines.push(cur); cur = ' '.repeat(13); }
    cur += word;
    fresh = false;
  }
  lines.push(cur);
  return lines;
}

/** Microseconds as keepalived prints seconds: six decimals. */
const secs = (us: number): string => (us / 1e6).toFixed(6);

/** `Stopped - used 0.002262 user time, 0.000000 system time` for a child's own CPU usage (and its scripts'). */
export function stoppedUsageLine(usage: { user: number; system: number },
    children?: { user: number; system: number }): string {
  const s = secs;
  // A child process that ran scripts (MISC_CHECK, track scripts, notify) names their time too, as 2.2.7 does.
  if (children && (children.user > 0 || children.system > 0)) {
    return `Stopped - used (self/children) ${s(usage.user)}/${s(children.user)} user time, ${s(usage.system)}/${s(children.system)} system time`;
  }
  return `Stopped - used ${s(usage.user)} user time, ${s(usage.system)} system time`;
}

/** Parent's `CPU usage (self/children) user: a/b system: c/d` (microseconds in, seconds out). */
export function cpuUsageLine(self: { user: number; system: number },
    children: { user: number; system: number }): string {
  const s = secs;
  return `CPU usage (self/children) user: ${s(self.user)}/${s(children.user)} system: ${s(self.system)}/${s(children.system)}`;
}

/** strsignal(3) wording of the signals a child can die of. */
const SIGNAL_TEXT: Record<string, string> = {
  SIGKILL: 'Killed', SIGTERM: 'Terminated', SIGSEGV: 'Segmentation fault', SIGABRT: 'Aborted', SIGINT: 'Interrupt',
  SIGHUP: 'Hangup', SIGBUS: 'Bus error', SIGFPE: 'Floating point exception', SIGILL: 'Illegal instruction', SIGUSR1: 'User defined signal 1',
  SIGUSR2: 'User defined signal 2', SIGPIPE: 'Broken pipe', SIGQUIT: 'Quit',
};

/** report_child_status()'s line for a process killed by `signal` (`who`: "pid N", "reload_check"). */
export function signalExitLine(who: string, signal: NodeJS.Signals): string {
  const num = os.constants.signals[signal] ?? 0;
  return `${who} exited due to signal ${num} (${SIGNAL_TEXT[signal] ?? signal})${signal === 'SIGKILL' ? ' - has rlimit_rttime been exceeded?' : ''}`;
}
