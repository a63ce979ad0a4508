// Config model -> FSM params. keepalived 2.2.7's start-up adjustments and their lines come from the
// parser's completion (src/parser/validate-vrrp.ts): params only translate the completed model.
import assert from 'node:assert/strict';
import type { GlobalDefs, VrrpInstance } from '../../../src/config/model.js';
import { defaultGlobalDefs } from '../../../src/parser/keywords/global-defs.js';
import { deriveFsmParams, type ParamsContext } from '../../../src/vrrp/params.js';
import { parseConfigText } from '../../../src/config/load.js';
import { trackerKey, type VrrpFsmParams } from '../../../src/vrrp/fsm-types.js';

const global: GlobalDefs = { ...defaultGlobalDefs('r1'), notificationEmailFrom: 'k@r1' };

/** The parameters a row states (its keys are VrrpFsmParams keys by the row's type). */
const keysOf = (want: Partial<VrrpFsmParams>): (keyof VrrpFsmParams)[] => Object.keys(want) as (keyof VrrpFsmParams)[];

function inst(over: Partial<VrrpInstance> = {}): VrrpInstance {
  return {
    name: 'VI_1', state: 'BACKUP', interface: 'pe0', virtualRouterId: 51, priority: 100, advertInt: 1, version: 2,
    family: 'inet', nativeIpv6: false,
    virtualIpaddress: [{ address: '10.198.0.100', prefixLen: 24, family: 'inet', options: [] }],
    virtualIpaddressExcluded: [], virtualRoutes: [], virtualRules: [], trackInterface: [],
    trackScript: [], trackFile: [],
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
    assert.deepEqual(params.garp, { masterDelayMs: 5000, masterRepeat: 5, masterRefreshMs: 0, masterRefreshRepeat: 1,
      lowerPrioDelayMs: 5000, lowerPrioRepeat: 5 });
    assert.equal(params.destination, '224.0.0.18');
    assert.deepEqual(params.vips, ['10.198.0.100']);
  });

  // A completed model (as the parser leaves it) -> params: no line of its own.
  // [name, instance override, expected param subset]
  const rows: [string, Partial<VrrpInstance>, Partial<VrrpFsmParams>][] = [
    ['v3 advert_int 0.1 = 10 cs', { version: 3, advertInt: 0.1 }, { advertIntCs: 10, version: 3 }],
    ['v2 PASS', { authentication: { type: 'PASS', pass: 's3cret' } }, { auth: { type: 1, pass: 's3cret' } }],
    ['AH', { authentication: { type: 'AH' } }, { auth: { type: 2 } }],
    ['preempt_delay kept with BACKUP', { preemptDelay: 2.5 }, { preemptDelayMs: 2500 }],
    ['nopreempt', { nopreempt: true }, { preempt: false }],
    ['IPv6: ff02::12', { family: 'inet6', version: 3, virtualIpaddress: [{ address: 'fe80::198:100', prefixLen: 64, family: 'inet6', options: [] }] }, { version: 3, destination: 'ff02::12', vips: ['fe80::198:100'] }],
    ['unicast: first peer is the checksum destination', { unicastPeer: [{ address: '10.198.0.2' }] }, { destination: '10.198.0.2' }],
    ['instance GARP settings win over global', { garpMasterDelay: 1, garpMasterRepeat: 2, garpMasterRefresh: 30, garpLowerPrioDelay: 5, garpLowerPrioRepeat: 5 }, { garp: { masterDelayMs: 1000, masterRepeat: 2, masterRefreshMs: 30000, masterRefreshRepeat: 1, lowerPrioDelayMs: 5000, lowerPrioRepeat: 5 } }],
    ['down_timer_adverts', { downTimerAdverts: 5 }, { downTimerAdverts: 5 }],
    ['lower_prio_no_advert / higher_prio_send_advert as set', { lowerPrioNoAdvert: true, higherPrioSendAdvert: true }, { lowerPrioNoAdvert: true, higherPrioSendAdvert: true }],
    ['unicast: peers with their TTL ranges (defaults 0..255), check_unicast_src', { unicastPeer: [{ address: '10.198.0.2' }, { address: '10.198.0.3', minTtl: 250, maxTtl: 254 }], checkUnicastSrc: true },
      { unicastPeers: [{ address: '10.198.0.2', minTtl: 0, maxTtl: 255 }, { address: '10.198.0.3', minTtl: 250, maxTtl: 254 }], checkUnicastSrc: true }],
    ['check_unicast_src means nothing for multicast', { checkUnicastSrc: true }, { unicastPeers: [], checkUnicastSrc: false }],
    ['mcast_dst_ip is the destination', { mcastDstIp: '224.0.0.99' }, { destination: '224.0.0.99' }],
    ['notify_priority_changes', { notifyPriorityChanges: true }, { notifyPriorityChanges: true }],
    ['strict', { strictMode: true }, { strict: true }],
  ];
  for (const [name, over, want] of rows) {
    it(name, () => {
      const d = deriveFsmParams(inst(over), ctx);
      for (const k of keysOf(want)) assert.deepEqual(d.params[k], want[k], k);
      assert.deepEqual(d.logs, []);
    });
  }

  it('unicast_fault_no_peer without peers: a config fault, logged at start-up only (2.2.7: log_message, not under -t)', () => {
    const d = deriveFsmParams(inst({ unicastFaultNoPeer: true }), ctx);
    assert.equal(d.params.configFault, 'unicastNoPeer');
    assert.deepEqual(d.logs, ['(VI_1) Cannot use unicast without any peers - going to fault state']);
  });
});

