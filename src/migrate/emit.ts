// Prints a migration Draft as keepalived.conf text: one keyword per line (keepalived's parser does
// not split keywords on a line), per-node priorities as @config-id conditional lines. Every word
// goes through the parser's own quoting rules (src/parser/config-word.ts); a value no spelling
// makes keepalived read back unchanged is left out and reported, never written with another meaning.
import type { Draft, DraftCheck, DraftVirtualServer, MigrationError } from './draft.js';
import { quoteLine, spellQuotedEscaped, spellWord, UNWRITABLE_TEXT, type WordSpelling } from '../parser/config-word.js';

/** A word to write: plain text (spelled as a word), or a string keepalived reads with quotes and
 *  escapes (scripts, regex). */
type Part = string | number | { escaped: string };

class Writer {
  readonly out: string[] = [];
  private depth = 0;
  private readonly blocks: string[] = [];
  constructor(private readonly errors: MigrationError[]) {}

  /** One keyword line; left out (and reported) when one of its words cannot be written. */
  line(...parts: Part[]): boolean {
    const words: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      const s: WordSpelling = typeof p === 'number' ? { ok: true, text: String(p) } : typeof p === 'string' ? spellWord(p, i === 0 ? 'first' : 'argument') : spellQuotedEscaped(p.escaped);
      if (!s.ok) {
        const value = typeof p === 'object' ? p.escaped : String(p);
        const where = [...this.blocks, ...parts.slice(0, i).map(String)].join(' ');
        this.errors.push({ at: '-', message: `${where}: cannot write ${JSON.stringify(value)}: ${UNWRITABLE_TEXT[s.reason]}`, assumed: 'line left out' });
        return false;
      }
      words.push(s.text);
    }
    this.raw(words.join(' '));
    return true;
  }
  /** A line written as is (structure, comments, @config-id prefixes). */
  raw(text: string): void { this.out.push(`${'    '.repeat(this.depth)}${text}`); }
  open(...parts: (string | number)[]): void {
    // block heads are our keywords and names, or validated addresses: not writable is a programming error
    this.raw(`${quoteLine(parts.map(String))} {`);
    this.blocks.push(parts.join(' '));
    this.depth++;
  }
  close(): void { this.depth--; this.blocks.pop(); this.raw('}'); }
  blank(): void { this.out.push(''); }
}

export function emitDraft(d: Draft, header: string[], errors: MigrationError[] = []): string {
  const o = new Writer(errors);
  for (const h of header) o.raw(`! ${h}`);

  o.blank();
  o.open('global_defs');
  if (d.routerId) o.line('router_id', d.routerId);
  if (d.notificationEmail.length) {
    o.open('notification_email');
    for (const a of d.notificationEmail) o.line(a);
    o.close();
  }
  if (d.notificationEmailFrom) o.line('notification_email_from', d.notificationEmailFrom);
  if (d.smtpServer && o.line('smtp_server', d.smtpServer)) o.line('smtp_connect_timeout', 30);
  if (d.mcastGroup4) o.line('vrrp_mcast_group4', d.mcastGroup4);
  if (d.usesScripts) { o.line('enable_script_security'); o.line('script_user', 'root'); }
  o.close();

  const pingName = (i: number): string => `chk_ping${d.pingChecks.length > 1 ? `_${i + 1}` : ''}`;
  d.pingChecks.forEach((c, i) => {
    o.blank();
    o.open('vrrp_script', pingName(i));
    o.line('script', { escaped: c.command });
    o.line('interval', 2);
    o.line('fall', 2);
    o.line('rise', 2);
    if (c.weight) o.line('weight', c.weight);
    o.close();
  });
  for (const v of d.vrrps) {
    o.blank();
    o.open('vrrp_instance', v.name);
    o.line('state', 'BACKUP');
    o.line('interface', v.interface);
    o.line('virtual_router_id', v.virtualRouterId);
    if (v.nodes.length === 0) o.line('priority', 100);
    // a config id is a word of ours (ha.cf node names): written as is after the '@'
    for (const n of v.nodes) o.raw(`@${n.configId} priority ${n.priority}`);
    if (v.version) o.line('version', v.version);
    o.line('advert_int', v.advertInt);
    if (v.nopreempt) o.line('nopreempt');
    if (v.authPass !== undefined) {
      o.open('authentication');
      o.line('auth_type', 'PASS');
      o.line('auth_pass', v.authPass);
      o.close();
    }
    if (v.unicastSrcIp) o.line('unicast_src_ip', v.unicastSrcIp);
    if (v.unicastPeers.length) {
      o.open('unicast_peer');
      for (const p of v.unicastPeers) o.line(p);
      o.close();
    }
    if (v.trackInterfaces.length) {
      o.open('track_interface');
      for (const i of v.trackInterfaces) o.line(i);
      o.close();
    }
    if (v.trackPing && d.pingChecks.length) {
      o.open('track_script');
      d.pingChecks.forEach((_, i) => o.line(pingName(i)));
      o.close();
    }
    o.open('virtual_ipaddress');
    for (const vip of v.vips) {
      const parts: Part[] = [vip.prefixLen !== undefined ? `${vip.address}/${vip.prefixLen}` : vip.address];
      if (vip.brd) parts.push('brd', vip.brd);
      if (vip.dev) parts.push('dev', vip.dev);
      if (vip.label) parts.push('label', vip.label);
      o.line(...parts);
    }
    o.close();
    if (v.notifyMaster) o.line('notify_master', { escaped: v.notifyMaster });
    if (v.notifyBackup) o.line('notify_backup', { escaped: v.notifyBackup });
    if (v.notifyFault) o.line('notify_fault', { escaped: v.notifyFault });
    if (v.smtpAlert) o.line('smtp_alert');
    o.close();
  }

  for (const vs of d.virtualServers) emitVirtualServer(vs, o);
  o.blank();
  return o.out.join('\n');
}

