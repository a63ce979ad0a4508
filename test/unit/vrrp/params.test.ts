// Config model -> FSM params, with keepalived 2.2.7's start-up adjustments and their log lines.
import assert from 'node:assert/strict';
import type { GlobalDefs, VrrpInstance } from '../../../src/config/model.js';
import { deriveFsmParams, type ParamsContext } from '../../../src/vrrp/params.js';

const global = {
  routerId: 'r1', notificationEmail: [], notificationEmailFrom: 'k@r1', smtpConnectTimeout: 30, smtpHeloName: 'r1',
  noEmailFaults: false, checkerLogAllFailures: false, noCheckerEmails: false, enableScriptSecurity: false,
  vrrpVersion: 2, vrrpStrict: false, vrrpSkipCheckAdvAddr: false, vrrpCheckUnicastSrc: false,
  vrrpGarpMasterDelay: 5, vrrpGarpMasterRepeat: 5, vrrpGarpMasterRefresh: 0, vrrpGarpMasterRefreshRepeat: 1,
  vrrpGarpInterval: 0, vrrpGnaInterval: 0, vrrpMinGarp: false, vrrpMcastGroup4: '224.0.0.18', vrrpMcastGroup6: 'ff02::12',
  defaultInterface: 'eth0', dynamicInterfaces: false, vrrpStartupDelay: 0, lvsFlush: false, lvsFlushOnStop: false,
  jsonVersion: 1, childWaitTime: 5, extra: {},
} as GlobalDefs;

function inst(over: Partial<VrrpInstance> = {}): VrrpInstance {
  return {
    name: 'VI_1', state: 'BACKUP', interface: 'pe0', virtualRouterId: 51, priority: 100, advertInt: 1, version: 2,
    family: 'inet', nativeIpv6: false,
    virtualIpaddress: [{ address: '10.198.0.100', prefixLen: 24, family: 'inet', options: [] }],
    virtualIpaddressExcluded: [], virtualRoutes: [], virtualRules: [], trackInterface: [], trackScript: [], trackFile: [],
    trackProcess: [], dontTrackPrimary: false, nopreempt: false, preemptDelay: 0, unicastPeer: [], vmacXmitBase: false,
    strictMode: false, skipCheckAdvAddr: false, checkUnicastSrc: false, promoteSecondaries: false, noVirtualIpaddress: false,
    lowerPrioNoAdvert: false, higherPrioSendAdvert: false, extra: {},
    ...over,
  };
}
const ctx: ParamsContext = { global, vrrpScripts: [], trackFiles: [], primaryAddress: '10.198.0.1' };

