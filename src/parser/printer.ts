// Canonical printer: KeepalivedConfig -> keepalived.conf text that parses back to the same model
// (positions aside). Every value is written explicitly (defaults included where the parser's
// end-of-parse checks would otherwise complain or default differently), one keyword per line,
// blocks indented by 4, words spelled by config-word.ts (quoted where keepalived would otherwise
// split, comment or replace them).
import type {
  KeepalivedConfig, GlobalDefs, VrrpInstance, VirtualIp, ScriptSpec, TrackRef, VirtualServer,
  RealServer, Checker, VrrpScript,
  VrrpSyncGroup, TrackFile, VrrpTrackProcess, VirtualServerGroup, HttpUrl,
} from '../config/model.js';
import { routeWords, ruleWords } from './keywords/route-print.js';
import { quoteLine, quoteQuotedEscaped } from './config-word.js';
import { GARP_KEYWORDS } from './keywords/garp.js';

class Out {
  lines: string[] = [];
  depth = 0;
  line(...words: (string | number | undefined)[]): void {
    this.raw(quoteLine(words.filter((x) => x !== undefined).map(String)));
  }
  raw(text: string): void { this.lines.push('    '.repeat(this.depth) + text); }
  open(...words: (string | number | undefined)[]): void {
    this.raw(`${quoteLine(words.filter((x) => x !== undefined).map(String))} {`);
    this.depth++;
  }
  close(): void { this.depth--; this.raw('}'); }
}

function script(o: Out, kw: string, s: ScriptSpec | undefined): void { if (s) o.raw(`${kw} ${s.raw}`); }

