// Test fixtures for the checker tests: model builders with keepalived's defaults, fake timers
// driven by a FakeClock, a scripted probe world and a recording LvsSink.
import type { Checker, GlobalDefs, KeepalivedConfig, RealServer, VirtualServer } from '../../../src/config/model.js';
import type { LvsDesiredState, LvsSink } from '../../../src/common/lvs-desired.js';
import { FakeClock } from '../../../src/common/clock.js';
import type { Outcome } from '../../../src/check/core/checker-fsm.js';
import type { Probe } from '../../../src/check/probes/types.js';

export function mkRs(address: string, port: number, checkers: Checker[], extra: Partial<RealServer> = {}): RealServer {
  return { address, port, family: 'inet', weight: 1, checkers, extra: {}, ...extra };
}

export function mkVs(address: string, port: number, rss: RealServer[],
    extra: Partial<VirtualServer> = {}): VirtualServer {
  return {
    vs: { kind: 'ip', address, port, family: 'inet' }, lbAlgo: 'rr', lbKind: 'DR', protocol: 'TCP', delayLoop: 60,
    inhibitOnFailure: false, quorum: 1, hysteresis: 0, alpha: false, omega: false,
    haSuspend: false, weight: 1, ops: false,
    schedFlags: [], realServers: rss, extra: {}, ...extra,
  };
}

export function mkConfig(vss: VirtualServer[], global: Partial<GlobalDefs> = {}): KeepalivedConfig {
  return {
    files: ['test.conf'],
    global: { checkerLogAllFailures: false, noCheckerEmails: false, ...global } as GlobalDefs,
    vrrpScripts: [], trackFiles: [], trackProcesses: [], vrrpInstances: [], vrrpSyncGroups: [], virtualServerGroups: [],
    virtualServers: vss, staticIpaddress: [], staticRoutes: [], staticRules: [], extra: [],
  };
}

export { FakeTimers, settle } from '../../helpers/fake-timers.js';

/** Probe outcomes decided by a function of (address, url index, now). */
export class World {
  calls: string[] = [];
  constructor(public decide: (addr: string, urlIdx: number, type: string) => Outcome) {}
  factory = (c: Checker, p: { connectIp: string; connectPort: number }): Probe => ({
    key: (u) => `${c.type}|${p.connectIp}|${p.connectPort}|${u}|${Math.random()}`,
    run: async (u) => { this.calls.push(`${c.type} ${p.connectIp} ${u}`); return this.decide(p.connectIp, u, c.type); },
  });
}

export class RecordingSink implements LvsSink {
  states: LvsDesiredState[] = [];
  async apply(s: LvsDesiredState): Promise<void> { this.states.push(JSON.parse(JSON.stringify(s, (k, v) => (k === 'vs' && v && v.realServers ? undefined : v)))); }
  last(): LvsDesiredState | undefined { return this.states[this.states.length - 1]; }
  dests(): string[] { return (this.last()?.services[0]?.destinations ?? []).map((d) => `${d.address}:${d.port}/${d.weight}`); }
}

/** Random source returning a fixed list of values, then 0. */
export function fixedRandom(values: number[]): () => number {
  let i = 0;
  return () => values[i++] ?? 0;
}
