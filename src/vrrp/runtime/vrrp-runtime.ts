// VRRP runtime: wires the pure cores (VrrpFsm, SyncGroupCore) to the kernel through one KernelPort
// (src/vrrp/kernel/port.ts: the real Linux adapter by default, an in-memory fake in unit tests) and
// to time through the injected Clock and Timers. This file holds the lifecycle (start, reload, stop),
// each a sequence in keepalived 2.2.7's measured order, read top to bottom (hence its ~490 lines,
// most of them the wiring of the parts); the parts live beside it: link-table (interfaces,
// addresses), net-feed (monitor events, resync after an overrun), link-gate and link-events
// (monitor -> instance events), socket-pool with rx-demux (packet -> instances), dispatcher (event
// -> FSM -> actions), vip-executor with the per-instance op-queue (VIPs and GARPs), instance-
// completion (instances of a file made), tracker-statuses, init-faults, instance-teardown,
// reload-plan, snapshot.
// Takeover path: on becoming MASTER the advert, the VIP add requests (encoded in advance, written
// synchronously, ACKs awaited later) and the GARP frames (built in advance) leave in one call,
// before log lines and notifies (HeldLog).
import { monotonicClock, realTimers, type Clock, type Timers } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { KeepalivedConfig, VrrpInstance } from '../../config/model.js';
import { sameTracker, type FaultReason, type TrackerRef, type TrackerStatus, type VrrpState } from '../fsm-types.js';
import { HeldLog } from '../held-log.js';
import { SyncGroupCore } from '../sync-group.js';
import { VipFirewall } from '../firewall/vip-firewall.js';
import { TrackerHub, unusedScriptLines } from '../io/tracker-hub.js';
import { LinuxKernel } from '../kernel/linux.js';
import type { KernelPort, KernelProblem } from '../kernel/port.js';
import { rcvBufFor } from '../io/rcvbuf.js';
import { Dispatcher, type StateChangeEvent } from './dispatcher.js';
import { GarpSender } from './garp-sender.js';
import { InterfaceBinding } from './if-binding.js';
import { InstanceFactory } from './instance-factory.js';
import { configuredIfname, instanceUp, interfaceEvent, vipList, type Inst } from './instance.js';
import { LinkEvents } from './link-events.js';
import { LinkGate } from './link-gate.js';
import { NetFeed } from './net-feed.js';
import { demuxAdvert } from './rx-demux.js';
import { InstanceCompletion } from './instance-completion.js';
import { InstanceTeardown } from './instance-teardown.js';
import { reloadStatuses, startupTrackerEvents, type StatusInputs } from './tracker-statuses.js';
import { ifUp, LinkTable } from './link-table.js';
import { planReload } from './reload-plan.js';
import { snapshotOf, type VrrpSnapshot } from './snapshot.js';
import { rxShare } from './rx-bufs.js';
import { SocketPool } from './socket-pool.js';
import { initFaultLines } from './init-faults.js';
import { checkInterfaces, NON_EXISTENT_INTERFACE } from './startup-check.js';
import { SysctlStore } from './sysctl-store.js';
import { VipExecutor } from './vip-executor.js';
import { RouteExecutor } from '../routes/executor.js';

export type { StateChangeEvent } from './dispatcher.js';
export type { InstanceSnapshot, VrrpSnapshot } from './snapshot.js';

/** A start the daemon must not survive (keepalived's KEEPALIVED_EXIT_CONFIG). */
export interface StartFailure { permanentError: { kind: 'CONFIG'; message: string } }

export interface RuntimeDeps {
  logger: Logger;
  clock?: Clock;
  /** One-shot timers (default: setTimeout); fake ones with a FakeClock in unit tests. */
  timers?: Timers;
  /** The kernel (default: the real Linux adapter). */
  kernel?: KernelPort;
  onStateChange?: (ev: StateChangeEvent) => void;
  /**
   * keepalived -V (--dont-release-vrrp) or -X (--release-vips): leaving MASTER, and starting in
   * BACKUP or FAULT, remove the VIPs whether set or not (VrrpFsmParams.releaseVipsAlways). -V's
   * other effect is at stop (stop({ dontRelease })).
   */
  releaseVipsAlways?: boolean;
  /**
   * Lines of the parent's config check that keepalived 2.2.7 logs in its VRRP process, after
   * "Registering Kernel netlink command channel" (its SECURITY VIOLATION line, measured).
   */
  configLines?: readonly string[];
}

