// USR1 (DATA) dumps: /tmp/keepalived.data (VRRP child: global definitions, VRRP topology, VRRP
// scripts) and /tmp/keepalived_parent.data (parent: global definitions only), in keepalived
// 2.2.7's layout (dump_global_data(), dump_vrrp(), dump_vscript()). Settings this
// implementation does not have (SNMP, DBus, nftables, realtime scheduling, netns) print the
// values keepalived prints when they are not configured, since that is their state here.
import type { GlobalDefs, KeepalivedConfig, ProcessSched, VrrpInstance } from '../../config/model.js';
import { defaultSched } from '../../parser/keywords/process-defs.js';
import type { VrrpInstanceRuntime, VrrpScriptRuntime, VrrpSnapshot } from './model.js';
import { scriptText, vipText } from './vip-text.js';
import { interfacesLines } from './interfaces.js';
import { lowerPrioGarp } from '../../vrrp/params.js';
import { reloadFilePath } from '../reload/reload-file.js';
import { formatReloadTime } from '../reload/time-parse.js';
import { syncdDumpLines } from '../../ipvs/syncd.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `1795454313.427881 (Mon Nov 23 17:18:33.427881 2026)` */
export function timeText(epochSec: number): string {
  const whole = Math.floor(epochSec);
  const us = String(Math.round((epochSec - whole) * 1e6)).padStart(6, '0');
  const d = new Date(whole * 1000);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${whole}.${us} (${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${us} ${d.getFullYear()})`;
}

const tf = (b: boolean | undefined) => (b ? 'true' : 'false');
const unsetOr = (b: boolean | undefined) => (b === undefined ? 'unset' : b ? 'true' : 'false');

/** What the dump says about reloads besides the configuration: reload_file's path, and the parent's scheduled
 *  reload. */
export interface ReloadDumpState { reloadFile?: string; scheduled?: { at: number; dateSpecified: boolean } }

/**
 * The global definitions section. `proc` (default: parent / vrrp by `parent`) and `vrrpInstances` decide the LVS
 * syncd lines; `reload`: reload_file's resolved path and the parent's reload_time_file state; `netnsIpvs`:
 * net_namespace_ipvs.
 */
export function globalDefsLines(g: GlobalDefs, o: { parent: boolean; instance?: string; proc?: 'vrrp' | 'checker'; vrrpInstances?: KeepalivedConfig['vrrpInstances']; reload?: ReloadDumpState; netnsIpvs?: string }): string[] {
  const L: string[] = ['------< Global definitions >------'];
  if (g.configSaveDir !== undefined) L.push(` Config save dir = ${g.configSaveDir}`);
  const ipvsNs = o.netnsIpvs === undefined ? '(main namespace)' : o.netnsIpvs || '(default)';
  L.push(' Network namespace = (default)', ` Network namespace ipvs = ${ipvsNs}`);
  if (o.instance !== undefined) L.push(` Instance name = ${o.instance}`);
  if (g.processName) L.push(` Parent process name = ${g.processName}`);
  if (g.vrrpProcessName) L.push(` VRRP process name = ${g.vrrpProcessName}`);
  if (g.checkerProcessName) L.push(` LVS process name = ${g.checkerProcessName}`);
  L.push(` Router ID = ${g.routerId}`);
  if (g.smtpServer) {
    L.push(` Smtp server = ${g.smtpServer.host}`, ` Smtp server port = ${g.smtpServer.port}`);
    L.push(` Smtp HELO name = ${g.smtpHeloName}`, ` Smtp server connection timeout = ${g.smtpConnectTimeout}`);
  }
  if (g.smtpServer || g.notificationEmail.length) {
    L.push(` Email notification from = ${g.notificationEmailFrom}`);
    if (g.notificationEmail.length) { L.push(' Email notification to:'); for (const e of g.notificationEmail) L.push(`   ${e}`); }
  }
  L.push(
    ` Default smtp_alert = ${unsetOr(g.smtpAlert)}`,
    ` Default smtp_alert_vrrp = ${unsetOr(g.smtpAlertVrrp)}`,
    ` Default smtp_alert_checker = ${unsetOr(g.smtpAlertChecker)}`,
    ` Checkers log all failures = ${tf(g.checkerLogAllFailures)}`,
    g.reloadCheckConfig !== undefined ? ` Test config before reload, log to ${g.reloadCheckConfig}` : ' No test config before reload',
  );
  if (g.reloadTimeFile !== undefined) {
    L.push(` Reload time file = ${g.reloadTimeFile}${g.reloadRepeat ? ' (repeat)' : ''}`);
    const sc = o.reload?.scheduled;
    // sic: 2.2.7 leaves the parenthesis open
    L.push(sc ? ` Reload scheduled for ${formatReloadTime(sc.at)}${sc.dateSpecified ? ' (date specified' : ''}` : ' No reload scheduled');
  }
  if (o.reload?.reloadFile !== undefined) L.push(` Reload_file = ${o.reload.reloadFile}`);
  if (g.tmpConfigDirectory !== undefined) L.push(` config save directory = ${g.tmpConfigDirectory}`);
  L.push(
    ...(g.dataUseInstance ? [' Use instance name in data dumps'] : []),
    ` Dynamic interfaces = ${tf(g.dynamicInterfaces)}`,
  );
  if (!o.parent) L.push(` Default interface = ${g.defaultInterface}`);
  const lowDelay = o.parent ? (g.vrrpGarpLowerPrioDelay ?? 4294967295)
    : (g.vrrpGarpLowerPrioDelay ?? g.vrrpGarpMasterDelay);
  const lowRep = o.parent ? (g.vrrpGarpLowerPrioRepeat ?? 4294967295)
    : (g.vrrpGarpLowerPrioRepeat ?? g.vrrpGarpMasterRepeat);
  L.push(' Disable local IGMP = no', ...syncdDumpLines({ global: g, vrrpInstances: o.vrrpInstances ?? [] }, o.parent ? 'parent' : o.proc ?? 'vrrp'));
  L.push(
    ` LVS flush = ${tf(g.lvsFlush)}`,
    ` LVS flush on stop = ${g.lvsFlushOnStop ? 'enabled' : 'disabled'}`,
    ' FIFO write vrrp states on reload = false',
    ' VRRP notify priority changes = false',
    ` VRRP IPv4 mcast group = ${g.vrrpMcastGroup4}`,
    ` VRRP IPv6 mcast group = ${g.vrrpMcastGroup6}`,
    ` Gratuitous ARP delay = ${g.vrrpGarpMasterDelay}`,
    ` Gratuitous ARP repeat = ${g.vrrpGarpMasterRepeat}`,
    ` Gratuitous ARP refresh timer = ${g.vrrpGarpMasterRefresh}`,
    ` Gratuitous ARP refresh repeat = ${g.vrrpGarpMasterRefreshRepeat}`,
    ` Gratuitous ARP lower priority delay = ${lowDelay}`,
    ` Gratuitous ARP lower priority repeat = ${lowRep}`,
    ' Num adverts before down = 3',
    ' Gratuitous ARP for each secondary VMAC = 0s',
    ' Send advert after receive lower priority advert = true',
    ' Send advert after receive higher priority advert = false',
    ` Gratuitous ARP interval = ${g.vrrpGarpInterval.toFixed(6)}`,
    ` Gratuitous NA interval = ${g.vrrpGnaInterval.toFixed(6)}`,
    ` VRRP default protocol version = ${g.vrrpVersion}`,
    ` VRRP check unicast_src = ${tf(g.vrrpCheckUnicastSrc)}`,
    ` VRRP skip check advert addresses = ${tf(g.vrrpSkipCheckAdvAddr)}`,
    ` VRRP strict mode = ${tf(g.vrrpStrict)}`,
    ` Max auto priority = ${g.maxAutoPriority === -1 ? 'Disabled' : g.maxAutoPriority ?? 0}`,
    ` Min auto priority delay = ${g.minAutoPriorityDelay ?? 1000000} usecs`,
  );
  const scheds: [string, ProcessSched | undefined][] = [['VRRP', g.vrrpSched], ['Checker', g.checkerSched], ['BFD', undefined]];
  for (const [p, sc] of scheds) {
    const s = sc ?? defaultSched();
    L.push(` ${p} process priority = ${s.nice}`, ` ${p} don't swap = ${tf(s.noSwap)}`, ` ${p} realtime priority = ${s.rtPriority}`);
    // keepalived writes each CPU followed by a space
    if (s.cpus.length) L.push(` ${p} CPU Affinity = ${s.cpus.map((c) => `${c} `).join('')}`);
    L.push(` ${p} realtime limit = ${s.rlimitRttime}`);
  }
  L.push(
    ' SNMP vrrp disabled', ' SNMP checker disabled', ' SNMP RFCv2 disabled', ' SNMP RFCv3 disabled', ' SNMP traps disabled',
    ' SNMP socket = default (unix:/var/agentx/master)', ' DBus disabled', ' DBus service name = ',
    ` Script security ${g.enableScriptSecurity ? 'enabled' : 'disabled'}`,
    ' Default script uid:gid 0:0',
  );
  for (const n of ['vrrp_netlink_cmd', 'vrrp_netlink_monitor', 'process_monitor', 'lvs_netlink_cmd', 'lvs_netlink_monitor'] as const) {
    const b = g.netlinkRcvBufs?.[n];
    L.push(` ${n}_rcv_bufs = ${b?.size ?? 0}`, ` ${n}_rcv_bufs_force = ${b?.force ? 1 : 0}`);
  }
  L.push(` rs_init_notifies = ${g.rsInitNotifies ? 1 : 0}`, ` no_checker_emails = ${g.noCheckerEmails ? 1 : 0}`, ' rx_bufs_multiples = 3', ' umask = 0177');
  return L;
}

