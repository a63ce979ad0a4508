// State tables for the per-checker FSM: retry, delay_before_retry, alpha, has_run, multi-url
// HTTP, SMTP/DNS/MISC wording, misc_dynamic weights. Each row: outcomes in, lines/delays/updates out.
import assert from 'node:assert/strict';
import { initialFsm, stepChecker, type FsmCtx, type Outcome } from '../../../src/check/core/checker-fsm.js';

const RS = '[10.0.0.2]:tcp:80';
const VS = '[10.0.0.100]:tcp:80';

function ctx(over: Partial<FsmCtx>): FsmCtx {
  return { type: 'TCP_CHECK', rsText: RS, vsText: VS, retry: 1, delayLoopMs: 6000, delayBeforeRetryMs: 1000, logAll: false,
    urlPaths: ['/'], fastRecovery: false, miscArg0: '/bin/check', miscDynamic: false, rsWeight: 5, fileWeight: 0, fileReverse: false, rsEffWeight: 5, ...over };
}

const OK: Outcome = { ok: true, text: 'HTTP status code' };
const KO: Outcome = { ok: false, why: 'failed' };

interface Row { name: string; c: Partial<FsmCtx>; alpha?: boolean; seq: Outcome[]; expect: string[] }

/** Renders each step as `delay[;up|down][;line|line]` for compact tables. */
function run(r: Row): string[] {
  const s = initialFsm(!!r.alpha);
  const c = ctx(r.c);
  return r.seq.map((o) => {
    const st = stepChecker(s, c, o);
    const parts = [String(st.immediate ? 0 : st.delayMs)];
    if (st.update !== undefined) parts.push(st.update ? 'up' : 'down');
    if (st.weight !== undefined) parts.push(`w=${st.weight}`);
    if (st.logs.length) parts.push(st.logs.join('|'));
    return parts.join(';');
  });
}