const IGMP_LLM = 'net/ipv4/igmp_link_local_mcast_reports';

export class VrrpRuntime {
  private readonly clock: Clock;
  private readonly timers: Timers;
  /** Log lines (and notifies) of one event are written after its packets went out. */
  private readonly log: HeldLog;
  private readonly kernel: KernelPort;
  private readonly links = new LinkTable();
  private readonly insts = new Map<string, Inst>();
  private readonly groups = new Map<string, SyncGroupCore>();
  private readonly sockets: SocketPool;
  private readonly vips: VipExecutor;
  /** GARPs / NAs: pacing per interface group, garp_extra_if. */
  private readonly garps: GarpSender;
  /** strict mode / no_accept / nftables / use_vmac: keepalived's nftables table. */
  private readonly firewall: VipFirewall;
  /** static_* and virtual_routes / virtual_rules (src/vrrp/routes). */
  private readonly routes: RouteExecutor;
  private readonly dispatcher: Dispatcher;
  private readonly linkEvents: LinkEvents;
  /** interface_up_down_delays and linkbeat polling, in front of linkEvents. */
  private readonly linkGate: LinkGate;
  private readonly binding: InterfaceBinding;
  private readonly factory: InstanceFactory;
  private readonly trackers: TrackerHub;
  private readonly sysctl: SysctlStore;
  private readonly teardown: InstanceTeardown;
  private readonly completion: InstanceCompletion;
  private config!: KeepalivedConfig;
  private stopped = false;
  /**
   * Kernel events are no longer read (2.2.7 closes its monitor first at stop: its own VMAC deletions
   * are not logged).
   */
  private monitorOff = false;
  /** Kernel events on their way to the link gate (held while VMACs are made, resync after an overrun). */
  private readonly netFeed: NetFeed;
  private startupTimer?: unknown;
  /** The frame socket's problem at start, logged after "Registering gratuitous ARP shared channel". */
  private frameProblems: KernelProblem[] = [];
  private readonly releaseVipsAlways: boolean;
  private readonly configLines: readonly string[];
  /** Monitor overruns seen (ENOBUFS). */
  get overruns(): number { return this.netFeed.overruns; }

