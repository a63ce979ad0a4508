// The IPVS reconciler adapter: implements LvsSink. Keeps the desired state incrementally
// (desired-index.ts: only changed services are converted) and a cache of what the kernel holds for
// our services (seeded by a dump, then kept from the applied plans), plans only what changed with
// plan.ts, sends the operations pipelined over one genl socket, repairs outside changes on a timer
// (service list every round, destinations a slice at a time), and releases what it added on stop.
import type { LvsDesiredState, LvsSink } from '../common/lvs-desired.js';
import type { Logger } from '../common/log.js';
import type { IpvsClient, IpvsCounters } from './client.js';
import type { KernelState } from './desired.js';
import { DesiredIndex } from './desired-index.js';
import { applyOpsToState, planOps, type IpvsOp } from './plan.js';
import { svcKeyString, type IpvsDest, type IpvsService, type SvcKey } from './types.js';
import type { GenlResult } from './transport.js';
import { constants as osConstants } from 'node:os';

const osErrno = osConstants.errno;

/** keepalived names IPVS commands by their old sockopt names and numbers (IP_VS_BASE_CTL = 1152). */
const SOCKOPT_NAME: Record<IpvsOp['op'], [string, number]> = {
  addService: ['IP_VS_SO_SET_ADD', 1154], editService: ['IP_VS_SO_SET_EDIT', 1155], delService: ['IP_VS_SO_SET_DEL', 1156],
  addDest: ['IP_VS_SO_SET_ADDDEST', 1159], delDest: ['IP_VS_SO_SET_DELDEST', 1160], editDest: ['IP_VS_SO_SET_EDITDEST', 1161],
};

export interface IpvsSinkOptions {
  /** Requests in flight at once (netlink keeps their order). Default 64: their ACKs must fit the
   * socket's receive buffer (net.core.rmem_max, 208 KiB by default, caps SO_RCVBUF). */
  window?: number;
  /** Repair outside changes every shortest delay_loop, (re)armed by each apply. Default false (openIpvs: true). */
  autoRepair?: boolean;
  /** Services whose destinations one repair round dumps, at least (default 256; see repair()). */
  repairSlice?: number;
}

export interface ApplyReport { planned: number; failed: number; ops: IpvsOp[] }
export interface RepairRound { startedAt: number; finishedAt: number; report: ApplyReport }

export class IpvsSink implements LvsSink {
  private current: KernelState | null = null;
  /** The desired state, updated in place by each apply (only changed services are converted). */
  private readonly index = new DesiredIndex();
  private get desired(): KernelState { return this.index.state; }
  /** Keys whose desired entry was recomputed since the last reconcile (the others are unchanged). */
  private readonly fresh = new Set<string>();
  /** Keys no longer desired since the last reconcile. */
  private readonly gone = new Set<string>();
  /** The kernel held exactly `desired` after the last reconcile (no failure, no dump since). */
  private synced = false;
  private readonly owned = new Set<string>();
  private readonly window: number;
  private chain: Promise<unknown> = Promise.resolve();
  private repairTimer: NodeJS.Timeout | null = null;
  /** The operations of the last apply / repair (tests look at them). */
  lastReport: ApplyReport = { planned: 0, failed: 0, ops: [] };
  /** What the last apply converted: services whose kernel entries were recomputed, and whether from scratch. */
  lastUpdate = { converted: 0, full: false };

  private readonly autoRepair: boolean;
  private readonly repairSlice: number;
  /** Where the next spread-out repair round starts in the kernel's service list. */
  private repairCursor = 0;
  private repairEvery = 0;
  private released = false;

  constructor(readonly client: IpvsClient, private readonly logger: Logger, opts: IpvsSinkOptions = {}) {
    this.window = opts.window ?? 64;
    this.autoRepair = opts.autoRepair ?? false;
    this.repairSlice = opts.repairSlice ?? 256;
  }

  get counters(): Readonly<IpvsCounters> { return this.client.counters; }

  /** Serialises calls so that an apply never interleaves with a repair. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn, fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  apply(state: LvsDesiredState): Promise<void> {
    return this.serial(async () => {
      if (this.released) return;
      const u = this.index.update(state);
      this.lastUpdate = { converted: u.converted, full: u.full };
      if (u.full) this.synced = false; // plan against everything (first apply, or keys claimed twice)
      for (const x of u.fresh) { this.fresh.add(x); this.gone.delete(x); }
      for (const x of u.removed) { this.gone.add(x); this.fresh.delete(x); }
      if (this.autoRepair) {
        const every = (u.minDelayLoop ?? 60) * 1000;
        if (every !== this.repairEvery || !this.repairTimer) { this.repairEvery = every; this.startRepair(every); }
      }
      if (this.current === null && !(await this.refresh())) return;
      await this.reconcile();
    });
  }

  /**
   * Dumps the kernel and converges it to the last desired state (outside changes such as ipvsadm -C).
   * Spread out when the cache is in sync: every round dumps the service list (a missing or edited
   * service is repaired at once) but the destinations of only a rotating slice of the services, so
   * a destination changed from outside is repaired within 8 rounds; otherwise everything is dumped.
   */
  repair(): Promise<ApplyReport> {
    return this.serial(async () => {
      if (this.released) return this.lastReport;
      const ok = this.current !== null && this.synced ? await this.refreshSlice() : await this.refresh();
      if (ok) await this.reconcile();
      return this.lastReport;
    });
  }

