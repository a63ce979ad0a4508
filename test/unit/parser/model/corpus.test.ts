// The corpus (test/corpus/configs/*.conf, one file per lexical rule / check / seed article) and
// Debian's 25 sample configs: our -t gives the exit code and message set that keepalived 2.2.7
// gave (recorded in *.expect.json by running the real binary in a namespace with eth0..eth3; the
// integration test differential.test.ts re-runs the real binary live). Messages are compared as a
// de-duplicated list modulo the "(FILE: Line N)" vs "(Line N)" prefix (keepalived prints several
// passes). Also: spot checks of model values, and the printer round trip.
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigFile, parseConfigText, printConfig, runConfigTest } from '../../../../src/parser/index.js';
import type { KeepalivedConfig } from '../../../../src/config/model.js';

const CORPUS = new URL('../../../corpus/configs/', import.meta.url).pathname;
const SAMPLES = '/usr/share/doc/keepalived/samples';
const IFS = new Set(['lo', 'eth0', 'eth1', 'eth2', 'eth3', 'kpv0', 'kpv1', 'kpv2', 'kpv3']);

const norm = (l: string): string => l.replace(/^\([^)]*?Line (\d+)\) /, '(Line $1) ');
const uniq = (xs: string[]): string[] => [...new Set(xs.map(norm))].sort();

/** Deep copy without positions / file lists, for model equality. */
export function stripPositions(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(stripPositions);
  if (x && typeof x === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) if (k !== 'pos' && k !== 'files' && v !== undefined) o[k] = stripPositions(v);
    return o;
  }
  return x;
}

function get(obj: unknown, path: string): unknown {
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
    ['vrrpInstances.0.virtualIpaddress.0.label', 'eth0:1'], ['vrrpInstances.0.virtualIpaddress.1.noTrack', true], ['vrrpInstances.0.trackScript.0.weight', 0],
    ['vrrpInstances.0.notifyMaster.argv', ['/bin/true', 'm']], ['vrrpInstances.1.state', 'MASTER'], ['vrrpSyncGroups.0.group', ['VI_1', 'VI_2']], ['trackFiles.0.file', '/tmp/kpb-track-file']],
  'p2-keywords.conf': [['global.extra.umask', ['0177']], ['extra.0.keyword', 'bfd_instance'], ['extra.0.args', ['B1']], ['vrrpInstances.0.useVmac', { name: 'vrrp30' }],
    ['vrrpInstances.0.extra.unicast_fault_no_peer', []]],
  'static-blocks.conf': [['staticIpaddress.0.dev', 'eth0'], ['staticRoutes.0.raw', ['10.8.0.0/16', 'via', '10.0.7.254', 'dev', 'eth0']], ['staticRules.0.raw.5', '70']],
  'rs-port-mismatch-dr.conf': [['virtualServers.0.realServers.0.port', 80]],
  'vs-defaults-missing.conf': [['virtualServers.0.protocol', 'UDP'], ['virtualServers.0.lbAlgo', 'wlc'], ['virtualServers.0.lbKind', 'NAT']],
  'sync-group-missing.conf': [['vrrpSyncGroups.0.group', ['A']]],
  'dup-vrid.conf': [['vrrpInstances.length', 3]],
  'state-lowercase.conf': [['vrrpInstances.0.state', 'BACKUP']],
  'ah-master.conf': [['vrrpInstances.0.priority', 255], ['vrrpInstances.0.authentication', { type: 'AH', pass: 'secret' }]],
  'seed-002-backup.conf': [['vrrpInstances.0.virtualRouterId', 51], ['vrrpInstances.0.priority', 100], ['vrrpInstances.0.authentication', { type: 'PASS', pass: '1111' }],
    ['vrrpInstances.0.trackInterface.0.name', 'eth1'], ['vrrpInstances.0.virtualIpaddress.0.address', '192.168.3.3']],
  // the article's master config has non-breaking spaces before its comments: keepalived reads them as part of the words ("51\u00a0..." is no number) and drops the instance
  'seed-002-master.conf': [['vrrpInstances.length', 0]],
};

const OPTS = { interfaces: IFS, configId: 'kpbnode', positions: false } as const;

describe('parser: corpus vs keepalived 2.2.7 (recorded)', () => {
  const confs = readdirSync(CORPUS).filter((f) => f.endsWith('.conf')).sort();
  it('has at least 40 corpus configs', () => { assert.ok(confs.length >= 40, String(confs.length)); });
  for (const f of confs) {
    it(`${f}: exit code and messages`, () => {
      const exp = JSON.parse(readFileSync(join(CORPUS, f.replace(/\.conf$/, '.expect.json')), 'utf8')) as { exitCode: number; messages: string[] };
      const r = runConfigTest(join(CORPUS, f), OPTS);
      const got = uniq(r.stderrLines.map((l) => l.split(CORPUS).join('<DIR>/')));
      assert.equal(r.exitCode, exp.exitCode, r.stderrLines.join('\n'));
      assert.deepEqual(got, uniq(exp.messages));
    });
  }
  for (const [f, checks] of Object.entries(SPOT_CHECKS)) {
    it(`${f}: model holds the values the file sets`, () => {
      const r = parseConfigFile(join(CORPUS, f), { interfaces: IFS, configId: 'kpbnode' });
      for (const [path, want] of checks) assert.deepEqual(stripPositions(get(r.config, path)), want, path);
    });
  }
});

describe('parser: Debian samples vs keepalived 2.2.7 (recorded)', function () {
  if (!existsSync(SAMPLES)) { it.skip('keepalived samples not installed'); return; }
  const exp = JSON.parse(readFileSync(new URL('../../../corpus/samples-2.2.7.expect.json', import.meta.url), 'utf8')) as { samples: Record<string, { exitCode: number; messages: string[] }> };
  for (const [f, e] of Object.entries(exp.samples)) {
    it(`${f}: exit ${e.exitCode} and the same messages`, () => {
      const r = runConfigTest(join(SAMPLES, f), { interfaces: IFS, positions: false });
      assert.equal(r.exitCode, e.exitCode, r.stderrLines.join('\n'));
      assert.deepEqual(uniq(r.stderrLines.map((l) => l.split(`${SAMPLES}/`).join('<DIR>/'))), uniq(e.messages));
    });
  }
});

export function roundTrip(cfg: KeepalivedConfig, opts: Parameters<typeof parseConfigText>[2]): { again: KeepalivedConfig; text: string } {
  const text = printConfig(cfg);
  return { again: parseConfigText(text, '/tmp/kpb-roundtrip.conf', opts).config, text };
}

describe('parser: printer round trip (print -> parse gives the same model)', () => {
  const files = [
    ...readdirSync(CORPUS).filter((f) => f.endsWith('.conf')).map((f) => join(CORPUS, f)),
    ...(existsSync(SAMPLES) ? readdirSync(SAMPLES).filter((f) => f.startsWith('keepalived.conf.')).map((f) => join(SAMPLES, f)) : []),
  ];
  for (const f of files) {
    it(f.split('/').pop()!, () => {
      const opts = { interfaces: IFS, configId: 'kpbnode', skipScriptSecurity: true };
      const a = parseConfigFile(f, opts);
      if (a.aborted) return; // keepalived stops at a missing parameter: nothing to print
      const { again, text } = roundTrip(a.config, opts);
      assert.deepEqual(stripPositions(again), stripPositions(a.config), text);
    });
  }
});
