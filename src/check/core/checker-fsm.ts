// Pure per-checker state machine: keepalived's retry / delay_before_retry / has_run logic for
// each checker family, with its exact log lines. Input: one probe outcome; output: the log lines,
// whether the checker went up or down (with the mail body), and when to probe next.
// No I/O and no clock: the caller owns timers and applies the transition to the RS/VS core.
import type { Checker } from '../../config/model.js';

export type CheckerType = Checker['type'];

export interface FsmState {
  isUp: boolean;
  hasRun: boolean;
  retryIt: number;
  /** HTTP/SSL: index of the url to fetch next. */
  urlIt: number;
  /** HTTP/SSL: the url that failed (null = none). */
  failedUrl: number | null;
  /** MISC: last exit status acted upon. */
  lastExitCode: number | null;
  /** FILE_CHECK: the file's value last acted upon, and this checker's part of the RS weight. */
  fileValue: number | null;
  curWeight: number;
}

export interface FsmCtx {
  type: CheckerType;
  rsText: string;
  vsText: string;
  retry: number;
  delayLoopMs: number;
  delayBeforeRetryMs: number;
  logAll: boolean;
  urlPaths: string[];
  fastRecovery: boolean;
  miscArg0: string;
  miscDynamic: boolean;
  /** The RS configured weight (iweight), for misc_dynamic exit 0. */
  rsWeight: number;
  /** FILE_CHECK weight and reverse (the checker's own, else its track_file block's). */
  fileWeight: number;
  fileReverse: boolean;
  /** The RS's effective weight now (FILE_CHECK adds its part to it). */
  rsEffWeight: number;
}

/**
 * Why a check failed, or could not be made, as the lines of each checker family tell it.
 * - 'timeout' / 'failed': TCP, UDP, PING (no answer in time; the connection or exchange failed:
 *   PING's `errLine` is what 2.2.7 logs of a bad reply); MISC's 'timeout' is misc_timeout.
 * - 'mismatch': UDP, the reply differs from require_reply or its length limits.
 * - 'bind': UDP, bind() failed (2.2.7 logs `errno`/`errText`, or the socket options' `errLine`,
 *   and counts a failed check).
 * - 'error': TCP, HTTP/SSL, SMTP, DNS: the check could not be made (keepalived's connect_error:
 *   bind failed, `errText` its strerror; or for TCP connect refused at once for a local reason;
 *   `noSocket`: socket() itself failed, EMFILE / ENFILE; `errLine`: the socket options failed,
 *   `Error setting fwmark ...`). Not a failure: logged and rescheduled after delay_loop, the checker
 *   state untouched. PING's carries its own line; UDP's comes only with `noSocket`.
 * - 'text': HTTP/SSL, SMTP, DNS: the failure in keepalived's words for the type (a debug_msg such
 *   as 'Connection failed' or 'HTTP status code error to'; 'Bad HELO response from server [ip]:25';
 *   'read timeout from socket').
 * - 'invalid': FILE_CHECK, the file's content is no number (`errLine` logged, nothing else).
 * - 'exit' / 'signal': MISC, the script's exit status (not 0, nor 2-255 with misc_dynamic) or signal.
 */
export type Failure =
  | { ok: false; why: 'timeout' }
  | { ok: false; why: 'failed'; errLine?: string }
  | { ok: false; why: 'mismatch' }
  | { ok: false; why: 'bind'; errno?: number; errText?: string; errLine?: string }
  | { ok: false; why: 'error'; errText?: string; errLine?: string; noSocket?: boolean }
  | { ok: false; why: 'text'; text: string }
  | { ok: false; why: 'invalid'; errLine: string }
  | { ok: false; why: 'exit'; exitCode: number }
  | { ok: false; why: 'signal'; signal: number };

/**
 * A check that passed: HTTP/SSL with the test that passed in 2.2.7's words ('HTTP status code' |
 * 'MD5 digest' | 'Regex match'); MISC with its exit status (0, or 2-255 with misc_dynamic); FILE_CHECK
 * with the tracked file's value.
 */
/** A check that could not be made (the 'error' failure). */
export type CheckError = Extract<Failure, { why: 'error' }>;

