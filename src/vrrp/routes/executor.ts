// Runs the routes core (core.ts) against the kernel: static steps on a queue of their own, an
// instance's steps on the instance's OpQueue (after its VIP steps, so a route with `src VIP` finds
// its address, and before the VIPs go). An instance's log lines are written when its step is
// decided; its requests when the step runs. The requests of one step are written back to back (the
// kernel applies each inside the write) and their answers handled in order: state, keepalived's
// "Netlink: error: ..." line unless the answer is expected, and the steps that follow (a reload's
// fallback, a "Restoring deleted static ..." line). A takeover's additions do not hold the queue:
// their answers are awaited by the next step, as the VIP adds are.
import type { Logger } from '../../common/log.js';
import type { KeepalivedConfig } from '../../config/model.js';
import type { AddressOps, KernelError, RouteOps, RouteRuleEvent } from '../kernel/port.js';
import { OpQueue } from '../runtime/op-queue.js';
import type { Inst } from '../runtime/instance.js';
import { answerOf, RoutesCore, type InstanceStep, type NetStep, type Step } from './core.js';

export interface RouteHooks {
  ifindex(name: string): number | undefined;
  ifname(index: number): string | undefined;
  instance(name: string): Inst | undefined;
  /** keepalived's set_vrrp_backup(): a MASTER's tracked route or rule was deleted. */
  backup(inst: Inst): void;
}

export class RouteExecutor {
  private core?: RoutesCore;
  private readonly statics: OpQueue;
  /** Stopping: kernel events are no longer acted on (keepalived closes its monitor first). */
  private stopping = false;

  constructor(private readonly port: RouteOps, private readonly addrs: AddressOps, private readonly log: Logger,
      private readonly hooks: RouteHooks) {
    this.statics = new OpQueue((e) => this.log.error(`static routes: ${e instanceof Error ? e.message : String(e)}`));
  }

  private env() {
    return { ifindex: this.hooks.ifindex, ifname: this.hooks.ifname, isMaster: (n: string) => this.hooks.instance(n)?.fsm.state === 'MASTER' };
  }

  /** Process start: the core for this config, route / rule monitoring as keepalived turns it on, the statics. */
  start(config: KeepalivedConfig): void {
    this.core = new RoutesCore(config, this.env());
    this.port.monitor(this.core.monitoring(), (ev) => this.onEvent(ev));
    this.runStatic(this.core.startStatics());
  }

  /** An instance step (the FSM's 'routes' actions; 'startup': its rules (force) and set routes deleted). */
  step(inst: Inst, step: InstanceStep): void {
    const core = this.core;
    if (!core) return;
    const name = inst.cfg.name;
    for (const l of core.logsFor(name, step)) this.log.detail(l.msg, 1);
    if (step === 'add' || step === 'reload') {
      inst.queue.run(() => { inst.queue.addAcks([this.run(core.opsFor(name, step))]); });
      return;
    }
    inst.queue.run(async () => {
      await inst.queue.settledAcks();
      await this.run(core.opsFor(name, step));
    });
  }

  /**
   * SIGHUP, after the stopped instances went and before the kept ones take their new settings: the
   * statics' differences, each kept instance's, then the new statics.
   */
  reload(config: KeepalivedConfig, kept: readonly Inst[]): void {
    if (!this.core) return;
    const plan = this.core.reload(config, new Set(kept.map((i) => i.cfg.name)));
    this.port.monitor(this.core.monitoring(), (ev) => this.onEvent(ev));
    // the lines now (keepalived writes them as it goes, before the instances' ones), the requests queued
    const split = (steps: Step[]): Step[] => { for (const s of steps) if (s.kind === 'log') this.write(s); return steps.filter((s) => s.kind !== 'log'); };
    this.runStatic(split(plan.statics));
    for (const inst of kept) {
      const net = split(plan.instances.get(inst.cfg.name) ?? []);
      if (net.length) inst.queue.run(async () => { await inst.queue.settledAcks(); await this.run(net); });
    }
    const core = this.core;
    this.statics.run(() => this.run(core.addStatics()));
  }