function g(o: Out, gd: GlobalDefs): void {
  o.open('global_defs');
  o.line('router_id', gd.routerId);
  if (gd.notificationEmail.length) { o.open('notification_email'); for (const e of gd.notificationEmail) o.line(e); o.close(); }
  o.line('notification_email_from', gd.notificationEmailFrom);
  if (gd.smtpServer) o.line('smtp_server', gd.smtpServer.host, gd.smtpServer.port);
  o.line('smtp_connect_timeout', gd.smtpConnectTimeout);
  o.line('smtp_helo_name', gd.smtpHeloName);
  if (gd.smtpAlert !== undefined) o.line('smtp_alert', gd.smtpAlert ? 'true' : 'false');
  if (gd.smtpAlertVrrp !== undefined) o.line('smtp_alert_vrrp', gd.smtpAlertVrrp ? 'true' : 'false');
  if (gd.smtpAlertChecker !== undefined) o.line('smtp_alert_checker', gd.smtpAlertChecker ? 'true' : 'false');
  if (gd.noEmailFaults) o.line('no_email_faults');
  if (gd.checkerLogAllFailures) o.line('checker_log_all_failures', 'true');
  if (gd.noCheckerEmails) o.line('no_checker_emails');
  if (gd.scriptUser) o.line('script_user', gd.scriptUser.user, gd.scriptUser.group);
  if (gd.enableScriptSecurity) o.line('enable_script_security');
  o.line('vrrp_version', gd.vrrpVersion);
  if (gd.vrrpStrict) o.line('vrrp_strict');
  if (gd.nftables !== undefined) o.line('nftables', gd.nftables);
  if (gd.nftablesPriority !== undefined) o.line('nftables_priority', String(gd.nftablesPriority));
  if (gd.nftablesCounters) o.line('nftables_counters');
  if (gd.nftablesIfindex) o.line('nftables_ifindex');
  if (gd.vrrpSkipCheckAdvAddr) o.line('vrrp_skip_check_adv_addr');
  if (gd.vrrpCheckUnicastSrc) o.line('vrrp_check_unicast_src');
  // vrrp_min_garp first: it changes GARP settings still at their defaults where it stands
  if (gd.vrrpMinGarp) o.line('vrrp_min_garp', 'true');
  for (const k of GARP_KEYWORDS) { const v = gd[`vrrpGarp${k.param}`]; if (v !== undefined) o.line(`vrrp_${k.name}`, v); }
  // 0 (the default) cannot be written: keepalived refuses it
  if (gd.vrrpGarpInterval) o.line('vrrp_garp_interval', gd.vrrpGarpInterval);
  if (gd.vrrpGnaInterval) o.line('vrrp_gna_interval', gd.vrrpGnaInterval);
  if (gd.vrrpLowerPrioNoAdvert) o.line('vrrp_lower_prio_no_advert', 'true');
  if (gd.vrrpHigherPrioSendAdvert) o.line('vrrp_higher_prio_send_advert', 'true');
  if (gd.vrrpDownTimerAdverts !== 3) o.line('vrrp_down_timer_adverts', gd.vrrpDownTimerAdverts);
  if (gd.vrrpNotifyPriorityChanges) o.line('vrrp_notify_priority_changes', 'true');
  if (gd.fifoWriteVrrpStatesOnReload) o.line('fifo_write_vrrp_states_on_reload');
  o.line('vrrp_mcast_group4', gd.vrrpMcastGroup4);
  o.line('vrrp_mcast_group6', gd.vrrpMcastGroup6);
  o.line('default_interface', gd.defaultInterface);
  if (gd.dynamicInterfaces) o.line('dynamic_interfaces');
  const fifo = (kw: string, f: GlobalDefs['notifyFifo']): void => {
    if (!f) return;
    if (f.path) o.line(kw, f.path, f.user, f.group);
    script(o, `${kw}_script`, f.script);
  };
  fifo('notify_fifo', gd.notifyFifo); fifo('vrrp_notify_fifo', gd.vrrpNotifyFifo); fifo('lvs_notify_fifo', gd.lvsNotifyFifo);
  if (gd.maxAutoPriority !== undefined) o.line('max_auto_priority', gd.maxAutoPriority);
  if (gd.umask !== undefined) o.line('umask', `0${gd.umask.toString(8)}`);
  script(o, 'startup_script', gd.startupScript);
  if (gd.startupScriptTimeout !== undefined) o.line('startup_script_timeout', gd.startupScriptTimeout);
  script(o, 'shutdown_script', gd.shutdownScript);
  if (gd.shutdownScriptTimeout !== undefined) o.line('shutdown_script_timeout', gd.shutdownScriptTimeout);
  if (gd.dataUseInstance !== undefined) o.line('data_use_instance', gd.dataUseInstance ? 'true' : 'false');
  if (gd.minAutoPriorityDelay !== undefined) o.line('min_auto_priority_delay', gd.minAutoPriorityDelay);
  if (gd.processName !== undefined) o.line('process_name', gd.processName);
  if (gd.vrrpProcessName !== undefined) o.line('vrrp_process_name', gd.vrrpProcessName);
  if (gd.checkerProcessName !== undefined) o.line('checker_process_name', gd.checkerProcessName);
  for (const [who, sc] of [['vrrp', gd.vrrpSched], ['checker', gd.checkerSched]] as const) {
    if (!sc) continue;
    if (sc.nice) o.line(`${who}_priority`, sc.nice);
    if (sc.noSwap) o.line(`${who}_no_swap`);
    if (sc.rtPriority) o.line(`${who}_rt_priority`, sc.rtPriority);
    if (sc.cpus.length) o.line(`${who}_cpu_affinity`, ...sc.cpus);
    o.line(`${who}_rlimit_rttime`, sc.rlimitRttime);
  }
  if (gd.vrrpStartupDelay) o.line('vrrp_startup_delay', gd.vrrpStartupDelay);
  // the deprecated instance form is printed in its instance (instance() below)
  if (gd.lvsSyncDaemon && !gd.lvsSyncDaemon.fromInstance) {
    const s = gd.lvsSyncDaemon;
    o.line('lvs_sync_daemon', s.interface, s.instance, ...(s.syncId !== undefined ? ['id', s.syncId] : []), ...(s.maxlen !== undefined ? ['maxlen', s.maxlen] : []),
      ...(s.port !== undefined ? ['port', s.port] : []), ...(s.ttl !== undefined ? ['ttl', s.ttl] : []), ...(s.group !== undefined ? ['group', s.group] : []));
  }
  if (gd.lvsFlush) o.line('lvs_flush');
  if (gd.lvsFlushOnStop) o.line('lvs_flush_on_stop');
  if (gd.lvsTimeouts) {
    const t = gd.lvsTimeouts;
    o.line('lvs_timeouts', ...(t.tcp !== undefined ? ['tcp', t.tcp] : []), ...(t.tcpfin !== undefined ? ['tcpfin', t.tcpfin] : []), ...(t.udp !== undefined ? ['udp', t.udp] : []));
  }
  if (gd.vrrpGarpExtraIf) o.line('vrrp_garp_extra_if', gd.vrrpGarpExtraIf.all ? 'all' : undefined, gd.vrrpGarpExtraIf.intervalS);
  if (gd.vmacPrefix !== undefined) o.line('vmac_prefix', gd.vmacPrefix);
  if (gd.vmacAddrPrefix !== undefined) o.line('vmac_addr_prefix', gd.vmacAddrPrefix);
  if (gd.disableLocalIgmp) o.line('disable_local_igmp');
  if (gd.logUnknownVrids) o.line('log_unknown_vrids');
  const rx = gd.vrrpRxBufsPolicy;
  if (rx) o.line('vrrp_rx_bufs_policy', rx.kind === 'size' ? rx.bytes : rx.kind.toUpperCase());
  if (gd.vrrpRxBufsMultiplier !== undefined) o.line('vrrp_rx_bufs_multiplier', gd.vrrpRxBufsMultiplier);
  for (const [kind, b] of Object.entries(gd.netlinkRcvBufs ?? {})) {
    if (b.size !== undefined) o.line(`${kind}_rcv_bufs`, b.size);
    if (b.force !== undefined) o.line(`${kind}_rcv_bufs_force`, b.force ? 'true' : 'false');
  }
  if (gd.reloadCheckConfig !== undefined) o.line('reload_check_config', gd.reloadCheckConfig);
  if (gd.reloadTimeFile !== undefined) o.line('reload_time_file', gd.reloadTimeFile);
  if (gd.reloadRepeat) o.line('reload_repeat');
  if (gd.reloadFile !== undefined) o.line('reload_file', gd.reloadFile === true ? undefined : gd.reloadFile);
  if (gd.configSaveDir !== undefined) o.line('config_save_dir', gd.configSaveDir);
  if (gd.tmpConfigDirectory !== undefined) o.line('tmp_config_directory', gd.tmpConfigDirectory);
  if (gd.randomSeed !== undefined) o.line('random_seed', gd.randomSeed);
  if (gd.rsInitNotifies !== undefined) o.line('rs_init_notifies', gd.rsInitNotifies ? 'true' : 'false');
  extra(o, gd.extra);
  o.close();
}