  constructor(deps: RuntimeDeps) {
    this.clock = deps.clock ?? monotonicClock;
    this.timers = deps.timers ?? realTimers;
    this.log = new HeldLog(deps.logger);
    this.releaseVipsAlways = !!deps.releaseVipsAlways;
    this.configLines = deps.configLines ?? [];
    this.kernel = deps.kernel ?? new LinuxKernel();
    this.sockets = new SocketPool(this.kernel.sockets, this.log, (entry, rx) => {
      const d = demuxAdvert(rx, entry.key.unicast, entry.users, (n) => this.insts.get(n));
      for (const inst of d.to) this.dispatch(inst, { type: 'packet', payload: rx.payload, ttl: rx.ttl, src: rx.src, dst: rx.dst, family: rx.family });
      // log_unknown_vrids: an advert the socket got for a VRID no instance on it runs
      if (d.unknownVrid !== undefined && this.config.global.logUnknownVrids) {
        this.log.info(`Unknown VRID(${d.unknownVrid}) received on interface(${this.links.byIndex(entry.key.ifindex)?.name ?? ''}). ignoring...`);
      }
    }, (user, key) => {
      const cfg = this.config.vrrpInstances.find((v) => v.name === user);
      return cfg ? rxShare(cfg, this.config.global, this.links.byIndex(key.ifindex)?.mtu) : 0;
    });
    this.firewall = new VipFirewall(this.kernel.firewall, this.log);
    this.garps = new GarpSender(this.kernel.frames, this.links, this.log, this.clock, this.timers, this.insts);
    this.vips = new VipExecutor(this.kernel.addrs, this.garps, this.links, this.log, this.firewall);
    this.routes = new RouteExecutor(this.kernel.routes, this.kernel.addrs, this.log, {
      ifindex: (n) => this.links.get(n)?.index, ifname: (i) => this.links.byIndex(i)?.name,
      instance: (n) => this.insts.get(n), backup: (inst) => this.dispatch(inst, { type: 'vipDeleted' }),
    });
    this.dispatcher = new Dispatcher(this.log, this.insts, this.vips, deps.onStateChange, this.routes, this.garps);
    this.teardown = new InstanceTeardown({
      kernelLinks: this.kernel.links, links: this.links, firewall: this.firewall, garps: this.garps,
      sockets: this.sockets, log: this.log, global: () => this.config.global,
    });
    this.binding = new InterfaceBinding(this.sockets, this.links, this.vips, this.log, () => this.config.global);
    this.linkEvents = new LinkEvents(this.links, this.insts, this.binding, this.vips, this.log, {
      dispatch: (inst, ev) => this.dispatch(inst, ev), baseAdded: (inst) => this.vmacForBase(inst),
      vmacGone: (inst) => this.teardown.vmacGone(inst),
      isStatic: (a) => !!this.config?.staticIpaddress.some((s) => s.address === a),
    });
    this.linkGate = new LinkGate({
      forward: (ev) => this.kernelEvent(ev), log: this.log, clock: this.clock, timers: this.timers,
      probe: (ifname, kind) => this.kernel.linkbeat.probe(ifname, kind),
    });
    this.netFeed = new NetFeed({
      net: this.kernel.net, gate: this.linkGate, addresses: () => this.links.addresses(), log: this.log,
      timers: this.timers, off: () => this.stopped || this.monitorOff,
    });
    this.trackers = new TrackerHub(this.log, (t, status) => this.broadcastTracker(t, status));
    this.sysctl = new SysctlStore(this.kernel.sysctl, this.log);
    this.factory = new InstanceFactory({
      kernel: this.kernel, links: this.links, binding: this.binding, sysctl: this.sysctl, firewall: this.firewall,
      log: this.log, clock: this.clock, timers: this.timers, dispatch: (inst, ev) => this.dispatch(inst, ev),
      ...(deps.releaseVipsAlways ? { releaseVipsAlways: true } : {}),
      vmacNames: () => new Set([...this.insts.values()].flatMap((i) => [
        ...(i.vmac ? [i.vmac.name] : []), ...(i.ipvlan ? [i.ipvlan.name] : []),
        ...(i.addrVmacs ?? []).map((a) => a.name),
      ])),
    });
    this.completion = new InstanceCompletion({
      firewall: this.firewall, factory: this.factory, vips: this.vips, links: this.links, log: this.log,
      insts: this.insts, groups: this.groups,
    });
  }

  private dispatch(inst: Inst, ev: Parameters<Dispatcher['dispatch']>[1]): void { this.dispatcher.dispatch(inst, ev); }

