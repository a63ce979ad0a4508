// Runs one checker scenario folder (test/unit/check/scenarios/<name>/; the files and the comparison are
// test/helpers/jsonl-scenarios.ts) and returns every line it produced; scenarios.test.ts compares them
// with expected-actions.jsonl, scenarios/record.ts writes that. events.jsonl line 1, the header, names
// what runs: the per-checker FSM, the RS/VS core (both pure) or the checker engine on a fake clock.
//
// FSM (src/check/core/checker-fsm.ts): { "title", "checker": overrides of BASE_CTX, "alpha"?: boolean }
//     { "outcome": Outcome }   one probe outcome; the checker's time "at" moves on by the step's delay
//     { "snapshot": true }     records the FSM state
// RS/VS core (src/check/core/lvs-core.ts): { "title", "vs": VirtualServer overrides (mkVs), "rss":
//   [RealServer overrides (mkRs) + "failed"?: checkers down at start], "global"?: GlobalDefs overrides };
//   steps (rs = index in rss):
//     { "init": true, "initNotifies"?: boolean }    initVs (start: alive, quorum)
//     { "initRs": rs, "initNotifies"?: boolean }    initRs (a real server a reload adds)
//     { "checker": rs, "up": boolean }             checkerChanged (one checker of it changed state)
//     { "weight": rs, "to": number }               setWeight (misc_dynamic / FILE_CHECK)
//     { "quorum": true }                           updateQuorum, not at start
//     { "clear": rs, "stopping": boolean }         clearRs (reload removal / shutdown)
//     { "snapshot": true }                         quorum, sorry server, each RS, the IPVS destinations
// Engine (src/check/index.ts startCheckers with fake timers and scripted probes): { "title", "engine":
//   { "vs", "rss" (with "checkers"), "global"? }, "servers": { address: [[fromMs, Outcome], ...] } (what
//   it answers from that time on), "random"?: [the engine's draws, then 0], "keepalived"?: { "capture",
//   "lines", "ipvs"? } (keepalived 2.2.7's checker lines and destination sets of the first service, as
//   last octets "21,22", "-" for none: scenarios.test.ts requires the same) }; steps:
//     { "advance": ms }        time passes (probes answer, timers fire)
//     { "stop": true }         stops the engine (done after the last step anyway)
//
// Lines, in order, each with "step" (its line in events.jsonl; the engine's start is line 1): FSM "log",
// "weight", "effWeight", "update" (with the mail fields), "next" (the delay, or immediate), with "at";
// core "log", "event" (its kind as "event", without the model objects), "change" (the LvsChange, its kind
// as "change", its RS by text); engine "log", "event" and "ipvs" (each IPVS state handed over: per
// service its destinations as address:port/weight), with "at". Every field of an FSM Step is placed: a
// field the runner does not know fails the run.
import { initialFsm, stepChecker, type FsmCtx, type FsmState, type Outcome, type Step } from '../../../src/check/core/checker-fsm.js';
import {
  checkerChanged, clearRs, desiredService, initRs, initVs, newVsState, setWeight, updateQuorum,
  type CoreOut, type LvsChange, type VsState,
} from '../../../src/check/core/lvs-core.js';
import type { CheckerEvent } from '../../../src/check/events.js';
import { startCheckers } from '../../../src/check/index.js';
import { FakeClock } from '../../../src/common/clock.js';
import { makeLogger } from '../../../src/common/log.js';
import type { GlobalDefs, RealServer, VirtualServer } from '../../../src/config/model.js';
import { loadScenario as loadJsonl, type Line, type Scenario } from '../../helpers/jsonl-scenarios.js';
import { FakeTimers, mkConfig, mkRs, mkVs, World } from './fixtures.js';

/** The checker context a scenario's "checker" overrides. */
export const BASE_CTX: FsmCtx = {
  type: 'TCP_CHECK', rsText: '[10.0.0.2]:tcp:80', vsText: '[10.0.0.100]:tcp:80', retry: 1, delayLoopMs: 6000,
  delayBeforeRetryMs: 1000, logAll: false, urlPaths: ['/'], fastRecovery: false, miscArg0: '/bin/check',
  miscDynamic: false, rsWeight: 5, fileWeight: 0, fileReverse: false, rsEffWeight: 5,
};

