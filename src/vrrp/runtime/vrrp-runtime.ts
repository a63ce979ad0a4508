// VRRP runtime: wires the pure cores (VrrpFsm, SyncGroupCore) to the kernel through one KernelPort
// (src/vrrp/kernel/port.ts: the real Linux adapter by default, an in-memory fake in unit tests) and
// to time through the injected Clock and Timers. This file holds the lifecycle (start, instances
// created and stopped, reload, stop); the parts live beside it: link-table (interfaces, addresses),
// link-events (monitor -> instance events), socket-pool, dispatcher (event -> FSM -> actions),
// vip-executor with the per-instance op-queue (VIPs and GARPs), reload-plan, snapshot.
// Takeover path: on becoming MASTER the advert, the VIP add requests (encoded in advance, written
// synchronously, ACKs awaited later) and the GARP frames (built in advance) leave in one call,
// before log lines and notifies (HeldLog).
import { monotonicClock, realTimers, type Clock, type Timers } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { KeepalivedConfig, VrrpInstance } from '../../config/model.js';
import { sameTracker, trackerKey, type FaultReason, type TrackerRef, type TrackerStatus, type VrrpFsmParams, type VrrpState } from '../fsm-types.js';
import { HeldLog } from '../held-log.js';
import { SyncGroupCore } from '../sync-group.js';
import { VipFirewall } from '../firewall/vip-firewall.js';
import { TrackerHub, unusedScriptLines } from '../io/tracker-hub.js';
import { LinuxKernel } from '../kernel/linux.js';
import type { AddrInfo, KernelError, KernelEvent, KernelPort, KernelProblem, LinkInfo } from '../kernel/port.js';
import { rcvBufFor } from '../io/rcvbuf.js';
import { monitorRecvErrorLines } from '../io/nl-channel.js';
import { Dispatcher, type StateChangeEvent } from './dispatcher.js';
import { GarpSender } from './garp-sender.js';
import { InterfaceBinding } from './if-binding.js';
import { fwVmac, InstanceFactory, vmacFirewalled } from './instance-factory.js';
import { configuredIfname, instanceUp, interfaceEvent, vipList, type Inst } from './instance.js';
import { LinkEvents } from './link-events.js';
import { LinkGate } from './link-gate.js';
import { resyncEvents } from './link-resync.js';
import { ifUp, LinkTable } from './link-table.js';
import { planReload } from './reload-plan.js';
import type { DerivedParams } from '../params.js';
import { snapshotOf, type VrrpSnapshot } from './snapshot.js';
import { rxShare } from './rx-bufs.js';
import { SocketPool } from './socket-pool.js';
import { initFaultLines } from './init-faults.js';
import { checkInterfaces, NON_EXISTENT_INTERFACE } from './startup-check.js';
import { SysctlStore } from './sysctl-store.js';
import { VipExecutor } from './vip-executor.js';
import { RouteExecutor } from '../routes/executor.js';
import { trackGroups } from '../track-groups.js';

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

