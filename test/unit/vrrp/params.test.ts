// Config model -> FSM params, with keepalived 2.2.7's start-up adjustments and their log lines.
import assert from 'node:assert/strict';
import type { GlobalDefs, VrrpInstance } from '../../../src/config/model.js';
import { defaultGlobalDefs } from '../../../src/parser/keywords/global-defs.js';
import { deriveFsmParams, type ParamsContext } from '../../../src/vrrp/params.js';

const global: GlobalDefs = { ...defaultGlobalDefs('r1'), notificationEmailFrom: 'k@r1' };

function inst(over: Partial<VrrpInstance> = {}): VrrpInstance {
  return {
    name: 'VI_1', state: 'BACKUP', interface: 'pe0', virtualRouterId: 51, priority: 100, advertInt: 1, version: 2,
    family: 'inet', nativeIpv6: false,
    virtualIpaddress: [{ address: '10.198.0.100', prefixLen: 24, family: 'inet', options: [] }],
    virtualIpaddressExcluded: [], virtualRoutes: [], virtualRules: [], trackInterface: [], trackScript: [], trackFile: [],
    trackProcess: [], dontTrackPrimary: false, nopreempt: false, preemptDelay: 0, unicastPeer: [], vmacXmitBase: false,
    skipCheckAdvAddr: false, checkUnicastSrc: false, promoteSecondaries: false, noVirtualIpaddress: false,
    unicastFaultNoPeer: false, extra: {},
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
    // 2.2.7: garp_lower_prio_* default to the global vrrp_garp_lower_prio_* (else the global master ones)
    ['instance GARP settings win over global; lower-prio GARPs keep the global defaults', { garpMasterDelay: 1, garpMasterRepeat: 2, garpMasterRefresh: 30 }, { garp: { masterDelayMs: 1000, masterRepeat: 2, masterRefreshMs: 30000, masterRefreshRepeat: 1, lowerPrioDelayMs: 5000, lowerPrioRepeat: 5 } }, []],
    ['down_timer_adverts', { downTimerAdverts: 5 }, { downTimerAdverts: 5 }, []],
    ['lower_prio_no_advert / higher_prio_send_advert as set', { lowerPrioNoAdvert: true, higherPrioSendAdvert: true }, { lowerPrioNoAdvert: true, higherPrioSendAdvert: true }, []],
    // strict mode (vrrp_complete_instance in 2.2.7; lines as the real binary logs them at start-up)
    ['strict: PASS dropped, MASTER below 255 becomes BACKUP (upstream default keepalived.conf)', { strictMode: true, state: 'MASTER', authentication: { type: 'PASS', pass: '1111' } },
      { strict: true, auth: { type: 0 }, initialState: 'BACKUP', lowerPrioNoAdvert: true, higherPrioSendAdvert: false, garp: { masterDelayMs: 5000, masterRepeat: 5, masterRefreshMs: 0, masterRefreshRepeat: 1, lowerPrioDelayMs: 0, lowerPrioRepeat: 0 } },
      ['(VI_1) State MASTER must match being address owner', '(VI_1) Strict mode does not support authentication. Ignoring.']],
    ['strict: an owner left BACKUP becomes MASTER', { strictMode: true, priority: 255 }, { initialState: 'MASTER' }, ['(VI_1) State MASTER must match being address owner']],
    ['strict: settings it forbids are reset, with 2.2.7\'s lines', { strictMode: true, preemptDelay: 3, downTimerAdverts: 5, garpLowerPrioRepeat: 2, garpLowerPrioDelay: 1, lowerPrioNoAdvert: false, higherPrioSendAdvert: true },
      { preemptDelayMs: 0, downTimerAdverts: 3, lowerPrioNoAdvert: true, higherPrioSendAdvert: false },
      ['(VI_1) preempt_delay is incompatible with strict mode - resetting', '(VI_1) down_timer_adverts is incompatible with strict mode - resetting',
        '(VI_1) Strict mode requires no repeat garps. resetting', '(VI_1) Strict mode requires no repeat garp delay. resetting',
        '(VI_1) Strict mode requires no lower priority advert. resetting', '(VI_1) strict mode requires higher_prio_send_advert to be clear. resetting']],
    ['strict_mode off wins over vrrp_strict', { strictMode: false, authentication: { type: 'PASS', pass: 'x' } }, { strict: false, auth: { type: 1, pass: 'x' } }, []],
    ['unicast: peers with their TTL ranges (defaults 0..255), check_unicast_src', { unicastPeer: [{ address: '10.198.0.2' }, { address: '10.198.0.3', minTtl: 250, maxTtl: 254 }], checkUnicastSrc: true },
      { unicastPeers: [{ address: '10.198.0.2', minTtl: 0, maxTtl: 255 }, { address: '10.198.0.3', minTtl: 250, maxTtl: 254 }], checkUnicastSrc: true }, []],
    ['check_unicast_src means nothing for multicast', { checkUnicastSrc: true }, { unicastPeers: [], checkUnicastSrc: false }, []],
    ['unicast_fault_no_peer without peers: a config fault', { unicastFaultNoPeer: true }, { configFault: 'unicastNoPeer' }, ['(VI_1) Cannot use unicast without any peers - going to fault state']],
    ['mcast_dst_ip is the destination', { mcastDstIp: '224.0.0.99' }, { destination: '224.0.0.99' }, []],
    ['mcast_dst_ip with unicast peers is ignored', { mcastDstIp: '224.0.0.99', unicastPeer: [{ address: '10.198.0.2' }] }, { destination: '10.198.0.2' }, ['(VI_1) multicast destination specified with unicast - ignoring']],
    ['notify_priority_changes', { notifyPriorityChanges: true }, { notifyPriorityChanges: true }, []],
  ];
  for (const [name, over, want, logs] of rows) {
    it(name, () => {
      const d = deriveFsmParams(inst(over), ctx);
      for (const [k, v] of Object.entries(want)) assert.deepEqual((d.params as unknown as Record<string, unknown>)[k], v, k);
      assert.deepEqual(d.logs, logs);
    });
  }

  it('global defaults: vrrp_lower_prio_no_advert, vrrp_higher_prio_send_advert, vrrp_down_timer_adverts, vrrp_notify_priority_changes, vrrp_check_unicast_src', () => {
    const g: GlobalDefs = { ...global, vrrpLowerPrioNoAdvert: true, vrrpHigherPrioSendAdvert: true, vrrpDownTimerAdverts: 7, vrrpNotifyPriorityChanges: true, vrrpCheckUnicastSrc: true };
    const d = deriveFsmParams(inst({ unicastPeer: [{ address: '10.198.0.2' }] }), { ...ctx, global: g });
    assert.deepEqual([d.params.lowerPrioNoAdvert, d.params.higherPrioSendAdvert, d.params.downTimerAdverts, d.params.notifyPriorityChanges, d.params.checkUnicastSrc], [true, true, 7, true, true]);
    const own = deriveFsmParams(inst({ lowerPrioNoAdvert: false, higherPrioSendAdvert: false, downTimerAdverts: 2, notifyPriorityChanges: false }), { ...ctx, global: g });
    assert.deepEqual([own.params.lowerPrioNoAdvert, own.params.higherPrioSendAdvert, own.params.downTimerAdverts, own.params.notifyPriorityChanges], [false, false, 2, false]);
    // vrrp_strict is the default for strict_mode, and its defaults beat the global ones
    const s = deriveFsmParams(inst(), { ...ctx, global: { ...g, vrrpStrict: true } });
    assert.deepEqual([s.params.strict, s.params.lowerPrioNoAdvert, s.params.higherPrioSendAdvert, s.params.downTimerAdverts], [true, true, false, 3]);
    assert.deepEqual(s.logs, ['(VI_1) down_timer_adverts is incompatible with strict mode - resetting']);
    // a sync group's notify_priority_changes is the default of its members
    const sg = deriveFsmParams(inst(), { ...ctx, syncGroup: { name: 'G', group: ['VI_1'], trackInterface: [], trackScript: [], trackFile: [], trackingWeight: false, notifyPriorityChanges: true, extra: {} } });
    assert.equal(sg.params.notifyPriorityChanges, true);
  });

  it('trackers: script weight from vrrp_script, override from the reference; own interface ignored; owner clears weights', () => {
    const c: ParamsContext = {
      ...ctx,
      vrrpScripts: [{ name: 'chk', script: { argv: ['/bin/true'], raw: '/bin/true' }, interval: 1, weight: -20, weightReverse: false, rise: 1, fall: 1, initFail: true }],
      trackFiles: [{ name: 'tf', file: '/tmp/tf', weight: 3, reverse: false, initFile: { value: 7, overwrite: false } }],
    };
    // the parser resolves a reference's weight (its own, else the object's) before params see it
    const d = deriveFsmParams(inst({
      trackScript: [{ name: 'chk', weight: -20, reverse: false }],
      trackFile: [{ name: 'tf', weight: 3, reverse: false }],
      trackInterface: [{ name: 'pe0', weight: 0, reverse: false }, { name: 'pe1', weight: 0, reverse: false }],
    }), c);
    assert.deepEqual(d.params.trackers, [
      { id: 'interface:pe1', kind: 'interface', weight: 0, reverse: false, initial: { ok: true } },
      { id: 'script:chk', kind: 'script', weight: -20, reverse: false, initial: { ok: false } }, // init_fail
      { id: 'file:tf', kind: 'file', weight: 3, reverse: false, initial: { value: 7 } },
    ]);
    assert.deepEqual(d.logs, ['(VI_1) Ignoring track_interface pe0 since own interface']);
    const o = deriveFsmParams(inst({ priority: 255, state: 'MASTER', trackScript: [{ name: 'chk', weight: -20, reverse: false }], trackFile: [{ name: 'tf', weight: 3, reverse: false }] }), c);
    assert.deepEqual(o.params.trackers.map((x) => [x.id, x.weight]), [['file:tf', 0]]);
    assert.deepEqual(o.logs, [
      "(VI_1) Cannot have weighted track script 'chk' with priority 255",
      "(VI_1) Cannot have weighted track file 'tf' with member having priority 255 - setting weight 0",
    ]);
  });
});
