// The protocol keywords from keepalived.conf text to the FSM params (parser -> config model ->
// params.ts), with keepalived 2.2.7's handler rules (vrrp_parser.c / global_parser.c): values,
// defaults, bad values reported and ignored, vrrp_min_garp applied where it stands, sync-group
// weight rules (measured in namespaces: test/integration/vrrp/sync-weight.test.ts).
import assert from 'node:assert/strict';
import type { KeepalivedConfig } from '../../../src/config/model.js';
import { parseConfigText } from '../../../src/config/load.js';
import { deriveFsmParams } from '../../../src/vrrp/params.js';
import { trackerKey } from '../../../src/vrrp/fsm-types.js';

const INST = (body: string, name = 'VI_1', vrid = 51): string => `vrrp_instance ${name} {
    interface eth0
    virtual_router_id ${vrid}
    priority 100
    ${body}
    virtual_ipaddress {
        10.198.0.${vrid}
    }
}
`;

function parse(text: string): { cfg: KeepalivedConfig; messages: string[] } {
  const r = parseConfigText(text, 'k.conf', { interfaces: new Set(['lo', 'eth0', 'eth1']) });
  return { cfg: r.config, messages: r.diagnostics.filter((d) => d.severity !== 'info' && !d.message.startsWith('SECURITY VIOLATION')).map((d) => d.message) };
}
function params(cfg: KeepalivedConfig, name = 'VI_1') {
  const inst = cfg.vrrpInstances.find((i) => i.name === name)!;
  const syncGroup = cfg.vrrpSyncGroups.find((g) => g.group.includes(name));
  return deriveFsmParams(inst, { global: cfg.global, vrrpScripts: cfg.vrrpScripts, trackFiles: cfg.trackFiles, primaryAddress: '10.198.0.1', ...(syncGroup ? { syncGroup } : {}) });
}

