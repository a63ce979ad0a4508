// Builds complete KeepalivedConfig objects for daemon tests from a few overrides, with
// keepalived's defaults everywhere else (what the parser fills in).
import type { GlobalDefs, KeepalivedConfig, VrrpInstance, VrrpScript } from '../../../src/config/model.js';

export function globalDefs(o: Partial<GlobalDefs> = {}): GlobalDefs {
  return {
    routerId: 'vm', notificationEmail: [], notificationEmailFrom: 'keepalived@vm', smtpConnectTimeout: 30,
    smtpHeloName: 'vm', noEmailFaults: false, checkerLogAllFailures: false, noCheckerEmails: false,
    enableScriptSecurity: false, vrrpVersion: 2, vrrpStrict: false, vrrpSkipCheckAdvAddr: false,
    vrrpCheckUnicastSrc: false, vrrpGarpMasterDelay: 5, vrrpGarpMasterRepeat: 5, vrrpGarpMasterRefresh: 0,
    vrrpGarpMasterRefreshRepeat: 1, vrrpGarpInterval: 0, vrrpGnaInterval: 0, vrrpMinGarp: false,
    vrrpLowerPrioNoAdvert: false, vrrpHigherPrioSendAdvert: false, vrrpDownTimerAdverts: 3,
    vrrpNotifyPriorityChanges: false, fifoWriteVrrpStatesOnReload: false,
    vrrpMcastGroup4: '224.0.0.18', vrrpMcastGroup6: 'ff02::12', defaultInterface: 'eth0', dynamicInterfaces: false,
    vrrpStartupDelay: 0, lvsFlush: false, lvsFlushOnStop: false, jsonVersion: 1, childWaitTime: 5, extra: {},
    ...o,
  };
}

export function instance(name: string, o: Partial<VrrpInstance> = {}): VrrpInstance {
  return {
    name, state: 'BACKUP', priority: 100, advertInt: 1, version: 2, family: 'inet', nativeIpv6: false,
    virtualIpaddress: [], virtualIpaddressExcluded: [], virtualRoutes: [], virtualRules: [], trackInterface: [],
    trackScript: [], trackFile: [], trackProcess: [], dontTrackPrimary: false, nopreempt: false, preemptDelay: 0,
    unicastPeer: [], vmacXmitBase: false, skipCheckAdvAddr: false, checkUnicastSrc: false,
    promoteSecondaries: false, noVirtualIpaddress: false, unicastFaultNoPeer: false, extra: {},
    ...o,
  };
}

export function script(name: string, argv: string[], o: Partial<VrrpScript> = {}): VrrpScript {
  return { name, script: { argv, raw: argv.join(' ') }, interval: 1, weight: 0, weightReverse: false, rise: 1, fall: 1, initFail: false, ...o };
}

export function config(o: Partial<KeepalivedConfig> = {}): KeepalivedConfig {
  return {
    files: ['/etc/keepalived/keepalived.conf'], global: globalDefs(), vrrpScripts: [], trackFiles: [], trackProcesses: [],
    vrrpInstances: [], vrrpSyncGroups: [], virtualServerGroups: [], virtualServers: [], staticIpaddress: [],
    staticRoutes: [], staticRules: [], extra: [],
    ...o,
  };
}