/** garp_group, linkbeat_interfaces, interface_up_down_delays, linkbeat_use_polling (top level). */
function links(o: Out, cfg: KeepalivedConfig): void {
  if (cfg.linkbeatUsePolling) o.line('linkbeat_use_polling');
  for (const gg of cfg.garpGroups ?? []) {
    o.open('garp_group');
    if (gg.garpInterval !== undefined) o.line('garp_interval', gg.garpInterval);
    if (gg.gnaInterval !== undefined) o.line('gna_interval', gg.gnaInterval);
    if (gg.aggregationGroup !== undefined) { o.open('interfaces'); for (const i of gg.interfaces) o.line(i); o.close(); }
    else for (const i of gg.interfaces) o.line('interface', i);
    o.close();
  }
  if (cfg.linkbeatInterfaces?.length) { o.open('linkbeat_interfaces'); for (const l of cfg.linkbeatInterfaces) o.line(l.name, l.type); o.close(); }
  if (cfg.interfaceUpDownDelays?.length) {
    o.open('interface_up_down_delays');
    for (const d of cfg.interfaceUpDownDelays) o.line(d.name, d.downUs / 1e6, d.upUs / 1e6);
    o.close();
  }
}

function extra(o: Out, e: Record<string, string[]>): void { for (const [k, v] of Object.entries(e)) o.line(k, ...v); }

function vip(v: VirtualIp): (string | number | undefined)[] {
  const full = v.family === 'inet' ? 32 : 128;
  return [v.prefixLen === full ? v.address : `${v.address}/${v.prefixLen}`,
    ...(v.brd !== undefined ? ['brd', v.brd] : []), ...(v.dev !== undefined ? ['dev', v.dev] : []), ...(v.scope !== undefined ? ['scope', v.scope] : []),
    ...(v.label !== undefined ? ['label', v.label] : []), ...(v.peer !== undefined ? ['peer', v.peer] : []), ...v.options, ...(v.noTrack ? ['no_track'] : [])];
}

