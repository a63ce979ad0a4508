// Test fixtures for the checker tests: model builders with keepalived's defaults, fake timers
// driven by a FakeClock, a scripted probe world and a recording LvsSink.
import type { Checker, GlobalDefs, KeepalivedConfig, RealServer, VirtualServer } from '../../../src/config/model.js';
import type { LvsDesiredState, LvsSink } from '../../../src/common/lvs-desired.js';
import { FakeClock } from '../../../src/common/clock.js';
import type { Timers } from '../../../src/check/scheduler.js';
import type { Outcome } from '../../../src/check/core/checker-fsm.js';
import type { Probe } from '../../../src/check/probes/types.js';

export function mkRs(address: string, port: number, checkers: Checker[], extra: Partial<RealServer> = {}): RealServer {
  return { address, port, family: 'inet', weight: 1, checkers, extra: {}, ...extra };
}

export function mkVs(address: string, port: number, rss: RealServer[], extra: Partial<VirtualServer> = {}): VirtualServer {
  return {
    vs: { kind: 'ip', address, port, family: 'inet' }, lbAlgo: 'rr', lbKind: 'DR', protocol: 'TCP', delayLoop: 60,
    inhibitOnFailure: false, quorum: 1, hysteresis: 0, alpha: false, omega: false, haSuspend: false, weight: 1, ops: false,
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

export class FakeTimers implements Timers {
  private seq = 0;
  private q = new Map<number, { at: number; fn: () => void }>();
  /** set() calls. */
  sets = 0;
  constructor(readonly clock: FakeClock) {}
  set(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.sets++;
    this.q.set(id, { at: this.clock.now() + ms, fn });
    return id;
  }
  clear(h: unknown): void { this.q.delete(h as number); }
  pending(): number { return this.q.size; }
  /** Runs every timer due up to now+ms in time order, letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const target = this.clock.now() + ms;
    for (;;) {
      let best: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.q) if (e[1].at <= target && (!best || e[1].at < best[1].at || (e[1].at === best[1].at && e[0] < best[0]))) best = e;
      if (!best) break;
      // Like Node's timers phase: every timer due at that instant runs before I/O callbacks.
      const at = best[1].at;
      const due = [...this.q].filter((e) => e[1].at === at).sort((a, b) => a[0] - b[0]);
      this.clock.set(Math.max(this.clock.now(), at));
      for (const [id, e] of due) { if (this.q.delete(id)) e.fn(); }
      await settle();
    }
    this.clock.set(target);
    await settle();
  }
}

export async function settle(): Promise<void> {
  for (let k = 0; k < 5; k++) await new Promise((r) => setImmediate(r));
}

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