  /** Repairs every `intervalMs` (keepalived's delay_loop) until release() / stopRepair(); `onRound` sees each round. */
  startRepair(intervalMs: number, onRound?: (r: RepairRound) => void): void {
    this.stopRepair();
    const tick = () => {
      this.repairTimer = setTimeout(() => {
        const startedAt = Date.now();
        void this.repair().then((report) => onRound?.({ startedAt, finishedAt: Date.now(), report }))
          .finally(() => { if (this.repairTimer) tick(); });
      }, intervalMs);
      this.repairTimer.unref?.();
    };
    tick();
  }

  stopRepair(): void {
    if (this.repairTimer) clearTimeout(this.repairTimer);
    this.repairTimer = null;
  }

  /**
   * Removes every service we added (unless keep: -I / --dont-release-ipvs), then closes the socket.
   * flush (lvs_flush_on_stop): empties the whole table in one command instead, as keepalived does,
   * logging its "Flushing lvs on shutdown in oneshot".
   */
  release(opts: { keep?: boolean; flush?: boolean } = {}): Promise<void> {
    this.stopRepair();
    return this.serial(async () => {
      if (this.released) return;
      this.released = true;
      if (!opts.keep && opts.flush) {
        this.logger.info('Flushing lvs on shutdown in oneshot');
        const r = await this.client.flush();
        if (!r.ok) this.logger.error(`IPVS: ${r.message}`);
        this.owned.clear();
      } else if (!opts.keep) {
        if (this.current === null) await this.refresh();
        const ops: IpvsOp[] = [];
        for (const key of this.owned) {
          const e = this.current?.get(key) ?? this.desired.get(key);
          if (e) ops.push({ op: 'delService', svc: e.svc });
        }
        if (this.current === null) this.current = new Map();
        await this.execute(ops);
        this.owned.clear();
      }
      this.client.close();
    });
  }

  /** Reloads the kernel's view of every service we want or own; false (cache left unset) on a failed dump. */
  private async refresh(): Promise<boolean> {
    this.current = null;
    this.synced = false;
    const svcs = await this.client.getServices();
    const cur: KernelState = new Map();
    if (!svcs.ok) {
      this.logger.error(`IPVS: ${svcs.message}`);
      return false;
    }
    const wanted = svcs.value.filter((s) => { const k = svcKeyString(s);
      return this.desired.has(k) || this.owned.has(k); });
    if (!(await this.dumpDests(wanted, cur))) return false;
    this.current = cur;
    return true;
  }

  /** Dumps the destinations of `svcs` into `cur`; false (logged) when one dump failed. */
  private async dumpDests(svcs: readonly IpvsService[], cur: KernelState): Promise<boolean> {
    let failed = '';
    await this.pipelined(svcs, async (s) => {
      const d = await this.client.getDests(s);
      const dests = new Map<string, IpvsDest>();
      if (d.ok) for (const x of d.value) dests.set(`${x.addr}/${x.port}`, x);
      else failed = d.message;
      cur.set(svcKeyString(s), { svc: s, dests });
    });
    if (failed) this.logger.error(`IPVS: ${failed}`);
    return !failed;
  }

  /**
   * One spread-out repair round on top of the cache: the service list in full, the destinations of
   * services the cache does not know plus the next slice of the others (at least `repairSlice`,
   * enough to cover every service in 8 rounds). Leaves `synced` false so the next plan is a full one.
   */
  private async refreshSlice(): Promise<boolean> {
    const cur = this.current!;
    this.synced = false;
    const svcs = await this.client.getServices();
    if (!svcs.ok) { this.logger.error(`IPVS: ${svcs.message}`); this.current = null; return false; }
    const inKernel = new Map<string, IpvsService>();
    for (const s of svcs.value) { const k = svcKeyString(s);
      if (this.desired.has(k) || this.owned.has(k)) inKernel.set(k, s); }
    for (const [k, e] of cur) { const s = inKernel.get(k); if (s) e.svc = s; else cur.delete(k); }
    const dump = new Map<string, IpvsService>();
    for (const [k, s] of inKernel) if (!cur.has(k)) dump.set(k, s);
    const keys = [...inKernel.keys()];
    const slice = Math.min(keys.length, Math.max(this.repairSlice, Math.ceil(keys.length / 8)));
    for (let i = 0; i < slice; i++) { const k = keys[(this.repairCursor + i) % keys.length];
      dump.set(k, inKernel.get(k)!); }
    this.repairCursor = keys.length ? (this.repairCursor + slice) % keys.length : 0;
    if (await this.dumpDests([...dump.values()], cur)) return true;
    this.current = null;
    return false;
  }