function track(o: Out, kw: string, refs: TrackRef[], withWeight = true): void {
  if (!refs.length) return;
  o.open(kw);
  for (const r of refs) o.line(r.name, ...(withWeight ? ['weight', r.weight] : []), r.reverse ? 'reverse' : undefined);
  o.close();
}

function instance(o: Out, vi: VrrpInstance, gd: GlobalDefs): void {
  o.open('vrrp_instance', vi.name);
  if (gd.lvsSyncDaemon?.fromInstance && gd.lvsSyncDaemon.instance === vi.name) o.line('lvs_sync_daemon_interface', gd.lvsSyncDaemon.interface);
  o.line('state', vi.state);
  if (vi.interface !== undefined) o.line('interface', vi.interface);
  if (vi.virtualRouterId !== undefined) o.line('virtual_router_id', vi.virtualRouterId);
  o.line('priority', vi.priority);
  o.line('advert_int', vi.advertInt);
  if (vi.nativeIpv6) o.line('native_ipv6');
  o.line('version', vi.version);
  if (vi.authentication) {
    o.open('authentication');
    if (vi.authentication.type) o.line('auth_type', vi.authentication.type);
    if (vi.authentication.pass !== undefined) o.line('auth_pass', vi.authentication.pass);
    o.close();
  }
  if (vi.virtualIpaddress.length) { o.open('virtual_ipaddress'); for (const v of vi.virtualIpaddress) o.line(...vip(v)); o.close(); }
  if (vi.virtualIpaddressExcluded.length) { o.open('virtual_ipaddress_excluded'); for (const v of vi.virtualIpaddressExcluded) o.line(...vip(v)); o.close(); }
  if (vi.virtualRoutes.length) { o.open('virtual_routes'); for (const r of vi.virtualRoutes) o.line(...routeWords(r)); o.close(); }
  if (vi.virtualRules.length) { o.open('virtual_rules'); for (const r of vi.virtualRules) o.line(...ruleWords(r)); o.close(); }
  track(o, 'track_script', vi.trackScript); track(o, 'track_interface', vi.trackInterface);
  track(o, 'track_file', vi.trackFile); track(o, 'track_process', vi.trackProcess);
  if (vi.dontTrackPrimary) o.line('dont_track_primary');
  if (vi.nopreempt) o.line('nopreempt');
  if (vi.preemptDelay) o.line('preempt_delay', vi.preemptDelay);
  if (vi.unicastSrcIp) o.line('unicast_src_ip', vi.unicastSrcIp);
  if (vi.unicastPeer.length) {
    o.open('unicast_peer');
    for (const p of vi.unicastPeer) o.line(p.address, ...(p.minTtl !== undefined ? ['min_ttl', p.minTtl] : []), ...(p.maxTtl !== undefined ? ['max_ttl', p.maxTtl] : []));
    o.close();
  }
  if (vi.unicastTtl !== undefined) o.line('unicast_ttl', vi.unicastTtl);
  if (vi.useVmac) o.line('use_vmac', vi.useVmac.name, vi.useVmac.mac);
  if (vi.useIpvlan) {
    const a = vi.useIpvlan.address;
    o.line('use_ipvlan', vi.useIpvlan.name, a ? `${a.address}/${a.prefixLen}` : undefined, vi.useIpvlan.mode);
  }
  if (vi.vrf !== undefined) o.line('vrf', vi.vrf);
  if (vi.vmacXmitBase) o.line('vmac_xmit_base');
  if (vi.accept !== undefined) o.line(vi.accept ? 'accept' : 'no_accept');
  // strict mode and the advert options as validation resolved them (the instance may differ from global_defs)
  if (vi.strictMode !== undefined) o.line('strict_mode', vi.strictMode ? 'true' : 'false');
  if (vi.skipCheckAdvAddr) o.line('skip_check_adv_addr', 'true');
  if (vi.checkUnicastSrc) o.line('check_unicast_src');
  if (vi.unicastFaultNoPeer) o.line('unicast_fault_no_peer');
  if (vi.oldUnicastChecksum) o.line('old_unicast_checksum', vi.oldUnicastChecksum === 'never' ? 'never' : undefined);
  if (vi.mcastDstIp) o.line('mcast_dst_ip', vi.mcastDstIp);
  if (vi.downTimerAdverts !== undefined) o.line('down_timer_adverts', vi.downTimerAdverts);
  if (vi.notifyPriorityChanges !== undefined) o.line('notify_priority_changes', vi.notifyPriorityChanges ? 'true' : 'false');
  if (vi.promoteSecondaries) o.line('promote_secondaries');
  for (const k of GARP_KEYWORDS) { const v = vi[`garp${k.param}`]; if (v !== undefined) o.line(k.name, v); }
  if (vi.lowerPrioNoAdvert !== undefined) o.line('lower_prio_no_advert', vi.lowerPrioNoAdvert ? 'true' : 'false');
  if (vi.higherPrioSendAdvert !== undefined) o.line('higher_prio_send_advert', vi.higherPrioSendAdvert ? 'true' : 'false');
  script(o, 'notify_master', vi.notifyMaster); script(o, 'notify_backup', vi.notifyBackup); script(o, 'notify_fault', vi.notifyFault);
  script(o, 'notify_stop', vi.notifyStop); script(o, 'notify', vi.notify); script(o, 'notify_master_rx_lower_pri', vi.notifyMasterRxLowerPri);
  if (vi.notifyDeleted) { if (vi.notifyDeleted.script) script(o, 'notify_deleted', vi.notifyDeleted.script); else o.line('notify_deleted'); }
  if (vi.smtpAlert !== undefined) o.line('smtp_alert', vi.smtpAlert ? 'true' : 'false');
  if (vi.debug !== undefined) o.line('debug', vi.debug);
  if (vi.garpExtraIf) o.line('garp_extra_if', vi.garpExtraIf.all ? 'all' : undefined, vi.garpExtraIf.intervalS);
  if (vi.useVmacAddr) o.line('use_vmac_addr');
  if (vi.trackSrcIp) o.line('track_src_ip');
  if (vi.kernelRxBufSize !== undefined) o.line('kernel_rx_buf_size', vi.kernelRxBufSize);
  if (vi.linkbeatUsePolling) o.line('linkbeat_use_polling');
  for (const [k, v] of Object.entries(vi.extra)) {
    if (k === 'track_bfd') { o.open(k); for (const w of v) o.line(w); o.close(); } else o.line(k, ...v);
  }
  o.close();
}

