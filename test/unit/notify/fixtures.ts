// Small config builders for notify tests (independent of the parser).
import type { GlobalDefs, KeepalivedConfig, RealServer, ScriptSpec, VirtualServer, VrrpInstance, VrrpSyncGroup } from '../../../src/config/model.js';

export function script(...argv: string[]): ScriptSpec {
  return { argv, raw: argv.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' ') };
}

export function globalDefs(over: Partial<GlobalDefs> = {}): GlobalDefs {
  return {
    routerId: 'lab_r1', notificationEmail: [], notificationEmailFrom: 'root@vm', smtpConnectTimeout: 30, smtpHeloName: 'vm',
    noEmailFaults: false, checkerLogAllFailures: false, noCheckerEmails: false, enableScriptSecurity: false,
    vrrpVersion: 2, vrrpStrict: false, vrrpSkipCheckAdvAddr: false, vrrpCheckUnicastSrc: false, vrrpGarpMasterDelay: 5,
    vrrpGarpMasterRepeat: 5, vrrpGarpMasterRefresh: 0, vrrpGarpMasterRefreshRepeat: 1,
    vrrpGarpInterval: 0, vrrpGnaInterval: 0,
    vrrpMinGarp: false, vrrpLowerPrioNoAdvert: false, vrrpHigherPrioSendAdvert: false, vrrpDownTimerAdverts: 3,
    vrrpNotifyPriorityChanges: false, fifoWriteVrrpStatesOnReload: false, vrrpMcastGroup4: '224.0.0.18', vrrpMcastGroup6: 'ff02::12', defaultInterface: 'eth0',
    dynamicInterfaces: false, vrrpStartupDelay: 0, lvsFlush: false, lvsFlushOnStop: false,
    jsonVersion: 1, childWaitTime: 5,
    extra: {}, ...over,
  };
}

export function instance(name: string, over: Partial<VrrpInstance> = {}): VrrpInstance {
  return {
    name, state: 'BACKUP', priority: 100, advertInt: 1, version: 2, family: 'inet', nativeIpv6: false,
    virtualIpaddress: [], virtualIpaddressExcluded: [], virtualRoutes: [], virtualRules: [],
    trackInterface: [], trackScript: [],
    trackFile: [], trackProcess: [], dontTrackPrimary: false, nopreempt: false, preemptDelay: 0, unicastPeer: [],
    vmacXmitBase: false, skipCheckAdvAddr: false, checkUnicastSrc: false, promoteSecondaries: false,
    noVirtualIpaddress: false, unicastFaultNoPeer: false, extra: {}, ...over,
  };
}

export function group(name: string, members: string[], over: Partial<VrrpSyncGroup> = {}): VrrpSyncGroup {
  return { name, group: members, trackInterface: [], trackScript: [], trackFile: [], trackProcess: [],
    trackingWeight: false, extra: {}, ...over };
}

export function realServer(address: string, port: number, over: Partial<RealServer> = {}): RealServer {
  return { address, port, family: 'inet', weight: 1, checkers: [{ type: 'TCP_CHECK' }], extra: {}, ...over };
}

export function virtualServer(address: string, port: number, rss: RealServer[],
    over: Partial<VirtualServer> = {}): VirtualServer {
  return {
    vs: { kind: 'ip', address, port, family: 'inet' }, lbAlgo: 'rr', lbKind: 'DR', protocol: 'TCP', delayLoop: 2,
    inhibitOnFailure: false, quorum: 1, hysteresis: 0, alpha: false, omega: false,
    haSuspend: false, weight: 1, ops: false,
    schedFlags: [], realServers: rss, extra: {}, ...over,
  };
}

export function config(over: Partial<KeepalivedConfig> & { global?: GlobalDefs } = {}): KeepalivedConfig {
  return {
    files: ['/etc/keepalived/keepalived.conf'], global: globalDefs(), vrrpScripts: [], trackFiles: [], trackProcesses: [],
    vrrpInstances: [], vrrpSyncGroups: [], virtualServerGroups: [], virtualServers: [],
    staticIpaddress: [], staticRoutes: [],
    staticRules: [], extra: [], ...over,
  };
}
