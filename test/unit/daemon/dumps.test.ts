// Dump formatters compared byte for byte with files keepalived 2.2.7 wrote in a network namespace
// (fixtures/ka-2.2.7*: ka.conf is the config it ran, the dumps came from kill -USR1/-USR2/-36).
// Sections we do not produce (VRRP Sockpool, Interfaces) and nftables lines are cut from the
// expected text; everything else must match exactly.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { KeepalivedConfig } from '../../../src/config/model.js';
import { formatJsonDump, formatParentDataDump, formatStatsDump, formatVrrpDataDump, zeroStats, type VrrpSnapshot } from '../../../src/daemon/dumps/index.js';
import { config, globalDefs, instance, script } from './config-fixture.js';

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
    stats: { ...zeroStats(), advertSent: 3, becomeMaster: 1 },
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

  it('USR1 data dump, multicast MASTER with PASS auth (fixture A)', () => {
    assert.equal(formatVrrpDataDump(cfgA, snapA), cut(fx('ka-2.2.7/keepalived.data'), ['VRRP Sockpool', 'Interfaces']));
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
    assert.equal(formatVrrpDataDump(cfgB, snap), cut(fx('ka-2.2.7-b/keepalived.data'), ['VRRP Sockpool', 'Interfaces']));
  });

  it('USR1 parent data dump (both fixtures)', () => {
    assert.equal(formatParentDataDump(cfgA), cut(fx('ka-2.2.7/keepalived_parent.data'), []));
    assert.equal(formatParentDataDump(cfgB), cut(fx('ka-2.2.7-b/keepalived_parent.data'), []));
  });

  it('USR2 stats dump', () => {
    assert.equal(formatStatsDump(snapA), fx('ka-2.2.7/keepalived.stats'));
    assert.equal(formatStatsDump({ instances: [{ ...snapA.instances[0], name: 'VI_2', stats: zeroStats() }] }), fx('ka-2.2.7-b/keepalived.stats'));
  });

  it('JSON dump (SIGRTMIN+2), version 1', () => {
    assert.equal(formatJsonDump(cfgA, snapA), fx('ka-2.2.7/keepalived.json'));
    const snapB: VrrpSnapshot = {
      instances: [{
        name: 'VI_2', state: 'MASTER', wantState: 'MASTER', effectivePriority: 115, lastTransition: 1795454432.47238,
        vipsSet: true, stats: { ...zeroStats(), advertSent: 1, becomeMaster: 1 },
      }],
    };
    assert.equal(formatJsonDump(cfgB, snapB), fx('ka-2.2.7-b/keepalived.json'));
  });

  it('JSON dump, json_version 2 wraps the array', () => {
    const j = JSON.parse(formatJsonDump(cfgA, snapA, 2)) as { vrrp: unknown[]; track_process: unknown[] };
    assert.equal(j.vrrp.length, 1);
    assert.deepEqual(j.track_process, []);
  });
});