  private async reconcile(): Promise<void> {
    let ops: IpvsOp[];
    if (this.synced) {
      // O(changes): only recomputed services can differ from the kernel; owned ones no longer wanted go.
      const changed: KernelState = new Map();
      for (const k of this.fresh) { const e = this.desired.get(k); if (e) changed.set(k, e); }
      const gone = new Set<string>();
      for (const k of this.gone) if (this.owned.has(k)) gone.add(k);
      ops = planOps(changed, this.current!, gone);
      for (const k of changed.keys()) this.owned.add(k);
      for (const k of gone) this.owned.delete(k);
    } else {
      ops = planOps(this.desired, this.current!, this.owned);
      for (const k of [...this.owned]) if (!this.desired.has(k)) this.owned.delete(k);
      for (const k of this.desired.keys()) this.owned.add(k);
    }
    this.fresh.clear();
    this.gone.clear();
    await this.execute(ops);
  }

  private async execute(ops: IpvsOp[]): Promise<void> {
    let failed = 0;
    const done: IpvsOp[] = [];
    await this.pipelined(ops, async (o) => {
      const r = await this.send(o);
      if (r.ok) done.push(o);
      else failed++;
    });
    // Order inside `done` may differ from `ops` only across independent requests; replay in plan order.
    const ok = new Set(done);
    applyOpsToState(this.current!, ops.filter((o) => ok.has(o)), svcKeyString);
    if (failed) this.current = null; // our cache may be wrong: dump again next time
    this.synced = !failed;
    this.lastReport = { planned: ops.length, failed, ops };
  }

  /** keepalived's line for a kernel error: `IPVS cmd IP_VS_SO_SET_ADDDEST(1159) error: File exists(17)`. */
  private logError(o: IpvsOp, r: { errno: string; message: string }): void {
    const [name, num] = SOCKOPT_NAME[o.op];
    this.logger.info(`IPVS cmd ${name}(${num}) error: ${r.message}(${osErrno[r.errno as keyof typeof osErrno] ?? 0})`);
  }

  /** Sends one op; on the kernel's EEXIST / ESRCH / ENOENT falls back the way keepalived's ipvs_talk does. */
  private async send(o: IpvsOp): Promise<GenlResult<void>> {
    const first = await this.sendRaw(o);
    if (first.ok) return first;
    this.logError(o, first);
    const retry = async (alt: IpvsOp): Promise<GenlResult<void>> => {
      const r = await this.sendRaw(alt);
      if (!r.ok) this.logError(alt, r);
      return r;
    };
    const ok: GenlResult<void> = { ok: true, value: undefined };
    switch (o.op) {
      case 'addService': return first.errno === 'EEXIST' ? retry({ ...o, op: 'editService' }) : first;
      case 'editService': return first.errno === 'ESRCH' ? retry({ ...o, op: 'addService' }) : first;
      case 'delService': return first.errno === 'ESRCH' ? ok : first;
      case 'addDest': return first.errno === 'EEXIST' ? retry({ ...o, op: 'editDest' }) : first;
      case 'editDest': return first.errno === 'ENOENT' ? retry({ ...o, op: 'addDest' }) : first;
      case 'delDest': return first.errno === 'ENOENT' ? ok : first;
    }
  }

  private sendRaw(o: IpvsOp): Promise<GenlResult<void>> {
    const c = this.client;
    switch (o.op) {
      case 'addService': return c.addService(o.svc);
      case 'editService': return c.editService(o.svc);
      case 'delService': return c.delService(o.svc);
      case 'addDest': return c.addDest(o.svc, o.dest);
      case 'editDest': return c.editDest(o.svc, o.dest);
      case 'delDest': return c.delDest(o.svc, o.dest);
    }
  }

  private async pipelined<T>(items: readonly T[], fn: (x: T) => Promise<void>): Promise<void> {
    let i = 0;
    const workers: Promise<void>[] = [];
    const next = async (): Promise<void> => { while (i < items.length) await fn(items[i++]); };
    for (let w = 0; w < Math.min(this.window, items.length); w++) workers.push(next());
    await Promise.all(workers);
  }
}

export type { SvcKey };
