// Pure text builders for notifications, byte-for-byte as keepalived 2.2.7 writes them:
// FIFO lines (vrrp_notify.c notify_fifo, ipwrapper.c notify_fifo_vs/rs), SMTP subjects, the
// RFC 822 message built by smtp.c body_cmd (Date/From/Subject/X-Mailer/To, body, blank line),
// and the envelope address keepalived HEAD extracts from "Name <addr>" forms.
import type { VrrpEvent } from './events.js';

/** keepalived's smtp_t buffers: subject MAX_HEADERS_LENGTH(256), body MAX_BODY_LENGTH(512), NUL included. */
export const MAX_SUBJECT_BYTES = 255;
export const MAX_BODY_BYTES = 511;

/** `INSTANCE "VI_1" MASTER 150\n` / `GROUP "G1" BACKUP 0\n` (no NUL: keepalived writes strlen bytes). */
export function vrrpFifoLine(e: VrrpEvent): string {
  return `${e.kind} "${e.name}" ${e.state} ${e.kind === 'GROUP' ? 0 : e.priority}\n`;
}

/** `VS [10.0.0.1]:tcp:80 UP\n` (no NUL: measured in the qemu guest, test/vm/data/rs-init-ipvs-ns-2.2.7.md). */
export function vsFifoLine(vsText: string, up: boolean): string {
  return `VS ${vsText} ${up ? 'UP' : 'DOWN'}\n`;
}

/** `RS [1.2.3.4]:tcp:80 [10.0.0.1]:tcp:80 DOWN\n` (no NUL, as the VS line). */
export function rsFifoLine(rsText: string, vsText: string, up: boolean): string {
  return `RS ${rsText} ${vsText} ${up ? 'UP' : 'DOWN'}\n`;
}

/** The 4 extra arguments of the generic `notify` script. */
export function notifyExtraArgs(e: VrrpEvent): string[] {
  return [e.kind, e.name, e.state, String(e.kind === 'GROUP' ? 0 : e.priority)];
}

export interface MailText { subject: string; body: string }

/** Per state: the subject's ending, the body for an instance, the body for a group (none: no mail). */
const VRRP_MAIL: Partial<Record<VrrpEvent['state'], { what: string; instance: string; group?: string }>> = {
  MASTER: { what: 'Entering MASTER state', instance: '=> VRRP Instance is now owning VRRP VIPs <=', group: '=> All VRRP group instances are now in MASTER state <=' },
  BACKUP: { what: 'Entering BACKUP state', instance: '=> VRRP Instance is no longer owning VRRP VIPs <=', group: '=> All VRRP group instances are now in BACKUP state <=' },
  FAULT: { what: 'Entering FAULT state', instance: '=> VRRP Instance is no longer owning VRRP VIPs <=', group: '=> All VRRP group instances are now in FAULT state <=' },
  STOP: { what: 'Stopping', instance: '=> VRRP Instance stopping <=', group: '=> All VRRP group instances are now stopping <=' },
  DELETED: { what: 'Deleted', instance: '=> VRRP Deleted at reload <=' },
};

/** Subject and body of a VRRP instance/group alert, or undefined when that state sends no mail. */
export function vrrpMail(routerId: string, e: VrrpEvent): MailText | undefined {
  const group = e.kind === 'GROUP';
  const m = VRRP_MAIL[e.state];
  const body = group ? m?.group : m?.instance;
  if (!m || body === undefined) return undefined;
  return { subject: `[${routerId}] VRRP ${group ? 'Group' : 'Instance'} ${e.name} - ${m.what}`, body };
}

export function rsMailSubject(routerId: string, rsText: string, vsText: string, upOrWhat: string): string {
  return `[${routerId}] Realserver ${rsText} of virtual server ${vsText} - ${upOrWhat}`;
}

export function vsMailSubject(routerId: string, vsText: string, up: boolean): string {
  return `[${routerId}] Virtualserver ${vsText} - ${up ? 'UP' : 'DOWN'}`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => String(n).padStart(2, '0');

/** strftime("%a, %d %b %Y %H:%M:%S %z") in local time, C locale. */
export function rfc822Date(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const a = Math.abs(off);
  return `${DAYS[d.getDay()]}, ${p2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} `
    + `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${sign}${p2(Math.floor(a / 60))}${p2(a % 60)}`;
}

/** Cut a string to at most n UTF-8 bytes without splitting a character (snprintf truncation). */
export function truncateBytes(s: string, n: number): string {
  if (Buffer.byteLength(s) <= n) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const b = Buffer.byteLength(ch);
    if (used + b > n) break;
    out += ch;
    used += b;
  }
  return out;
}

/**
 * The DATA section exactly as 2.2.7 sends it, without the final ".\r\n":
 * `Date: ..\r\nFrom: ..\r\nSubject: ..\r\nX-Mailer: Keepalived\r\nTo: a, b\r\n\r\n<body>\r\n\r\n`.
 * (keepalived sends `<body>\r\n` + `\r\n.\r\n`; an SMTP client appends `.\r\n` to a message that
 * already ends in CRLF, giving the same bytes on the wire.)
 */
export function buildMessage(opts: { date: Date; from: string; to: string[]; subject: string; body: string }): string {
  const subject = truncateBytes(opts.subject, MAX_SUBJECT_BYTES);
  const body = truncateBytes(opts.body, MAX_BODY_BYTES);
  return `Date: ${rfc822Date(opts.date)}\r\nFrom: ${opts.from}\r\nSubject: ${subject}\r\n`
    + `X-Mailer: Keepalived\r\nTo: ${opts.to.join(', ')}\r\n\r\n${body}\r\n\r\n`;
}

/**
 * Envelope address for MAIL FROM / RCPT TO. keepalived HEAD sends the last `<...>` part when the
 * configured string ends in `>`; 2.2.7 wrapped the whole string (`<Name <a@b>>`), which is not a
 * valid SMTP path (and nodemailer refuses `<`/`>` in envelope addresses), so we follow HEAD.
 */
export function envelopeAddress(configured: string): string {
  const s = configured.trim();
  if (s.endsWith('>')) {
    const i = s.lastIndexOf('<');
    if (i >= 0) return s.slice(i + 1, -1).trim();
  }
  return s;
}

/** FMT_SMTP_HOST(): `[127.0.0.1]:25` (inet_sockaddrtopair). */
export function smtpHostText(host: string, port: number): string {
  return `[${host}]:${port}`;
}