function instanceLines(cfg: KeepalivedConfig, inst: VrrpInstance, rt: VrrpInstanceRuntime): string[] {
  const g = cfg.global;
  const L: string[] = [` VRRP Instance = ${inst.name}`, `   VRRP Version = ${inst.version}`, `   State = ${rt.state}`];
  if (rt.state === 'BACKUP' && rt.masterRouter !== undefined) {
    L.push(`   Master router = ${rt.masterRouter}`, `   Master priority = ${rt.masterPriority ?? 0}`);
  }
  const flags: string[] = [];
  if (inst.unicastPeer.length) flags.push('Using unicast');
  if (flags.length) { L.push('   Flags:'); for (const f of flags) L.push(`     ${f}`); } else L.push('   Flags: none');
  L.push(
    `   Wantstate = ${rt.wantState}`,
    `   Number of config faults = ${rt.numConfigFaults ?? 0}`,
    `   Number of interface and track script faults = ${rt.numFaults ?? 0}`,
    `   Number of track scripts init = ${rt.numScriptInit ?? 0}`,
    `   Last transition = ${timeText(rt.lastTransition)}`,
  );
  if (rt.readTimeout !== undefined) L.push(`   Read timeout = ${timeText(rt.readTimeout)}`);
  if (rt.masterDownTimerUs !== undefined) L.push(`   Master down timer = ${rt.masterDownTimerUs} usecs`);
  L.push(`   Interface = ${inst.interface ?? g.defaultInterface}`);
  const src = inst.unicastSrcIp ?? rt.srcIp;
  if (src) L.push(`   Using src_ip = ${src}${inst.unicastSrcIp ? ' (from configuration)' : ''}`);
  if (!inst.unicastPeer.length) L.push(`   Multicast address ${inst.family === 'inet6' ? g.vrrpMcastGroup6 : g.vrrpMcastGroup4}`);
  const { delayS: lowDelay, repeat: lowRep } = lowerPrioGarp(inst, g);
  L.push(
    `   Gratuitous ARP delay = ${inst.garpMasterDelay ?? g.vrrpGarpMasterDelay}`,
    `   Gratuitous ARP repeat = ${inst.garpMasterRepeat ?? g.vrrpGarpMasterRepeat}`,
    `   Gratuitous ARP refresh = ${inst.garpMasterRefresh ?? g.vrrpGarpMasterRefresh}`,
    `   Gratuitous ARP refresh repeat = ${inst.garpMasterRefreshRepeat ?? g.vrrpGarpMasterRefreshRepeat}`,
    `   Gratuitous ARP lower priority delay = ${lowDelay}`,
    `   Gratuitous ARP lower priority repeat = ${lowRep}`,
    `   Down timer adverts = ${inst.downTimerAdverts ?? g.vrrpDownTimerAdverts}`,
    `   Send advert after receive lower priority advert = ${tf(!(inst.lowerPrioNoAdvert ?? ((inst.strictMode ?? g.vrrpStrict) || g.vrrpLowerPrioNoAdvert)))}`,
    `   Send advert after receive higher priority advert = ${tf(inst.higherPrioSendAdvert ?? (!(inst.strictMode ?? g.vrrpStrict) && g.vrrpHigherPrioSendAdvert))}`,
    `   Virtual Router ID = ${inst.virtualRouterId ?? 0}`,
    `   Priority = ${inst.priority}`,
    `   Effective priority = ${rt.effectivePriority}`,
    `   Total priority = ${rt.totalPriority ?? rt.effectivePriority}`,
    `   Advert interval = ${inst.advertInt} sec`,
    `   Accept = ${(inst.accept ?? !(inst.strictMode ?? g.vrrpStrict)) ? 'enabled' : 'disabled'}`,
    `   Preempt = ${inst.nopreempt ? 'disabled' : 'enabled'}`,
  );
  if (inst.preemptDelay) L.push(`   Preempt delay = ${inst.preemptDelay} secs`);
  L.push(`   Promote_secondaries = ${inst.promoteSecondaries ? 'enabled' : 'disabled'}`);
  const auth = inst.authentication;
  if (!auth) L.push('   Authentication type = none');
  else if (auth.type === 'PASS') L.push('   Authentication type = SIMPLE_PASSWORD', `   Password = ${auth.pass ?? ''}`);
  else L.push('   Authentication type = IPSEC_AH');
  // 2.2.7 keeps `debug` (0-4) for this line only: it has no other effect (measured, and in its source)
  if (inst.kernelRxBufSize) L.push(`   Kernel rx buffer size = ${inst.kernelRxBufSize}`);
  if (inst.debug) L.push(`   Debug level = ${inst.debug}`);
  if (inst.virtualIpaddress.length) {
    L.push(`   Virtual IP (${inst.virtualIpaddress.length}):`);
    for (const v of inst.virtualIpaddress) L.push(`     ${vipText(v, inst.interface, rt.vipsSet)}`);
  }
  if (inst.virtualIpaddressExcluded.length) {
    L.push(`   Virtual IP Excluded (${inst.virtualIpaddressExcluded.length}):`);
    for (const v of inst.virtualIpaddressExcluded) L.push(`     ${vipText(v, inst.interface, rt.vipsSet)}`);
  }
  if (inst.unicastPeer.length) {
    L.push(`   Unicast TTL = ${inst.unicastTtl ?? 255}`, `   Check unicast src : ${inst.checkUnicastSrc ? 'yes' : 'no'}`, '   Unicast Peer :');
    for (const p of inst.unicastPeer) L.push(`     ${p.address} min_ttl ${p.minTtl ?? 0} max_ttl ${p.maxTtl ?? 255}`);
    L.push('   Unicast checksum compatibility = no');
  }
  if (rt.fdIn !== undefined && rt.fdOut !== undefined) L.push(`   fd_in ${rt.fdIn}, fd_out ${rt.fdOut}`);
  if (inst.trackInterface.length) {
    L.push('   Tracked interfaces :');
    for (const t of inst.trackInterface) L.push(`     ${t.name} weight ${t.reverse ? -t.weight : t.weight}`);
  }
  if (inst.trackScript.length) {
    L.push('   Tracked scripts :');
    for (const t of inst.trackScript) {
      const w = t.weight !== 0 ? t.weight : (cfg.vrrpScripts.find((s) => s.name === t.name)?.weight ?? 0);
      L.push(`     ${t.name} weight ${t.reverse ? -w : w}`);
    }
  }
  L.push(`   Using smtp notification = ${inst.smtpAlert ? 'yes' : 'no'}`, '   Notify deleted = Fault');
  const notifies: [string, keyof VrrpInstance][] = [
    ['Backup state transition script', 'notifyBackup'], ['Master state transition script', 'notifyMaster'],
    ['Fault state transition script', 'notifyFault'], ['Stop state transition script', 'notifyStop'],
    ['Generic state transition script', 'notify'], ['Master rx lower pri script', 'notifyMasterRxLowerPri'],
  ];
  for (const [label, field] of notifies) {
    const s = inst[field] as { argv: string[] } | undefined;
    if (s) L.push(`   ${label} = ${scriptText(s.argv)}, uid:gid 0:0`);
  }
  L.push('   Notify priority changes = false');
  return L;
}