function vrrpScript(o: Out, s: VrrpScript): void {
  o.open('vrrp_script', s.name);
  script(o, 'script', s.script);
  o.line('interval', s.interval);
  if (s.timeout !== undefined) o.line('timeout', s.timeout);
  o.line('weight', s.weight, s.weightReverse ? 'reverse' : undefined);
  o.line('rise', s.rise); o.line('fall', s.fall);
  if (s.user) o.line('user', s.user.user, s.user.group);
  if (s.initFail) o.line('init_fail');
  o.close();
}

function syncGroup(o: Out, sg: VrrpSyncGroup): void {
  o.open('vrrp_sync_group', sg.name);
  o.open('group'); for (const n of sg.group) o.line(n); o.close();
  script(o, 'notify_master', sg.notifyMaster); script(o, 'notify_backup', sg.notifyBackup); script(o, 'notify_fault', sg.notifyFault);
  script(o, 'notify_stop', sg.notifyStop); script(o, 'notify', sg.notify);
  if (sg.smtpAlert !== undefined) o.line('smtp_alert', sg.smtpAlert ? 'true' : 'false');
  track(o, 'track_interface', sg.trackInterface); track(o, 'track_script', sg.trackScript); track(o, 'track_file', sg.trackFile); track(o, 'track_process', sg.trackProcess);
  if (sg.trackingWeight) o.line('sync_group_tracking_weight');
  if (sg.notifyPriorityChanges !== undefined) o.line('notify_priority_changes', sg.notifyPriorityChanges ? 'true' : 'false');
  for (const [k, v] of Object.entries(sg.extra)) {
    if (k === 'track_bfd' || k === 'track_process') { o.open(k); for (const w of v) o.line(w); o.close(); } else o.line(k, ...v);
  }
  o.close();
}