export type Success = { ok: true; text?: string } | { ok: true; exitCode: number } | { ok: true; value: number };

/**
 * One probe outcome. `notes`: lines keepalived logged during the check itself, whatever its
 * verdict (SMTP's buffer overflow).
 */
export type Outcome = (Success | Failure) & { notes?: string[] };

/** A failure's own line (PING's bad reply, UDP's socket options, FILE_CHECK's bad value), if it has one. */
function errLineOf(o: Failure): string | undefined {
  return 'errLine' in o ? o.errLine : undefined;
}

/**
 * A failure as the HTTP / SMTP / DNS lines show it: keepalived's words, else the kind of failure
 * (a probe that threw is 'failed'); MISC's have none.
 */
export function failureText(o: Failure): string | undefined {
  return o.why === 'text' ? o.text : o.why === 'exit' || o.why === 'signal' ? undefined : o.why;
}

/**
 * A check that could not be made (an 'error' failure: keepalived's connect_error, a failed bind() or for
 * TCP a connect refused at once for a local reason) of TCP_CHECK, HTTP_GET/SSL_GET, SMTP_CHECK or
 * DNS_CHECK: keepalived logs socket_bind_connect()'s line (when bind failed) and the checker's own,
 * then tries again after delay_loop; nothing else changes (no retry counted, no url advanced).
 * Lines seen from keepalived 2.2.7 in the qemu guest (test/integration/check/bind-errors.test.ts
 * has the record). UDP_CHECK gives 'error' only when socket() failed (its bind failure is a failed
 * check); PING_CHECK's 'error' carries its own line.
 */
function bindErrorStep(c: FsmCtx, o: Outcome): Step | null {
  if (o.ok || o.why !== 'error') return null;
  if (o.noSocket) { const l = noSocketLine(c); return l === null ? null : { logs: [l], delayMs: c.delayLoopMs }; }
  // PING_CHECK: no ICMP socket (check_ping.c icmp_connect_thread): its line, again after delay_loop.
  if (c.type === 'PING_CHECK') return o.errLine ? { logs: [o.errLine], delayMs: c.delayLoopMs } : null;
  const own = c.type === 'TCP_CHECK' ? 'TCP socket bind failed. Rescheduling.'
    : c.type === 'SMTP_CHECK' ? 'SMTP_CHECK socket bind failed. Rescheduling.'
      : c.type === 'DNS_CHECK' ? `DNS_CHECK (${c.rsText}) UDP socket bind failed. Rescheduling.`
        : c.type === 'HTTP_GET' || c.type === 'SSL_GET' ? 'WEB socket bind failed. Rescheduling' : null;
  if (own === null) return null;
  const first = o.errLine ?? (o.errText ? `Checker bind failed: ${o.errText}` : undefined);
  return { logs: first !== undefined ? [first, own] : [own], delayMs: c.delayLoopMs };
}

/** 2.2.7's line when a check's socket() fails (check_tcp.c, check_http.c, check_smtp.c, check_dns.c, check_udp.c). */
function noSocketLine(c: FsmCtx): string | null {
  switch (c.type) {
    case 'TCP_CHECK': return 'TCP connect fail to create socket. Rescheduling.';
    case 'HTTP_GET': case 'SSL_GET': return 'WEB connection fail to create socket. Rescheduling.';
    case 'SMTP_CHECK': return 'SMTP_CHECK connection failed to create socket. Rescheduling.';
    case 'DNS_CHECK': return `DNS_CHECK (${c.rsText}) failed to create socket. Rescheduling.`;
    case 'UDP_CHECK': return 'UDP connect fail to create socket. Rescheduling.';
    default: return null;
  }
}

export interface Step {
  logs: string[];
  delayMs: number;
  /** Run the next probe at once (HTTP fast_recovery). */
  immediate?: boolean;
  /** The checker state to hand to update_svr_checker_state (set even when unchanged). */
  update?: boolean;
  /** Mail body for the RS alert if the checker changed state. */
  mailBody?: string;
  /** MISC: also alert when the checker state did not change (keepalived does at first run). */
  alertEvenIfUnchanged?: boolean;
  /** New effective weight for the RS (misc_dynamic, FILE_CHECK), applied before `update`. */
  weight?: number;
  /** FILE_CHECK entering or leaving FAULT: the RS's effective weight, set without a log line. */
  effWeight?: number;
}

