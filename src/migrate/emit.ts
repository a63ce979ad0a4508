// Prints a migration Draft as keepalived.conf text: one keyword per line (keepalived's parser does
// not split keywords on a line), per-node priorities as @config-id conditional lines.
import type { Draft, DraftCheck, DraftVirtualServer } from './draft.js';

const q = (s: string): string => (/[\s#!"{}]/.test(s) ? dq(s) : s);
/** keepalived's quoted word: no escapes exist, so a value holding '"' cannot be written (callers avoid it). */
const dq = (s: string): string => `"${s.replaceAll('"', "'")}"`;

export function emitDraft(d: Draft, header: string[]): string {
  const out: string[] = header.map((h) => `! ${h}`);
  const line = (depth: number, text: string): void => { out.push(`${'    '.repeat(depth)}${text}`); };

  out.push('', 'global_defs {');
  if (d.routerId) line(1, `router_id ${q(d.routerId)}`);
  if (d.notificationEmail.length) {
    line(1, 'notification_email {');
    for (const a of d.notificationEmail) line(2, q(a));
    line(1, '}');
  }
  if (d.notificationEmailFrom) line(1, `notification_email_from ${q(d.notificationEmailFrom)}`);
  if (d.smtpServer) { line(1, `smtp_server ${d.smtpServer}`); line(1, 'smtp_connect_timeout 30'); }
  if (d.mcastGroup4) line(1, `vrrp_mcast_group4 ${d.mcastGroup4}`);
  if (d.usesScripts) { line(1, 'enable_script_security'); line(1, 'script_user root'); }
  out.push('}');

  const pingName = (i: number): string => `chk_ping${d.pingChecks.length > 1 ? `_${i + 1}` : ''}`;
  d.pingChecks.forEach((c, i) => {
      out.push('', `vrrp_script ${pingName(i)} {`);
      line(1, `script ${dq(c.command)}`);
      line(1, 'interval 2');
      line(1, 'fall 2');
      line(1, 'rise 2');
      if (c.weight) line(1, `weight ${c.weight}`);
      out.push('}');
  });
  for (const v of d.vrrps) {
    out.push('', `vrrp_instance ${v.name} {`);
    line(1, 'state BACKUP');
    line(1, `interface ${v.interface}`);
    line(1, `virtual_router_id ${v.virtualRouterId}`);
    if (v.nodes.length === 0) line(1, 'priority 100');
    for (const n of v.nodes) line(1, `@${n.configId} priority ${n.priority}`);
    if (v.version) line(1, `version ${v.version}`);
    line(1, `advert_int ${v.advertInt}`);
    if (v.nopreempt) line(1, 'nopreempt');
    if (v.authPass !== undefined) {
      line(1, 'authentication {');
      line(2, 'auth_type PASS');
      line(2, `auth_pass ${q(v.authPass)}`);
      line(1, '}');
    }
    if (v.unicastSrcIp) line(1, `unicast_src_ip ${v.unicastSrcIp}`);
    if (v.unicastPeers.length) {
      line(1, 'unicast_peer {');
      for (const p of v.unicastPeers) line(2, p);
      line(1, '}');
    }
    if (v.trackInterfaces.length) {
      line(1, 'track_interface {');
      for (const i of v.trackInterfaces) line(2, i);
      line(1, '}');
    }
    if (v.trackPing && d.pingChecks.length) {
      line(1, 'track_script {');
      d.pingChecks.forEach((_, i) => line(2, pingName(i)));
      line(1, '}');
    }
    line(1, 'virtual_ipaddress {');
    for (const vip of v.vips) {
      const parts = [vip.prefixLen !== undefined ? `${vip.address}/${vip.prefixLen}` : vip.address];
      if (vip.brd) parts.push('brd', vip.brd);
      if (vip.dev) parts.push('dev', vip.dev);
      if (vip.label) parts.push('label', vip.label);
      line(2, parts.join(' '));
    }
    line(1, '}');
    if (v.notifyMaster) line(1, `notify_master ${dq(v.notifyMaster)}`);
    if (v.notifyBackup) line(1, `notify_backup ${dq(v.notifyBackup)}`);
    if (v.notifyFault) line(1, `notify_fault ${dq(v.notifyFault)}`);
    if (v.smtpAlert) line(1, 'smtp_alert');
    out.push('}');
  }

  for (const vs of d.virtualServers) emitVirtualServer(vs, out, line);
  out.push('');
  return out.join('\n');
}

function emitVirtualServer(vs: DraftVirtualServer, out: string[], line: (d: number, t: string) => void): void {
  out.push('');
  if (vs.comment) out.push(`! ${vs.comment}`);
  out.push(vs.fwmark !== undefined ? `virtual_server fwmark ${vs.fwmark} {` : `virtual_server ${vs.address} ${vs.port ?? 0} {`);
  if (vs.delayLoop !== undefined) line(1, `delay_loop ${vs.delayLoop}`);
  line(1, `lb_algo ${vs.lbAlgo}`);
  line(1, `lb_kind ${vs.lbKind}`);
  if (vs.fwmark === undefined) line(1, `protocol ${vs.protocol}`);
  if (vs.persistenceTimeout !== undefined) line(1, `persistence_timeout ${vs.persistenceTimeout}`);
  if (vs.persistenceGranularity) line(1, `persistence_granularity ${vs.persistenceGranularity}`);
  if (vs.inhibitOnFailure) line(1, 'inhibit_on_failure');
  if (vs.smtpAlert) line(1, 'smtp_alert');
  if (vs.sorryServer) line(1, `sorry_server ${vs.sorryServer.address} ${vs.sorryServer.port ?? vs.port ?? 0}`);
  for (const rs of vs.realServers) {
    line(1, `real_server ${rs.address} ${rs.port} {`);
    line(2, `weight ${rs.weight}`);
    if (rs.method && rs.method !== vs.lbKind) line(2, `lvs_method ${rs.method}`);
    const check = rs.check ?? vs.check;
    if (check) emitCheck(check, rs.address, rs.port, line);
    line(1, '}');
  }
  out.push('}');
}

function emitCheck(c: DraftCheck, rip: string, rport: number, line: (d: number, t: string) => void): void {
  line(2, `${c.type} {`);
  if (c.type === 'MISC_CHECK' && c.miscPath) {
    line(3, `misc_path ${dq(c.miscPath.replaceAll('{rip}', rip).replaceAll('{rport}', String(rport)))}`);
  }
  if (c.type === 'HTTP_GET' || c.type === 'SSL_GET') {
    line(3, 'url {');
    line(4, `path ${q(c.urlPath ?? '/')}`);
    line(4, 'status_code 200');
    if (c.regex) line(4, `regex ${dq(c.regex)}`);
    line(3, '}');
    if (c.virtualhost) line(3, `virtualhost ${q(c.virtualhost)}`);
  }
  if (c.type === 'DNS_CHECK' && c.dnsName) { line(3, 'type A'); line(3, `name ${q(c.dnsName)}`); }
  if (c.connectPort !== undefined) line(3, `connect_port ${c.connectPort}`);
  if (c.connectTimeout !== undefined) line(3, `connect_timeout ${c.connectTimeout}`);
  if (c.retry !== undefined) line(3, `retry ${c.retry}`);
  if (c.delayBeforeRetry !== undefined) line(3, `delay_before_retry ${c.delayBeforeRetry}`);
  line(2, '}');
}