  /** SIGTERM, after the instances stopped: the static rules, routes and addresses deleted. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.core) this.runStatic(this.core.stopStatics());
    await this.statics.idle();
  }

  /** Every static step queued so far, answered (tests). */
  idle(): Promise<void> { return this.statics.idle(); }

  /** An address deleted by someone else. */
  addressDeleted(a: { index: number; family: 'inet' | 'inet6'; address: string }): void {
    if (this.core && !this.stopping) this.runStatic(this.core.addressDeleted(a));
  }

  /**
   * A link went down (after the instances reacted to it, as keepalived's interface_down() runs
   * after the tracking): routes installed on it are gone, the kernel does not say so for IPv4.
   */
  linkDown(index: number, insts: Iterable<Inst>): void {
    const core = this.core;
    if (!core) return;
    for (const inst of insts) {
      inst.queue.run(async () => { await inst.queue.settledAcks(); core.linkDownInstance(inst.cfg.name, index); });
    }
    this.statics.run(() => core.linkDownStatics(index));
  }

  /** A link came up: static addresses and routes on it put back. */
  linkUp(index: number): void { if (this.core && !this.stopping) this.runStatic(this.core.linkUp(index)); }

  private onEvent(e: RouteRuleEvent): void {
    const core = this.core;
    if (!core || this.stopping) return;
    // keepalived skips the reflections of its own requests, but of route additions
    if (e.own && !(e.kind === 'route' && e.ev.added)) return;
    const steps = e.kind === 'route' ? core.routeEvent(e.ev) : core.ruleEvent(e.ev);
    if (steps.length) this.runStatic(steps);
  }

  private runStatic(steps: Step[]): void {
    if (steps.length === 0) return;
    this.statics.run(() => this.run(steps));
  }

  /** Runs steps in order; consecutive requests are written back to back, then answered in order. */
  private async run(steps: Step[]): Promise<void> {
    const core = this.core!;
    let i = 0;
    while (i < steps.length) {
      const s = steps[i]!;
      if (s.kind === 'log') { this.write(s); i++; continue; }
      if (s.kind === 'backup') { const inst = this.hooks.instance(s.inst); if (inst) this.hooks.backup(inst); i++; continue; }
      const batch: NetStep[] = [];
      while (i < steps.length && steps[i]!.kind !== 'log' && steps[i]!.kind !== 'backup') batch.push(steps[i++] as NetStep);
      const answers = batch.map((n) => this.request(n));
      for (let k = 0; k < batch.length; k++) {
        const n = batch[k]!, a = await answers[k]!;
        if (a.error && !a.reported && answerOf(n, a.error.code).log) this.log.info(a.error.message);
        const next = core.result(n, a.error?.code);
        if (next.length) await this.run(next);
      }
    }
  }

  private write(s: { msg: string; detail?: 1 }): void {
    if (s.detail) this.log.detail(s.msg, s.detail); else this.log.info(s.msg);
  }

  /** Writes one request now; its answer (`reported`: already logged here). */
  private request(s: NetStep): Promise<{ error?: KernelError; reported?: true }> {
    const wrap = (p: Promise<KernelError | undefined>) => p.then((error) => (error ? { error } : {}));
    if (s.kind === 'route') return wrap(this.port.route(s.op, s.route, this.hooks.ifindex));
    if (s.kind === 'rule') return wrap(this.port.rule(s.op, s.rule));
    const idx = this.hooks.ifindex(s.addr.dev ?? '');
    if (idx === undefined) {
      // keepalived: an address on an interface that is not there is not added (and has nothing to delete)
      const host = s.addr.prefixLen === (s.addr.family === 'inet' ? 32 : 128);
      if (s.op === 'add') this.log.info(`Not adding address ${s.addr.address}${host ? '' : `/${s.addr.prefixLen}`} to ${s.addr.dev ?? ''} since interface doesn't exist`);
      return Promise.resolve({ error: { errno: 19, code: 'ENODEV', text: 'No such device', message: '' }, reported: true });
    }
    return wrap(s.op === 'add' ? this.addrs.add(s.addr, idx) : this.addrs.del(s.addr, idx));
  }
}
