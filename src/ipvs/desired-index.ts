// The desired kernel state, maintained incrementally. Per virtual server it keeps a snapshot of what
// its kernel entries were computed from (service fields, destinations, group members) and the keys
// they gave. An update with a new desired state (the same model objects after a checker transition,
// or brand-new ones after a reload) compares every service with its snapshot field by field, without
// allocating, and converts only those that changed: O(services) cheap comparisons, O(changes)
// conversion, and `fresh` / `removed` let the reconciler plan O(changes) operations. Pure.
import type { DesiredDest, DesiredService, LvsDesiredState } from '../common/lvs-desired.js';
import type { VirtualServer, VirtualServerGroup } from '../config/model.js';
import { entriesFor, type KernelState } from './desired.js';

/** The service-level inputs of serviceKeys / serviceAttrs (destinations and groups are kept apart). */
interface VsSnap {
  kind: string; address: string; port: number; family: string; fwmark: number; group: string;
  protocol: string; lbAlgo: string; timeout: number | undefined; granularity: string | undefined;
  ops: boolean; schedFlags: string[]; pe: string | undefined; ipFamily: string | undefined;
}

interface Slot {
  id: string;
  /** Generation of the last update that listed this service. */
  gen: number;
  snap: VsSnap;
  /** A copy (a caller editing its destinations in place must not make them look unchanged). */
  dests: FlatDests;
  /** Signature of the group's members ('' when the service is not a group). */
  group: string;
  /** Kernel keys its entries hold in `state`. */
  keys: string[];
}

export interface IndexUpdate {
  /** Keys whose entry was (re)computed: only these can differ from what the previous state asked. */
  fresh: Set<string>;
  /** Keys the previous state had and this one does not. */
  removed: Set<string>;
  /** Rebuilt from scratch (first update, or two services claiming one key): plan against everything. */
  full: boolean;
  /** Shortest positive delay_loop of the services in seconds (undefined: none). */
  minDelayLoop: number | undefined;
  /** Services converted to kernel entries by this update (the others were compared only). */
  converted: number;
}

function snapOf(vs: VirtualServer): VsSnap {
  const a = vs.vs;
  return {
    kind: a.kind, address: a.kind === 'ip' ? a.address : '', port: a.kind === 'ip' ? a.port : 0,
    family: a.kind === 'group' ? '' : a.family ?? '', fwmark: a.kind === 'fwmark' ? a.fwmark : 0, group: a.kind === 'group' ? a.group : '',
    protocol: vs.protocol, lbAlgo: vs.lbAlgo, timeout: vs.persistenceTimeout, granularity: vs.persistenceGranularity,
    ops: vs.ops, schedFlags: [...(vs.schedFlags ?? [])], pe: vs.extra?.persistence_engine?.[0], ipFamily: vs.ipFamily,
  };
}

/** Same kernel service(s) across reloads: address / fwmark / group and protocol. */
function sameIdentity(s: VsSnap, vs: VirtualServer): boolean {
  const a = vs.vs;
  if (s.kind !== a.kind || s.protocol !== vs.protocol) return false;
  return a.kind === 'ip' ? s.address === a.address && s.port === a.port && s.family === a.family
    : a.kind === 'fwmark' ? s.fwmark === a.fwmark && s.family === (a.family ?? '') : s.group === a.group;
}

/** Same service attributes (given the same identity). */
function sameAttrs(s: VsSnap, vs: VirtualServer): boolean {
  if (s.lbAlgo !== vs.lbAlgo || s.timeout !== vs.persistenceTimeout || s.granularity !== vs.persistenceGranularity
    || s.ops !== vs.ops || s.ipFamily !== vs.ipFamily || s.pe !== vs.extra?.persistence_engine?.[0]) return false;
  const f = vs.schedFlags ?? [];
  if (f.length !== s.schedFlags.length) return false;
  for (let i = 0; i < f.length; i++) if (f[i] !== s.schedFlags[i]) return false;
  return true;
}

/** Which service a virtual server is, across reloads (keepalived matches virtual servers this way). */
function identity(vs: VirtualServer): string {
  const a = vs.vs;
  if (a.kind === 'ip') return `ip|${vs.protocol}|${a.family}|${a.address}|${a.port}`;
  if (a.kind === 'fwmark') return `fwm|${vs.protocol}|${a.family ?? ''}|${a.fwmark}`;
  return `grp|${vs.protocol}|${a.group}`;
}

/** Destinations flattened, DEST_FIELDS values each (address, port, family, weight, fwdMethod,
 * thresholds, tunnel type / port / csum): one array a service, compared without touching copies. */
type FlatDests = (string | number | undefined)[];
const DEST_FIELDS = 10;

export function flattenDests(d: readonly DesiredDest[]): FlatDests {
  const f: FlatDests = new Array(d.length * DEST_FIELDS);
  let o = 0;
  for (const x of d) {
    f[o++] = x.address; f[o++] = x.port; f[o++] = x.family; f[o++] = x.weight; f[o++] = x.fwdMethod;
    f[o++] = x.uthreshold; f[o++] = x.lthreshold; f[o++] = x.tunnel?.type; f[o++] = x.tunnel?.port;
    f[o++] = x.tunnel?.csum;
  }
  return f;
}

export function sameDests(f: FlatDests, d: readonly DesiredDest[]): boolean {
  if (f.length !== d.length * DEST_FIELDS) return false;
  for (let i = 0, o = 0; i < d.length; i++, o += DEST_FIELDS) {
    const x = d[i];
    if (f[o + 3] !== x.weight || f[o + 1] !== x.port || f[o] !== x.address || f[o + 2] !== x.family
      || f[o + 4] !== x.fwdMethod
      || f[o + 5] !== x.uthreshold || f[o + 6] !== x.lthreshold) return false;
    const t = x.tunnel;
    if (t === undefined ? f[o + 7] !== undefined : f[o + 7] !== t.type || f[o + 8] !== t.port
      || f[o + 9] !== t.csum) return false;
  }
  return true;
}