// keepalived.conf text -> parser (which completes the model and reports 2.2.7's lines) -> params:
// each line is reported once, by the parser (the daemon's parent logs it at start-up, -t prints it),
// and params neither repeats it nor undoes the rule.
const IFS = new Set(['lo', 'eth0', 'eth1']);
const INST = (body: string, name = 'VI_1', vrid = 51, vip = '10.198.0.100'): string =>
  `vrrp_instance ${name} {\n  interface eth0\n  virtual_router_id ${vrid}\n  virtual_ipaddress {\n    ${vip}\n  }\n  ${body.split('\n').join('\n  ')}\n}\n`;
const GLOBAL = (body: string): string => `global_defs {\n  ${body.split('\n').join('\n  ')}\n}\n`;

function run(text: string, name = 'VI_1'): { parse: string[]; runtime: string[]; params: VrrpFsmParams } {
  const r = parseConfigText(text, 'p.conf', { interfaces: IFS, skipScriptSecurity: true });
  const parse = r.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.message);
  const cfg = r.config;
  const vi = cfg.vrrpInstances.find((v) => v.name === name)!;
  const syncGroup = cfg.vrrpSyncGroups.find((g) => g.group.includes(name));
  const d = deriveFsmParams(vi, { global: cfg.global, vrrpScripts: cfg.vrrpScripts, trackFiles: cfg.trackFiles, primaryAddress: '10.198.0.1', ...(syncGroup ? { syncGroup } : {}) });
  return { parse, runtime: d.logs, params: d.params };
}