  /**
   * Starts every instance. A config naming an interface that does not exist, without
   * dynamic_interfaces, is a start failure (the caller logs its message and exits as keepalived).
   */
  async start(config: KeepalivedConfig): Promise<StartFailure | undefined> {
    this.config = config;
    // 2.2.7's vrrp_complete_init failed (the parser reported why): the VRRP process stops, CONFIG
    if (config.vrrpUnusable) { this.stopped = true; return { permanentError: { kind: 'CONFIG', message: '' } }; }
    const problems = this.kernel.open();
    for (const p of problems) if (p.channel === 'command') this.log.error(`Unable to open netlink command socket: ${p.message}`);
    this.sizeNetlink(config);
    this.log.detail('Registering Kernel netlink reflector');
    this.log.detail('Registering Kernel netlink command channel');
    for (const l of this.configLines) this.log.info(l);
    this.garps.configure(config);
    this.linkGate.configure(config);
    await this.refreshLinks();
    const check = checkInterfaces(config, (n) => !!this.links.get(n));
    for (const l of check.lines) this.log.info(l);
    if (check.missing && !config.global.dynamicInterfaces) {
      this.stopped = true;
      this.kernel.close();
      return { permanentError: { kind: 'CONFIG', message: NON_EXISTENT_INTERFACE } };
    }
    this.startPolling(config);
    this.frameProblems = problems.filter((p) => p.channel === 'frames');
    // interface_up_down_delays and linkbeat decide which link state the rest sees (link-gate.ts)
    this.kernel.net.monitor((ev) => this.netFeed.feed(ev), (e) => this.netFeed.error(e));
    for (const p of problems) if (p.channel === 'routes') this.log.error(`Unable to open netlink route socket: ${p.message}`);
    this.routes.start(config);
    this.trackers.start(config);
    // disable_local_igmp: no IGMP reports for link-local groups (224.0.0.18) while running (2.2.7
    // writes 0 only over a 1, and puts the 1 back on stop)
    if (config.global.disableLocalIgmp && this.kernel.sysctl.read(IGMP_LLM) === '1') this.sysctl.set(IGMP_LLM, '0');
    await this.startInstances(config.vrrpInstances, config);
    return undefined;
  }

  /** vrrp_netlink_cmd_rcv_bufs / vrrp_netlink_monitor_rcv_bufs (64 KiB each when not set), at start and each reload. */
  private sizeNetlink(config: KeepalivedConfig): void {
    const g = config.global;
    this.kernel.setNetlinkRcvBufs?.(rcvBufFor(g, 'vrrp_netlink_cmd')!, rcvBufFor(g, 'vrrp_netlink_monitor')!, (l) => this.log.info(l));
  }

  /** A kernel event as the link gate passes it on: links and addresses, then routes and static addresses. */
  private kernelEvent(ev: Parameters<LinkEvents['handle']>[0]): void {
    if (this.stopped) return;
    const wasUp = ev.kind === 'link' ? ifUp(this.links.byIndex(ev.link.index)) : false;
    this.linkEvents.handle(ev);
    this.routeEvents(ev, wasUp);
  }

  /** What routes and static addresses make of a link / address event (keepalived's interface_up / _down, reinstate). */
  private routeEvents(ev: Parameters<LinkEvents['handle']>[0], wasUp: boolean): void {
    if (ev.kind === 'addrDeleted') this.routes.addressDeleted(ev.addr);
    else if (ev.kind === 'link') {
      const isUp = ifUp(ev.link);
      if (wasUp && !isUp) this.routes.linkDown(ev.link.index, this.insts.values());
      else if (!wasUp && isUp) this.routes.linkUp(ev.link.index);
    }
  }

  private async refreshLinks(): Promise<void> {
    const links = this.linkGate.seed(await this.kernel.net.links());
    this.links.load(links, await this.kernel.net.addresses());
  }

  /** linkbeat: polled interfaces take the state their first probe found. */
  private startPolling(config: KeepalivedConfig): void {
    const isVmac = (n: string): boolean => [...this.insts.values()].some((i) => i.vmac?.name === n);
    for (const l of this.linkGate.startPolling(config, isVmac)) this.links.set(l);
  }