const BIND: Outcome = { ok: false, why: 'error', errText: 'Cannot assign requested address' };
const NO_SOCKET: Outcome = { ok: false, why: 'error', noSocket: true };
const BIND_INUSE: Outcome = { ok: false, why: 'error', errText: 'Address already in use' };
const WEB_BIND = 'Checker bind failed: Cannot assign requested address|WEB socket bind failed. Rescheduling';
const DNS_TO: Outcome = { ok: false, why: 'text', text: 'read timeout from socket' };
const UDP_BIND: Outcome = { ok: false, why: 'bind', errno: 99, errText: 'Cannot assign requested address' };
const UDP_BIND_LINE = 'bind failed. errno: 99, error: Cannot assign requested address';
const rows: Row[] = [
  { name: 'TCP connect_error (bind failed): no check, no state change, logged, delay_loop', c: {}, seq: [OK, BIND, KO, BIND, KO, OK],
    expect: [`6000;up;TCP connection to ${RS} success.`, '6000;Checker bind failed: Cannot assign requested address|TCP socket bind failed. Rescheduling.', '1000',
      '6000;Checker bind failed: Cannot assign requested address|TCP socket bind failed. Rescheduling.', `6000;down;TCP_CHECK on service ${RS} failed after 1 retries.`,
      `6000;up;TCP connection to ${RS} success.`] },
  // socket() failing (EMFILE, no descriptor left) is not a failure either: 2.2.7's per-type line, delay_loop
  { name: 'socket() failed (no descriptor): no check, no state change, each type\'s line, delay_loop', c: {}, seq: [OK, NO_SOCKET, KO, NO_SOCKET, NO_SOCKET, KO, OK],
    expect: [`6000;up;TCP connection to ${RS} success.`, '6000;TCP connect fail to create socket. Rescheduling.', '1000',
      '6000;TCP connect fail to create socket. Rescheduling.', '6000;TCP connect fail to create socket. Rescheduling.',
      `6000;down;TCP_CHECK on service ${RS} failed after 1 retries.`, `6000;up;TCP connection to ${RS} success.`] },
  ...([['HTTP_GET', 'WEB connection fail to create socket. Rescheduling.'], ['SSL_GET', 'WEB connection fail to create socket. Rescheduling.'],
    ['SMTP_CHECK', 'SMTP_CHECK connection failed to create socket. Rescheduling.'], ['DNS_CHECK', `DNS_CHECK (${RS}) failed to create socket. Rescheduling.`],
    ['UDP_CHECK', 'UDP connect fail to create socket. Rescheduling.']] as const).map(([type, line]): Row =>
    ({ name: `${type}: socket() failed -> "${line}"`, c: { type }, alpha: true, seq: [NO_SOCKET], expect: [`6000;${line}`] })),
  { name: 'TCP retry 1: first success logs once, one failure retried after dbr, second one downs', c: {}, seq: [OK, OK, KO, KO, KO, KO, OK, OK],
    expect: ['6000;up;TCP connection to [10.0.0.2]:tcp:80 success.', '6000', '1000', `6000;down;TCP_CHECK on service ${RS} failed after 1 retries.`,
      '1000', '6000', `6000;up;TCP connection to ${RS} success.`, '6000'] },
  { name: 'TCP retry 0: first failure downs with the short text', c: { retry: 0 }, seq: [OK, KO, KO, OK],
    expect: [`6000;up;TCP connection to ${RS} success.`, `6000;down;TCP_CHECK on service ${RS} failed.`, '6000', `6000;up;TCP connection to ${RS} success.`] },
  { name: 'TCP retry 3 with dbr 2s', c: { retry: 3, delayBeforeRetryMs: 2000 }, seq: [OK, KO, KO, KO, KO],
    expect: [`6000;up;TCP connection to ${RS} success.`, '2000', '2000', '2000', `6000;down;TCP_CHECK on service ${RS} failed after 3 retries.`] },
  { name: 'TCP retry 1, a success between failures resets the count', c: {}, seq: [OK, KO, OK, KO, OK],
    expect: [`6000;up;TCP connection to ${RS} success.`, '1000', '6000', '1000', '6000'] },
  { name: 'TCP alpha: starts down; first success brings it up', c: {}, alpha: true, seq: [OK, OK],
    expect: [`6000;up;TCP connection to ${RS} success.`, '6000'] },
  { name: 'TCP alpha: failing from the start stays down silently (has_run set by the first try)', c: {}, alpha: true, seq: [KO, KO, KO, OK],
    expect: ['1000', '6000', '1000', `6000;up;TCP connection to ${RS} success.`] },
  { name: 'TCP log_all_failures: every failure while up is logged', c: { logAll: true }, seq: [OK, { ok: false, why: 'timeout' }, KO, KO],
    expect: [`6000;up;TCP connection to ${RS} success.`, `1000;TCP connection to ${RS} timeout.`,
      `6000;down;TCP connection to ${RS} failed.|TCP_CHECK on service ${RS} failed after 1 retries.`, '1000'] },
  { name: 'UDP wording; no retries while down', c: { type: 'UDP_CHECK' }, seq: [OK, KO, KO, KO, KO],
    expect: [`6000;up;UDP connection to ${RS} success.`, '1000', `6000;down;UDP_CHECK on service ${RS} failed after 1 retries.`, '6000', '6000'] },
  { name: 'UDP log_all_failures: "failed" and "reply data mismatch", only while up', c: { type: 'UDP_CHECK', logAll: true, retry: 0 },
    seq: [OK, { ok: false, why: 'mismatch' }, { ok: false, why: 'timeout' }],
    expect: [`6000;up;UDP connection to ${RS} success.`, `6000;down;UDP check to ${RS} reply data mismatch.|UDP_CHECK on service ${RS} failed.`, '6000'] },
  { name: 'PING wording (names the VS in the retries line)', c: { type: 'PING_CHECK' }, seq: [OK, KO, KO, KO],
    expect: [`6000;up;ICMP connection to ${RS} success.`, '1000', `6000;down;ICMP CHECK on service ${RS} of ${VS} failed after 1 retries.`, '6000'] },
  { name: 'HTTP retry 1 dbr 3: down after retry; recovery needs the failed url then all urls', c: { type: 'HTTP_GET', delayBeforeRetryMs: 3000 },
    seq: [OK, OK, { ok: false, why: 'text', text: 'Timeout WEB read' }, KO, KO, OK, OK],
    expect: [`6000;up;Remote Web server ${RS} succeed on service.`, '6000', '3000', `6000;down;HTTP_CHECK on service ${RS} failed after 1 retries.`, '6000',
      `6000;HTTP status code success to ${RS} url(/)`, `6000;up;HTTP status code success to ${RS} url(/)|Remote Web server ${RS} succeed on service.`] },
  { name: 'SSL_GET names SSL_CHECK', c: { type: 'SSL_GET', retry: 0 }, seq: [OK, KO],
    expect: [`6000;up;Remote Web server ${RS} succeed on service.`, `6000;down;SSL_CHECK on service ${RS} failed.`] },
  { name: 'HTTP two urls: each url waits delay_loop; all must pass', c: { type: 'HTTP_GET', urlPaths: ['/a', '/b'] }, seq: [OK, OK, OK, OK],
    expect: ['6000', `6000;up;Remote Web server ${RS} succeed on service.`, '6000', '6000'] },
  { name: 'HTTP log_all_failures uses the debug text', c: { type: 'HTTP_GET', logAll: true, retry: 0 }, seq: [OK, { ok: false, why: 'text', text: 'MD5 digest error to' }],
    expect: [`6000;up;Remote Web server ${RS} succeed on service.`, `6000;down;MD5 digest error to server ${RS}.|HTTP_CHECK on service ${RS} failed.`] },
  { name: 'HTTP fast_recovery: no delay between urls while recovering', c: { type: 'HTTP_GET', fastRecovery: true, retry: 0, urlPaths: ['/a', '/b'] }, alpha: true,
    seq: [OK, OK], expect: [`0;HTTP status code success to ${RS} url(/a)`, `6000;up;HTTP status code success to ${RS} url(/b)|Remote Web server ${RS} succeed on service.`] },
  { name: 'SMTP: message logged once retries are used up, mail-able down', c: { type: 'SMTP_CHECK' },
    seq: [OK, { ok: false, why: 'text', text: 'Bad HELO response from server [10.0.0.2]:25' }, { ok: false, why: 'text', text: 'Read timeout from server [10.0.0.2]:25' }, KO, OK],
    expect: [`6000;up;Remote SMTP server ${RS} succeed on service.`, '1000', '6000;down;SMTP_CHECK Read timeout from server [10.0.0.2]:25', '6000', `6000;up;Remote SMTP server ${RS} succeed on service.`] },
  { name: 'DNS retry 3 (dbr = delay_loop): silent success, "after 3 retries" on the last', c: { type: 'DNS_CHECK', retry: 3, delayBeforeRetryMs: 6000 },
    seq: [OK, KO, KO, KO, { ok: false, why: 'text', text: 'read timeout from socket' }, OK],
    expect: ['6000;up', '6000', '6000', '6000', `6000;down;DNS_CHECK (${RS}) read timeout from socket after 3 retries`, '6000;up'] },
  { name: 'MISC retry 0: exit 1 downs at once; exit 0 ups', c: { type: 'MISC_CHECK', retry: 0 },
    seq: [{ ok: true, exitCode: 0 }, { ok: false, why: 'exit', exitCode: 1 }, { ok: false, why: 'exit', exitCode: 1 }, { ok: true, exitCode: 0 }],
    expect: [`6000;up;w=5;Misc check for [${RS} VS ${VS}] by [/bin/check] succeeded.`, `6000;down;Misc check for [${RS} VS ${VS}] by [/bin/check] failed with retry disabled (exited with status 1).`,
      '6000', `6000;up;w=5;Misc check for [${RS} VS ${VS}] by [/bin/check] succeeded.`] },
  { name: 'MISC retry 2: retries at dbr, then down "after 2 retries"', c: { type: 'MISC_CHECK', retry: 2 },
    seq: [{ ok: true, exitCode: 0 }, { ok: false, why: 'exit', exitCode: 3 }, { ok: false, why: 'exit', exitCode: 3 }, { ok: false, why: 'exit', exitCode: 3 }],
    expect: [`6000;up;w=5;Misc check for [${RS} VS ${VS}] by [/bin/check] succeeded.`, '1000', '1000',
      `6000;down;Misc check for [${RS} VS ${VS}] by [/bin/check] failed after 2 retries (exited with status 3).`] },
  { name: 'MISC timeout', c: { type: 'MISC_CHECK', retry: 0 }, seq: [{ ok: false, why: 'timeout' }],
    expect: [`6000;down;Misc check for [${RS} VS ${VS}] by [/bin/check] timed out with retry disabled.`] },
  { name: 'misc_dynamic: exit 2..255 = up with weight status-2, only on change', c: { type: 'MISC_CHECK', retry: 0, miscDynamic: true },
    seq: [{ ok: true, exitCode: 12 }, { ok: true, exitCode: 12 }, { ok: true, exitCode: 2 }, { ok: true, exitCode: 0 }],
    expect: [`6000;up;w=10;Misc check for [${RS} VS ${VS}] by [/bin/check] succeeded.`, '6000', '6000;w=0', '6000;w=5'] },
  { name: 'FILE_CHECK weight 10 (RS weight 5): value 2 adds 20, the same value again changes nothing, an invalid number is logged', c: { type: 'FILE_CHECK', fileWeight: 10 },
    seq: [{ ok: true, value: 2 }, { ok: true, value: 2 }, { ok: false, why: 'invalid', errLine: 'Invalid number 9999999999 read from /f - ignoring' }],
    expect: ['0;w=25', '0', '0;Invalid number 9999999999 read from /f - ignoring'] },
  { name: 'FILE_CHECK weight 0: a non-zero value is FAULT (down), zero is up again', c: { type: 'FILE_CHECK', fileWeight: 0 },
    seq: [{ ok: true, value: 3 }, { ok: true, value: 7 }, { ok: true, value: 0 }],
    expect: ['0;down', '0', '0;up'] },
  // Bind failures of the other checkers, as keepalived 2.2.7 logs them (qemu guest record in
  // test/integration/check/bind-errors.test.ts): HTTP/SSL/SMTP/DNS reschedule after delay_loop with
  // no state change and no retry counted; UDP logs the errno and counts a failed check.
  { name: 'HTTP bind error: logged, no state change, delay_loop; later real failures still count', c: { type: 'HTTP_GET', delayBeforeRetryMs: 3000 },
    seq: [OK, BIND, BIND, KO, KO],
    expect: [`6000;up;Remote Web server ${RS} succeed on service.`, `6000;${WEB_BIND}`, `6000;${WEB_BIND}`, '3000', `6000;down;HTTP_CHECK on service ${RS} failed after 1 retries.`] },
  { name: 'HTTP bind error between a failure and its retry neither resets nor uses the retry', c: { type: 'HTTP_GET', delayBeforeRetryMs: 3000 },
    seq: [OK, KO, BIND, KO, BIND],
    expect: [`6000;up;Remote Web server ${RS} succeed on service.`, '3000', `6000;${WEB_BIND}`, `6000;down;HTTP_CHECK on service ${RS} failed after 1 retries.`, `6000;${WEB_BIND}`] },
  { name: 'SSL_GET bind error (EADDRINUSE) uses the WEB line; without strerror only the WEB line', c: { type: 'SSL_GET', retry: 0 },
    seq: [OK, BIND_INUSE, { ok: false, why: 'error' }, KO],
    expect: [`6000;up;Remote Web server ${RS} succeed on service.`, '6000;Checker bind failed: Address already in use|WEB socket bind failed. Rescheduling',
      '6000;WEB socket bind failed. Rescheduling', `6000;down;SSL_CHECK on service ${RS} failed.`] },
  { name: 'HTTP alpha: bind errors while down change nothing; the first success brings it up', c: { type: 'HTTP_GET' }, alpha: true,
    seq: [BIND, BIND, OK], expect: [`6000;${WEB_BIND}`, `6000;${WEB_BIND}`, `6000;up;HTTP status code success to ${RS} url(/)|Remote Web server ${RS} succeed on service.`] },
  { name: 'SMTP bind error: logged, no state change, delay_loop; real failures still count', c: { type: 'SMTP_CHECK' },
    seq: [OK, BIND_INUSE, BIND, { ok: false, why: 'text', text: 'Error connecting to server [10.0.0.2]:25' }, BIND, { ok: false, why: 'text', text: 'Error connecting to server [10.0.0.2]:25' }],
    expect: [`6000;up;Remote SMTP server ${RS} succeed on service.`, '6000;Checker bind failed: Address already in use|SMTP_CHECK socket bind failed. Rescheduling.',
      '6000;Checker bind failed: Cannot assign requested address|SMTP_CHECK socket bind failed. Rescheduling.', '1000',
      '6000;Checker bind failed: Cannot assign requested address|SMTP_CHECK socket bind failed. Rescheduling.', '6000;down;SMTP_CHECK Error connecting to server [10.0.0.2]:25'] },
  { name: 'DNS bind error: its own prefix, no state change, delay_loop; real failures still count', c: { type: 'DNS_CHECK', delayBeforeRetryMs: 2000 },
    seq: [OK, BIND, DNS_TO, BIND, DNS_TO, BIND],
    expect: ['6000;up', `6000;Checker bind failed: Cannot assign requested address|DNS_CHECK (${RS}) UDP socket bind failed. Rescheduling.`, '2000',
      `6000;Checker bind failed: Cannot assign requested address|DNS_CHECK (${RS}) UDP socket bind failed. Rescheduling.`,
      `6000;down;DNS_CHECK (${RS}) read timeout from socket after 1 retries`,
      `6000;Checker bind failed: Cannot assign requested address|DNS_CHECK (${RS}) UDP socket bind failed. Rescheduling.`] },
  { name: 'UDP bind error is a failed check (keepalived 2.2.7): errno line, retry, down, up again', c: { type: 'UDP_CHECK' },
    seq: [OK, UDP_BIND, UDP_BIND, UDP_BIND, OK],
    expect: [`6000;up;UDP connection to ${RS} success.`, `1000;${UDP_BIND_LINE}`, `6000;down;${UDP_BIND_LINE}|UDP_CHECK on service ${RS} failed after 1 retries.`,
      `6000;${UDP_BIND_LINE}`, `6000;up;UDP connection to ${RS} success.`] },
  { name: 'UDP bind error with log_all_failures: no "connection failed" line (EADDRINUSE)', c: { type: 'UDP_CHECK', logAll: true, retry: 0 },
    seq: [OK, { ok: false, why: 'bind', errno: 98, errText: 'Address already in use' }],
    expect: [`6000;up;UDP connection to ${RS} success.`, `6000;down;bind failed. errno: 98, error: Address already in use|UDP_CHECK on service ${RS} failed.`] },
  { name: 'UDP retry 0, bind failing from the start: down at the first check', c: { type: 'UDP_CHECK', retry: 0 },
    seq: [UDP_BIND, UDP_BIND], expect: [`6000;down;${UDP_BIND_LINE}|UDP_CHECK on service ${RS} failed.`, `6000;${UDP_BIND_LINE}`] },
];

describe('check: checker FSM tables', () => {
  for (const r of rows) it(r.name, () => assert.deepEqual(run(r), r.expect));
});
