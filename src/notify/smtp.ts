// SMTP alert sender (keepalived/core/smtp.c, plus what keepalived lacks: a bounded queue, retries
// with exponential backoff, STARTTLS and AUTH). Fully asynchronous: enqueue() only appends to the
// queue, so VRRP and checks are never delayed. Uses nodemailer's SMTPConnection and sends the
// message as raw RFC 822 bytes built by format.ts, so the DATA section is byte-identical to
// keepalived 2.2.7's (no Message-ID / MIME headers are added). Log lines use keepalived's texts;
// each failure also gets one line with the reason and the retry decision.
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { Logger } from '../common/log.js';
import { buildMessage, envelopeAddress, smtpHostText } from './format.js';

export interface SmtpSettings {
  host: string;
  port: number;
  /** smtp_helo_name (sent with EHLO, HELO if the server refuses EHLO). */
  heloName: string;
  /** notification_email_from, verbatim in the From: header. */
  from: string;
  /** notification_email list, verbatim in the To: header. */
  to: string[];
  /** smtp_connect_timeout, ms: connect, greeting and every reply. */
  timeoutMs: number;
  /** Beyond keepalived: AUTH (smtp_auth_user / smtp_auth_pass). */
  auth?: { user: string; pass: string };
  /** Beyond keepalived: require STARTTLS (smtp_starttls). Off = never upgrade, like keepalived. */
  starttls?: boolean;
  /** TLS certificate verification for STARTTLS (smtp_tls_verify, default true). */
  tlsVerify?: boolean;
}

export interface SmtpAlerterOptions {
  logger: Logger;
  /** Mails waiting beyond which the oldest is dropped. Default 64. */
  maxQueue?: number;
  /** First retry delay; doubles per attempt up to retryMaxMs. Defaults 2000 / 300000. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Attempts per mail including the first. Default 10. */
  maxAttempts?: number;
  /** Clock for the Date: header (tests). */
  now?: () => Date;
}

interface MailJob { subject: string; body: string; date: Date; attempt: number }

interface SendFailure { keepalivedLine?: string; reason: string; permanent: boolean }

const CMD_NAMES: Record<string, string> = {
  CONN: '(E)SMTP', EHLO: 'HELO', HELO: 'HELO', LHLO: 'HELO', 'MAIL FROM': 'MAIL', 'RCPT TO': 'RCPT', DATA: 'DATA',
};

/**
 * nodemailer's SMTPConnection, imported when an alerter is made (SMTP configured), not when this
 * module loads: 70 ms of every child's start-up that sends no mail.
 */
let smtpConnection: Promise<typeof SMTPConnection> | undefined;
const loadSmtpConnection = (): Promise<typeof SMTPConnection> =>
  (smtpConnection ??= import('nodemailer/lib/smtp-connection').then((m: { default: typeof SMTPConnection }) => m.default));

export class SmtpAlerter {
  private readonly queue: MailJob[] = [];
  private busy = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private conn: SMTPConnection | undefined;
  private idleWaiters: (() => void)[] = [];
  private readonly hostText: string;
  /** Counters for tests and stats. */
  readonly stats = { queued: 0, sent: 0, failedAttempts: 0, dropped: 0, gaveUp: 0 };

  constructor(private readonly s: SmtpSettings, private readonly opts: SmtpAlerterOptions) {
    this.hostText = smtpHostText(s.host, s.port);
    loadSmtpConnection().catch(() => undefined); // a failure shows on the first send
  }

  /** Queue one alert. O(1), never blocks, never throws. */
  enqueue(subject: string, body: string): void {
    if (this.closed) return;
    const max = this.opts.maxQueue ?? 64;
    if (this.queue.length >= max) {
      const old = this.queue.shift()!;
      this.stats.dropped++;
      this.opts.logger.warn(`SMTP alert queue full (${max}) - dropping alert "${old.subject}"`);
    }
    this.queue.push({ subject, body, date: (this.opts.now ?? (() => new Date()))(), attempt: 0 });
    this.stats.queued++;
    if (!this.busy && !this.retryTimer) setImmediate(() => this.pump());
  }

  get pending(): number { return this.queue.length; }