  /**
   * The first start of the instances, in keepalived 2.2.7's order (measured): each instance
   * completed (instance-completion.ts); then, instance after instance, each step:
   * the trackers' effect and FAULT lines; "Warning - script X is not used"; "Registering gratuitous
   * ARP shared channel"; the left-over VIP removal; BACKUP (init); the sockpool lines.
   */
  private async startInstances(list: readonly VrrpInstance[], config: KeepalivedConfig): Promise<void> {
    const created = await this.completion.complete(config, list);
    /**
     * Instances whose interface existed at start (keepalived removes left-over VIPs from those only):
     * with use_vmac the VMAC is that interface, so only an adopted one counts (measured); an ipvlan
     * made now holds nothing to remove either.
     */
    const existed = new Set(created.filter((i) => i.link && !i.ipvlan && (!i.vmac || i.vmac.found)));
    const delayS = config.global.vrrpStartupDelay ?? 0;
    if (delayS > 0) {
      this.log.info(`Delaying startup for ${delayS} seconds`);
      await new Promise<void>((r) => { this.startupTimer = this.timers.set(r, delayS * 1000); });
      if (this.stopped) return;
    }
    for (const inst of created) this.startStatuses(inst);
    this.trackSteps(created.map((inst) => ({ inst })), false);
    for (const l of unusedScriptLines(config)) this.log.info(l);
    if (config.vrrpInstances.some((i) => i.family === 'inet' || vipList(i).some((v) => v.family === 'inet'))) this.log.detail('Registering gratuitous ARP shared channel');
    if (config.vrrpInstances.some((i) => i.family === 'inet6' || vipList(i).some((v) => v.family === 'inet6'))) this.log.detail('Registering gratuitous NDISC shared channel');
    for (const p of this.frameProblems) {
      this.log.error(`Unable to open gratuitous ARP/NA socket: ${p.message}`);
      this.garps.framesOk = false;
    }
    for (const inst of created) this.dispatch(inst, { type: 'startup', step: 'removal', removeVips: existed.has(inst) });
    for (const inst of created) this.dispatch(inst, { type: 'startup', step: 'state' });
    this.logSockpool(created, config);
  }

  /**
   * initialise_tracking_priorities, as 2.2.7 runs it at start-up and at each reload for every
   * instance (kept ones: `kept`, after their 'apply'): the FAULT reasons of interfaces, files and
   * processes of all instances; then each instance's own reasons (address, scripts) and its
   * priority line; then "(VI) entering FAULT state" for those it puts in FAULT.
   */
  private trackSteps(list: readonly { inst: Inst; kept?: boolean }[], reload: boolean): void {
    const reasons = (inst: Inst, part: 'objects' | 'instance'): void => {
      for (const l of this.faultLines(inst, inst.fsm.ownFaults(), part)) this.log.info(l);
    };
    for (const { inst } of list) reasons(inst, 'objects');
    for (const { inst, kept } of list) {
      reasons(inst, 'instance');
      this.dispatch(inst, kept ? { type: 'reloaded', step: 'track' } : { type: 'startup', step: 'track', reload });
    }
    for (const { inst, kept } of list) this.dispatch(inst, kept ? { type: 'reloaded', step: 'fault' } : { type: 'startup', step: 'fault', reload });
  }

  /** The trackers' and the interface's status of an instance before its start-up. */
  private startStatuses(inst: Inst): void {
    for (const ev of startupTrackerEvents(inst.fsm.params.trackers, this.statusInputs())) this.dispatch(inst, ev);
    if (!instanceUp(inst, this.links)) this.dispatch(inst, interfaceEvent(inst, this.links));
  }

  private statusInputs(): StatusInputs {
    return { ifUp: (n) => ifUp(this.links.get(n)), status: (t) => this.trackers.status(t) };
  }

  /**
   * use_vmac: the base interface appeared (dynamic_interfaces, or deleted and created again): the
   * VMAC is made on it, in the instance's queue so the VIP requests that follow go on the VMAC.
   */
  private vmacForBase(inst: Inst): void {
    this.netFeed.hold();
    inst.queue.run(async () => {
      try {
        const link = inst.link;
        if (this.stopped || inst.vmac || !link || !inst.vmacName) return;
        const vmac = await this.factory.createVmac(inst.cfg, inst.vmacName, link, inst.primary, this.config.global,
          true);
        if (!vmac || this.stopped) return;
        inst.vmac = vmac;
        this.vips.prepare(inst);
        this.dispatch(inst, interfaceEvent(inst, this.links));
      } finally {
        this.netFeed.release();
      }
    });
  }

  /** Why an instance is in FAULT, in 2.2.7's start-up (and reload) lines. */
  private faultLines(inst: Inst, faults: readonly FaultReason[], part: 'objects' | 'instance'): string[] {
    if (faults.length === 0) return [];
    const group = this.config.vrrpSyncGroups.find((g) => g.group.includes(inst.cfg.name));
    return initFaultLines(inst, faults, { ...this.statusInputs(), ...(group ? { group } : {}) }, part);
  }