describe('vrrp protocol keywords: text -> model -> params (keepalived 2.2.7 rules)', () => {
  it('vrrp_min_garp: GARP settings still at their defaults become 1 GARP, no second burst, no refresh repeat; later keywords win', () => {
    const a = parse('global_defs {\n  vrrp_min_garp\n}\n' + INST(''));
    assert.deepEqual(params(a.cfg).params.garp, { masterDelayMs: 0, masterRepeat: 1, masterRefreshMs: 0,
      masterRefreshRepeat: 0, lowerPrioDelayMs: 0, lowerPrioRepeat: 1 });
    const b = parse('global_defs {\n  vrrp_garp_master_repeat 3\n  vrrp_min_garp\n  vrrp_garp_master_delay 2\n}\n' + INST(''));
    assert.deepEqual([b.cfg.global.vrrpGarpMasterRepeat, b.cfg.global.vrrpGarpMasterDelay], [3, 2]);
    const c = parse('global_defs {\n  vrrp_min_garp false\n}\n' + INST(''));
    assert.deepEqual([c.cfg.global.vrrpGarpMasterRepeat, c.cfg.global.vrrpGarpMasterDelay], [5, 5]);
    assert.deepEqual(parse('global_defs {\n  vrrp_min_garp maybe\n}\n').messages, ['Invalid value for vrrp_min_garp specified']);
  });

  it('global vrrp_lower_prio_no_advert / vrrp_higher_prio_send_advert / vrrp_down_timer_adverts / vrrp_notify_priority_changes / vrrp_check_unicast_src reach the instances', () => {
    const { cfg } = parse(`global_defs {
  vrrp_lower_prio_no_advert
  vrrp_higher_prio_send_advert true
  vrrp_down_timer_adverts 4
  vrrp_notify_priority_changes
  vrrp_check_unicast_src
}
` + INST('unicast_peer {\n      10.198.0.2\n    }') + INST('lower_prio_no_advert false\n    higher_prio_send_advert off\n    down_timer_adverts 2\n    notify_priority_changes false', 'VI_2', 52));
    const p1 = params(cfg).params, p2 = params(cfg, 'VI_2').params;
    assert.deepEqual([p1.lowerPrioNoAdvert, p1.higherPrioSendAdvert, p1.downTimerAdverts, p1.notifyPriorityChanges,
      p1.checkUnicastSrc], [true, true, 4, true, true]);
    assert.deepEqual([p2.lowerPrioNoAdvert, p2.higherPrioSendAdvert, p2.downTimerAdverts, p2.notifyPriorityChanges,
      p2.checkUnicastSrc], [false, false, 2, false, false]);
  });

  it('bad values are reported with 2.2.7\'s lines and change nothing', () => {
    const { cfg, messages } = parse(`global_defs {
  vrrp_down_timer_adverts 0
  vrrp_lower_prio_no_advert sometimes
}
` + INST('down_timer_adverts 101\n    notify_priority_changes perhaps\n    old_unicast_checksum always\n    mcast_dst_ip 10.0.0.1'));
    assert.deepEqual(messages.filter((m) => !/outside range|invalid number/.test(m)), [
      "Invalid vrrp_down_timer_adverts [1:100] '0'",
      'Invalid value for vrrp_lower_prio_no_advert specified',
      "(VI_1): Invalid down_timer_adverts [1:100] '101'",
      "(VI_1) Invalid value 'perhaps' for notify_priority_changes specified",
      '(VI_1) Unknown old_unicast_chksum mode always - ignoring',
      '(VI_1) mcast_dst_ip 10.0.0.1 not multicast. Skipping...',
      // old_unicast_checksum is a unicast keyword for 2.2.7 too
      '(VI_1) A unicast keyword has been specified without any unicast peers. Defaulting to multicast. This usage is deprecated - please update your configuration.',
    ]);
    const p = params(cfg).params;
    assert.deepEqual([p.downTimerAdverts, p.lowerPrioNoAdvert, p.notifyPriorityChanges, p.destination], [3, false, false, '224.0.0.18']);
  });

  it('instance keywords: unicast_fault_no_peer, mcast_dst_ip, notify_deleted [script], strict_mode, unicast_peer min/max_ttl', () => {
    const { cfg } = parse(INST('unicast_fault_no_peer') + INST('mcast_dst_ip 224.0.0.99\n    notify_deleted "/bin/echo gone"', 'VI_2', 52)
      + INST('strict_mode\n    check_unicast_src\n    unicast_peer {\n      10.198.0.2 min_ttl 250 max_ttl 254\n    }', 'VI_3', 53));
    assert.equal(params(cfg).params.configFault, 'unicastNoPeer');
    const p2 = params(cfg, 'VI_2');
    assert.deepEqual([p2.params.destination, p2.params.notifyDeleted], ['224.0.0.99', true]);
    assert.deepEqual(cfg.vrrpInstances[1]!.notifyDeleted?.script?.argv, ['/bin/echo', 'gone']);
    const p3 = params(cfg, 'VI_3').params;
    assert.deepEqual([p3.strict, p3.checkUnicastSrc, p3.unicastPeers], [true, true, [{ address: '10.198.0.2', minTtl: 250, maxTtl: 254 }]]);
  });

  it('sync group: weighted script dropped, interface weight kept, file weight 1 -> 0 and other file weights dropped; sync_group_tracking_weight / global_tracking keep them', () => {
    const base = (extra: string, tfWeight = '') => `vrrp_script chk {
  script /bin/true
  weight -20
}
track_file tf1 {
  file /tmp/kpb-no-such-file
}
vrrp_sync_group G {
  group {
    VI_1
    VI_2
  }
  ${extra}
}
` + INST(`track_script {\n      chk\n    }\n    track_interface {\n      eth1 weight -30\n    }\n    track_file {\n      tf1 ${tfWeight}\n    }`) + INST('', 'VI_2', 52);
    const plain = parse(base(''));
    assert.deepEqual(plain.messages, [
      '(VI_1) ignoring eth1 tracked interface weight due to SYNC group',
      '(VI_1) ignoring tracked script chk with weights due to SYNC group',
      '(VI_1) ignoring weight from tracked file tf1 due to SYNC group. specify weight 0',
    ]);
    assert.deepEqual(params(plain.cfg).params.trackers.map((t) => [trackerKey(t), t.weight]), [['interface:eth1', -30], ['file:tf1', 0]]);
    const w2 = parse(base('', 'weight 2'));
    assert.ok(w2.messages.includes('(VI_1) ignoring tracked file tf1 with weight 2 due to SYNC group'));
    assert.deepEqual(params(w2.cfg).params.trackers.map((t) => trackerKey(t)), ['interface:eth1']);
    for (const kw of ['sync_group_tracking_weight', 'global_tracking']) {
      const k = parse(base(kw));
      assert.deepEqual(k.messages, kw === 'global_tracking' ? ['(G) global_tracking is deprecated. Use track_interface/script/file on the sync group'] : []);
      assert.deepEqual(params(k.cfg).params.trackers.map((t) => [trackerKey(t), t.weight]), [['interface:eth1', -30], ['script:chk', -20], ['file:tf1', 1]]);
    }
  });

  it('sync group notify_priority_changes is the default of its members', () => {
    const { cfg } = parse('vrrp_sync_group G {\n  group {\n    VI_1\n    VI_2\n  }\n  notify_priority_changes\n}\n' + INST('') + INST('notify_priority_changes false', 'VI_2', 52));
    assert.deepEqual([params(cfg).params.notifyPriorityChanges, params(cfg, 'VI_2').params.notifyPriorityChanges], [true, false]);
  });
});
