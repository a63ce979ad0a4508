// Dump formatters compared byte for byte with files keepalived 2.2.7 wrote in a network namespace
// (fixtures/ka-2.2.7*: ka.conf is the config it ran, the dumps came from kill -USR1/-USR2/-36).
// The section we do not produce (VRRP Sockpool) and nftables lines are cut from the expected text;
// everything else must match exactly. Interfaces: the kernel state keepalived saw, as InterfaceInfo.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeepalivedConfig } from '../../../src/config/model.js';
import { dumpFailureLines, dumpReloadFile, formatJsonDump, formatParentDataDump, formatStatsDump, formatVrrpDataDump, globalDefsLines, writeDump, zeroStats, type VrrpSnapshot } from '../../../src/daemon/dumps/index.js';
import { config, globalDefs, instance, script } from './config-fixture.js';
import { interfacesLines, type InterfaceInfo } from '../../../src/daemon/dumps/interfaces.js';
import { parseConfigFile } from '../../../src/config/load.js';
import { fileURLToPath } from 'node:url';

const LO: InterfaceInfo = { name: 'lo', index: 1, flags: 0x9, running: true, mtu: 65536, hwType: 772, ipv4: ['127.0.0.1'], ipv6: [] };
const eth = (name: string, index: number, mac: string, ipv4: string[], ll: string): InterfaceInfo => ({
  name, index, flags: 0x1003, running: true, mtu: 1500, hwType: 1, mac, broadcast: 'ff:ff:ff:ff:ff:ff', ipv4, ipv6: [{ address: ll, scopeid: index }],
});

const fx = (p: string) => readFileSync(new URL(`./fixtures/${p}`, import.meta.url), 'utf8');
const TZ = process.env.TZ;

/** Drops the named sections ("------< X >------" up to the next header) and nftables lines. */
function cut(text: string, sections: string[]): string {
  const out: string[] = [];
  let skip = false;
  for (const l of text.split('\n')) {
    const h = /^------< (.*) >------$/.exec(l);
    if (h) skip = sections.includes(h[1]);
    if (skip) continue;
    if (l === ' nftables without counters' || l.startsWith(' libnftnl version')) continue;
    out.push(l);
  }
  const t = out.join('\n');
  return t.endsWith('\n') ? t : `${t}\n`;
}

const v4 = (address: string, o: { dev?: string; label?: string } = {}) => ({ address, prefixLen: 24, family: 'inet' as const, options: [], ...o });

// fixtures/ka-2.2.7/ka.conf
const cfgA: KeepalivedConfig = config({
  global: globalDefs({ routerId: 'kd_r1' }),
  vrrpScripts: [script('chk_true', ['/bin/true'], { interval: 2, weight: 10 })],
  vrrpInstances: [instance('VI_1', {
    state: 'MASTER', interface: 'eth0', virtualRouterId: 51, priority: 150, authentication: { type: 'PASS', pass: 's3cret' },
    trackInterface: [{ name: 'eth1', weight: 0, reverse: false }], virtualIpaddress: [v4('10.199.0.100')],
  })],
});
const snapA: VrrpSnapshot = {
  instances: [{
    name: 'VI_1', state: 'MASTER', wantState: 'MASTER', effectivePriority: 150, lastTransition: 1795454313.427881,
    readTimeout: 1795454315.428035, masterDownTimerUs: 3414062, srcIp: '10.199.0.1', vipsSet: true, fdIn: 13, fdOut: 14,
    stats: { ...zeroStats(), advert_sent: 3, become_master: 1 },
  }],
};

// fixtures/ka-2.2.7-b/ka.conf (keepalived printed /bin/true resolved to /usr/bin/true)
const cfgB: KeepalivedConfig = config({
  global: globalDefs({
    routerId: 'kd_r2', notificationEmail: ['ops@example.test', 'noc@example.test'], notificationEmailFrom: 'ka@example.test',
    smtpServer: { host: '127.0.0.1', port: 2525 }, smtpConnectTimeout: 10, smtpHeloName: 'vm', enableScriptSecurity: true,
    scriptUser: { user: 'root' },
  }),
  vrrpScripts: [script('chk_true', ['/usr/bin/true'], { interval: 2, weight: 10 })],
  vrrpInstances: [instance('VI_2', {
    interface: 'eth0', virtualRouterId: 52, priority: 100, nopreempt: true, smtpAlert: true, unicastSrcIp: '10.199.0.1',
    unicastPeer: [{ address: '10.199.0.2' }], trackScript: [{ name: 'chk_true', weight: 0, reverse: false }],
    trackInterface: [{ name: 'eth1', weight: 5, reverse: false }],
    virtualIpaddress: [v4('10.199.0.100'), v4('10.199.0.101', { dev: 'eth0', label: 'eth0:1' })],
    notifyMaster: { argv: ['/usr/bin/true', 'master'], raw: '/bin/true master' },
  })],
});

