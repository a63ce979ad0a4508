// JSON dump (SIGRTMIN+2): /tmp/keepalived.json in keepalived 2.2.7's layout (vrrp_json.c): an
// array of {"data":{...},"stats":{...}} per instance; json_version 2 wraps it in {"vrrp":[...]}.
// Keys come in keepalived's order and '/' is escaped as '\/' like its JSON writer does.
import type { KeepalivedConfig, VrrpInstance } from '../../config/model.js';
import type { VrrpInstanceRuntime, VrrpRuntimeState, VrrpSnapshot } from './model.js';
import { scriptText, vipText } from './vip-text.js';
import { lowerPrioGarp } from '../../vrrp/params.js';
import { KEEPALIVED_STATS } from '../../vrrp/stats.js';

const STATE_NUM: Record<VrrpRuntimeState, number> = { INIT: 0, BACKUP: 1, MASTER: 2, FAULT: 3, STOP: 98 };

function instanceJson(cfg: KeepalivedConfig, inst: VrrpInstance, rt: VrrpInstanceRuntime): Record<string, unknown> {
  const g = cfg.global;
  const num = (b: boolean) => (b ? 1 : 0);
  const data: Record<string, unknown> = {
    iname: inst.name,
    dont_track_primary: num(inst.dontTrackPrimary),
    skip_check_adv_addr: num(inst.skipCheckAdvAddr),
    strict_mode: num(inst.strictMode ?? g.vrrpStrict),
    vmac_ifname: inst.useVmac ? (inst.useVmac.name ?? `vrrp.${inst.virtualRouterId}`) : '',
    ifp_ifname: inst.interface ?? g.defaultInterface,
    master_priority: rt.masterPriority ?? 0,
    last_transition: Number(rt.lastTransition.toFixed(6)),
    garp_delay: inst.garpMasterDelay ?? g.vrrpGarpMasterDelay,
    garp_refresh: inst.garpMasterRefresh ?? g.vrrpGarpMasterRefresh,
    garp_rep: inst.garpMasterRepeat ?? g.vrrpGarpMasterRepeat,
    garp_refresh_rep: inst.garpMasterRefreshRepeat ?? g.vrrpGarpMasterRefreshRepeat,
    garp_lower_prio_delay: lowerPrioGarp(inst, g).delayS,
    garp_lower_prio_rep: lowerPrioGarp(inst, g).repeat,
    lower_prio_no_advert: num(inst.lowerPrioNoAdvert ?? ((inst.strictMode ?? g.vrrpStrict) || g.vrrpLowerPrioNoAdvert)),
    higher_prio_send_advert: num(inst.higherPrioSendAdvert ?? (!(inst.strictMode ?? g.vrrpStrict)
      && g.vrrpHigherPrioSendAdvert)),
    vrid: inst.virtualRouterId ?? 0,
    base_priority: inst.priority,
    effective_priority: rt.effectivePriority,
    vipset: rt.vipsSet,
    promote_secondaries: inst.promoteSecondaries,
    adver_int: inst.advertInt,
    master_adver_int: inst.advertInt,
    accept: num(inst.accept ?? !(inst.strictMode ?? g.vrrpStrict)),
    nopreempt: inst.nopreempt,
    preempt_delay: inst.preemptDelay,
    state: STATE_NUM[rt.state],
    wantstate: STATE_NUM[rt.wantState],
    version: inst.version,
    smtp_alert: inst.smtpAlert ?? false,
    notify_deleted: false,
  };
  const scripts: [string, keyof VrrpInstance][] = [
    ['script_backup', 'notifyBackup'], ['script_master', 'notifyMaster'], ['script_fault', 'notifyFault'],
    ['script_stop', 'notifyStop'], ['script', 'notify'], ['script_master_rx_lower_pri', 'notifyMasterRxLowerPri'],
  ];
  for (const [key, field] of scripts) {
    const s = inst[field] as { argv: string[] } | undefined;
    if (s) data[key] = scriptText(s.argv);
  }
  data.vips = inst.virtualIpaddress.map((v) => vipText(v, inst.interface, rt.vipsSet));
  if (inst.virtualIpaddressExcluded.length) data.evips = inst.virtualIpaddressExcluded.map((v) => vipText(v,
    inst.interface, rt.vipsSet));
  if (inst.trackInterface.length) data.track_ifp = inst.trackInterface.map((t) => t.name);
  if (inst.trackScript.length) {
    data.track_script = inst.trackScript.map((t) => {
      const s = cfg.vrrpScripts.find((x) => x.name === t.name);
      return s ? scriptText(s.script.argv) : t.name;
    });
  }
  const auth = inst.authentication;
  data.auth_type = auth ? (auth.type === 'PASS' ? 1 : 2) : 0;
  if (auth?.type === 'PASS') data.auth_data = auth.pass ?? '';
  const s = rt.stats;
  const stats: Record<string, number> = {};
  for (const k of KEEPALIVED_STATS) stats[k] = s[k];
  // ours, only once it is not 0 (keepalived 2.2.7's JSON has no such key)
  if (s.master_conflict) stats.master_conflict = s.master_conflict;
  return { data, stats };
}

/** Serialises like keepalived's json writer: no spaces, '/' escaped, 6 decimals for last_transition. */
function stringify(v: unknown): string {
  return JSON.stringify(v, (_k, val) => val)
    .replace(/"last_transition":(\d+)(?:\.(\d+))?/g, (_m, a: string, b?: string) => `"last_transition":${a}.${(b ?? '').padEnd(6, '0').slice(0, 6)}`)
    .replace(/\//g, '\\/');
}

export function formatJsonDump(cfg: KeepalivedConfig, snap: VrrpSnapshot,
    version: 1 | 2 = cfg.global.jsonVersion ?? 1): string {
  const arr = snap.instances.flatMap((rt) => {
    const inst = cfg.vrrpInstances.find((i) => i.name === rt.name);
    return inst ? [instanceJson(cfg, inst, rt)] : [];
  });
  const body = version === 2 ? { vrrp: arr, track_process: [] } : arr;
  return `${stringify(body)}\n`;
}