export function initialFsm(alpha: boolean): FsmState {
  return {
    isUp: !alpha, hasRun: false, retryIt: 0, urlIt: 0, failedUrl: null, lastExitCode: null, fileValue: null,
    curWeight: 0,
  };
}

type SimpleText = 'ok' | 'failAfter' | 'fail' | 'perFail';

/** TCP/UDP/PING log texts, built only when a line is logged (not on every check); `o`: the failure of 'perFail'. */
function simpleText(c: FsmCtx, which: SimpleText, o?: Failure): string {
  const rs = c.rsText;
  const kind = c.type === 'UDP_CHECK' ? 'udp' : c.type === 'PING_CHECK' ? 'icmp' : 'tcp';
  switch (which) {
    case 'ok': return kind === 'udp' ? `UDP connection to ${rs} success.` : kind === 'icmp' ? `ICMP connection to ${rs} success.` : `TCP connection to ${rs} success.`;
    case 'failAfter':
      return kind === 'udp' ? `UDP_CHECK on service ${rs} failed after ${c.retry} retries.`
        : kind === 'icmp' ? `ICMP CHECK on service ${rs} of ${c.vsText} failed after ${c.retry} retries.`
          : `TCP_CHECK on service ${rs} failed after ${c.retry} retries.`;
    case 'fail': return kind === 'udp' ? `UDP_CHECK on service ${rs} failed.` : kind === 'icmp' ? `ICMP CHECK on service ${rs} failed.` : `TCP_CHECK on service ${rs} failed.`;
    case 'perFail':
      return kind === 'udp' ? (o?.why === 'mismatch' ? `UDP check to ${rs} reply data mismatch.` : `UDP connection to ${rs} failed.`)
        // check_ping.c icmp_check_thread: a timeout names the address only, a failure the VS too
        : kind === 'icmp' ? (o?.why === 'timeout' ? `ICMP connection to address ${rs} timeout.` : `ICMP connection to ${rs} of ${c.vsText} failed.`)
          : `TCP connection to ${rs} ${(o && failureText(o)) ?? 'failed'}.`;
  }
}

const SIMPLE_MAIL = {
  UDP_CHECK: ['=> UDP CHECK succeed on service <=', '=> UDP CHECK failed on service <='],
  PING_CHECK: ['=> ICMP CHECK succeed on service <=', '=> ICMP CHECK failed on service <='],
  TCP_CHECK: ['=> TCP CHECK succeed on service <=', '=> TCP CHECK failed on service <='],
} as const;

/** Steps with nothing to log share one empty array (never mutated: callers only read logs). */
const NO_LOGS: string[] = [];
Object.freeze(NO_LOGS);

/** TCP_CHECK, UDP_CHECK, PING_CHECK (check_tcp.c tcp_epilog and its copies). */
function stepSimple(s: FsmState, c: FsmCtx, o: Outcome): Step {
  const step: Step = { logs: NO_LOGS, delayMs: c.delayLoopMs };
  // check_udp.c udp_connect_thread: a bind failure is logged by udp_bind_connect() and then is a
  // failed check (udp_epilog), without the log_all_failures "connection failed" line.
  const udpBind = c.type === 'UDP_CHECK' && !o.ok && o.why === 'bind' ? o : undefined;
  if (udpBind) step.logs = [udpBind.errLine ?? `bind failed. errno: ${udpBind.errno ?? 0}, error: ${udpBind.errText ?? ''}`];
  // PING_CHECK: a failed send or a bad reply is logged (check_ping.c), then counts as a failure.
  else if (!o.ok && errLineOf(o) && c.type === 'PING_CHECK') step.logs = [errLineOf(o)!];
  const mail = c.type === 'UDP_CHECK' ? SIMPLE_MAIL.UDP_CHECK : c.type === 'PING_CHECK' ? SIMPLE_MAIL.PING_CHECK : SIMPLE_MAIL.TCP_CHECK;
  // check_udp.c / check_ping.c log a failure only while up; check_tcp.c also before the first run.
  const icmpUdp = c.type === 'UDP_CHECK' || c.type === 'PING_CHECK';
  if (!o.ok && !udpBind && (s.isUp || (!icmpUdp && !s.hasRun)) && c.logAll) step.logs = [...step.logs, simpleText(c, 'perFail', o)];
  if (o.ok || s.retryIt >= c.retry) {
    s.retryIt = 0;
    if (o.ok && (!s.isUp || !s.hasRun)) {
      step.logs = [...step.logs, simpleText(c, 'ok')];
      step.update = true; step.mailBody = mail[0];
    } else if (!o.ok && (s.isUp || !s.hasRun)) {
      step.logs = [...step.logs, simpleText(c, c.retry && s.hasRun ? 'failAfter' : 'fail')];
      step.update = false; step.mailBody = mail[1];
    }
  } else if (!icmpUdp || s.isUp) {
    step.delayMs = c.delayBeforeRetryMs;
    s.retryIt++;
  }
  s.hasRun = true;
  return step;
}

