// The checker engine's reload, as data: which virtual and real servers of the new file the old one
// had (by identity: vsKey / rsKey), which checkers are unchanged (same configuration, `pos` aside)
// and so keep their state, and which real servers are gone. Then the state carried over to the
// new objects (quorum, alive, weights, checker states), as keepalived 2.2.7 keeps them. Pure: no
// timers, no logs, no IPVS. Linear in the number of checkers: each checker's signature is
// computed once and matched through a map.
import type { Checker } from '../config/model.js';
import type { RsState, VsState } from './core/lvs-core.js';
import { rsKey, vsKey } from './format.js';

/** What the diff needs of a checker instance. */
export interface DiffInst { readonly rs: RsState; readonly checker: Checker }

/** One side of a reload: the states built for a file and their checker instances. */
export interface EngineSide<I> { readonly vss: readonly VsState[]; readonly insts: readonly I[] }

export interface ReloadDiff<I> {
  /** Virtual servers of the new file the old one had: new -> old. */
  readonly keptVs: ReadonlyMap<VsState, VsState>;
  /** Real servers of the new file their virtual server had before: new -> old. */
  readonly keptRs: ReadonlyMap<RsState, RsState>;
  /** Real servers new in the file (in a kept virtual server or in a new one). */
  readonly addedRs: ReadonlySet<RsState>;
  /** Unchanged checkers of kept real servers: new -> old (each old one matched once). */
  readonly keptCheckers: ReadonlyMap<I, I>;
  /** The new checker instances of each new real server, in file order. */
  readonly checkersOf: ReadonlyMap<RsState, readonly I[]>;
  /** Old real servers the new file no longer has in that virtual server, in the old order. */
  readonly removed: readonly { vs: VsState; rs: RsState }[];
}

/** A checker's configuration as a comparable text (its position in the file left out). */
export function checkerSig(c: Checker): string {
  return JSON.stringify(c, (k, v) => (k === 'pos' ? undefined : v));
}

function groupByRs<I extends DiffInst>(insts: readonly I[]): Map<RsState, I[]> {
  const by = new Map<RsState, I[]>();
  for (const i of insts) {
    const l = by.get(i.rs);
    if (l) l.push(i); else by.set(i.rs, [i]);
  }
  return by;
}

/** Matches the new file's servers and checkers against the running ones. `sig` is a checker's signature. */
export function diffReload<I extends DiffInst>(old: EngineSide<I>, next: EngineSide<I>,
  sig: (c: Checker) => string = checkerSig): ReloadDiff<I> {
  const oldVs = new Map(old.vss.map((v) => [vsKey(v.vs), v]));
  const oldByRs = groupByRs(old.insts);
  const checkersOf = groupByRs(next.insts);
  const keptVs = new Map<VsState, VsState>();
  const keptRs = new Map<RsState, RsState>();
  const addedRs = new Set<RsState>();
  const keptCheckers = new Map<I, I>();
  for (const v of next.vss) {
    const ov = oldVs.get(vsKey(v.vs));
    if (ov) keptVs.set(v, ov);
    const oldRs = new Map((ov?.rss ?? []).map((r) => [rsKey(r.rs), r]));
    for (const r of v.rss) {
      const or = oldRs.get(rsKey(r.rs));
      if (!or) { addedRs.add(r); continue; }
      keptRs.set(r, or);
      // the old checkers of this real server by signature, each taken once, in their order
      const olds = new Map<string, I[]>();
      for (const oi of oldByRs.get(or) ?? []) {
        const s = sig(oi.checker);
        const l = olds.get(s);
        if (l) l.push(oi); else olds.set(s, [oi]);
      }
      for (const ni of checkersOf.get(r) ?? []) {
        const oi = olds.get(sig(ni.checker))?.shift();
        if (oi) keptCheckers.set(ni, oi);
      }
    }
  }
  const nextVs = new Map(next.vss.map((v) => [vsKey(v.vs), v]));
  const removed: { vs: VsState; rs: RsState }[] = [];
  for (const ov of old.vss) {
    const keep = new Set((nextVs.get(vsKey(ov.vs))?.rss ?? []).map((r) => rsKey(r.rs)));
    for (const r of ov.rss) if (!keep.has(rsKey(r.rs))) removed.push({ vs: ov, rs: r });
  }
  return { keptVs, keptRs, addedRs, keptCheckers, checkersOf, removed };
}

/**
 * Carries the running state over to the new file's objects: a kept virtual server its quorum and
 * sorry server; a kept real server its alive / set state and effective weight (unless that was
 * its configured weight); an unchanged checker its FSM state and count of checks. A kept real
 * server's failed checkers are counted again, and its alive state follows them.
 */
export function carryOver<I extends DiffInst & { isUp: boolean; adopt(from: I): void }>(d: ReloadDiff<I>): void {
  for (const [v, ov] of d.keptVs) { v.quorumUp = ov.quorumUp; v.sorryAlive = ov.sorryAlive && !!v.vs.sorryServer; }
  for (const [r, or] of d.keptRs) {
    r.alive = or.alive; r.set = or.set; r.effWeight = or.effWeight === or.iweight ? r.iweight : or.effWeight;
    let failed = 0;
    for (const ni of d.checkersOf.get(r) ?? []) {
      const oi = d.keptCheckers.get(ni);
      if (oi) ni.adopt(oi);
      if (!ni.isUp) failed++;
    }
    r.numFailed = failed;
    if (!failed && !r.alive) { r.alive = true; r.set = true; }
    if (failed && r.alive) { r.alive = false; r.set = r.inhibit; }
  }
}
