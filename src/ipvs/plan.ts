// The reconciler's core: desired kernel state vs current kernel state (both KernelState) -> the
// smallest ordered list of IPVS operations. Services never owned by us are left alone. Pure.
import type { KernelEntry, KernelState } from './desired.js';
import { destKeyString, type IpvsDest, type IpvsService, type SvcKey } from './types.js';

export type IpvsOp =
  | { op: 'delService'; svc: IpvsService }
  | { op: 'addService'; svc: IpvsService }
  | { op: 'editService'; svc: IpvsService }
  | { op: 'delDest'; svc: SvcKey; dest: IpvsDest }
  | { op: 'addDest'; svc: SvcKey; dest: IpvsDest }
  | { op: 'editDest'; svc: SvcKey; dest: IpvsDest };

export function sameService(a: IpvsService, b: IpvsService): boolean {
  return a.sched === b.sched && a.flags === b.flags && a.timeout === b.timeout && a.netmask === b.netmask
    && (a.peName ?? '') === (b.peName ?? '');
}

export function sameDest(a: IpvsDest, b: IpvsDest): boolean {
  return a.fwd === b.fwd && a.weight === b.weight && a.uThresh === b.uThresh && a.lThresh === b.lThresh
    && (a.fwd !== 2 || ((a.tunType ?? 0) === (b.tunType ?? 0) && (a.tunPort ?? 0) === (b.tunPort ?? 0)
      && (a.tunFlags ?? 0) === (b.tunFlags ?? 0)));
}

/**
 * @param desired what should be in the kernel
 * @param current what the kernel holds (at least every service in desired or owned)
 * @param owned   keys of services we created earlier; those absent from `desired` are deleted
 */
export function planOps(desired: KernelState, current: KernelState, owned: ReadonlySet<string>): IpvsOp[] {
  const ops: IpvsOp[] = [];
  for (const key of owned) {
    const cur = current.get(key);
    if (cur && !desired.has(key)) ops.push({ op: 'delService', svc: cur.svc });
  }
  for (const [key, want] of desired) {
    const cur: KernelEntry | undefined = current.get(key);
    if (!cur) {
      ops.push({ op: 'addService', svc: want.svc });
      for (const d of want.dests.values()) ops.push({ op: 'addDest', svc: want.svc, dest: d });
      continue;
    }
    if (!sameService(want.svc, cur.svc)) ops.push({ op: 'editService', svc: want.svc });
    for (const [dk, d] of cur.dests) if (!want.dests.has(dk)) ops.push({ op: 'delDest', svc: want.svc, dest: d });
    for (const [dk, d] of want.dests) {
      const c = cur.dests.get(dk);
      if (!c) ops.push({ op: 'addDest', svc: want.svc, dest: d });
      else if (!sameDest(d, c)) ops.push({ op: 'editDest', svc: want.svc, dest: d });
    }
  }
  return ops;
}

/** Applies ops to a KernelState in place (what the kernel holds after they succeed). */
export function applyOpsToState(state: KernelState, ops: readonly IpvsOp[], keyOf: (k: SvcKey) => string): void {
  for (const o of ops) {
    const k = keyOf(o.svc);
    switch (o.op) {
      case 'delService': state.delete(k); break;
      case 'addService': state.set(k, { svc: o.svc, dests: new Map() }); break;
      case 'editService': { const e = state.get(k); if (e) e.svc = o.svc; break; }
      case 'delDest': state.get(k)?.dests.delete(destKeyString(o.dest)); break;
      case 'addDest': case 'editDest': state.get(k)?.dests.set(destKeyString(o.dest), o.dest); break;
    }
  }
}
