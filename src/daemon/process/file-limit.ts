// The descriptor limit (RLIMIT_NOFILE) of the VRRP and checker processes, raised to what their
// configuration needs as keepalived 2.2.7 does (lib/process.c set_max_file_limit): the checker wants
// 17 + one per checker holding a socket (TCP, HTTP/SSL, SMTP per host, DNS, UDP, PING) + one per
// smtp_alert keyword + 10 spare; the VRRP process 2 per instance + one per smtp_alert + 43, when it
// has instances. Checked at start and at each reload, against the limit the process started with:
// raised (soft and hard) to the need when that is more, put back when it no longer is; scripts are
// started with the original limit. Lines: "Set open file limit to CUR:MAX." (-D) or "Failed to set
// open file limit to CUR:MAX failed - errno E" (measured: 2.2.7's VRRP child under prlimit 60:60 and
// 60:200 on this host, its checker in the qemu guest: test/integration/chaos/data/res-checker-2.2.7.txt).
// Node raises its soft limit to the hard one when it starts, so here a low soft limit with a higher
// hard one is already raised (2.2.7 raises it itself and logs the line).
import type { KeepalivedConfig } from '../../config/model.js';
import type { Logger } from '../../common/log.js';
import type { ProcessSys } from './sys.js';

/** The descriptor-limit calls it makes (ProcessSys; an in-memory fake in tests). */
export type NofileSys = Pick<ProcessSys, 'getNofileLimit' | 'setNofileLimit' | 'setScriptNofileLimit'>;

export interface NofileLimit { cur: number; max: number }

/** set_max_file_limit(): the limit to set, or undefined when the current one stands. */
export function planFileLimit(orig: NofileLimit, current: NofileLimit, required: number): NofileLimit | undefined {
  if (required <= orig.cur && orig.cur === current.cur) return undefined;
  return { cur: Math.max(orig.cur, required), max: Math.max(orig.max, required) };
}

/** Checkers that hold a socket while they run (2.2.7's queue_checker(..., fd_required = true)). */
const SOCKET_CHECKERS = new Set(['TCP_CHECK', 'HTTP_GET', 'SSL_GET', 'SMTP_CHECK', 'DNS_CHECK', 'UDP_CHECK', 'PING_CHECK']);

/** Descriptors the checker process needs for `config` (check_daemon.c set_checker_max_fds). */
export function checkerFdsRequired(config: KeepalivedConfig): number {
  let checkers = 0, alerts = 0;
  for (const vs of config.virtualServers) {
    if (vs.smtpAlert !== undefined) alerts++;
    for (const rs of vs.realServers) {
      if (rs.smtpAlert !== undefined) alerts++;
      for (const c of rs.checkers) {
        if (!SOCKET_CHECKERS.has(c.type)) continue;
        // SMTP_CHECK: each host {} block is a checker of its own (the block itself when it has none)
        checkers += c.type === 'SMTP_CHECK' ? Math.max(1, c.hosts?.length ?? 0) : 1;
      }
    }
  }
  return 17 + checkers + alerts + 10;
}

/** Descriptors the VRRP process needs (vrrp_daemon.c set_vrrp_max_fds); undefined without instances. */
export function vrrpFdsRequired(config: KeepalivedConfig): number | undefined {
  const n = config.vrrpInstances.length;
  if (n === 0) return undefined;
  const alerts = config.vrrpInstances.filter((i) => i.smtpAlert !== undefined).length
    + config.vrrpSyncGroups.filter((g) => g.smtpAlert !== undefined).length;
  return n * 2 + alerts + 23 + 20;
}

/** Applies set_max_file_limit() through the addon, remembering the limit the process started with. */
export class FileLimit {
  private orig?: NofileLimit;

  constructor(private readonly sys: NofileSys, private readonly log: Logger) {}

  apply(required: number | undefined): void {
    if (required === undefined) return;
    const [cur, max] = this.sys.getNofileLimit();
    if (cur < 0) return; // no addon
    this.orig ??= { cur, max };
    const want = planFileLimit(this.orig, { cur, max }, required);
    if (!want) return;
    const e = this.sys.setNofileLimit(want.cur, want.max);
    if (e !== undefined) { this.log.info(`Failed to set open file limit to ${want.cur}:${want.max} failed - errno ${e}`); return; }
    this.log.detail(`Set open file limit to ${want.cur}:${want.max}.`);
    // scripts keep the limit the daemon started with
    this.sys.setScriptNofileLimit(want.cur !== this.orig.cur ? [this.orig.cur, this.orig.max] : undefined);
  }
}
