// Shared fixtures of the parser tests: model spot checks per corpus file, an automatic spot
// checker (values written in the file appear in the model), and position-free deep copies.
import type { KeepalivedConfig } from '../../../../src/config/model.js';
import type { ConfigTestLine } from '../../../../src/parser/configtest.js';
import { isNotImplementedWarning } from '../../../../src/parser/ledger-types.js';

/** What -t printed that keepalived 2.2.7 prints too: without our not-implemented warnings (told by their code). */
export function keepalivedLines(r: { lines: readonly ConfigTestLine[] }): string[] {
  return r.lines.filter((l) => !isNotImplementedWarning(l)).map((l) => l.text);
}

/** Deep copy without positions / file lists (and vrrpUnusable: about the file read, not what prints from it), for model
 *  equality. */
export function stripPositions(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(stripPositions);
  if (x && typeof x === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) if (k !== 'pos' && !k.endsWith('Pos') && k !== 'files' && k !== 'includedBy' && k !== 'vrrpUnusable' && v !== undefined) o[k] = stripPositions(v);
    return o;
  }
  return x;
}

export function get(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

/** Spot checks: the model holds the values the file sets (and keepalived's defaults). */
export const SPOT_CHECKS: Record<string, [string, unknown][]> = {
  'brace-next-line.conf': [['global.routerId', 'r1'], ['vrrpInstances.0.state', 'MASTER'], ['vrrpInstances.0.priority', 150], ['vrrpInstances.0.virtualIpaddress.0.prefixLen', 24]],
  // the instance has no virtual_router_id: keepalived drops it
  'one-line-blocks.conf': [['global.routerId', 'one_line'], ['vrrpInstances.length', 0]],
  'notification-email-words.conf': [['global.notificationEmail', ['a@example.com', 'b@example.com', 'Ops Team <ops@example.com>']], ['global.smtpServer', { host: '127.0.0.1', port: 2525 }], ['global.smtpConnectTimeout', 10]],
  'comments-and-quotes.conf': [['global.routerId', 'quoted id'], ['global.smtpHeloName', 'helo\\#x']],
  'conditional-config-id.conf': [['global.routerId', 'is_kpbnode']],
  'defs-substitution.conf': [['vrrpInstances.0.interface', 'eth1'], ['vrrpInstances.0.virtualIpaddress.length', 3], ['vrrpInstances.0.virtualIpaddress.0.dev', 'eth1'], ['vrrpInstances.0.virtualIpaddress.2.address', '10.0.1.102']],
  // `$N/24` is not substituted (only ${N} is, when followed by '/'): keepalived rejects the address
  'seq-generator.conf': [['vrrpInstances.0.virtualIpaddress.length', 0]],
  'seq-generator-braced.conf': [['vrrpInstances.0.virtualIpaddress.length', 3], ['vrrpInstances.0.virtualIpaddress.2.address', '10.0.2.3']],
  'include-main.conf': [['global.routerId', 'inc_main'], ['vrrpInstances.0.name', 'VI_INC'], ['vrrpInstances.0.virtualRouterId', 70]],
  'bools.conf': [['global.smtpAlert', true], ['global.smtpAlertVrrp', false], ['global.smtpAlertChecker', true], ['global.checkerLogAllFailures', true],
    ['virtualServers.0.alpha', true], ['virtualServers.0.omega', false], ['virtualServers.0.realServers.0.inhibitOnFailure', true]],
  'lvs-aliases.conf': [['virtualServers.0.lbAlgo', 'wrr'], ['virtualServers.0.lbKind', 'DR'], ['virtualServers.0.protocol', 'TCP'], ['virtualServers.0.persistenceTimeout', 360],
    ['virtualServers.0.delayLoop', 6], ['virtualServers.0.realServers.0.weight', 3], ['virtualServers.0.realServers.0.checkers.0.type', 'SSL_GET'],
    ['virtualServers.0.realServers.0.checkers.0.urls.0.statusCode', [{ from: 200, to: 200 }, { from: 301, to: 302 }]],
    ['virtualServers.0.realServers.0.checkers.0.urls.0.digest', '9b3a0c85a887a256d6939da88aabd8cd'], ['virtualServers.0.realServers.1.port', 443]],
  'lvs-tun.conf': [['virtualServers.0.vs', { kind: 'fwmark', fwmark: 7 }], ['virtualServers.0.lbKind', 'TUN'], ['virtualServers.0.tunnel', { type: 'gue', port: 6080, csum: 'nocsum' }]],
  'vs-group.conf': [['virtualServerGroups.0.entries.1', { kind: 'range', first: '10.0.3.10', last: '10.0.3.20', port: 80, family: 'inet' }],
    ['virtualServerGroups.0.entries.2.last', '10.0.4.3'], ['virtualServerGroups.0.entries.3.fwmark', 3], ['virtualServers.0.vs', { kind: 'group', group: 'VSG1' }]],
  'checkers-all.conf': [['virtualServers.0.protocol', 'UDP'], ['virtualServers.0.realServers.0.checkers.length', 5], ['virtualServers.0.realServers.0.checkers.0.queryType', 'A'],
    ['virtualServers.0.realServers.0.checkers.1.payload', '0102'], ['virtualServers.0.realServers.0.checkers.3.miscPath.argv', ['/bin/true', 'arg']],
    ['virtualServers.0.realServers.0.checkers.4.httpProtocol', '1.1']],
  'full-vrrp.conf': [['global.vrrpVersion', 3], ['global.vrrpGarpMasterDelay', 2], ['global.vrrpMcastGroup4', '224.0.0.19'], ['global.defaultInterface', 'eth1'],
    ['vrrpScripts.0.interval', 2], ['vrrpScripts.0.timeout', 3], ['vrrpScripts.0.weight', -20], ['vrrpScripts.0.weightReverse', true], ['vrrpScripts.0.fall', 3],
    ['vrrpInstances.0.advertInt', 0.5], ['vrrpInstances.0.nopreempt', true], ['vrrpInstances.0.preemptDelay', 0], ['vrrpInstances.0.unicastPeer.1', { address: '10.0.0.3', minTtl: 1, maxTtl: 3 }],
    ['vrrpInstances.0.virtualIpaddress.0.label', 'eth0:1'], ['vrrpInstances.0.virtualIpaddress.1.noTrack', true], ['vrrpInstances.0.trackScript', []], ['vrrpInstances.0.trackFile', []],
    // (2.2.7 keeps a weighted track_interface of a sync group member acting, despite its 'ignoring' line: measured)
    ['vrrpInstances.0.trackInterface.0.weight', -10],
    ['vrrpInstances.0.notifyMaster.argv', ['/bin/true', 'm']], ['vrrpInstances.1.state', 'MASTER'], ['vrrpSyncGroups.0.group', ['VI_1', 'VI_2']], ['trackFiles.0.file', '/tmp/kpb-track-file']],
  'p2-keywords.conf': [['global.umask', 0o177], ['extra.0.keyword', 'bfd_instance'], ['extra.0.args', ['B1']], ['vrrpInstances.0.useVmac', { name: 'vrrp30' }],
    ['vrrpInstances.0.unicastFaultNoPeer', true]],
  'static-blocks.conf': [['staticIpaddress.0.dev', 'eth0'], ['staticRoutes.0.dst', { family: 'inet', address: '10.8.0.0', prefixLen: 16 }], ['staticRoutes.0.via', { family: 'inet', address: '10.0.7.254' }],
    ['staticRoutes.0.dev', 'eth0'], ['staticRules.0.preference', 70], ['staticRules.0.action', { kind: 'table', table: 7 }]],
  'rs-port-mismatch-dr.conf': [['virtualServers.0.realServers.0.port', 80]],
  'vs-defaults-missing.conf': [['virtualServers.0.protocol', 'UDP'], ['virtualServers.0.lbAlgo', 'wlc'], ['virtualServers.0.lbKind', 'NAT']],
  'sync-group-missing.conf': [['vrrpSyncGroups.0.group', ['A']]],
  'dup-vrid.conf': [['vrrpInstances.length', 3]],
  'state-lowercase.conf': [['vrrpInstances.0.state', 'BACKUP']],
  'ah-master.conf': [['vrrpInstances.0.priority', 255], ['vrrpInstances.0.authentication', { type: 'AH', pass: 'secret' }]],
  'seed-002-backup.conf': [['vrrpInstances.0.virtualRouterId', 51], ['vrrpInstances.0.priority', 100], ['vrrpInstances.0.authentication', { type: 'PASS', pass: '1111' }],
    ['vrrpInstances.0.trackInterface.0.name', 'eth1'], ['vrrpInstances.0.virtualIpaddress.0.address', '192.168.3.3']],
  // the article's master config has non-breaking spaces before its comments: keepalived reads them as part of the words
  // ("51\u00a0..." is no number) and drops the instance
  'seed-002-master.conf': [['vrrpInstances.length', 0]],
};

/**
 * Automatic spot checks from the text: for each `vrrp_instance NAME { ... }` whose block sets
 * virtual_router_id / priority / interface to a plain valid value, the model's instance NAME
 * holds it; for each `virtual_server IP PORT` that sets lb_algo/lvs_sched and lb_kind/lvs_method,
 * the model's virtual server holds them. Instances keepalived drops are skipped.
 */
export function autoChecks(text: string, cfg: KeepalivedConfig): { what: string; got: unknown; want: unknown }[] {
  const out: { what: string; got: unknown; want: unknown }[] = [];
  const lines = text.split('\n').map((l) => l.replace(/[#!].*$/, '').trim());
  const blockOf = (start: number): string[] => {
    let d = 0; const body: string[] = [];
    for (let i = start; i < lines.length; i++) {
      const l = lines[i]!;
      d += (l.match(/\{/g) ?? []).length - (l.match(/\}/g) ?? []).length;
      if (i > start && d === 1) body.push(l);
      if (i > start && d <= 0) break;
    }
    return body;
  };
  const seenVi = new Set<string>();
  lines.forEach((l, i) => {
    let m = /^vrrp_instance\s+(\S+)/.exec(l);
    if (m) {
      const vi = cfg.vrrpInstances.find((v) => v.name === m![1]);
      if (!vi || seenVi.has(vi.name)) return; // a second block with the same name is skipped by keepalived
      seenVi.add(vi.name);
      for (const b of blockOf(i)) {
        const k = /^(virtual_router_id|priority|interface)\s+([A-Za-z0-9_.]+)$/.exec(b);
        if (!k) continue;
        if (k[1] === 'interface') out.push({ what: `${vi.name} interface`, got: vi.interface, want: k[2] });
        else if (/^\d+$/.test(k[2]!) && Number(k[2]) >= 1 && Number(k[2]) <= 255) {
          out.push({ what: `${vi.name} ${k[1]}`, got: k[1] === 'priority' ? vi.priority : vi.virtualRouterId, want: Number(k[2]) });
        }
      }
      return;
    }
    m = /^virtual_server\s+([0-9a-fA-F.:]+)\s+(\d+)/.exec(l);
    if (m) {
      const vs = cfg.virtualServers.find((v) => v.vs.kind === 'ip' && v.vs.address === m![1] && v.vs.port === Number(m![2]));
      if (!vs) return;
      for (const b of blockOf(i)) {
        const k = /^(lb_algo|lvs_sched|lb_kind|lvs_method)\s+(\S+)$/.exec(b);
        if (!k) continue;
        if (k[1] === 'lb_algo' || k[1] === 'lvs_sched') out.push({ what: `${m[1]}:${m[2]} lb_algo`, got: vs.lbAlgo, want: k[2] });
        else if (['NAT', 'DR', 'TUN'].includes(k[2]!)) out.push({ what: `${m[1]}:${m[2]} lb_kind`, got: vs.lbKind, want: k[2] });
      }
    }
  });
  return out;
}