describe('vrrp/params', () => {
  it('defaults: v2, 1 s, preempt, GARP 5 x 5 s, multicast 224.0.0.18', () => {
    const { params, logs } = deriveFsmParams(inst(), ctx);
    assert.deepEqual(logs, []);
    assert.equal(params.version, 2);
    assert.equal(params.advertIntCs, 100);
    assert.equal(params.preempt, true);
    assert.deepEqual(params.garp, { masterDelayMs: 5000, masterRepeat: 5, masterRefreshMs: 0, masterRefreshRepeat: 1, lowerPrioDelayMs: 5000, lowerPrioRepeat: 5 });
    assert.equal(params.destination, '224.0.0.18');
    assert.deepEqual(params.vips, ['10.198.0.100']);
  });

  // [name, instance override, expected param subset, expected logs]
  const rows: [string, Partial<VrrpInstance>, Record<string, unknown>, string[]][] = [
    ['v2 advert_int 0.1 is rounded to 1 s (vectors/vrrpv2-advint0.1-rounded-to-1s)', { advertInt: 0.1 }, { advertIntCs: 100 },
      ['(VI_1) VRRPv2 advertisement interval 0.100000s must be an integer. rounding']],
    ['v2 advert_int 2.6 rounds to 3 s', { advertInt: 2.6 }, { advertIntCs: 300 }, ['(VI_1) VRRPv2 advertisement interval 2.600000s must be an integer. rounding']],
    ['v3 advert_int 0.1 = 10 cs', { version: 3, advertInt: 0.1 }, { advertIntCs: 10, version: 3 }, []],
    ['v3 advert_int 0.125 rounds to 10 ms units', { version: 3, advertInt: 0.125 }, { advertIntCs: 13 }, ['(VI_1) VRRPv3 advertisement interval 0.125000s must be in units of 10ms - rounding']],
    ['v3 advert_int 50 is capped at 40.95 s', { version: 3, advertInt: 50 }, { advertIntCs: 4095 }, ['(VI_1) VRRPv3 advertisement interval 50.00s is out of range. Must be less than 40.96s. Setting to 40.95s']],
    ['v3 ignores authentication', { version: 3, authentication: { type: 'PASS', pass: 'x' } }, { auth: { type: 0 } }, ['(VI_1) VRRP version 3 does not support authentication. Ignoring.']],
    ['v2 PASS', { authentication: { type: 'PASS', pass: 's3cret' } }, { auth: { type: 1, pass: 's3cret' } }, []],
    ['AH with state MASTER clears MASTER', { state: 'MASTER', authentication: { type: 'AH' } }, { initialState: 'BACKUP', auth: { type: 2 } }, ['(VI_1) Initial state master is incompatible with AH authentication - clearing']],
    ['owner resets nopreempt', { priority: 255, state: 'MASTER', nopreempt: true }, { preempt: true }, ['(VI_1) nopreempt is incompatible with priority 255. resetting nopreempt']],
    ['nopreempt with state MASTER is cleared', { state: 'MASTER', nopreempt: true }, { preempt: true }, ['(VI_1) Warning - nopreempt will not work with initial state MASTER - clearing']],
    ['preempt_delay with state MASTER is cleared', { state: 'MASTER', preemptDelay: 5 }, { preemptDelayMs: 0 }, ['(VI_1) Warning - preempt delay will not work with initial state MASTER - clearing']],
    ['preempt_delay with nopreempt is reset', { nopreempt: true, preemptDelay: 5 }, { preempt: false, preemptDelayMs: 0 }, ['(VI_1) preempt_delay is incompatible with nopreempt mode - resetting']],
    ['preempt_delay kept with BACKUP', { preemptDelay: 2.5 }, { preemptDelayMs: 2500 }, []],
    ['IPv6 forces v3 and ff02::12', { family: 'inet6', virtualIpaddress: [{ address: 'fe80::198:100', prefixLen: 64, family: 'inet6', options: [] }] }, { version: 3, destination: 'ff02::12', vips: ['fe80::198:100'] }, []],
    ['unicast: first peer is the checksum destination', { unicastPeer: [{ address: '10.198.0.2' }] }, { destination: '10.198.0.2' }, []],
    ['instance GARP settings win over global', { garpMasterDelay: 1, garpMasterRepeat: 2, garpMasterRefresh: 30 }, { garp: { masterDelayMs: 1000, masterRepeat: 2, masterRefreshMs: 30000, masterRefreshRepeat: 1, lowerPrioDelayMs: 1000, lowerPrioRepeat: 2 } }, []],
  ];
  for (const [name, over, want, logs] of rows) {
    it(name, () => {
      const d = deriveFsmParams(inst(over), ctx);
      for (const [k, v] of Object.entries(want)) assert.deepEqual((d.params as unknown as Record<string, unknown>)[k], v, k);
      assert.deepEqual(d.logs, logs);
    });
  }

  it('trackers: script weight from vrrp_script, override from the reference; own interface ignored; owner clears weights', () => {
    const c: ParamsContext = {
      ...ctx,
      vrrpScripts: [{ name: 'chk', script: { argv: ['/bin/true'], raw: '/bin/true' }, interval: 1, weight: -20, weightReverse: false, rise: 1, fall: 1, initFail: true }],
      trackFiles: [{ name: 'tf', file: '/tmp/tf', weight: 3, reverse: false, initFile: { value: 7, overwrite: false } }],
    };
    const d = deriveFsmParams(inst({
      trackScript: [{ name: 'chk', weight: 0, reverse: false }],
      trackFile: [{ name: 'tf', weight: 0, reverse: false }],
      trackInterface: [{ name: 'pe0', weight: 0, reverse: false }, { name: 'pe1', weight: 0, reverse: false }],
    }), c);
    assert.deepEqual(d.params.trackers, [
      { id: 'interface:pe1', kind: 'interface', weight: 0, reverse: false, initial: { ok: true } },
      { id: 'script:chk', kind: 'script', weight: -20, reverse: false, initial: { ok: false } }, // init_fail
      { id: 'file:tf', kind: 'file', weight: 3, reverse: false, initial: { value: 7 } },
    ]);
    assert.deepEqual(d.logs, ['(VI_1) Ignoring track_interface pe0 since own interface']);
    const o = deriveFsmParams(inst({ priority: 255, state: 'MASTER', trackScript: [{ name: 'chk', weight: 0, reverse: false }], trackFile: [{ name: 'tf', weight: 0, reverse: false }] }), c);
    assert.deepEqual(o.params.trackers.map((x) => [x.id, x.weight]), [['file:tf', 0]]);
    assert.deepEqual(o.logs, [
      "(VI_1) Cannot have weighted track script 'chk' with priority 255",
      "(VI_1) Cannot have weighted track file 'tf' with member having priority 255 - setting weight 0",
    ]);
  });

  it('trackers: track_process of the instance and of its sync group (keepalived add_vrrp_to_track_process)', () => {
    const tp = (name: string, weight = 0) => ({ name, process: [name], weight, reverse: false, quorum: 1, fullCommand: false });
    const group = { name: 'G1', group: ['VI_1'], trackInterface: [], trackScript: [], trackFile: [], extra: {},
      trackProcess: [{ name: 'P1', weight: 5, reverse: false }, { name: 'P2', weight: 0, reverse: false }, { name: 'P3', weight: 0, reverse: true }] };
    const c: ParamsContext = { ...ctx, trackProcesses: [tp('P1', -10), tp('P2'), tp('P3')], syncGroup: group };
    const d = deriveFsmParams(inst({ trackProcess: [{ name: 'P1', weight: -10, reverse: false }] }), c);
    // an entry on both keeps the instance's, with the group's weight unless the instance's was unweighted
    assert.deepEqual(d.params.trackers, [
      { id: 'process:P1', kind: 'process', weight: 5, reverse: false, initial: { ok: true } },
      { id: 'process:P2', kind: 'process', weight: 0, reverse: false, initial: { ok: true } },
      { id: 'process:P3', kind: 'process', weight: 0, reverse: true, initial: { ok: true } },
    ]);
    assert.deepEqual(d.logs, ['(VI_1) track_process P1 is configured on VRRP instance and sync group. Remove vrrp instance config']);
    const owner = deriveFsmParams(inst({ priority: 255, state: 'MASTER' }), c);
    assert.deepEqual(owner.params.trackers.map((t) => [t.id, t.weight]), [['process:P1', 0], ['process:P2', 0], ['process:P3', 0]]);
    assert.deepEqual(owner.logs, ["(G1) Cannot have weighted track process 'P1' with member having priority 255 - setting weight 0"]);
  });
});