interface HeaderBase { title: string }
export interface FsmHeader extends HeaderBase { checker: Partial<FsmCtx>; alpha?: boolean }
export interface CoreHeader extends HeaderBase {
  vs: Partial<VirtualServer> & { address?: string; port?: number };
  /** `failed`: how many of its checkers start down (alpha), as the engine counts them before init. */
  rss: (Partial<RealServer> & { address: string; port: number; failed?: number })[];
  global?: Partial<GlobalDefs>;
}
export interface EngineHeader extends HeaderBase {
  engine: { vs: CoreHeader['vs']; rss: (Partial<RealServer> & { address: string; port: number })[]; global?: Partial<GlobalDefs> };
  servers: Record<string, [number, Outcome][]>;
  random?: number[];
  keepalived?: { capture: string; lines: string[]; ipvs?: string[] };
}
export type CheckHeader = FsmHeader | CoreHeader | EngineHeader;

type FsmStep = { outcome: Outcome } | { snapshot: true };
type CoreStep =
  | { init: true; initNotifies?: boolean } | { initRs: number; initNotifies?: boolean }
  | { checker: number; up: boolean } | { weight: number; to: number } | { quorum: true }
  | { clear: number; stopping: boolean } | { snapshot: true };
type EngineStep = { advance: number } | { stop: true };
export type CheckStep = FsmStep | CoreStep | EngineStep;
export type CheckScenario = Scenario<CheckHeader, CheckStep>;

export function loadScenario(dir: string, name: string): CheckScenario {
  const s = loadJsonl<CheckHeader, CheckStep>(dir, name);
  if (['checker', 'vs', 'engine'].filter((k) => k in s.header).length !== 1) {
    throw new Error(`${name}: the header needs one of "checker", "vs", "engine"`);
  }
  return s;
}

/** The lines as JSON has them (an undefined field is no field), to compare with the file. */
export async function runScenario(s: CheckScenario): Promise<Line[]> {
  const h = s.header;
  const lines = 'checker' in h ? runFsm(s, h) : 'vs' in h ? runCore(s, h) : await runEngine(s, h);
  return JSON.parse(JSON.stringify(lines)) as Line[];
}

/** events.jsonl line of step i (line 1 is the header). */
const lineOf = (i: number): number => i + 2;

function runFsm(s: CheckScenario, h: FsmHeader): Line[] {
  const c: FsmCtx = { ...BASE_CTX, ...h.checker };
  const st = initialFsm(!!h.alpha);
  const out: Line[] = [];
  let at = 0;
  s.steps.forEach((raw, i) => {
    const step = lineOf(i);
    if ('snapshot' in raw) { out.push({ step, at, snapshot: fsmSnapshot(st) }); return; }
    if (!('outcome' in raw)) throw new Error(`${s.name}: events.jsonl:${step}: not a checker step ${JSON.stringify(raw)}`);
    const r = stepChecker(st, c, raw.outcome);
    out.push(...stepLines(r, step, at, s.name));
    at += r.immediate ? 0 : r.delayMs;
  });
  return out;
}

function fsmSnapshot(s: FsmState): FsmState { return { ...s }; }

/** A Step as lines; every field is placed, an unknown one is an error (so none goes unchecked). */
function stepLines(r: Step, step: number, at: number, name: string): Line[] {
  const { logs, delayMs, immediate, update, mailBody, alertEvenIfUnchanged, weight, effWeight, ...rest } = r;
  if (Object.keys(rest).length) throw new Error(`${name}: step ${step}: unmapped Step fields ${Object.keys(rest).join(', ')}`);
  const out: Line[] = logs.map((msg) => ({ step, at, kind: 'log', msg }));
  if (weight !== undefined) out.push({ step, at, kind: 'weight', weight });
  if (effWeight !== undefined) out.push({ step, at, kind: 'effWeight', effWeight });
  if (update !== undefined) {
    out.push({ step, at, kind: 'update', up: update, ...(mailBody !== undefined ? { mailBody } : {}),
      ...(alertEvenIfUnchanged !== undefined ? { alertEvenIfUnchanged } : {}) });
  } else if (mailBody !== undefined || alertEvenIfUnchanged !== undefined) {
    out.push({ step, at, kind: 'mail', mailBody, alertEvenIfUnchanged });
  }
  out.push({ step, at, kind: 'next', ...(immediate ? { immediate: true } : {}), delayMs });
  return out;
}