  /**
   * "VRRP sockpool: [...]" per socket, as 2.2.7 lists its pool (at start and after a reload): a
   * VMAC's instance on its VMAC (2.2.7's socket is there; ours receives on the base and sends from
   * the VMAC); an IPv6 socket that waits for a link-local address on its interface, not open.
   */
  private logSockpool(list: readonly Inst[], config: KeepalivedConfig): void {
    this.sockets.logSockpool(list.map((i) => {
      const unicast = i.cfg.unicastPeer.length > 0;
      if (i.vmac && !i.cfg.vmacXmitBase) {
        return { ifindex: i.vmac.index, family: i.cfg.family, unicast, ...(i.vmac.tx ? { fd: i.vmac.tx.fd } : {}) };
      }
      return i.socket?.key ?? { ifindex: i.link?.index ?? 0, family: i.cfg.family, unicast };
    }), config.global);
  }

  private broadcastTracker(tracker: TrackerRef, status: TrackerStatus): void {
    if (this.stopped) return;
    for (const inst of this.insts.values()) {
      if (inst.fsm.params.trackers.some((t) => sameTracker(t, tracker))) this.dispatch(inst, { type: 'tracker', tracker, status });
    }
  }

  /**
   * Stops the given instances: MASTERs send priority 0 and remove their VIPs, VMACs are deleted;
   * with dontRelease (-V at stop) none of that, as keepalived 2.2.7 (its VMACs and their VIPs stay).
   */
  private async stopInstances(names: readonly string[], dontRelease = false,
    deleted: ReadonlySet<string> = new Set()): Promise<void> {
    const list = names.map((n) => this.insts.get(n)).filter((x): x is Inst => !!x);
    for (const inst of list) this.dispatch(inst, { type: 'shutdown', dontRelease, reason: deleted.has(inst.cfg.name) ? 'deleted' : 'stop' });
    await Promise.all(list.map((i) => i.queue.idle()));
    for (const inst of list) {
      inst.timers.cancelAll();
      // gone before its links go: their RTM_DELLINK no longer concerns it
      this.insts.delete(inst.cfg.name);
      await this.teardown.release(inst, dontRelease);
    }
    for (const [name, g] of this.groups) {
      const alive = [...this.insts.values()].some((i) => i.group === g);
      if (!alive) this.groups.delete(name);
    }
  }