function trackFile(o: Out, t: TrackFile): void {
  o.open('track_file', t.name);
  if (t.file) o.line('file', t.file);
  o.line('weight', t.weight, t.reverse ? 'reverse' : undefined);
  if (t.initFile) o.line('init_file', t.initFile.value, t.initFile.overwrite ? 'overwrite' : undefined);
  o.close();
}

function trackProcess(o: Out, p: VrrpTrackProcess): void {
  o.open('vrrp_track_process', p.name);
  if (p.process.length) o.line('process', ...p.process);
  // parameters imply an exact match; a bare param_match asks for one without parameters
  if (p.paramMatch === 'initial' || p.paramMatch === 'partial') o.line('param_match', p.paramMatch);
  else if (p.paramMatch === 'exact' && p.process.length < 2) o.line('param_match');
  o.line('weight', p.weight, p.reverse ? 'reverse' : undefined);
  if (p.quorumMax !== 0) o.line('quorum', p.quorum);
  if (p.quorumMax !== undefined) o.line('quorum_max', p.quorumMax);
  if (p.terminateDelay !== undefined) o.line('terminate_delay', p.terminateDelay);
  if (p.forkDelay !== undefined) o.line('fork_delay', p.forkDelay);
  if (p.fullCommand) o.line('full_command');
  o.close();
}

function vsGroup(o: Out, gr: VirtualServerGroup): void {
  o.open('virtual_server_group', gr.name);
  for (const e of gr.entries) {
    if (e.kind === 'fwmark') o.line('fwmark', e.fwmark, e.family);
    else o.line(e.first === e.last ? e.first : `${e.first}-${e.last}`, e.port);
  }
  o.close();
}

function common(o: Out, c: Checker): void {
  if (c.connectIp !== undefined) o.line('connect_ip', c.connectIp);
  if (c.connectPort !== undefined) o.line('connect_port', c.connectPort);
  if (c.bindto !== undefined) o.line('bindto', c.bindto);
  if (c.bindPort !== undefined) o.line('bind_port', c.bindPort);
  if (c.bindIf !== undefined) o.line('bind_if', c.bindIf);
  if (c.connectTimeout !== undefined) o.line('connect_timeout', c.connectTimeout);
  if (c.fwmark !== undefined) o.line('fwmark', c.fwmark);
  if (c.retry !== undefined) o.line('retry', c.retry);
  if (c.delayBeforeRetry !== undefined) o.line('delay_before_retry', c.delayBeforeRetry);
  if (c.warmup !== undefined) o.line('warmup', c.warmup);
  if (c.delayLoop !== undefined) o.line('delay_loop', c.delayLoop);
  if (c.alpha !== undefined) o.line('alpha', c.alpha ? 'true' : 'false');
  if (c.logAllFailures !== undefined) o.line('log_all_failures', c.logAllFailures ? 'true' : 'false');
}

function url(o: Out, u: HttpUrl): void {
  o.open('url');
  if (u.path) o.line('path', u.path);
  if (u.digest) o.line('digest', u.digest);
  if (u.statusCode?.length) o.line('status_code', ...u.statusCode.map((s) => (s.from === s.to ? String(s.from) : `${s.from}-${s.to}`)));
  if (u.virtualhost) o.line('virtualhost', u.virtualhost);
  if (u.regex) o.raw(`regex ${quoteQuotedEscaped(u.regex)}`);
  if (u.regexNoMatch) o.line('regex_no_match');
  if (u.regexOptions?.length) o.line('regex_options', ...u.regexOptions);
  if (u.regexMinOffset !== undefined) o.line('regex_min_offset', u.regexMinOffset);
  if (u.regexMaxOffset !== undefined) o.line('regex_max_offset', u.regexMaxOffset);
  if (u.regexStack) o.line('regex_stack', ...u.regexStack);
  o.close();
}