/** HTTP_GET / SSL_GET (check_http.c http_handle_response / timeout_epilog / epilog). */
function stepHttp(s: FsmState, c: FsmCtx, o: Outcome): Step {
  const step: Step = { logs: [], delayMs: c.delayLoopMs };
  const name = c.type === 'SSL_GET' ? 'SSL' : 'HTTP';
  let method: 'new' | 'retry' | 'failed';
  if (!o.ok) {
    if (s.isUp || !s.hasRun) {
      if (c.logAll) step.logs.push(`${failureText(o) ?? 'Connection failed'} server ${c.rsText}.`);
      s.hasRun = true;
      method = 'retry';
    } else method = 'failed';
  } else {
    if (!s.isUp) step.logs.push(`${('text' in o ? o.text : undefined) ?? 'HTTP status code'} success to ${c.rsText} url(${c.urlPaths[s.urlIt] ?? ''})`);
    method = 'new';
  }
  const nUrls = Math.max(1, c.urlPaths.length);
  let urlDone = false;
  if (method === 'new') {
    if (s.urlIt >= nUrls - 1) urlDone = true; else s.urlIt++;
    s.retryIt = 0;
  } else if (method === 'retry') s.retryIt++;

  if (method === 'new' && urlDone && s.failedUrl === null) {
    if (!s.isUp || !s.hasRun) {
      step.logs.push(`Remote Web server ${c.rsText} succeed on service.`);
      step.update = true; step.mailBody = '=> CHECK succeed on service <=';
      s.isUp = true;
      s.hasRun = true;
    }
    s.urlIt = 0; s.retryIt = 0;
  } else if (method === 'retry' && s.retryIt > c.retry) {
    if (s.isUp || !s.hasRun) {
      step.logs.push(s.hasRun && c.retry
        ? `${name}_CHECK on service ${c.rsText} failed after ${s.retryIt - 1} retries.`
        : `${name}_CHECK on service ${c.rsText} failed.`);
      step.update = false; step.mailBody = `=> CHECK failed on service : ${name} request failed <=`;
      s.isUp = false;
    }
    s.failedUrl = s.urlIt;
  } else if (method === 'new' && s.failedUrl !== null) {
    s.failedUrl = null; s.urlIt = 0; s.retryIt = 0;
  } else if (method === 'new' && urlDone) {
    s.urlIt = 0;
  }

  if (method === 'new') {
    step.delayMs = c.delayLoopMs;
    if (!s.hasRun) s.retryIt = c.retry;
  } else if (s.failedUrl !== null) step.delayMs = Math.max(c.delayBeforeRetryMs, c.delayLoopMs);
  else step.delayMs = c.delayBeforeRetryMs;
  if (c.fastRecovery && (!s.hasRun || (!s.isUp && s.failedUrl === null))) step.immediate = true;
  return step;
}

