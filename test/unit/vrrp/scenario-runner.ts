// Runs one FSM scenario folder (test/unit/vrrp/scenarios/<name>/): events.jsonl drives a Harness (fake
// clock and timer wheel, helpers.ts) and the runner returns every action the FSM produced, one JSON
// object per action with its time, plus the snapshots the events ask for. scenarios.test.ts compares
// that with expected-actions.jsonl line by line; record.ts writes expected-actions.jsonl (the files and the
// comparison: test/helpers/jsonl-scenarios.ts, shared with test/unit/check/scenario-runner.ts).
//
// events.jsonl: line 1 is the header { "title", "params": overrides of baseParams(), "keepalivedLog"?:
// a log of the real keepalived 2.2.7 under test/unit/vrrp/data/ whose "(NAME) ..." lines the FSM's log
// lines must equal }. Every other line is one step:
//   { "feed": VrrpEvent }                    an event as is (startup, shutdown, tracker, interface, timer, ...)
//   { "advert": { "src", "priority", "adverInt"?, "version"?, "vips"?, "pass"?, "authType"? } }
//                                            an advert from a peer (helpers.ts peerAdvert)
//   { "advance": ms }                        time passes; due timers fire in order
//   { "snapshot": true }                     records { at, snapshot: state, view, non-zero counters, armed timers }
import { loadScenario as loadJsonlScenario, type Scenario as JsonlScenario } from '../../helpers/jsonl-scenarios.js';
import type { VrrpAction, VrrpEvent, VrrpFsmParams, VrrpTimerName } from '../../../src/vrrp/fsm-types.js';
import { decodeAdvert } from '../../../src/vrrp/packet.js';
import { baseParams, Harness, peerAdvert } from './helpers.js';

export interface ScenarioHeader {
  title: string;
  params?: Partial<VrrpFsmParams>;
  keepalivedLog?: string;
}

type AdvertStep = {
  src: string; priority: number; adverInt?: number; version?: 2 | 3; vips?: string[]; pass?: string; authType?: number;
};
export type ScenarioStep = { feed: VrrpEvent } | { advert: AdvertStep } | { advance: number } | { snapshot: true };

export type Scenario = JsonlScenario<ScenarioHeader, ScenarioStep>;

const TIMERS: VrrpTimerName[] = ['adver', 'masterDown', 'garpDelay', 'garpRefresh', 'garpLowerPrio'];

export function loadScenario(dir: string, name: string): Scenario {
  return loadJsonlScenario<ScenarioHeader, ScenarioStep>(dir, name);
}

/** One action as data: Uint8Arrays as hex; an advert's payload is checked against its advert and left out. */
function actionData(at: number, a: VrrpAction, family: VrrpFsmParams['family']): Record<string, unknown> {
  if (a.kind === 'sendAdvert') {
    const d = decodeAdvert(a.payload, family);
    if (!d.ok) throw new Error(`sendAdvert at ${at}: the payload does not decode (${d.reason})`);
    const { payload: _payload, ...rest } = a;
    if (JSON.stringify(hexed(d.advert)) !== JSON.stringify(hexed(a.advert))) throw new Error(`sendAdvert at ${at}: payload and advert disagree`);
    return hexed({ at, ...rest }) as Record<string, unknown>;
  }
  return hexed({ at, ...a }) as Record<string, unknown>;
}

function hexed(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (Array.isArray(v)) return v.map(hexed);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, hexed(x)]));
  return v;
}

/** Runs the steps; returns the produced lines and the FSM's log lines. */
export function runScenario(s: Scenario): { lines: Record<string, unknown>[]; logs: string[] } {
  const params = baseParams(s.header.params ?? {});
  const h = new Harness(params);
  const lines: Record<string, unknown>[] = [];
  let seen = 0;
  const flush = (): void => {
    for (; seen < h.actions.length; seen++) {
      const { at, action } = h.actions[seen]!;
      lines.push(actionData(at, action, params.family));
    }
  };
  for (const step of s.steps) {
    if ('feed' in step) h.feed(step.feed);
    else if ('advert' in step) {
      const { src, priority, ...over } = step.advert;
      h.feed(peerAdvert(params, src, priority, over));
    } else if ('advance' in step) h.advance(step.advance);
    else if ('snapshot' in step) {
      flush();
      const stats = Object.fromEntries(Object.entries(h.fsm.stats).filter(([, n]) => n !== 0));
      const timers = Object.fromEntries(TIMERS.flatMap((t) => {
        const d = h.due(t);
        return d === undefined ? [] : [[t, d]];
      }));
      lines.push({ at: h.clock.now(), snapshot: { state: h.stateAt(), view: h.fsm.view(), stats, timers } });
    } else throw new Error(`${s.name}: unknown step ${JSON.stringify(step)}`);
    flush();
  }
  return { lines, logs: h.logs() };
}