function checker(o: Out, c: Checker): void {
  o.open(c.type);
  common(o, c);
  switch (c.type) {
    case 'HTTP_GET': case 'SSL_GET':
      if (c.virtualhost) o.line('virtualhost', c.virtualhost);
      if (c.httpProtocol) o.line('http_protocol', c.httpProtocol);
      if (c.enableSni !== undefined) o.line('enable_sni', c.enableSni ? 'true' : 'false');
      if (c.fastRecovery !== undefined) o.line('fast_recovery', c.fastRecovery ? 'true' : 'false');
      for (const u of c.urls) url(o, u);
      break;
    case 'SMTP_CHECK':
      if (c.heloName) o.line('helo_name', c.heloName);
      for (const h of c.hosts ?? []) { o.open('host'); common(o, { type: 'SMTP_CHECK', ...h }); o.close(); }
      break;
    case 'MISC_CHECK':
      if (c.miscPath.raw) script(o, 'misc_path', c.miscPath);
      if (c.miscTimeout !== undefined) o.line('misc_timeout', c.miscTimeout);
      if (c.miscDynamic) o.line('misc_dynamic');
      if (c.user) o.line('user', c.user.user, c.user.group);
      break;
    case 'DNS_CHECK': o.line('type', c.queryType); o.line('name', c.name); break;
    case 'UDP_CHECK':
      if (c.payload !== undefined) o.line('payload', c.payload);
      if (c.requireReply !== undefined) o.line('require_reply', c.requireReply === true ? undefined : c.requireReply);
      if (c.minReplyLength !== undefined) o.line('min_reply_length', c.minReplyLength);
      if (c.maxReplyLength !== undefined) o.line('max_reply_length', c.maxReplyLength);
      break;
    case 'FILE_CHECK':
      if (c.trackFile) o.line('track_file', c.trackFile);
      if (c.weight !== undefined) o.line('weight', c.weight, c.reverse ? 'reverse' : undefined);
      break;
    case 'BFD_CHECK': if (c.name) o.line('name', c.name); break;
    default: break;
  }
  o.close();
}

function realServer(o: Out, rs: RealServer, vs: VirtualServer): void {
  o.open('real_server', rs.address, vs.vs.kind === 'ip' && rs.port === 0 ? undefined : rs.port);
  o.line('weight', rs.weight);
  if (rs.inhibitOnFailure !== undefined) o.line('inhibit_on_failure', rs.inhibitOnFailure ? 'true' : 'false');
  script(o, 'notify_up', rs.notifyUp); script(o, 'notify_down', rs.notifyDown);
  if (rs.lvsMethod) o.line('lvs_method', ...methodWords(rs.lvsMethod, rs.tunnel));
  if (rs.smtpAlert !== undefined) o.line('smtp_alert', rs.smtpAlert ? 'true' : 'false');
  if (rs.alpha !== undefined) o.line('alpha', rs.alpha ? 'true' : 'false');
  if (rs.retry !== undefined) o.line('retry', rs.retry);
  if (rs.delayBeforeRetry !== undefined) o.line('delay_before_retry', rs.delayBeforeRetry);
  if (rs.warmup !== undefined) o.line('warmup', rs.warmup);
  if (rs.connectTimeout !== undefined) o.line('connect_timeout', rs.connectTimeout);
  if (rs.delayLoop !== undefined) o.line('delay_loop', rs.delayLoop);
  if (rs.virtualhost !== undefined) o.line('virtualhost', rs.virtualhost);
  if (rs.uthreshold !== undefined) o.line('uthreshold', rs.uthreshold);
  if (rs.lthreshold !== undefined) o.line('lthreshold', rs.lthreshold);
  const ex = rs.extra;
  for (const [k, v] of Object.entries(ex)) if (!k.startsWith('url.')) o.line(k, ...v);
  for (const c of rs.checkers) checker(o, c);
  o.close();
}