  /**
   * SIGTERM: every instance stops; then the kernel channels close. dontRelease (keepalived -V): no
   * priority 0, VIPs, virtual routes and VMACs stay, and only disable_local_igmp's sysctl is put
   * back (2.2.7 skips restore_vrrp_interfaces and shutdown_vrrp_instances; measured).
   */
  async stop(opts: { dontRelease?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.monitorOff = true;
    if (this.startupTimer !== undefined) this.timers.clear(this.startupTimer);
    // in the file's order (2.2.7's STOP notifies), any other after
    const inFile = this.config.vrrpInstances.map((c) => c.name).filter((n) => this.insts.has(n));
    const names = [...inFile, ...this.insts.keys()];
    await this.stopInstances([...new Set(names)], !!opts.dontRelease);
    this.firewall.stop();
    this.garps.stop();
    this.linkGate.stop();
    await this.routes.stop();
    this.stopped = true;
    this.trackers.stop();
    this.sysctl.restore(opts.dontRelease ? (key) => key === IGMP_LLM : undefined);
    this.kernel.close();
  }

  /**
   * Applies a new config as keepalived 2.2.7 does on SIGHUP (reload-plan.ts): kept instances take
   * the new settings through the FSM's 'reconfigure' event (a MASTER changes its VIPs by
   * difference), unchanged ones included, as keepalived does; removed ones stop (a MASTER sends
   * priority 0 and drops its VIPs) and new ones start from INIT.
   */
  async reload(config: KeepalivedConfig, configLines: readonly string[] = []): Promise<void> {
    for (const l of configLines) this.log.info(l);
    this.sizeNetlink(config);
    this.garps.configure(config);
    this.linkGate.configure(config);
    await this.refreshLinks();
    this.startPolling(config);
    const running = new Map([...this.insts].map(([n, i]) =>
      [n, {
        cfg: i.cfg, ifname: configuredIfname(i), primary: i.primary,
        ...(i.ipvlan ? { runsOn: i.ipvlan.name } : {}),
      }],
    ));
    const plan = planReload({
      old: this.config, next: config, running, link: (n) => this.links.get(n),
      primaryOf: (c, l) => this.links.primaryOf(c, l), releaseVipsAlways: !!this.releaseVipsAlways,
    });
    // an instance the new file no longer has is deleted (DELETED / FAULT notifies, in step 2); one that
    // restarts (same name, new VRID, socket or VMAC) stops now and starts with the added ones
    const names = new Set(config.vrrpInstances.map((c) => c.name));
    const deleted = plan.stop.filter((n) => !names.has(n));
    await this.stopInstances(plan.stop.filter((n) => names.has(n)));
    this.routes.reload(config, [...plan.keep.keys()].map((n) => this.insts.get(n)!));
    this.trackers.stop();
    this.config = config;
    this.trackers.start(config);
    // 2.2.7 completes every instance of the new file again
    const created = new Set(await this.completion.complete(config, plan.start, plan.keep));
    for (const [name, k] of plan.keep) {
      const inst = this.insts.get(name)!;
      inst.prevVips = vipList(inst.cfg);
      inst.cfg = k.cfg;
      inst.peers = k.cfg.unicastPeer.map((p) => p.address);
      this.vips.prepare(inst);
    }
    const order = config.vrrpInstances.map((c) => this.insts.get(c.name))
      .filter((i): i is Inst => !!i && (created.has(i) || plan.keep.has(i.cfg.name)));
    // keepalived 2.2.7 runs the same path for an unchanged instance (a MASTER logs "setting VIPs." and
    // sends its two adverts as well; checked in namespaces), each step for every instance in file
    // order before the next (measured: lines and FIFO): 1. trackers' effect and FAULT
    for (const inst of order) {
      const k = plan.keep.get(inst.cfg.name);
      if (k) this.dispatch(inst, { type: 'reconfigure', params: k.params, statuses: reloadStatuses(k.params.trackers, this.statusInputs()), step: 'apply' });
      else this.startStatuses(inst);
    }
    this.trackSteps(order.map((inst) => ({ inst, kept: plan.keep.has(inst.cfg.name) })), true);
    for (const l of unusedScriptLines(config)) this.log.info(l);
    // 2. deleted instances stop; kept MASTERs set their VIPs
    await this.stopInstances(deleted, false, new Set(deleted));
    for (const inst of order) {
      if (!plan.keep.has(inst.cfg.name)) continue;
      this.dispatch(inst, { type: 'reloaded', step: 'vips' });
      if (inst.fsm.state === 'MASTER') this.vips.reconcileFirewall(inst);
    }
    // 3. vrrp_init_state: the groups' FIFO lines (fifo_write_vrrp_states_on_reload), then the instances
    if (config.global.fifoWriteVrrpStatesOnReload) {
      for (const g of this.groups.values()) this.dispatcher.groupOutputs(g.reannounce());
    }
    for (const inst of order) {
      if (plan.keep.has(inst.cfg.name)) this.dispatch(inst, { type: 'reloaded', step: 'init' });
      else this.dispatch(inst, { type: 'startup', step: 'state', reload: true });
    }
    this.logSockpool(config.vrrpInstances.map((c) => this.insts.get(c.name)).filter((i): i is Inst => !!i), config);
  }

  snapshot(): VrrpSnapshot { return snapshotOf(this.insts.values(), this.groups.values()); }

  /** Current state of one instance (tests, control). */
  stateOf(name: string): VrrpState | undefined { return this.insts.get(name)?.fsm.state; }
}