describe('daemon/dumps: keepalived 2.2.7 layouts', () => {
  before(() => { process.env.TZ = 'UTC'; });
  after(() => { if (TZ === undefined) delete process.env.TZ; else process.env.TZ = TZ; });

  // measured on 2.2.7 (debug 2, kernel_rx_buf_size 200000: its only effect is this dump line)
  it('USR1 data dump: "Kernel rx buffer size" and "Debug level" after the authentication, as 2.2.7', () => {
    const cfg = { ...cfgA, vrrpInstances: cfgA.vrrpInstances.map((i) => ({ ...i, debug: 2,
      kernelRxBufSize: 200000 })) };
    const lines = formatVrrpDataDump(cfg, { ...snapA, interfaces: [LO] }).split('\n');
    const at = lines.findIndex((l) => l.startsWith('   Authentication type'));
    const rest = lines.slice(at + 1).filter((l) => !l.startsWith('   Password'));
    assert.deepEqual(rest.slice(0, 2), ['   Kernel rx buffer size = 200000', '   Debug level = 2']);
  });

  it('USR1 data dump, multicast MASTER with PASS auth (fixture A)', () => {
    // eth0 also held the VIP (MASTER): keepalived leaves it out
    const interfaces = [LO, eth('eth1', 2, 'd6:a0:3d:df:87:01', [], 'fe80::d4a0:3dff:fedf:8701'),
      eth('eth0', 3, 'ce:d4:87:10:f7:3e', ['10.199.0.1', '10.199.0.100'], 'fe80::ccd4:87ff:fe10:f73e')];
    assert.equal(formatVrrpDataDump(cfgA, { ...snapA, interfaces }), cut(fx('ka-2.2.7/keepalived.data'), ['VRRP Sockpool']));
  });

  it('USR1 data dump, unicast BACKUP with track script, notify and SMTP (fixture B)', () => {
    const snap: VrrpSnapshot = {
      instances: [{
        name: 'VI_2', state: 'BACKUP', wantState: 'BACKUP', masterRouter: 'ff02::12', masterPriority: 0, effectivePriority: 115,
        lastTransition: 1795454428.919822, readTimeout: 1795454432.470765, masterDownTimerUs: 3550781, vipsSet: false,
        fdIn: 13, fdOut: 14, stats: zeroStats(),
      }],
      scripts: [{ name: 'chk_true', result: 1, status: 'GOOD', state: 'idle' }],
    };
    const interfaces = [LO, eth('eth1', 2, '1e:35:19:6d:69:af', [], 'fe80::1c35:19ff:fe6d:69af'),
      eth('eth0', 3, '52:84:e6:a7:d4:9e', ['10.199.0.1'], 'fe80::5084:e6ff:fea7:d49e')];
    assert.equal(formatVrrpDataDump(cfgB, { ...snap, interfaces }), cut(fx('ka-2.2.7-b/keepalived.data'), ['VRRP Sockpool']));
  });

  it('Interfaces: interface down, additional IPv4 addresses, global IPv6 and VIPs left out, trackers in instance order (fixture ifs)', () => {
    const cfg = parseConfigFile(fileURLToPath(new URL('./fixtures/ka-2.2.7-ifs/ka.conf', import.meta.url)), {}).config!;
    const interfaces: InterfaceInfo[] = [
      { name: 'lo', index: 1, flags: 0x8, running: false, mtu: 65536, hwType: 772, ipv4: [], ipv6: [] },
      eth('veth1', 2, 'ea:01:36:3c:b1:a6', [], 'fe80::e801:36ff:fe3c:b1a6'),
      { ...eth('veth0', 3, 'f2:a2:d0:e2:8c:99', ['10.99.0.1', '10.98.0.1', '10.99.0.7', '10.99.0.100'], 'fe80::f0a2:d0ff:fee2:8c99'),
        ipv6: [{ address: 'fd00::1', scopeid: 0 }, { address: 'fe80::f0a2:d0ff:fee2:8c99', scopeid: 3 }] },
    ];
    const want = fx('ka-2.2.7-ifs/keepalived.data').split('------< Interfaces >------\n')[1]!;
    assert.equal(interfacesLines(cfg, interfaces).slice(1).map((l) => `${l}\n`).join(''), want);
  });

  it('USR1 parent data dump (both fixtures)', () => {
    assert.equal(formatParentDataDump(cfgA), cut(fx('ka-2.2.7/keepalived_parent.data'), []));
    assert.equal(formatParentDataDump(cfgB), cut(fx('ka-2.2.7-b/keepalived_parent.data'), []));
  });

  it('reload settings and config_save_dir: the global section of a config_save_dir .pre file and the parent dump with a dated reload scheduled (fixture reload)', () => {
    const r = parseConfigFile(fileURLToPath(new URL('./fixtures/ka-2.2.7-reload/ka.conf', import.meta.url)), { interfaces: new Set(['veth0']) });
    const vrrp = globalDefsLines(r.config.global, { parent: false, reload: { reloadFile: dumpReloadFile(r.config) } }).map((l) => `${l}\n`).join('');
    assert.equal(vrrp, cut(fx('ka-2.2.7-reload/global.pre'), []));
    const at = new Date(2026, 11, 7, 12, 23, 10).getTime() / 1000;
    assert.equal(formatParentDataDump(r.config, { at, dateSpecified: true }), cut(fx('ka-2.2.7-reload/keepalived_parent.data'), []));
  });

  it('USR2 stats dump', () => {
    assert.equal(formatStatsDump(snapA), fx('ka-2.2.7/keepalived.stats'));
    assert.equal(formatStatsDump({ instances: [{ ...snapA.instances[0], name: 'VI_2', stats: zeroStats() }] }), fx('ka-2.2.7-b/keepalived.stats'));
  });

  it('master conflicts (ours): a line in the stats dump and a JSON key, only once the counter is not 0', () => {
    const inst = { ...snapA.instances[0]!, name: 'VI_2', stats: { ...zeroStats(), master_conflict: 2 } };
    assert.equal(formatStatsDump({ instances: [inst] }), fx('ka-2.2.7-b/keepalived.stats') + '  Master conflicts: 2\n');
    const conflicted = { instances: [{ ...snapA.instances[0]!, stats: { ...zeroStats(), master_conflict: 2 } }] };
    const j = JSON.parse(formatJsonDump(cfgA, conflicted)) as { stats: Record<string, number> }[];
    assert.equal(j[0]!.stats.master_conflict, 2);
    assert.ok(!fx('ka-2.2.7/keepalived.json').includes('master_conflict'));
  });

  it('JSON dump (SIGRTMIN+2), version 1', () => {
    assert.equal(formatJsonDump(cfgA, snapA), fx('ka-2.2.7/keepalived.json'));
    const snapB: VrrpSnapshot = {
      instances: [{
        name: 'VI_2', state: 'MASTER', wantState: 'MASTER', effectivePriority: 115, lastTransition: 1795454432.47238,
        vipsSet: true, stats: { ...zeroStats(), advert_sent: 1, become_master: 1 },
      }],
    };
    assert.equal(formatJsonDump(cfgB, snapB), fx('ka-2.2.7-b/keepalived.json'));
  });

  it('JSON dump, json_version 2 wraps the array', () => {
    const j = JSON.parse(formatJsonDump(cfgA, snapA, 2)) as { vrrp: unknown[]; track_process: unknown[] };
    assert.equal(j.vrrp.length, 1);
    assert.deepEqual(j.track_process, []);
  });

  it('a dump that cannot be written: 2.2.7\'s lines for a file that cannot be created (data form, stats/JSON form), ours for a failed write', () => {
    const ro = { step: 'open' as const, errno: 30, text: 'Read-only file system' };
    // recorded with /tmp read-only (test/integration/chaos/chaos-res-dump.test.ts)
    assert.deepEqual(dumpFailureLines('/tmp/keepalived.NS_I.data', ro, 'keepalived.data'),
      ["Unable to open '/tmp/keepalived.NS_I.data' - errno 30 (Read-only file system)", "Can't open dump file keepalived.data (30: Read-only file system)"]);
    assert.deepEqual(dumpFailureLines('/tmp/keepalived.stats', ro),
      ["Unable to open '/tmp/keepalived.stats' - errno 30 (Read-only file system)", "Can't open /tmp/keepalived.stats (30: Read-only file system)"]);
    assert.deepEqual(dumpFailureLines('/tmp/keepalived.json', { step: 'write', errno: 28, text: 'No space left on device' }),
      ["Can't write dump file /tmp/keepalived.json (28: No space left on device) - file left as it was"]);
    // writeDump never throws: a directory that is not there is a failed open, and nothing is left behind
    const dir = mkdtempSync(join(tmpdir(), 'kd-dumpfail-'));
    try {
      assert.deepEqual(writeDump(join(dir, 'no', 'keepalived.data'), 'x'), { step: 'open', errno: 2, text: 'No such file or directory' });
      assert.equal(writeDump(join(dir, 'keepalived.data'), 'x\n'), undefined);
      assert.deepEqual(readdirSync(dir), ['keepalived.data']);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
