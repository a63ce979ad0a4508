// The checker reload as data (reload-diff.ts): identity of virtual / real servers, unchanged
// checkers matched once each by signature (position aside), the state carried over; linear: one
// signature per checker, whatever the order of the checkers in the new file.
import assert from 'node:assert/strict';
import type { Checker } from '../../../src/config/model.js';
import { newVsState, type RsState, type VsState } from '../../../src/check/core/lvs-core.js';
import { carryOver, checkerSig, diffReload } from '../../../src/check/reload-diff.js';
import { initialFsm, type FsmState } from '../../../src/check/core/checker-fsm.js';
import { CheckerInst } from '../../../src/check/checker-inst.js';
import { mkConfig, mkRs, mkVs } from './fixtures.js';

class I implements FsmState {
  isUp = true; hasRun = false; retryIt = 0; urlIt = 0;
  failedUrl: number | null = null; lastExitCode: number | null = null;
  fileValue: number | null = null; curWeight = 0; checks = 0;
  constructor(readonly rs: RsState, readonly checker: Checker, readonly tag: string) {}
  adopt(from: I): void { Object.assign(this, { isUp: from.isUp, hasRun: from.hasRun, checks: from.checks }); }
}
const tcp = (port: number, pos?: number): Checker => ({ type: 'TCP_CHECK', retry: 1, connectPort: port, ...(pos ? { pos: { file: 'f', line: pos, col: 1 } } : {}) } as Checker);
function side(vss: ReturnType<typeof mkVs>[], tag: string): { vss: VsState[]; insts: I[] } {
  const states = mkConfig(vss).virtualServers.map((v) => newVsState(v));
  const insts = states.flatMap((v) => v.rss.flatMap((r) => r.rs.checkers.map((c) => new I(r, c, `${tag}:${r.rs.address}:${(c as { connectPort: number }).connectPort}`))));
  return { vss: states, insts };
}

describe('check: reload diff', () => {
  it('kept, added and removed servers; unchanged checkers matched once each, their position aside', () => {
    const old = side([mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [tcp(1, 3), tcp(1, 4), tcp(2)]), mkRs('10.0.0.3', 80, [tcp(1)])]),
      mkVs('10.0.0.101', 80, [mkRs('10.0.0.5', 80, [tcp(1)])])], 'old');
    const next = side([mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [tcp(2, 9), tcp(1), tcp(1), tcp(1)]), mkRs('10.0.0.4', 80, [tcp(1)])])], 'new');
    const d = diffReload(old, next);
    assert.deepEqual([...d.keptVs].map(([n, o]) => [n.text, o.text]), [['[10.0.0.100]:tcp:80', '[10.0.0.100]:tcp:80']]);
    assert.deepEqual([...d.keptRs.keys()].map((r) => r.text), ['[10.0.0.2]:tcp:80']);
    assert.deepEqual([...d.addedRs].map((r) => r.text), ['[10.0.0.4]:tcp:80']);
    assert.deepEqual([...d.keptCheckers].map(([n, o]) => `${n.tag} <- ${o.tag}`), ['new:10.0.0.2:2 <- old:10.0.0.2:2', 'new:10.0.0.2:1 <- old:10.0.0.2:1', 'new:10.0.0.2:1 <- old:10.0.0.2:1']);
    const [a, b] = [...d.keptCheckers.values()].slice(1);
    assert.notEqual(a, b, 'two old checkers, each taken once');
    assert.deepEqual(d.removed.map((x) => `${x.vs.text} ${x.rs.text}`), ['[10.0.0.100]:tcp:80 [10.0.0.3]:tcp:80', '[10.0.0.101]:tcp:80 [10.0.0.5]:tcp:80']);
  });

  it('carries quorum, alive state, weights and checker states over; failed checkers counted again', () => {
    const old = side([mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [tcp(1), tcp(2)], { weight: 3 })])], 'old');
    const [ov] = old.vss; const [or] = ov!.rss;
    ov!.quorumUp = true; or!.alive = true; or!.set = true; or!.effWeight = 7;
    old.insts[0]!.isUp = false; old.insts[0]!.checks = 5; old.insts[1]!.checks = 2;
    const next = side([mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [tcp(1), tcp(3)], { weight: 3, inhibitOnFailure: true })])], 'new');
    carryOver(diffReload(old, next));
    const [nv] = next.vss; const [nr] = nv!.rss;
    assert.equal(nv!.quorumUp, true);
    assert.deepEqual([next.insts[0]!.isUp, next.insts[0]!.checks, next.insts[1]!.checks], [false, 5, 0]);
    assert.deepEqual([nr!.numFailed, nr!.alive, nr!.set, nr!.effWeight], [1, false, true, 7]);
  });

  it('one signature per checker: 2,000 checkers of one real server in reverse order', () => {
    const cs = Array.from({ length: 2000 }, (_, k) => tcp(k));
    const old = side([mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, cs)])], 'old');
    const next = side([mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [...cs].reverse())])], 'new');
    let calls = 0;
    const d = diffReload(old, next, (c) => { calls++; return checkerSig(c); });
    assert.equal(calls, 4000);
    assert.equal(d.keptCheckers.size, 2000);
    for (const [n, o] of d.keptCheckers) assert.equal(n.tag.replace('new', 'old'), o.tag);
  });

  it('CheckerInst.adopt takes every field of the FSM state', () => {
    const vs = newVsState(mkVs('10.0.0.100', 80, [mkRs('10.0.0.2', 80, [tcp(1)])]));
    const mk = (): CheckerInst => new CheckerInst({ outcomeOf: () => {} }, vs, vs.rss[0]!, tcp(1),
      { alpha: false } as ConstructorParameters<typeof CheckerInst>[4], { key: () => '', run: async () => ({ ok: true }) });
    const from = mk();
    // every field set to a value unlike its initial one
    let n = 1;
    const changed = Object.fromEntries(Object.entries(initialFsm(false)).map(([k, v]) => [k, typeof v === 'boolean' ? !v : n++]));
    Object.assign(from, changed, { checks: 42 });
    const to = mk();
    to.adopt(from);
    for (const k of [...Object.keys(changed), 'checks']) assert.equal(Reflect.get(to, k), Reflect.get(from, k), k);
  });
});