/** SMTP_CHECK (check_smtp.c smtp_final). */
function stepSmtp(s: FsmState, c: FsmCtx, o: Outcome): Step {
  const step: Step = { logs: [], delayMs: c.delayLoopMs };
  if (!o.ok) {
    const msg = failureText(o) ?? 'Unknown smtp engine state encountered';
    if ((s.isUp || !s.hasRun) && (c.logAll || s.retryIt >= c.retry)) step.logs.push(`SMTP_CHECK ${msg}`);
    if (++s.retryIt <= c.retry) { step.delayMs = c.delayBeforeRetryMs; return step; }
    if (s.isUp || !s.hasRun) {
      step.update = false; step.mailBody = `=> CHECK failed on service : ${msg} <=`;
      s.hasRun = true;
    }
    return step;
  }
  s.retryIt = 0;
  if (!s.isUp || !s.hasRun) {
    step.logs.push(`Remote SMTP server ${c.rsText} succeed on service.`);
    step.update = true; step.mailBody = '=> CHECK succeed on service <=';
  }
  s.hasRun = true;
  return step;
}

/** DNS_CHECK (check_dns.c dns_final). */
function stepDns(s: FsmState, c: FsmCtx, o: Outcome): Step {
  const step: Step = { logs: [], delayMs: c.delayLoopMs };
  if (!o.ok) {
    if (s.isUp || !s.hasRun) {
      if (c.logAll || s.retryIt >= c.retry) {
        const suffix = s.hasRun && s.retryIt >= c.retry ? ` after ${c.retry} retries` : '';
        step.logs.push(`DNS_CHECK (${c.rsText}) ${failureText(o) ?? 'read timeout from socket'}${suffix}`);
      }
      if (s.retryIt < c.retry) { s.retryIt++; s.hasRun = true; step.delayMs = c.delayBeforeRetryMs; return step; }
      step.update = false; step.mailBody = '=> DNS_CHECK: failed on service <=';
      s.hasRun = true;
    }
  } else if (!s.isUp || !s.hasRun) {
    step.update = true; step.mailBody = '=> DNS_CHECK: succeed on service <=';
    s.hasRun = true;
  }
  s.retryIt = 0;
  return step;
}

/** MISC_CHECK (check_misc.c misc_check_child_thread). delayMs counts from the script's start. */
function stepMisc(s: FsmState, c: FsmCtx, o: Outcome): Step {
  const step: Step = { logs: [], delayMs: c.delayLoopMs };
  let exitType: string | null = null;
  let success = false;
  let reason: string | null = null;
  let code = 0;
  let messageOnly = false;
  const retryLogic = (): void => {
    if (s.retryIt < c.retry) {
      s.retryIt++;
      if (c.logAll) messageOnly = true; else exitType = null;
    } else s.retryIt = 0;
  };
  const exitCode = 'exitCode' in o ? o.exitCode : undefined;
  if (exitCode !== undefined) {
    const status = exitCode;
    if (status === 0 || (c.miscDynamic && status >= 2 && status <= 255)) {
      const eff = status >= 2 ? status - 2 : c.rsWeight;
      if (status !== s.lastExitCode) { step.weight = eff; s.lastExitCode = status; }
      if (!s.isUp || !s.hasRun) { exitType = 'succeeded'; success = true; }
      s.retryIt = 0;
    } else if (s.isUp || !s.hasRun) {
      exitType = 'failed'; reason = 'exited with status'; code = status;
      if (s.retryIt < c.retry) { s.retryIt++; if (c.logAll) messageOnly = true; else exitType = null; }
      else { s.retryIt = 0; s.lastExitCode = status; }
    }
  } else if (s.isUp || !s.hasRun) {
    if (!o.ok && o.why === 'timeout') exitType = 'timed out';
    else { exitType = 'failed'; reason = 'due to signal'; code = !o.ok && o.why === 'signal' ? o.signal : 0; }
    retryLogic();
  }
  if (exitType) {
    // 2.2.7 (seen in the qemu guest): "... failed with retry disabled (exited with status 1)." and
    // "... timed out with retry disabled." when retry is 0, MISC_CHECK's default.
    const msg = success ? '' : c.retry ? ` after ${c.retry} retries` : ' with retry disabled';
    const who = `Misc check for [${c.rsText} VS ${c.vsText}] by [${c.miscArg0}] ${exitType}${msg}`;
    step.logs.push(reason ? `${who} (${reason} ${code}).` : `${who}.`);
    if (!messageOnly) {
      step.update = success; step.mailBody = `=> MISC CHECK ${exitType} on service <=`;
      step.alertEvenIfUnchanged = true;
    }
  }
  step.delayMs = s.retryIt ? c.delayBeforeRetryMs : c.delayLoopMs;
  s.hasRun = true;
  return step;
}

