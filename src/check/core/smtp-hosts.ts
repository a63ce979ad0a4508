// SMTP_CHECK host{} blocks become checkers of their own, as keepalived 2.2.7 does at the end of the
// SMTP_CHECK block (check_smtp.c smtp_check_end_handler): when the SMTP_CHECK itself sets any
// connection keyword (connect_ip, connect_port, bindto, bind_port, bind_if, fwmark, connect_timeout)
// it stays a checker and each host adds one; otherwise the first host takes its place. A host
// checker shares everything else (retry, delay_loop, helo_name...) and has only the connection
// keywords of its block: its connect_timeout, when the block has none, is 0 (2.2.7 neither inherits
// one nor defaults it; measured: every such check fails at once, see test/vm/checkers14). Pure.
import type { Checker, SmtpHost } from '../../config/model.js';

type SmtpCk = Extract<Checker, { type: 'SMTP_CHECK' }>;

const CONN: (keyof SmtpHost)[] = ['connectIp', 'connectPort', 'bindto', 'bindPort', 'bindIf', 'fwmark', 'connectTimeout'];

function hostChecker(main: SmtpCk, h: SmtpHost): SmtpCk {
  const { hosts: _hosts, ...rest } = main;
  const c: SmtpCk = { ...rest };
  for (const k of CONN) delete c[k];
  return { ...c, ...h, connectTimeout: h.connectTimeout ?? 0 };
}

/** The checkers a real server runs: its list with each SMTP_CHECK's hosts expanded. */
export function expandSmtpHosts(checkers: readonly Checker[]): Checker[] {
  if (!checkers.some((c) => c.type === 'SMTP_CHECK' && c.hosts?.length)) return checkers as Checker[];
  const out: Checker[] = [];
  for (const c of checkers) {
    if (c.type !== 'SMTP_CHECK' || !c.hosts?.length) { out.push(c); continue; }
    const ownConn = CONN.some((k) => c[k] !== undefined);
    if (ownConn) { const { hosts: _h, ...self } = c; out.push(self); }
    for (const h of c.hosts) out.push(hostChecker(c, h));
  }
  return out;
}