  /** Resolves when the queue is empty (or after ms). */
  drain(ms: number): Promise<boolean> {
    if (this.queue.length === 0 && !this.busy) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), ms);
      this.idleWaiters.push(() => { clearTimeout(t); resolve(true); });
    });
  }

  /** Stop sending: pending mails are abandoned (logged), an in-flight session is closed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.queue.length) this.opts.logger.info(`SMTP: ${this.queue.length} alert(s) not sent at shutdown`);
    this.queue.length = 0;
    try { this.conn?.close(); } catch { /* ignore */ }
    this.wakeIdle();
  }

  private wakeIdle(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }

  private async pump(): Promise<void> {
    if (this.busy || this.closed) return;
    this.busy = true;
    try {
      while (this.queue.length && !this.closed) {
        const job = this.queue[0]!;
        job.attempt++;
        const err = await this.sendOnce(job);
        if (this.closed) return;
        if (!err) {
          this.queue.shift();
          this.stats.sent++;
          continue;
        }
        this.stats.failedAttempts++;
        const log = this.opts.logger;
        if (err.keepalivedLine) log.info(err.keepalivedLine);
        const max = this.opts.maxAttempts ?? 10;
        if (err.permanent || job.attempt >= max) {
          this.queue.shift();
          this.stats.gaveUp++;
          log.warn(`SMTP alert "${job.subject}" not sent (attempt ${job.attempt}/${max}): ${err.reason} - giving up`);
          continue;
        }
        const delay = Math.min(this.opts.retryMaxMs ?? 300_000,
          (this.opts.retryBaseMs ?? 2000) * 2 ** (job.attempt - 1));
        log.warn(`SMTP alert "${job.subject}" not sent (attempt ${job.attempt}/${max}): ${err.reason} - retrying in ${delay / 1000}s`);
        this.retryTimer = setTimeout(() => { this.retryTimer = undefined; void this.pump(); }, delay);
        return;
      }
    } finally {
      this.busy = false;
      if (!this.retryTimer && (this.queue.length === 0 || this.closed)) this.wakeIdle();
    }
  }

  /** One SMTP session for one mail. Resolves undefined on success, or the failure. */
  private async sendOnce(job: MailJob): Promise<SendFailure | undefined> {
    const Connection = await loadSmtpConnection();
    const s = this.s;
    const log = this.opts.logger;
    const h = this.hostText;
    return new Promise((resolve) => {
      let connected = false;
      let done = false;
      const conn = new Connection({
        host: s.host, port: s.port, name: s.heloName, secure: false,
        ignoreTLS: !s.starttls, requireTLS: !!s.starttls,
        tls: { rejectUnauthorized: s.tlsVerify ?? true },
        connectionTimeout: s.timeoutMs, greetingTimeout: s.timeoutMs, socketTimeout: s.timeoutMs,
        socketCloseTimeout: 1000,
        allowInternalNetworkInterfaces: true,
        logger: false,
      });
      this.conn = conn;
      const finish = (f: SendFailure | undefined): void => {
        if (done) return;
        done = true;
        this.conn = undefined;
        resolve(f);
      };
      const fail = (e: unknown): void => {
        const err = e as Error & { code?: string; originalCode?: string; command?: string;
          responseCode?: number; timeoutType?: string };
        try { conn.close(); } catch { /* ignore */ }
        let line: string | undefined;
        const reason = `${err.code ?? 'ERROR'}${err.originalCode ? `/${err.originalCode}` : ''}: ${err.message}`;
        if (err.responseCode) {
          const cmd = /^Message failed/.test(err.message) ? 'BODY' : (CMD_NAMES[err.command ?? ''] ?? err.command ?? '?');
          line = `Error processing ${cmd} cmd on SMTP server ${h}. SMTP status code = ${err.responseCode}`;
        } else if (err.code === 'ETIMEDOUT') {
          line = err.timeoutType === 'CONNECT_TIMEOUT' ? `Timeout connecting SMTP server ${h}.` : `Timeout reading data to remote SMTP server ${h}.`;
        } else if (err.code === 'ECONNECTION' && /closed/i.test(err.message)) {
          line = `Remote SMTP server ${h} has closed the connection.`;
        } else if (!connected && (err.code === 'ESOCKET' || err.code === 'ECONNECTION' || err.code === 'EDNS')) {
          line = `SMTP connection ERROR to ${h}.`;
        }
        finish({ keepalivedLine: line, reason, permanent: !!err.responseCode && err.responseCode >= 500 });
      };
      conn.on('error', fail); // stays attached: late socket errors must not become unhandled 'error' events
      conn.connect((cerr?: Error | null) => {
        if (cerr) return fail(cerr);
        connected = true;
        log.detail(`Remote SMTP server ${h} connected.`);
        const send = (): void => {
          const raw = buildMessage({ date: job.date, from: s.from, to: s.to, subject: job.subject, body: job.body });
          conn.send({ from: envelopeAddress(s.from), to: s.to.map(envelopeAddress) }, raw, (serr) => {
            if (serr) return fail(serr);
            log.detail('SMTP alert successfully sent.');
            conn.removeListener('error', fail);
            conn.on('error', () => { /* errors after the 250 (QUIT) do not matter */ });
            conn.once('end', () => finish(undefined));
            conn.quit();
            setTimeout(() => { try { conn.close(); } catch { /* ignore */ } finish(undefined); },
              Math.min(s.timeoutMs, 2000)).unref();
          });
        };
        if (s.auth) {
          conn.login({ credentials: { user: s.auth.user, pass: s.auth.pass } }, (aerr) => (aerr ? fail(aerr) : send()));
        } else {
          send();
        }
      });
    });
  }
}