/** Dumps tried for one resync after a monitor overrun (vrrp-runtime.ts dumpNet). */
const RESYNC_TRIES = 8;
/** Events applied at once by a resync (thousands may have been missed: one flood must not hold adverts up). */
const RESYNC_SLICE = 256;

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
  private config!: KeepalivedConfig;
  private stopped = false;
  /** Kernel events are no longer read (2.2.7 closes its monitor first at stop: its own VMAC deletions are not logged). */
  private monitorOff = false;
  /** Kernel events held while VMACs are being made (2.2.7 makes one before it reads the next message). */
  private held?: { count: number; events: KernelEvent[] };
  private startupTimer?: unknown;
  /** The frame socket's problem at start, logged after "Registering gratuitous ARP shared channel". */
  private frameProblems: KernelProblem[] = [];
  private readonly releaseVipsAlways: boolean;
  private readonly configLines: readonly string[];
  /** Monitor events that arrive while a resync after an overrun is under way (monitorError()). */
  private heldEvents?: KernelEvent[];
  private resyncAgain = false;
  /** Monitor overruns seen (ENOBUFS). */
  overruns = 0;

  constructor(deps: RuntimeDeps) {
    this.clock = deps.clock ?? monotonicClock;
    this.timers = deps.timers ?? realTimers;
    this.log = new HeldLog(deps.logger);
    this.releaseVipsAlways = !!deps.releaseVipsAlways;
    this.configLines = deps.configLines ?? [];
    this.kernel = deps.kernel ?? new LinuxKernel();
    this.sockets = new SocketPool(this.kernel.sockets, this.log, (entry, rx) => {
      if (rx.payload.length < 2) return;
      const vrid = rx.payload[1]!;
      // keepalived binds an IPv4 socket to its group (multicast) or to unicast_src_ip (unicast), so the
      // other kind never reaches it; ours are not bound: drop it here, silently as the kernel would
      const reaches = (inst: Inst): boolean => rx.family !== 'inet' || (entry.key.unicast ? rx.dst === inst.primary : rx.dst === inst.fsm.params.destination);
      let known = false, received = false;
      for (const name of entry.users) {
        const inst = this.insts.get(name);
        if (!inst || !reaches(inst)) continue;
        received = true;
        if (inst.fsm.params.vrid !== vrid) continue;
        known = true;
        this.dispatch(inst, { type: 'packet', payload: rx.payload, ttl: rx.ttl, src: rx.src, dst: rx.dst, family: rx.family });
      }
      // log_unknown_vrids: an advert (at least a VRRP header) the socket got for a VRID no instance on it runs
      if (received && !known && rx.payload.length >= 8 && this.config.global.logUnknownVrids) {
        this.log.info(`Unknown VRID(${vrid}) received on interface(${this.links.byIndex(entry.key.ifindex)?.name ?? ''}). ignoring...`);
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
    this.binding = new InterfaceBinding(this.sockets, this.links, this.vips, this.log, () => this.config.global);
    this.linkEvents = new LinkEvents(this.links, this.insts, this.binding, this.vips, this.log, {
      dispatch: (inst, ev) => this.dispatch(inst, ev), baseAdded: (inst) => this.vmacForBase(inst), vmacGone: (inst) => this.vmacGone(inst),
      isStatic: (a) => !!this.config?.staticIpaddress.some((s) => s.address === a),
    });
    this.linkGate = new LinkGate({ forward: (ev) => this.kernelEvent(ev), log: this.log, clock: this.clock, timers: this.timers,
      probe: (ifname, kind) => this.kernel.linkbeat.probe(ifname, kind) });
    this.trackers = new TrackerHub(this.log, (t, status) => this.broadcastTracker(t, status));
    this.sysctl = new SysctlStore(this.kernel.sysctl, this.log);
    this.factory = new InstanceFactory({ kernel: this.kernel, links: this.links, binding: this.binding, sysctl: this.sysctl, firewall: this.firewall, log: this.log,
      clock: this.clock, timers: this.timers, dispatch: (inst, ev) => this.dispatch(inst, ev),
      ...(deps.releaseVipsAlways ? { releaseVipsAlways: true } : {}),
      vmacNames: () => new Set([...this.insts.values()].flatMap((i) => [...(i.vmac ? [i.vmac.name] : []), ...(i.ipvlan ? [i.ipvlan.name] : []), ...(i.addrVmacs ?? []).map((a) => a.name)])) });
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
    this.kernel.net.monitor((ev) => this.kernelFeed(ev), (e) => this.monitorError(e));
    for (const p of problems) if (p.channel === 'routes') this.log.error(`Unable to open netlink route socket: ${p.message}`);
    this.routes.start(config);
    this.trackers.start(config);
    // disable_local_igmp: no IGMP reports for link-local groups (224.0.0.18) while running (2.2.7
    // writes 0 only over a 1, and puts the 1 back on stop)
    if (config.global.disableLocalIgmp && this.kernel.sysctl.read(IGMP_LLM) === '1') this.sysctl.set(IGMP_LLM, '0');
    await this.startInstances(config.vrrpInstances, config);
    return undefined;
  }

  private kernelFeed(ev: KernelEvent): void {
    if (this.stopped || this.monitorOff) return;
    // held while VMACs are made, or while a resync after an overrun runs
    if (this.held) this.held.events.push(ev);
    else if (this.heldEvents) this.heldEvents.push(ev);
    else this.linkGate.feed(ev);
  }

  /** vrrp_netlink_cmd_rcv_bufs / vrrp_netlink_monitor_rcv_bufs (64 KiB each when not set), at start and at each reload. */
  private sizeNetlink(config: KeepalivedConfig): void {
    const g = config.global;
    this.kernel.setNetlinkRcvBufs?.(rcvBufFor(g, 'vrrp_netlink_cmd')!, rcvBufFor(g, 'vrrp_netlink_monitor')!, (l) => this.log.info(l));
  }

  /**
   * "Assigned address A for interface X" for each interface an instance runs on, once: what 2.2.7
   * keeps as its addresses, the first IPv4 one and the first IPv6 link-local one, VIPs (those of the
   * file and of the running instances) excepted. At start-up and at each reload.
   */
  private logAssigned(names: readonly string[], config: KeepalivedConfig): void {
    const vips = new Set([...config.vrrpInstances, ...[...this.insts.values()].map((i) => i.cfg)].flatMap((c) => vipList(c).map((v) => v.address)));
    // an ipvlan's is use_ipvlan's address
    const ipvlanAddr = new Map([...this.insts.values()].flatMap((i) => (i.ipvlan && i.cfg.useIpvlan?.address ? [[i.ipvlan.name, i.cfg.useIpvlan.address]] as const : [])));
    for (const name of new Set(names)) {
      const l = this.links.get(name);
      if (!l) continue;
      const own = this.links.addressesOf(l.index).filter((a) => !vips.has(a.address));
      const set = ipvlanAddr.get(name);
      const v4 = set?.family === 'inet' ? set : own.find((a) => a.family === 'inet');
      const v6 = set?.family === 'inet6' ? set : own.find((a) => a.family === 'inet6' && a.address.startsWith('fe80:'));
      for (const a of [v4, v6]) if (a) this.log.detail(`Assigned address ${a.address} for interface ${name}`);
    }
  }

  /**
   * The monitor socket failed a read: 2.2.7's lines. After an overrun (ENOBUFS: the kernel dropped
   * events) the links and addresses are dumped again and the difference is applied as the events
   * that were missed (link-resync.ts); events arriving meanwhile are held and applied after it.
   */
  private monitorError(e: KernelError): void {
    if (this.stopped || this.monitorOff) return;
    for (const l of monitorRecvErrorLines(e.errno, e.text)) this.log.info(l);
    if (e.code !== 'ENOBUFS') return;
    this.overruns++;
    if (this.heldEvents) { this.resyncAgain = true; return; }
    void this.resync();
  }

  private async resync(): Promise<void> {
    this.heldEvents = [];
    try {
      do {
        this.resyncAgain = false;
        const dump = await this.dumpNet();
        if (this.stopped || this.monitorOff) return;
        const { links, addrs } = dump;
        const missed = resyncEvents({ links: this.linkGate.rawLinks(), addrs: this.links.addresses() }, { links, addrs });
        this.log.detail(`Netlink: resynchronised links and addresses after the overrun (${missed.length} change${missed.length === 1 ? '' : 's'})`);
        await this.feedSliced(missed);
        while (this.heldEvents.length && !this.stopped && !this.monitorOff) {
          const held = this.heldEvents;
          this.heldEvents = [];
          await this.feedSliced(held);
        }
      } while (this.resyncAgain && !this.stopped && !this.monitorOff);
    } catch (err) {
      this.log.error(`Netlink: cannot resynchronise links and addresses: ${(err as Error).message}`);
    } finally {
      const held = this.heldEvents ?? [];
      this.heldEvents = undefined;
      if (!this.stopped && !this.monitorOff) for (const ev of held) this.linkGate.feed(ev);
    }
  }

  /** Feeds events to the link gate RESYNC_SLICE at a time, letting timers (adverts) run in between. */
  private async feedSliced(evs: readonly KernelEvent[]): Promise<void> {
    for (let i = 0; i < evs.length; i += RESYNC_SLICE) {
      if (i > 0) await new Promise<void>((r) => { this.timers.set(r, 0); });
      if (this.stopped || this.monitorOff) return;
      for (const ev of evs.slice(i, i + RESYNC_SLICE)) this.linkGate.feed(ev);
    }
  }

  /**
   * Links and addresses dumped for a resync. A dump taken while the kernel's tables keep changing
   * can come back broken (a multipart reply cut short): tried again after 50, 100, 200 ... ms, up
   * to RESYNC_TRIES times; the last failure is thrown.
   */
  private async dumpNet(): Promise<{ links: LinkInfo[]; addrs: AddrInfo[] }> {
    for (let i = 0; ; i++) {
      try {
        // one dump after the other: a socket carries one multipart reply at a time
        const links = await this.kernel.net.links();
        return { links, addrs: await this.kernel.net.addresses() };
      } catch (e) {
        if (i + 1 >= RESYNC_TRIES || this.stopped || this.monitorOff) throw e;
        await new Promise<void>((r) => { this.timers.set(r, 50 * 2 ** i); });
      }
    }
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
    for (const l of this.linkGate.startPolling(config, (n) => [...this.insts.values()].some((i) => i.vmac?.name === n))) this.links.set(l);
  }

  /**
   * 2.2.7's vrrp_complete_instance for each instance of the file, in its order: the parameter lines,
   * the firewall's line at the first instance that needs it, then a kept one (`kept`: its parameter
   * lines) finds the VMAC / ipvlan it made ("Found matching interface") and a new one (in `start`)
   * is made (VMAC, ipvlan, socket, VIP requests prepared); "Assigned address" for each interface
   * no instance before used (measured in the qemu guest: test/vm/links/keepalived-2.2.7.txt). Then
   * the track groups' lines and the sync groups over the members. The instances made, in order.
   */
  private async createInstances(config: KeepalivedConfig, start: readonly VrrpInstance[], kept: ReadonlyMap<string, { logs: readonly string[] }> = new Map()): Promise<Inst[]> {
    const fw = this.firewall.configure(config);
    const assigned = new Set<string>();
    const assign = (names: readonly string[]) => this.logAssigned(names.filter((n) => !assigned.has(n) && !!assigned.add(n)), config);
    const created: Inst[] = [];
    const starting = new Set(start.map((c) => c.name));
    for (const cfg of config.vrrpInstances) {
      const k = kept.get(cfg.name);
      if (!k && !starting.has(cfg.name)) continue;
      const derived = k ? undefined : this.factory.derive(cfg, config);
      for (const l of k?.logs ?? derived?.logs ?? []) this.log.info(l);
      if (fw.at === cfg.name) for (const l of fw.logs) this.log.info(l);
      const old = k ? this.insts.get(cfg.name) : undefined;
      if (old) {
        const made = old.vmac ?? (old.ipvlan?.index ? old.ipvlan : undefined);
        if (made) this.log.info(`(${cfg.name}) Found matching interface ${made.name}`);
        assign([configuredIfname(old), ...(old.ipvlan?.index ? [old.ipvlan.name] : [])]);
        continue;
      }
      assign([cfg.interface ?? config.global.defaultInterface]);
      const inst = await this.factory.create(cfg, config, derived!);
      if (!inst) continue;
      if (inst.ipvlan) assigned.add(inst.ipvlan.name);
      this.insts.set(cfg.name, inst);
      this.vips.prepare(inst);
      created.push(inst);
    }
    for (const l of trackGroups(config).lines) this.log.info(l);
    for (const g of config.vrrpSyncGroups) {
      const members = g.group.map((n) => this.insts.get(n)).filter((x): x is Inst => !!x);
      if (members.length === 0 || this.groups.has(g.name)) continue;
      const core = new SyncGroupCore(g.name, members.map((m) => m.fsm));
      this.groups.set(g.name, core);
      for (const m of members) m.group = core;
    }
    return created;
  }

  /**
   * The first start of the instances, in keepalived 2.2.7's order (measured): each instance
   * completed (createInstances); then, instance after instance, each step:
   * the trackers' effect and FAULT lines; "Warning - script X is not used"; "Registering gratuitous
   * ARP shared channel"; the left-over VIP removal; BACKUP (init); the sockpool lines.
   */
  private async startInstances(list: readonly VrrpInstance[], config: KeepalivedConfig): Promise<void> {
    const created = await this.createInstances(config, list);
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
    for (const t of inst.fsm.params.trackers) {
      if (t.kind === 'interface') {
        const up = ifUp(this.links.get(t.name));
        if (!up) this.dispatch(inst, { type: 'tracker', tracker: t, status: { ok: false } });
      } else {
        const st = this.trackers.status(t);
        if (st && !('value' in st && st.value === 0)) this.dispatch(inst, { type: 'tracker', tracker: t, status: st });
      }
    }
    if (!instanceUp(inst, this.links)) this.dispatch(inst, interfaceEvent(inst, this.links));
  }

  /**
   * use_vmac: the base interface appeared (dynamic_interfaces, or deleted and created again): the
   * VMAC is made on it, in the instance's queue so the VIP requests that follow go on the VMAC.
   */
  private vmacForBase(inst: Inst): void {
    this.held ??= { count: 0, events: [] };
    this.held.count++;
    inst.queue.run(async () => {
      try {
        const link = inst.link;
        if (this.stopped || inst.vmac || !link || !inst.vmacName) return;
        const vmac = await this.factory.createVmac(inst.cfg, inst.vmacName, link, inst.primary, this.config.global, true);
        if (!vmac || this.stopped) return;
        inst.vmac = vmac;
        this.vips.prepare(inst);
        this.dispatch(inst, interfaceEvent(inst, this.links));
      } finally {
        this.release();
      }
    });
  }

  /** One VMAC made: once none is pending, the kernel events held meanwhile are read in order. */
  private release(): void {
    const h = this.held;
    if (!h || --h.count > 0) return;
    this.held = undefined;
    for (const ev of h.events) this.kernelFeed(ev);
  }

  /** use_vmac: the kernel deleted the VMAC (with its base): its socket and firewall entry go. */
  private vmacGone(inst: Inst): void {
    const v = inst.vmac;
    if (!v) return;
    v.tx?.close();
    delete inst.vmac;
    if (vmacFirewalled(inst.cfg, this.config.global)) this.firewall.vmac('del', fwVmac(inst.cfg, v.index, inst.link?.index ?? 0));
  }

  /** Why an instance is in FAULT, in 2.2.7's start-up (and reload) lines. */
  private faultLines(inst: Inst, faults: readonly FaultReason[], part: 'objects' | 'instance'): string[] {
    if (faults.length === 0) return [];
    const group = this.config.vrrpSyncGroups.find((g) => g.group.includes(inst.cfg.name));
    return initFaultLines(inst, faults, { ifUp: (n) => ifUp(this.links.get(n)), status: (id) => this.trackers.status(id), ...(group ? { group } : {}) }, part);
  }

  /** The status a reload reads for these trackers (interfaces, files and processes anew; scripts as carried over), as 2.2.7. */
  private reloadStatuses(params: VrrpFsmParams): Record<string, TrackerStatus> {
    const out: Record<string, TrackerStatus> = {};
    for (const t of params.trackers) {
      if (t.kind === 'interface') { out[trackerKey(t)] = { ok: ifUp(this.links.get(t.name)) }; continue; }
      const s = this.trackers.status(t);
      if (s) out[trackerKey(t)] = s;
    }
    return out;
  }

  /**
   * "VRRP sockpool: [...]" per socket, as 2.2.7 lists its pool (at start and after a reload): a
   * VMAC's instance on its VMAC (2.2.7's socket is there; ours receives on the base and sends from
   * the VMAC); an IPv6 socket that waits for a link-local address on its interface, not open.
   */
  private logSockpool(list: readonly Inst[], config: KeepalivedConfig): void {
    this.sockets.logSockpool(list.map((i) => (i.vmac && !i.cfg.vmacXmitBase
      ? { ifindex: i.vmac.index, family: i.cfg.family, unicast: i.cfg.unicastPeer.length > 0, ...(i.vmac.tx ? { fd: i.vmac.tx.fd } : {}) }
      : i.socket?.key ?? { ifindex: i.link?.index ?? 0, family: i.cfg.family, unicast: i.cfg.unicastPeer.length > 0 })), config.global);
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
  private async stopInstances(names: readonly string[], dontRelease = false, deleted: ReadonlySet<string> = new Set()): Promise<void> {
    const list = names.map((n) => this.insts.get(n)).filter((x): x is Inst => !!x);
    for (const inst of list) this.dispatch(inst, { type: 'shutdown', dontRelease, reason: deleted.has(inst.cfg.name) ? 'deleted' : 'stop' });
    await Promise.all(list.map((i) => i.queue.idle()));
    for (const inst of list) {
      inst.timers.cancelAll();
      // gone before its links go: their RTM_DELLINK no longer concerns it
      this.insts.delete(inst.cfg.name);
      if (dontRelease) inst.vmac?.tx?.close();
      else if (inst.vmac) {
        inst.vmac.tx?.close();
        await this.deleteVmac(inst, inst.vmac);
        if (vmacFirewalled(inst.cfg, this.config.global)) this.firewall.vmac('del', fwVmac(inst.cfg, inst.vmac.index, inst.link?.index ?? 0));
      }
      if (!dontRelease && inst.ipvlan?.index) await this.deleteVmac(inst, inst.ipvlan);
      for (const a of dontRelease ? [] : inst.addrVmacs ?? []) {
        await this.deleteVmac(inst, a);
        if (vmacFirewalled({ ...inst.cfg, family: a.family }, this.config.global)) this.firewall.vmac('del', { ifindex: a.index, baseIfindex: a.baseIndex, family: a.family, otherFamily: false });
      }
      this.firewall.forget(inst.cfg.name);
      this.garps.forget(inst);
      this.sockets.release(inst.cfg.name);
    }
    for (const [name, g] of this.groups) {
      const alive = [...this.insts.values()].some((i) => i.group === g);
      if (!alive) this.groups.delete(name);
    }
  }

  /**
   * Deletes one of an instance's VMACs or its ipvlan ("(VI) Success removing VMAC interface X", as
   * 2.2.7 says for both). The link table keeps it until the kernel's RTM_DELLINK ("Interface X deleted").
   */
  private async deleteVmac(inst: Inst, v: { index: number; name: string }): Promise<void> {
    const e = await this.kernel.links.delete(v.index);
    if (e && e.code !== 'ENODEV') this.log.info(`(${inst.cfg.name}) Error removing VMAC interface ${v.name}`);
    else if (!e) this.log.detail(`(${inst.cfg.name}) Success removing VMAC interface ${v.name}`);
    if (e) this.links.delete(v.name);
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
    const names = [...this.config.vrrpInstances.map((c) => c.name).filter((n) => this.insts.has(n)), ...this.insts.keys()];
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
    const running = new Map([...this.insts].map(([n, i]) => [n, { cfg: i.cfg, ifname: configuredIfname(i), primary: i.primary, ...(i.ipvlan ? { runsOn: i.ipvlan.name } : {}) }]));
    const plan = planReload({ old: this.config, next: config, running, link: (n) => this.links.get(n), primaryOf: (c, l) => this.links.primaryOf(c, l),
      releaseVipsAlways: !!this.releaseVipsAlways });
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
    const created = new Set(await this.createInstances(config, plan.start, plan.keep));
    for (const [name, k] of plan.keep) {
      const inst = this.insts.get(name)!;
      inst.prevVips = vipList(inst.cfg);
      inst.cfg = k.cfg;
      inst.peers = k.cfg.unicastPeer.map((p) => p.address);
      this.vips.prepare(inst);
    }
    const order = config.vrrpInstances.map((c) => this.insts.get(c.name)).filter((i): i is Inst => !!i && (created.has(i) || plan.keep.has(i.cfg.name)));
    // keepalived 2.2.7 runs the same path for an unchanged instance (a MASTER logs "setting VIPs." and
    // sends its two adverts as well; checked in namespaces), each step for every instance in file
    // order before the next (measured: lines and FIFO): 1. trackers' effect and FAULT
    for (const inst of order) {
      const k = plan.keep.get(inst.cfg.name);
      if (k) this.dispatch(inst, { type: 'reconfigure', params: k.params, statuses: this.reloadStatuses(k.params), step: 'apply' });
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
    if (config.global.fifoWriteVrrpStatesOnReload) for (const g of this.groups.values()) this.dispatcher.groupOutputs(g.reannounce());
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