function scriptLines(cfg: KeepalivedConfig, rts: VrrpScriptRuntime[] | undefined): string[] {
  const used =
    cfg.vrrpScripts.filter((s) => cfg.vrrpInstances.some((i) => i.trackScript.some((t) => t.name === s.name)));
  if (!used.length) return [];
  // keepalived drops scripts no instance tracks ("Warning - script X is not used").
  const L = ['------< VRRP Scripts >------'];
  for (const s of used) {
    const rt = rts?.find((r) => r.name === s.name);
    L.push(
      ` VRRP Script = ${s.name}`,
      `   Command = ${scriptText(s.script.argv)}`,
      `   Interval = ${s.interval} sec`,
      `   Timeout = ${s.timeout ?? 0} sec`,
      `   Weight = ${s.weightReverse ? -s.weight : s.weight}`,
      `   Rise = ${s.rise}`,
      `   Fall = ${s.fall}`,
      `   Result = ${rt?.result ?? 0}`,
      `   Insecure = ${s.insecure ? 'yes' : 'no'}`,
      '   Init state = unknown',
      `   Status = ${rt?.status ?? 'INIT'}`,
      '   Script uid:gid = 0:0',
      '   VRRP instances :',
      '   Tracking instances :',
    );
    for (const inst of cfg.vrrpInstances) {
      const t = inst.trackScript.find((x) => x.name === s.name);
      if (t) L.push(`     ${inst.name}, weight ${t.weight !== 0 ? t.weight : s.weight}`);
    }
    L.push(`   State = ${rt?.state ?? 'idle'}`);
  }
  return L;
}