function groupSignature(g: VirtualServerGroup | undefined): string {
  if (!g) return '-';
  return JSON.stringify(g.entries.map((e) => (e.kind === 'range' ? [e.first, e.last, e.port, e.family] : [e.fwmark, e.family ?? ''])));
}

export class DesiredIndex {
  /** Every kernel entry the last desired state asks for, by svcKeyString (updated in place). */
  readonly state: KernelState = new Map();
  private byId = new Map<string, Slot>();
  /** Slots in the order of the last update's services. */
  private order: Slot[] = [];
  private owner = new Map<string, Slot>();
  private gen = 0;
  /** The last rebuild met two services claiming one kernel key. */
  private shared = false;

  update(st: LvsDesiredState): IndexUpdate {
    const gen = ++this.gen;
    // While two services share a kernel key, a change to one can uncover the other's entry: rebuild.
    if (gen === 1 || this.shared) return this.rebuild(st, gen);
    const groupSigs = new Map<string, string>();
    const sigOf = (name: string) => {
      let s = groupSigs.get(name);
      if (s === undefined) { s = groupSignature(st.groups[name]); groupSigs.set(name, s); }
      return s;
    };
    let minLoop = Infinity;
    const changed: { slot: Slot; ds: DesiredService; group: string }[] = [];
    const services = st.services, order: Slot[] = new Array(services.length);
    for (let i = 0; i < services.length; i++) {
      const ds = services[i], vs = ds.vs;
      if (vs.delayLoop > 0 && vs.delayLoop < minLoop) minLoop = vs.delayLoop;
      const group = vs.vs.kind === 'group' ? sigOf(vs.vs.group) : '';
      // Services usually keep their place in the config: try the slot at the same position first
      // (field comparisons only), then the identity map (a reordered, added or edited service).
      let slot: Slot | undefined = this.order[i];
      if (!slot || slot.gen === gen || !sameIdentity(slot.snap, vs)) {
        const id = identity(vs);
        slot = this.byId.get(id);
        if (slot?.gen === gen) return this.rebuild(st, gen); // two services are one kernel service
        if (!slot) { slot = { id, gen, snap: snapOf(vs), dests: [], group, keys: [] }; this.byId.set(id, slot);
          changed.push({ slot, ds, group }); }
      }
      order[i] = slot;
      if (slot.gen === gen) continue; // new: converted below
      slot.gen = gen;
      if (sameAttrs(slot.snap, vs) && slot.group === group && sameDests(slot.dests, ds.destinations)) continue;
      changed.push({ slot, ds, group });
    }
    const fresh = new Set<string>(), removed = new Set<string>();
    const drop = (slot: Slot) => {
      for (const k of slot.keys) {
        if (this.owner.get(k) !== slot) continue;
        this.owner.delete(k);
        this.state.delete(k);
        removed.add(k);
      }
      slot.keys = [];
    };
    // Services gone from the config, then the old entries of changed ones, before any new entry lands.
    for (const slot of this.byId.values()) if (slot.gen !== gen) { drop(slot); this.byId.delete(slot.id); }
    for (const c of changed) drop(c.slot);
    for (const { slot, ds, group } of changed) {
      for (const [k, e] of entriesFor(ds, st)) {
        if (this.owner.has(k)) return this.rebuild(st, gen); // two services claim one kernel key
        this.owner.set(k, slot);
        this.state.set(k, e);
        slot.keys.push(k);
        fresh.add(k);
        removed.delete(k);
      }
      slot.snap = snapOf(ds.vs);
      slot.dests = flattenDests(ds.destinations);
      slot.group = group;
    }
    this.order = order;
    return { fresh, removed, full: false, minDelayLoop: Number.isFinite(minLoop) ? minLoop : undefined,
      converted: changed.length };
  }

  /** From scratch, as toKernelState: a later service wins a key two services claim. */
  private rebuild(st: LvsDesiredState, gen: number): IndexUpdate {
    const before = new Set(this.state.keys());
    this.state.clear();
    this.owner.clear();
    this.byId.clear();
    this.order = [];
    this.shared = false;
    let minLoop = Infinity;
    for (const ds of st.services) {
      const vs = ds.vs;
      if (vs.delayLoop > 0 && vs.delayLoop < minLoop) minLoop = vs.delayLoop;
      let id = identity(vs);
      for (let n = 2; this.byId.has(id); n++) id = `${identity(vs)}#${n}`;
      const group = vs.vs.kind === 'group' ? groupSignature(st.groups[vs.vs.group]) : '';
      const slot: Slot = { id, gen, snap: snapOf(vs), dests: flattenDests(ds.destinations), group, keys: [] };
      this.byId.set(id, slot);
      this.order.push(slot);
      for (const [k, e] of entriesFor(ds, st)) {
        const prev = this.owner.get(k);
        if (prev) { prev.keys = prev.keys.filter((x) => x !== k); this.shared = true; }
        this.owner.set(k, slot);
        this.state.set(k, e);
        slot.keys.push(k);
      }
    }
    const removed = new Set<string>();
    for (const k of before) if (!this.state.has(k)) removed.add(k);
    return {
      fresh: new Set(this.state.keys()), removed, full: true,
      minDelayLoop: Number.isFinite(minLoop) ? minLoop : undefined, converted: st.services.length,
    };
  }
}