function virtualServer(o: Out, vs: VirtualServer): void {
  const a = vs.vs;
  if (a.kind === 'ip') o.open('virtual_server', a.address, a.port === 0 ? undefined : a.port);
  else if (a.kind === 'fwmark') o.open('virtual_server', 'fwmark', a.fwmark, a.family);
  else o.open('virtual_server', 'group', a.group);
  // weight first: real servers take the VS weight as their default when declared.
  o.line('weight', vs.weight);
  o.line('lb_algo', vs.lbAlgo);
  o.line('lb_kind', ...methodWords(vs.lbKind, vs.tunnel));
  if (a.kind !== 'fwmark') o.line('protocol', vs.protocol);
  o.line('delay_loop', vs.delayLoop);
  if (vs.persistenceTimeout !== undefined) o.line('persistence_timeout', vs.persistenceTimeout);
  if (vs.persistenceGranularity) o.line('persistence_granularity', vs.persistenceGranularity);
  if (vs.connectTimeout !== undefined) o.line('connect_timeout', vs.connectTimeout);
  if (vs.retry !== undefined) o.line('retry', vs.retry);
  if (vs.delayBeforeRetry !== undefined) o.line('delay_before_retry', vs.delayBeforeRetry);
  if (vs.warmup !== undefined) o.line('warmup', vs.warmup);
  if (vs.inhibitOnFailure) o.line('inhibit_on_failure', 'true');
  if (vs.sorryServer) {
    const s = vs.sorryServer;
    o.line('sorry_server', s.address, s.port === 0 ? undefined : s.port);
    if (s.inhibit) o.line('sorry_server_inhibit');
    if (s.lvsMethod) o.line('sorry_server_lvs_method', ...methodWords(s.lvsMethod, s.tunnel));
  }
  o.line('quorum', vs.quorum);
  o.line('hysteresis', vs.hysteresis);
  script(o, 'quorum_up', vs.quorumUp); script(o, 'quorum_down', vs.quorumDown);
  if (vs.alpha) o.line('alpha', 'true');
  if (vs.omega) o.line('omega', 'true');
  if (vs.virtualhost) o.line('virtualhost', vs.virtualhost);
  if (vs.smtpAlert !== undefined) o.line('smtp_alert', vs.smtpAlert ? 'true' : 'false');
  if (vs.haSuspend) o.line('ha_suspend');
  if (vs.ops) o.line('ops');
  for (const f of vs.schedFlags) o.line(f);
  if (vs.ipFamily) o.line('ip_family', vs.ipFamily);
  extra(o, vs.extra);
  for (const rs of vs.realServers) realServer(o, rs, vs);
  o.close();
}

export function printConfig(cfg: KeepalivedConfig): string {
  const o = new Out();
  if (cfg.netNamespace !== undefined) o.line('net_namespace', cfg.netNamespace);
  if (cfg.netNamespaceIpvs !== undefined) o.line('net_namespace_ipvs', cfg.netNamespaceIpvs || undefined);
  if (cfg.namespaceWithIpsets) o.line('namespace_with_ipsets');
  if (cfg.instanceName !== undefined) o.line('instance', cfg.instanceName);
  else if (cfg.usePidDir) o.line('use_pid_dir');
  g(o, cfg.global);
  if (cfg.global.childWaitTime !== 5) o.line('child_wait_time', cfg.global.childWaitTime);
  links(o, cfg);
  for (const e of cfg.extra) {
    if (!e.lines) { o.line(e.keyword, ...e.args); continue; }
    o.open(e.keyword, ...e.args);
    for (const l of e.lines) {
      if (l[0] === '{') { o.raw('{'); o.depth++; } else if (l[0] === '}') { o.depth--; o.raw('}'); } else o.line(...l);
    }
    o.close();
  }
  if (cfg.staticIpaddress.length) { o.open('static_ipaddress'); for (const v of cfg.staticIpaddress) o.line(...vip(v)); o.close(); }
  if (cfg.staticRoutes.length) { o.open('static_routes'); for (const r of cfg.staticRoutes) o.line(...routeWords(r)); o.close(); }
  if (cfg.staticRules.length) { o.open('static_rules'); for (const r of cfg.staticRules) o.line(...ruleWords(r)); o.close(); }
  for (const s of cfg.vrrpScripts) vrrpScript(o, s);
  for (const t of cfg.trackFiles) trackFile(o, t);
  for (const p of cfg.trackProcesses) trackProcess(o, p);
  for (const vi of cfg.vrrpInstances) instance(o, vi, cfg.global);
  for (const sg of cfg.vrrpSyncGroups) syncGroup(o, sg);
  for (const gr of cfg.virtualServerGroups) vsGroup(o, gr);
  for (const vs of cfg.virtualServers) virtualServer(o, vs);
  return o.lines.join('\n') + '\n';
}

/** NAT | DR | TUN type T [port N] [csum]: the words of an lb_kind / lvs_method line. */
function methodWords(kind: string,
    t: { type: string; port?: number; csum?: string } | undefined): (string | number | undefined)[] {
  if (kind !== 'TUN' || !t) return [kind];
  return ['TUN', 'type', t.type, ...(t.port !== undefined ? ['port', t.port] : []), t.csum];
}