/** /tmp/keepalived.data as the VRRP child writes it on SIGUSR1. */
export function formatVrrpDataDump(cfg: KeepalivedConfig, snap: VrrpSnapshot): string {
  const L = globalDefsLines(cfg.global, { parent: false, instance: cfg.instanceName, vrrpInstances: cfg.vrrpInstances,
    reload: { reloadFile: dumpReloadFile(cfg) }, netnsIpvs: cfg.netNamespaceIpvs });
  L.push('------< VRRP Topology >------');
  for (const rt of snap.instances) {
    const inst = cfg.vrrpInstances.find((i) => i.name === rt.name);
    if (inst) L.push(...instanceLines(cfg, inst, rt));
  }
  L.push(...scriptLines(cfg, snap.scripts));
  if (snap.interfaces) L.push(...interfacesLines(cfg, snap.interfaces));
  return L.map((l) => `${l}\n`).join('');
}

/** /tmp/keepalived_parent.data as the parent writes it on SIGUSR1. */
export function formatParentDataDump(cfg: KeepalivedConfig, scheduled?: ReloadDumpState['scheduled']): string {
  return globalDefsLines(cfg.global, { parent: true, instance: cfg.instanceName, reload: { reloadFile: dumpReloadFile(cfg), scheduled }, netnsIpvs: cfg.netNamespaceIpvs }).map((l) => `${l}\n`).join('');
}

/** reload_file's path as the dump shows it (the default name follows the pid files). */
export function dumpReloadFile(cfg: KeepalivedConfig): string | undefined {
  return reloadFilePath(cfg.global.reloadFile, { instance: cfg.instanceName, namespace: cfg.netNamespace,
    usePidDir: cfg.usePidDir === true });
}