function runCore(s: CheckScenario, h: CoreHeader): Line[] {
  const { address = '10.0.0.100', port = 80, ...vsOver } = h.vs;
  const vs = mkVs(address, port, h.rss.map(({ address: a, port: p, failed: _f, ...o }) => mkRs(a, p, [], o)), vsOver);
  const v = newVsState(vs, h.global);
  h.rss.forEach((r, i) => { v.rss[i]!.numFailed = r.failed ?? 0; });
  const out: Line[] = [];
  let step = 0;
  const core: CoreOut = {
    log: (msg) => out.push({ step, kind: 'log', msg }),
    event: (e) => out.push({ step, ...eventLine(e) }),
  };
  const rs = (i: number) => {
    const r = v.rss[i];
    if (!r) throw new Error(`${s.name}: events.jsonl:${step}: no real server ${i}`);
    return r;
  };
  const changes = (ch: readonly LvsChange[]): void => {
    for (const { kind, ...c } of ch) out.push({ step, kind: 'change', change: kind, ...('rs' in c ? { ...c, rs: c.rs.text } : c) });
  };
  s.steps.forEach((raw, i) => {
    step = lineOf(i);
    if ('snapshot' in raw) out.push({ step, snapshot: coreSnapshot(v) });
    else if ('init' in raw) changes(initVs(v, core, raw.initNotifies));
    else if ('initRs' in raw) changes(initRs(v, rs(raw.initRs), core, raw.initNotifies));
    else if ('checker' in raw) changes(checkerChanged(v, rs(raw.checker), raw.up, core));
    else if ('weight' in raw) changes(setWeight(v, rs(raw.weight), raw.to, core));
    else if ('quorum' in raw) changes(updateQuorum(v, core, false));
    else if ('clear' in raw) changes(clearRs(v, rs(raw.clear), core, raw.stopping));
    else throw new Error(`${s.name}: events.jsonl:${step}: not a core step ${JSON.stringify(raw)}`);
  });
  return out;
}

/** The VS as the core holds it, and the IPVS destinations it wants. */
function coreSnapshot(v: VsState): Line {
  return {
    quorumUp: v.quorumUp, sorryAlive: v.sorryAlive,
    rss: v.rss.map((r) => ({ rs: r.text, alive: r.alive, set: r.set, numFailed: r.numFailed, effWeight: r.effWeight })),
    ipvs: desiredService(v).destinations,
  };
}

/** An event without the model objects (its texts name the servers). */
function eventLine(e: CheckerEvent): Line {
  const { kind, vs: _vs, rs: _rs, ...rest } = e as CheckerEvent & { rs?: unknown };
  return { kind: 'event', event: kind, ...rest };
}

/** What a scripted server answers at `now`: its last entry from a time at or before now. */
function answer(s: CheckScenario, timeline: [number, Outcome][] | undefined, addr: string, now: number): Outcome {
  let o: Outcome | undefined;
  for (const [from, x] of timeline ?? []) if (from <= now) o = x;
  if (!o) throw new Error(`${s.name}: server ${addr} has no answer at ${now} ms`);
  return o;
}

async function runEngine(s: CheckScenario, h: EngineHeader): Promise<Line[]> {
  const { address = '10.0.0.100', port = 80, ...vsOver } = h.engine.vs;
  const rss = h.engine.rss.map(({ address: a, port: p, checkers = [], ...o }) => mkRs(a, p, checkers, o));
  const vs = mkVs(address, port, rss, vsOver);
  const clock = new FakeClock(0);
  const timers = new FakeTimers(clock);
  const out: Line[] = [];
  let step = 1;
  const logger = makeLogger((_level, msg) => out.push({ step, at: clock.now(), kind: 'log', msg }), 0);
  const world = new World((addr) => answer(s, h.servers[addr], addr, clock.now()));
  const draws = [...(h.random ?? [])];
  const handle = await startCheckers(mkConfig([vs], h.engine.global), {
    logger, clock, timers, probeFactory: world.factory, random: () => draws.shift() ?? 0,
    onEvent: (e) => out.push({ step, at: clock.now(), ...eventLine(e) }),
    lvs: {
      apply: async (st) => {
        const services = st.services.map((sv) => sv.destinations.map((d) => `${d.address}:${d.port}/${d.weight}`));
        out.push({ step, at: clock.now(), kind: 'ipvs', services });
      },
    },
  });
  let stopped = false;
  for (const [i, raw] of s.steps.entries()) {
    step = lineOf(i);
    if ('advance' in raw) await timers.advance(raw.advance);
    else if ('stop' in raw) { await handle.stop(); stopped = true; }
    else throw new Error(`${s.name}: events.jsonl:${step}: not an engine step ${JSON.stringify(raw)}`);
  }
  if (!stopped) await handle.stop();
  return out;
}