describe('vrrp/params after the parser\'s completion (each 2.2.7 line once)', () => {
  // [name, config text, expected param subset, expected parser lines (2.2.7's order)]
  const rows: [string, string, Partial<VrrpFsmParams>, string[]][] = [
    ['v2 advert_int 0.1 is rounded to 1 s (vectors/vrrpv2-advint0.1-rounded-to-1s)', INST('advert_int 0.1'), { advertIntCs: 100 },
      ['(VI_1) VRRPv2 advertisement interval 0.100000s must be an integer. rounding']],
    ['v2 advert_int 2.6 rounds to 3 s', INST('advert_int 2.6'), { advertIntCs: 300 }, ['(VI_1) VRRPv2 advertisement interval 2.600000s must be an integer. rounding']],
    ['v3 advert_int 0.125 rounds to 10 ms units', INST('version 3\nadvert_int 0.125'), { advertIntCs: 13 }, ['(VI_1) VRRPv3 advertisement interval 0.125000s must be in units of 10ms - rounding']],
    ['v3 advert_int 50 is capped at 40.95 s', INST('version 3\nadvert_int 50'), { advertIntCs: 4095 }, ['(VI_1) VRRPv3 advertisement interval 50.00s is out of range. Must be less than 40.96s. Setting to 40.95s']],
    ['v3 ignores authentication', INST('version 3\nauthentication {\n  auth_type PASS\n  auth_pass x\n}'), { auth: { type: 0 } }, ['(VI_1) VRRP version 3 does not support authentication. Ignoring.']],
    ['AH with state MASTER clears MASTER', INST('state MASTER\npriority 100\nauthentication {\n  auth_type AH\n  auth_pass x\n}'), { initialState: 'BACKUP', auth: { type: 2 } },
      ['(VI_1) Initial state master is incompatible with AH authentication - clearing']],
    ['owner resets nopreempt', INST('priority 255\nnopreempt'), { preempt: true, initialState: 'MASTER' }, ['(VI_1) nopreempt is incompatible with priority 255. resetting nopreempt']],
    ['nopreempt with state MASTER is cleared', INST('state MASTER\npriority 100\nnopreempt'), { preempt: true }, ['(VI_1) Warning - nopreempt will not work with initial state MASTER - clearing']],
    ['preempt_delay with state MASTER is cleared', INST('state MASTER\npriority 100\npreempt_delay 5'), { preemptDelayMs: 0 }, ['(VI_1) Warning - preempt delay will not work with initial state MASTER - clearing']],
    ['preempt_delay with nopreempt is reset', INST('nopreempt\npreempt_delay 5'), { preempt: false, preemptDelayMs: 0 }, ['(VI_1) preempt_delay is incompatible with nopreempt mode - resetting']],
    // 2.2.7: garp_lower_prio_* default to the global vrrp_garp_lower_prio_* (else the global master ones), not the
    // instance's
    ['lower-prio GARPs keep the global defaults', INST('garp_master_delay 1\ngarp_master_repeat 2\ngarp_master_refresh 30'),
      { garp: { masterDelayMs: 1000, masterRepeat: 2, masterRefreshMs: 30000, masterRefreshRepeat: 1,
        lowerPrioDelayMs: 5000, lowerPrioRepeat: 5 } }, []],
    // strict mode (vrrp_complete_instance in 2.2.7; lines as the real binary prints them)
    ['strict: PASS dropped, MASTER below 255 becomes BACKUP (upstream default keepalived.conf)',
      GLOBAL('vrrp_strict') + INST('state MASTER\npriority 100\nauthentication {\n  auth_type PASS\n  auth_pass 1111\n}'),
      { strict: true, auth: { type: 0 }, initialState: 'BACKUP', lowerPrioNoAdvert: true, higherPrioSendAdvert: false, garp: { masterDelayMs: 5000, masterRepeat: 5, masterRefreshMs: 0, masterRefreshRepeat: 1, lowerPrioDelayMs: 0, lowerPrioRepeat: 0 } },
      ['(VI_1) State MASTER must match being address owner', '(VI_1) Strict mode does not support authentication. Ignoring.']],
    ['strict: an owner left BACKUP becomes MASTER', INST('strict_mode\nstate BACKUP\npriority 255'), { initialState: 'MASTER' }, ['(VI_1) State MASTER must match being address owner']],
    ['strict: settings it forbids are reset, with 2.2.7\'s lines',
      INST('strict_mode\npreempt_delay 3\ndown_timer_adverts 5\ngarp_lower_prio_repeat 2\ngarp_lower_prio_delay 1\nlower_prio_no_advert false\nhigher_prio_send_advert true'),
      { preemptDelayMs: 0, downTimerAdverts: 3, lowerPrioNoAdvert: true, higherPrioSendAdvert: false,
        garp: { masterDelayMs: 5000, masterRepeat: 5, masterRefreshMs: 0, masterRefreshRepeat: 1,
          lowerPrioDelayMs: 0, lowerPrioRepeat: 0 } },
      ['(VI_1) preempt_delay is incompatible with strict mode - resetting', '(VI_1) down_timer_adverts is incompatible with strict mode - resetting',
        '(VI_1) Strict mode requires no repeat garps. resetting', '(VI_1) Strict mode requires no repeat garp delay. resetting',
        '(VI_1) Strict mode requires no lower priority advert. resetting', '(VI_1) strict mode requires higher_prio_send_advert to be clear. resetting']],
    ['strict_mode off wins over vrrp_strict', GLOBAL('vrrp_strict') + INST('strict_mode off\nauthentication {\n  auth_type PASS\n  auth_pass x\n}'), { strict: false, auth: { type: 1, pass: 'x' } }, []],
    ['mcast_dst_ip with unicast peers is ignored', INST('mcast_dst_ip 224.0.0.99\nunicast_peer {\n  10.198.0.2\n}'), { destination: '10.198.0.2' }, ['(VI_1) multicast destination specified with unicast - ignoring']],
    ['a unicast keyword without peers: multicast, deprecated', INST('check_unicast_src'), { destination: '224.0.0.18' },
      ['(VI_1) A unicast keyword has been specified without any unicast peers. Defaulting to multicast. This usage is deprecated - please update your configuration.']],
    ['own interface tracked: ignored', INST('track_interface {\n  eth0\n  eth1\n}'), { trackers: [{ kind: 'interface', name: 'eth1', weight: 0, reverse: false, initial: { ok: true } }] },
      ['(VI_1) Ignoring track_interface eth0 since own interface']],
  ];
  for (const [name, text, want, lines] of rows) {
    it(name, () => {
      const r = run(text);
      for (const k of keysOf(want)) assert.deepEqual(r.params[k], want[k], k);
      assert.deepEqual(r.parse, lines);
      assert.deepEqual(r.runtime, []);
    });
  }

  it('IPv6 instance whose first VIP is not link-local: logged at start-up only (2.2.7: log_message; strict mode refuses it under -t)', () => {
    const r = run(INST('', 'VI_1', 51, 'fd00::100'));
    assert.deepEqual(r.parse, []);
    assert.deepEqual(r.runtime, ['(VI_1) the first IPv6 VIP address should be link local']);
    assert.deepEqual(run(INST('', 'VI_1', 51, 'fe80::100\n    fd00::100')).runtime, []);
  });

  it('unicast_fault_no_peer: no "deprecated" line from the parser; the fault line at start-up only', () => {
    const r = run(INST('unicast_fault_no_peer'));
    assert.deepEqual(r.parse, []);
    assert.deepEqual(r.runtime, ['(VI_1) Cannot use unicast without any peers - going to fault state']);
    assert.equal(r.params.configFault, 'unicastNoPeer');
  });

  it('global defaults: vrrp_lower_prio_no_advert, vrrp_higher_prio_send_advert, vrrp_down_timer_adverts, vrrp_notify_priority_changes, vrrp_check_unicast_src', () => {
    const g = 'vrrp_lower_prio_no_advert\nvrrp_higher_prio_send_advert\nvrrp_down_timer_adverts 7\nvrrp_notify_priority_changes\nvrrp_check_unicast_src';
    const d = run(GLOBAL(g) + INST('unicast_peer {\n  10.198.0.2\n}'));
    assert.deepEqual([d.params.lowerPrioNoAdvert, d.params.higherPrioSendAdvert, d.params.downTimerAdverts,
      d.params.notifyPriorityChanges, d.params.checkUnicastSrc], [true, true, 7, true, true]);
    const own = run(GLOBAL(g) + INST('lower_prio_no_advert false\nhigher_prio_send_advert false\ndown_timer_adverts 2\nnotify_priority_changes false'));
    assert.deepEqual([own.params.lowerPrioNoAdvert, own.params.higherPrioSendAdvert, own.params.downTimerAdverts,
      own.params.notifyPriorityChanges], [false, false, 2, false]);
    // vrrp_strict is the default for strict_mode, and its defaults beat the global ones; the global
    // down timer is refused as well, with the line once
    const s = run(GLOBAL(`${g}\nvrrp_strict`) + INST(''));
    assert.deepEqual([s.params.strict, s.params.lowerPrioNoAdvert, s.params.higherPrioSendAdvert,
      s.params.downTimerAdverts], [true, true, false, 3]);
    assert.deepEqual([s.parse, s.runtime], [['(VI_1) down_timer_adverts is incompatible with strict mode - resetting'], []]);
    // a sync group's notify_priority_changes is the default of its members
    const sg = run(`vrrp_sync_group G {\n  group {\n    VI_1\n    VI_2\n  }\n  notify_priority_changes\n}\n` + INST('') + INST('', 'VI_2', 52, '10.198.0.101'));
    assert.equal(sg.params.notifyPriorityChanges, true);
  });

  it('trackers: script weight from vrrp_script, override from the reference; the owner drops weighted ones', () => {
    const objs = 'vrrp_script chk {\n  script /bin/true\n  weight -20\n  init_fail\n}\ntrack_file tf {\n  file /tmp/kpb-no-such-file\n  weight 3\n  init_file 7\n}\n';
    const d = run(objs + INST('track_script {\n  chk\n}\ntrack_file {\n  tf\n}'));
    assert.deepEqual(d.params.trackers, [
      { kind: 'script', name: 'chk', weight: -20, reverse: false, initial: { ok: false } }, // init_fail
      { kind: 'file', name: 'tf', weight: 3, reverse: false, initial: { value: 7 } },
    ]);
    const o = run(objs + INST('priority 255\ntrack_script {\n  chk\n}\ntrack_file {\n  tf\n}'));
    assert.deepEqual(o.params.trackers, []);
    assert.deepEqual([o.parse, o.runtime], [['(VI_1) ignoring tracked script chk with weights due to address_owner', '(VI_1) ignoring tracked file tf with weight 3 due to address_owner'], []]);
  });

  it('trackers: track_process of the instance and of its sync group (keepalived add_vrrp_to_track_process)', () => {
    const tp = (name: string, weight = 0) => ({ name, process: [name], weight, reverse: false,
      quorum: 1, fullCommand: false });
    const group = { name: 'G1', group: ['VI_1'], trackInterface: [], trackScript: [], trackFile: [], trackingWeight: false, extra: {},
      trackProcess: [{ name: 'P1', weight: 5, reverse: false }, { name: 'P2', weight: 0, reverse: false }, { name: 'P3', weight: 0, reverse: true }] };
    const c: ParamsContext = { ...ctx, trackProcesses: [tp('P1', -10), tp('P2'), tp('P3')], syncGroup: group };
    const d = deriveFsmParams(inst({ trackProcess: [{ name: 'P1', weight: -10, reverse: false }] }), c);
    // an entry on both keeps the instance's, with the group's weight unless the instance's was unweighted
    assert.deepEqual(d.params.trackers, [
      { kind: 'process', name: 'P1', weight: 5, reverse: false, initial: { ok: true } },
      { kind: 'process', name: 'P2', weight: 0, reverse: false, initial: { ok: true } },
      { kind: 'process', name: 'P3', weight: 0, reverse: true, initial: { ok: true } },
    ]);
    assert.deepEqual(d.logs, ['(VI_1) track_process P1 is configured on VRRP instance and sync group. Remove vrrp instance config']);
  });

  it('trackers: a sync group with an address owner member clears its weighted track_process (at parse time, once)', () => {
    const text = 'vrrp_track_process P1 {\n  process sleep\n  weight 5\n}\n' + INST('priority 255') + INST('', 'VI_2', 52, '10.198.0.101')
      + 'vrrp_sync_group G1 {\n  group {\n    VI_1\n    VI_2\n  }\n  track_process {\n    P1 weight 5\n  }\n}\n';
    const r = parseConfigText(text, 'p.conf', { interfaces: IFS, skipScriptSecurity: true });
    const lines = r.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.message);
    assert.ok(lines.includes("(G1) Cannot have weighted track process 'P1' with member having priority 255 - setting weight 0"), lines.join('\n'));
    assert.deepEqual(r.config.vrrpSyncGroups[0]!.trackProcess.map((t) => t.weight), [0]);
    const vi = r.config.vrrpInstances.find((v) => v.name === 'VI_2')!;
    const d = deriveFsmParams(vi, { global: r.config.global, vrrpScripts: [], trackFiles: [], trackProcesses: r.config.trackProcesses, primaryAddress: '10.198.0.1', syncGroup: r.config.vrrpSyncGroups[0]! });
    assert.deepEqual(d.params.trackers.map((t) => [trackerKey(t), t.weight]), [['process:P1', 0]]);
    assert.deepEqual(d.logs, []);
  });
});
