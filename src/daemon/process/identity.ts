// What `ps`, pidof, pgrep and killall see of each daemon process, as keepalived 2.2.7 shows it
// (measured: test/unit/daemon/data/process-identity-2.2.7.md): /proc/PID/comm is "keepalived" (or
// process_name for the parent, vrrp_process_name / checker_process_name for a child, which otherwise
// keeps the name it was forked with), and /proc/PID/cmdline is the command line the daemon was
// started with, the same for all three processes (keepalived's children are forks).
import type { Logger } from '../../common/log.js';
import type { ProcessSys } from './sys.js';

export const DEFAULT_COMM = 'keepalived';

/** Sets the command line; false when the kernel refused both ways (the process keeps node's). */
export function setCommandLine(sys: ProcessSys, argv: readonly string[]): boolean {
  return typeof sys.setCmdline(argv) === 'string';
}

/** keepalived's set_process_name: NULL means "keepalived"; a failure is logged. */
export function setProcessName(sys: ProcessSys, name: string | undefined, log?: Logger): void {
  const n = name ?? DEFAULT_COMM;
  if (sys.setCommName(n) !== undefined) log?.info(`Failed to set process name '${n}'`);
}

/** At a reload: the name changes only when the configured one did (2.2.7's rule). */
export function renameOnReload(sys: ProcessSys, before: string | undefined,
    after: string | undefined, log?: Logger): void {
  if (before !== after) setProcessName(sys, after, log);
}

/**
 * How the parent hands its identity to a child: fork(entry, childArgs(...)), so the child's
 * process.argv is [node, entry, comm, ...cmdline] (see identityFromArgv).
 */
export function childArgs(comm: string, cmdline: readonly string[]): string[] { return [comm, ...cmdline]; }

export function identityFromArgv(args: readonly string[]): { comm: string; cmdline: string[] } | undefined {
  if (args.length < 2) return undefined;
  return { comm: args[0]!, cmdline: args.slice(1) };
}