function emitVirtualServer(vs: DraftVirtualServer, o: Writer): void {
  o.blank();
  if (vs.comment) o.raw(`! ${vs.comment}`);
  if (vs.fwmark !== undefined) o.open('virtual_server', 'fwmark', vs.fwmark);
  else o.open('virtual_server', vs.address, vs.port ?? 0);
  if (vs.delayLoop !== undefined) o.line('delay_loop', vs.delayLoop);
  o.line('lb_algo', vs.lbAlgo);
  o.line('lb_kind', vs.lbKind);
  if (vs.fwmark === undefined) o.line('protocol', vs.protocol);
  if (vs.persistenceTimeout !== undefined) o.line('persistence_timeout', vs.persistenceTimeout);
  if (vs.persistenceGranularity) o.line('persistence_granularity', vs.persistenceGranularity);
  if (vs.inhibitOnFailure) o.line('inhibit_on_failure');
  if (vs.smtpAlert) o.line('smtp_alert');
  if (vs.sorryServer) o.line('sorry_server', vs.sorryServer.address, vs.sorryServer.port ?? vs.port ?? 0);
  for (const rs of vs.realServers) {
    o.open('real_server', rs.address, rs.port);
    o.line('weight', rs.weight);
    if (rs.method && rs.method !== vs.lbKind) o.line('lvs_method', rs.method);
    const check = rs.check ?? vs.check;
    if (check) emitCheck(check, rs.address, rs.port, o);
    o.close();
  }
  o.close();
}

function emitCheck(c: DraftCheck, rip: string, rport: number, o: Writer): void {
  o.open(c.type);
  if (c.type === 'MISC_CHECK' && c.miscPath) {
    o.line('misc_path', { escaped: c.miscPath.replaceAll('{rip}', rip).replaceAll('{rport}', String(rport)) });
  }
  if (c.type === 'HTTP_GET' || c.type === 'SSL_GET') {
    o.open('url');
    o.line('path', c.urlPath ?? '/');
    o.line('status_code', 200);
    if (c.regex) o.line('regex', { escaped: c.regex });
    o.close();
    if (c.virtualhost) o.line('virtualhost', c.virtualhost);
  }
  if (c.type === 'DNS_CHECK' && c.dnsName) { o.line('type', 'A'); o.line('name', c.dnsName); }
  if (c.connectPort !== undefined) o.line('connect_port', c.connectPort);
  if (c.connectTimeout !== undefined) o.line('connect_timeout', c.connectTimeout);
  if (c.retry !== undefined) o.line('retry', c.retry);
  if (c.delayBeforeRetry !== undefined) o.line('delay_before_retry', c.delayBeforeRetry);
  o.close();
}