/** IPVS_WEIGHT_FAULT (-INT32_MAX - 1): the status of a tracked file that puts its checker down. */
export const FILE_FAULT = -2147483648;

/**
 * A tracked file's status for one FILE_CHECK (track_file.c update_track_file_status): weight 0 =
 * FAULT when the value is non-zero (reverse: when it is zero), else 0; otherwise value x weight
 * (reverse negates), clamped to 32 bits, FAULT only at the bottom.
 */
export function fileStatus(value: number, weight: number, reverse: boolean): number {
  if (!weight) return (value !== 0) === !reverse ? FILE_FAULT : 0;
  const p = value * weight * (reverse ? -1 : 1);
  return p < FILE_FAULT ? FILE_FAULT : p > 2147483647 ? 2147483647 : p;
}

/**
 * The checker at start-up (check_file.c set_track_file_checkers_down / set_track_file_weights):
 * only a non-zero value counts; it puts the checker down when the weight is 0 (reverse or not: so
 * in 2.2.7 a reversed weight-0 file starts the other way round) or the product reaches FAULT, and
 * adds value x weight to the RS weight when the weight is not 0.
 */
export function fileAtStart(value: number, weight: number, reverse: boolean): { up: boolean; curWeight: number } {
  if (!value) return { up: true, curWeight: 0 };
  const p = value * weight * (reverse ? -1 : 1);
  return { up: !(!weight || p <= FILE_FAULT), curWeight: weight ? p : 0 };
}

/** FILE_CHECK: a change of the file's value (track_file.c process_update_checker_track_file_status). */
function stepFile(s: FsmState, c: FsmCtx, o: Outcome): Step {
  const step: Step = { logs: NO_LOGS, delayMs: 0 };
  s.hasRun = true;
  if (!o.ok) { const l = errLineOf(o); if (l) step.logs = [l]; return step; }
  const v = 'value' in o ? o.value : 0;
  const prevValue = s.fileValue ?? 0;
  if (v === prevValue) return step;
  s.fileValue = v;
  const next = fileStatus(v, c.fileWeight, c.fileReverse);
  const prev = fileStatus(prevValue, c.fileWeight, c.fileReverse);
  if (next === prev) return step;
  if (next === FILE_FAULT) {
    step.effWeight = c.rsEffWeight - s.curWeight;
    s.curWeight = 0;
    step.update = false;
  } else if (prev === FILE_FAULT) {
    s.curWeight = next;
    step.effWeight = c.rsEffWeight + next;
    step.update = true;
  } else {
    step.weight = c.rsEffWeight + next - prev;
    s.curWeight = next;
  }
  return step;
}

/** Feeds one outcome to a checker; mutates `s` (its own state) and returns what to do. */
export function stepChecker(s: FsmState, c: FsmCtx, o: Outcome): Step {
  let step: Step;
  switch (c.type) {
    case 'HTTP_GET': case 'SSL_GET': step = bindErrorStep(c, o) ?? stepHttp(s, c, o); break;
    case 'SMTP_CHECK': step = bindErrorStep(c, o) ?? stepSmtp(s, c, o); break;
    case 'DNS_CHECK': step = bindErrorStep(c, o) ?? stepDns(s, c, o); break;
    case 'MISC_CHECK': step = stepMisc(s, c, o); break;
    case 'FILE_CHECK': step = stepFile(s, c, o); break;
    default: step = bindErrorStep(c, o) ?? stepSimple(s, c, o); break;
  }
  if (step.update !== undefined) s.isUp = step.update;
  if (o.notes?.length) step.logs = [...o.notes, ...step.logs];
  return step;
}
