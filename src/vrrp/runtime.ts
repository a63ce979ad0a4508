// VRRP runtime: wires the pure cores (VrrpFsm, SyncGroupCore) to the real world. Owns the socket
// pool (one raw socket per interface+family+mode), deadline timers per instance, VIP add/remove over
// rtnetlink, GARP / unsolicited NA frames, the link/address monitor (carrier -> interface and
// track_interface events, "Netlink reports X up|down"), vrrp_script runners and track_file
// watchers. Actions are executed in order (timer actions last). VIP and GARP steps go through a per-instance queue that
// runs a step at once when nothing is pending: on takeover the VIP add requests are written
// synchronously (nl-addr.ts, requests encoded in advance; their ACKs are awaited only by a later
// removal) and the GARP frames (built in advance) follow in the same call, before notifies.
import type { Clock } from '../common/clock.js';
import { monotonicClock } from '../common/clock.js';
import type { Logger } from '../common/log.js';
import type { KeepalivedConfig, VirtualIp, VrrpInstance } from '../config/model.js';
import { VrrpFsm } from './fsm.js';
import type { NotifyState, TrackerStatus, VrrpFsmParams, VrrpAction, VrrpEvent, VrrpInstanceView, VrrpState, VrrpTimerName } from './fsm-types.js';
import { encodeAdvert } from './packet.js';
import { deriveFsmParams } from './params.js';
import { HeldLog } from './held-log.js';
import type { VrrpStats } from './stats.js';
import { SyncGroupCore } from './sync-group.js';
import { DeadlineTimers } from './io/deadline-timers.js';
import { FrameSender } from './io/frame-sender.js';
import { buildGarp, buildUnsolicitedNa } from './io/frames.js';
import { isNativeError } from './io/native.js';
import { NlAddr } from './io/nl-addr.js';
import { Rtnl, type AddrInfo, type LinkInfo, type RtnlEvent } from './io/rtnl.js';
import { TrackerHub } from './io/tracker-hub.js';
import { createVmac, SysctlStore } from './io/vmac.js';
import { VrrpSocket, type VrrpRx } from './io/vrrp-socket.js';

export interface StateChangeEvent { kind: 'INSTANCE' | 'GROUP'; name: string; state: NotifyState; priority: number }

export interface RuntimeDeps {
  logger: Logger;
  clock?: Clock;
  onStateChange?: (ev: StateChangeEvent) => void;
}

export interface InstanceSnapshot {
  name: string;
  /** The instance as configured and as the FSM runs it (priorities, timers, GARP, auth, trackers). */
  config: VrrpInstance;
  params: VrrpFsmParams;
  interface: string;
  vrid: number;
  family: 'inet' | 'inet6';
  version: 2 | 3;
  view: VrrpInstanceView;
  stats: VrrpStats;
  vips: string[];
  syncGroup?: string;
  lastTransitionMs: number;
}

export interface VrrpSnapshot { instances: InstanceSnapshot[]; groups: { name: string; state: VrrpState; members: string[] }[] }

interface Inst {
  cfg: VrrpInstance;
  fsm: VrrpFsm;
  paramsKey: string;
  link: LinkInfo;
  /** Source address of adverts; follows the interface's addresses unless unicast_src_ip is set. */
  primary: string;
  /** The interface still has an address for the primary (false: FAULT, as keepalived). */
  hasAddr: boolean;
  socket: VrrpSocket;
  /** use_vmac: the macvlan and its transmit socket (unless vmac_xmit_base). */
  vmac?: { index: number; name: string; mac: Buffer; tx?: VrrpSocket };
  peers: string[];
  group?: SyncGroupCore;
  timers: DeadlineTimers<VrrpTimerName>;
  vipOp: Promise<void>;
  /** Steps of vipOp not finished yet; at 0 a new step runs synchronously. */
  queued: number;
  /** ACKs of VIP add requests still outstanding (the queue does not wait for them). */
  vipAcks: Promise<void>;
  lastTransitionMs: number;
  /** VIPs (and eVIPs) of the config before the reload in progress: where a changeVips removal looks. */
  prevVips?: VirtualIp[];
}

/**
 * Timer actions run after an event's other actions (in their order), so a takeover's advert, VIP
 * add and GARPs leave back to back; log lines and notifies are only held (HeldLog) and keep their
 * order. A timer armed ~0.1 ms later is harmless.
 */
const TIMER = new Set<VrrpAction['kind']>(['setTimer', 'cancelTimer']);

const ifUp = (l: LinkInfo | undefined): boolean => !!l && l.up && l.running;

/** Reload: can the running instance take the new config in place (same VRID, family, socket and VMAC)? */
function sameSlot(a: VrrpInstance, b: VrrpInstance): boolean {
  return a.virtualRouterId === b.virtualRouterId && a.family === b.family && (a.unicastPeer.length > 0) === (b.unicastPeer.length > 0)
    && a.unicastSrcIp === b.unicastSrcIp && a.unicastTtl === b.unicastTtl
    && JSON.stringify(a.useVmac ?? null) === JSON.stringify(b.useVmac ?? null) && a.vmacXmitBase === b.vmacXmitBase;
}

export class VrrpRuntime {
  private readonly clock: Clock;
  /** Log lines (and notifies) of one event are written after its packets went out. */
  private readonly log: HeldLog;
  private rtnl!: Rtnl;
  private frames?: FrameSender;
  /** VIP add/remove requests (our own rtnetlink socket; the netlink library's if that cannot open). */
  private addrOps!: Pick<Rtnl, 'addAddress' | 'delAddress'>;
  private nl?: NlAddr;
  /** GARP / NA frames by ifindex and VIP, built before they are needed (checked against the MAC). */
  private readonly garpFrames = new Map<string, { mac: Buffer; frame: Buffer }>();
  private links = new Map<string, LinkInfo>();
  private addrs: AddrInfo[] = [];
  private readonly insts = new Map<string, Inst>();
  private readonly groups = new Map<string, SyncGroupCore>();
  private readonly sockets = new Map<string, { sock: VrrpSocket; users: Set<string> }>();
  private readonly trackers: TrackerHub;
  private readonly sysctl: SysctlStore;
  private config!: KeepalivedConfig;
  private stopped = false;
  /** -V / --dont-release-vrrp: stop() leaves the VIPs configured. */
  private keepVips = false;
  private startupTimer?: NodeJS.Timeout;
  private startedOnce = false;

  constructor(private readonly deps: RuntimeDeps) {
    this.clock = deps.clock ?? monotonicClock;
    this.log = new HeldLog(deps.logger);
    this.trackers = new TrackerHub(this.log, (id, status) => this.broadcastTracker(id, status));
    this.sysctl = new SysctlStore(this.log);
  }

  async start(config: KeepalivedConfig): Promise<void> {
    this.config = config;
    this.rtnl = Rtnl.open();
    const nl = NlAddr.open();
    if (isNativeError(nl)) { this.log.error(`Unable to open netlink command socket: ${nl.message}`); this.addrOps = this.rtnl; }
    else { this.nl = nl; this.addrOps = nl; }
    this.log.detail('Registering Kernel netlink reflector');
    this.log.detail('Registering Kernel netlink command channel');
    await this.refreshLinks();
    const used = new Set(config.vrrpInstances.map((i) => i.interface ?? config.global.defaultInterface));
    for (const a of this.addrs) {
      const l = [...this.links.values()].find((x) => x.index === a.index);
      if (l && used.has(l.name)) this.log.detail(`Assigned address ${a.address} for interface ${l.name}`);
    }
    if (config.vrrpInstances.some((i) => i.family === 'inet')) this.log.detail('Registering gratuitous ARP shared channel');
    if (config.vrrpInstances.some((i) => i.family === 'inet6' || i.virtualIpaddress.some((v) => v.family === 'inet6'))) this.log.detail('Registering gratuitous NDISC shared channel');
    const fs = FrameSender.open();
    if (isNativeError(fs)) this.log.error(`Unable to open gratuitous ARP/NA socket: ${fs.message}`);
    else this.frames = fs;
    this.rtnl.monitor((ev) => this.onRtnl(ev));
    this.trackers.start(config);
    await this.startInstances(config.vrrpInstances, config);
  }

  private async refreshLinks(): Promise<void> {
    this.links = new Map((await this.rtnl.links()).map((l) => [l.name, l]));
    this.addrs = await this.rtnl.addresses();
  }

  private primaryOf(cfg: VrrpInstance, link: LinkInfo): string | undefined {
    if (cfg.unicastSrcIp) return cfg.unicastSrcIp;
    const mine = this.addrs.filter((a) => a.index === link.index && a.family === cfg.family);
    const vips = new Set(cfg.virtualIpaddress.map((v) => v.address));
    const cand = mine.filter((a) => !vips.has(a.address));
    if (cfg.family === 'inet6') return cand.find((a) => a.address.startsWith('fe80:'))?.address;
    return cand[0]?.address;
  }

  private async startInstances(list: readonly VrrpInstance[], config: KeepalivedConfig): Promise<void> {
    const created: Inst[] = [];
    for (const cfg of list) {
      const inst = await this.createInstance(cfg, config);
      if (inst) created.push(inst);
    }
    // sync groups over the created members
    for (const g of config.vrrpSyncGroups) {
      const members = g.group.map((n) => this.insts.get(n)).filter((x): x is Inst => !!x);
      if (members.length === 0 || this.groups.has(g.name)) continue;
      const core = new SyncGroupCore(g.name, members.map((m) => m.fsm));
      this.groups.set(g.name, core);
      for (const m of members) m.group = core;
    }
    const delayS = config.global.vrrpStartupDelay ?? 0;
    if (delayS > 0 && !this.startedOnce) {
      this.log.info(`Delaying startup for ${delayS} seconds`);
      await new Promise<void>((r) => { this.startupTimer = setTimeout(r, delayS * 1000); });
      if (this.stopped) return;
    }
    this.startedOnce = true;
    for (const inst of created) {
      // initial tracker and interface status before start-up, so a failed one gives FAULT (init)
      for (const t of inst.fsm.params.trackers) {
        if (t.kind === 'interface') {
          const up = ifUp(this.links.get(t.id.slice('interface:'.length)));
          if (!up) this.dispatch(inst, { type: 'tracker', id: t.id, status: { ok: false } });
        } else {
          const st = this.trackers.status(t.id);
          if (st && !('value' in st && st.value === 0)) this.dispatch(inst, { type: 'tracker', id: t.id, status: st });
        }
      }
      if (!ifUp(inst.link) && !inst.cfg.dontTrackPrimary) this.dispatch(inst, { type: 'interface', up: false });
    }
    for (const inst of created) this.dispatch(inst, { type: 'startup' });
    for (const [key, s] of this.sockets) {
      if (!created.some((i) => s.users.has(i.cfg.name))) continue;
      const [ifindex, fam, mode] = key.split('/');
      const addr = mode === 'm' ? (fam === 'inet' ? config.global.vrrpMcastGroup4 : config.global.vrrpMcastGroup6) : 'unicast';
      this.log.detail(`VRRP sockpool: [ifindex(${ifindex!.padStart(3)}), family(${fam === 'inet' ? 'IPv4' : 'IPv6'}), proto(112), fd(${s.sock.fd},${s.sock.fd}) ${mode === 'm' ? 'multicast' : 'unicast'}, address(${addr})]`);
    }
  }

  private async createVmac(cfg: VrrpInstance, link: LinkInfo, primary: string): Promise<Inst['vmac']> {
    const l = await createVmac(this.rtnl, cfg, link, this.sysctl, this.log);
    if (!l) return undefined;
    this.links.set(l.name, l);
    const vm: NonNullable<Inst['vmac']> = { index: l.index, name: l.name, mac: l.mac };
    // IPv6 adverts need a link-local source on the sending interface: they keep using the base.
    if (!cfg.vmacXmitBase && cfg.family === 'inet') {
      const tx = VrrpSocket.open({ family: 'inet', ifname: l.name, ifindex: l.index, srcAddr: primary, sendOnly: true, ttl: cfg.unicastPeer.length ? (cfg.unicastTtl ?? 255) : 255 }, () => {});
      if (isNativeError(tx)) this.log.error(`(${cfg.name}) cannot open VMAC socket on ${l.name}: ${tx.message}`);
      else vm.tx = tx;
    }
    return vm;
  }

  private async createInstance(cfg: VrrpInstance, config: KeepalivedConfig): Promise<Inst | undefined> {
    const ifname = cfg.interface ?? config.global.defaultInterface;
    const link = this.links.get(ifname);
    if (!link) { this.log.error(`(${cfg.name}) interface ${ifname} doesn't exist - ignoring instance`); return undefined; }
    const primary = this.primaryOf(cfg, link);
    if (!primary) { this.log.error(`(${cfg.name}) no ${cfg.family === 'inet' ? 'IPv4' : 'IPv6 link-local'} address on ${ifname} - ignoring instance`); return undefined; }
    const syncGroup = config.vrrpSyncGroups.find((g) => g.group.includes(cfg.name));
    const { params, logs } = deriveFsmParams(cfg, {
      global: config.global, vrrpScripts: config.vrrpScripts, trackFiles: config.trackFiles, trackProcesses: config.trackProcesses,
      primaryAddress: primary, ...(syncGroup ? { syncGroup } : {}),
    });
    for (const l of logs) this.log.info(l);
    const vmac = cfg.useVmac ? await this.createVmac(cfg, link, primary) : undefined;
    const fsm = new VrrpFsm(params, this.clock);
    const unicast = cfg.unicastPeer.length > 0;
    const key = `${link.index}/${cfg.family}/${unicast ? 'u' : 'm'}`;
    let entry = this.sockets.get(key);
    if (!entry) {
      const group = unicast ? undefined : cfg.family === 'inet' ? config.global.vrrpMcastGroup4 : config.global.vrrpMcastGroup6;
      const sock = VrrpSocket.open({ family: cfg.family, ifname, ifindex: link.index, srcAddr: primary, ...(group ? { group } : {}), ttl: unicast ? (cfg.unicastTtl ?? 255) : 255 },
        (rx) => this.onRx(key, rx), (e) => this.log.error(`VRRP socket error on ${ifname}: ${e.message}`));
      if (isNativeError(sock)) { this.log.error(`(${cfg.name}) cannot open VRRP socket on ${ifname}: ${sock.message}`); return undefined; }
      entry = { sock, users: new Set() };
      this.sockets.set(key, entry);
    }
    entry.users.add(cfg.name);
    const inst: Inst = {
      cfg, fsm, link, primary, hasAddr: true, socket: entry.sock, ...(vmac ? { vmac } : {}), peers: cfg.unicastPeer.map((p) => p.address), paramsKey: JSON.stringify(params),
      timers: new DeadlineTimers<VrrpTimerName>(this.clock, (name, generation) => this.dispatch(inst, { type: 'timer', timer: name, generation }),
        (name) => { if (name === 'masterDown') inst.socket.drain(); }),
      vipOp: Promise.resolve(), queued: 0, vipAcks: Promise.resolve(), lastTransitionMs: Date.now(),
    };
    this.insts.set(cfg.name, inst);
    this.prepareTakeover(inst);
    return inst;
  }

  /** Encodes the VIP add/remove requests and builds the GARP/NA frames now, not on takeover. */
  private prepareTakeover(inst: Inst): void {
    if (inst.cfg.noVirtualIpaddress) return;
    for (const v of this.vipList(inst)) {
      const idx = this.vipIfindex(inst, v);
      this.nl?.prepare(v, idx);
      this.garpFrame(this.linkByIndex(idx) ?? inst.link, v.address);
    }
  }

  private linkByIndex(index: number): LinkInfo | undefined {
    for (const l of this.links.values()) if (l.index === index) return l;
    return undefined;
  }

  private garpFrame(link: LinkInfo, addr: string): Buffer {
    const key = `${link.index}/${addr}`;
    const hit = this.garpFrames.get(key);
    if (hit && hit.mac.equals(link.mac)) return hit.frame;
    const frame = addr.includes(':') ? buildUnsolicitedNa(link.mac, addr) : buildGarp(link.mac, addr);
    this.garpFrames.set(key, { mac: Buffer.from(link.mac), frame });
    return frame;
  }

  // ------------------------------------------------------------------------------------------------
  // events in

  private onRx(key: string, rx: VrrpRx): void {
    if (rx.payload.length < 2) return;
    const vrid = rx.payload[1]!;
    const users = this.sockets.get(key)?.users;
    if (!users) return;
    for (const name of users) {
      const inst = this.insts.get(name);
      if (!inst || inst.fsm.params.vrid !== vrid) continue;
      if (inst.peers.length > 0 && inst.cfg.checkUnicastSrc && !inst.peers.includes(rx.src)) continue;
      this.dispatch(inst, { type: 'packet', payload: rx.payload, ttl: rx.ttl, src: rx.src, dst: rx.dst, family: rx.family });
    }
  }

  private onRtnl(ev: RtnlEvent): void {
    if (this.stopped) return;
    if (ev.kind === 'addr') {
      const l = [...this.links.values()].find((x) => x.index === ev.addr.index);
      const ours = this.isVip(ev.addr.address);
      const had = this.hasOwnAddr(ev.addr.index, ev.addr.family);
      if (ev.added) this.addrs.push(ev.addr); else this.addrs = this.addrs.filter((a) => !(a.index === ev.addr.index && a.address === ev.addr.address));
      // keepalived 2.2.7 logs only when the interface gains its first or loses its last address of a family
      if (l && !ours && this.interfaceUsed(l.name) && had !== this.hasOwnAddr(ev.addr.index, ev.addr.family)) {
        this.log.detail(ev.added ? `Assigned address ${ev.addr.address} for interface ${l.name}` : `Deassigned address ${ev.addr.address} from interface ${l.name}`);
      }
      if (!ours) this.updatePrimaries(ev.addr.index);
      return;
    }
    const prev = [...this.links.values()].find((x) => x.index === ev.index);
    const next: LinkInfo = { index: ev.index, name: ev.name || prev?.name || '', mac: prev?.mac ?? Buffer.alloc(6), up: ev.up && !ev.deleted, running: ev.running && !ev.deleted };
    if (prev && prev.name !== next.name) this.links.delete(prev.name);
    this.links.set(next.name, next);
    for (const inst of this.insts.values()) if (inst.link.index === next.index) inst.link = next;
    const was = ifUp(prev), is = ifUp(next);
    if (was === is || !this.interfaceUsed(next.name)) return;
    this.log.info(`Netlink reports ${next.name} ${is ? 'up' : 'down'}`);
    for (const inst of this.insts.values()) {
      if (inst.link.index === next.index && !inst.cfg.dontTrackPrimary) this.dispatch(inst, { type: 'interface', up: is && inst.hasAddr });
      if (inst.fsm.params.trackers.some((t) => t.id === `interface:${next.name}`)) this.dispatch(inst, { type: 'tracker', id: `interface:${next.name}`, status: { ok: is } });
    }
  }

  private isVip(address: string): boolean {
    for (const i of this.insts.values()) {
      if (i.cfg.virtualIpaddress.some((v) => v.address === address) || i.cfg.virtualIpaddressExcluded.some((v) => v.address === address)) return true;
    }
    return false;
  }

  private hasOwnAddr(index: number, family: AddrInfo['family']): boolean {
    return this.addrs.some((a) => a.index === index && a.family === family && !this.isVip(a.address));
  }

  /**
   * After an address change on an interface: instances without unicast_src_ip follow the interface's
   * primary address (the FSM gets a primaryAddress event: advert source, checksum, tie-break); an
   * instance whose interface has no address left goes to FAULT and leaves it when one comes back.
   */
  private updatePrimaries(index: number): void {
    for (const inst of this.insts.values()) {
      if (inst.link.index !== index || inst.cfg.unicastSrcIp) continue;
      const p = this.primaryOf(inst.cfg, inst.link);
      if (p && p !== inst.primary) {
        inst.primary = p;
        this.dispatch(inst, { type: 'primaryAddress', address: p });
      }
      if (!!p !== inst.hasAddr) {
        inst.hasAddr = !!p;
        if (!inst.cfg.dontTrackPrimary) this.dispatch(inst, { type: 'interface', up: ifUp(inst.link) && inst.hasAddr });
      }
    }
  }

  private interfaceUsed(name: string): boolean {
    for (const i of this.insts.values()) {
      if (i.link.name === name || i.fsm.params.trackers.some((t) => t.id === `interface:${name}`)) return true;
    }
    return false;
  }

  private broadcastTracker(id: string, status: TrackerStatus): void {
    if (this.stopped) return;
    for (const inst of this.insts.values()) {
      if (inst.fsm.params.trackers.some((t) => t.id === id)) this.dispatch(inst, { type: 'tracker', id, status });
    }
  }

  /** Feeds one event to an instance (through its sync group) and executes the resulting actions. */
  private dispatch(inst: Inst, ev: VrrpEvent): void {
    this.log.hold();
    try {
      if (inst.group) {
        const outs = inst.group.handle(inst.cfg.name, ev);
        for (const first of [true, false]) {
          for (const o of outs) {
            if (o.scope === 'instance') {
              const target = this.insts.get(o.instance);
              if (target && TIMER.has(o.action.kind) !== first) this.exec(target, o.action);
            } else if (!first) continue;
            else if (o.action.kind === 'log') this.log.info(o.action.msg);
            else { const a = o.action; this.log.later(() => this.deps.onStateChange?.({ kind: 'GROUP', name: o.group, state: a.state, priority: a.priority })); }
          }
        }
        return;
      }
      const acts = inst.fsm.handle(ev);
      for (const a of acts) if (!TIMER.has(a.kind)) this.exec(inst, a);
      for (const a of acts) if (TIMER.has(a.kind)) this.exec(inst, a);
    } finally {
      this.log.release();
    }
  }

  // ------------------------------------------------------------------------------------------------
  // actions out

  private exec(inst: Inst, a: VrrpAction): void {
    switch (a.kind) {
      case 'log':
        if (this.keepVips && inst.fsm.state === 'STOP' && a.msg.endsWith(' removing VIPs.')) return;
        if (a.detail) this.log.detail(a.msg, a.detail); else this.log.log(a.level, a.msg);
        return;
      case 'sendAdvert': this.sendAdvert(inst, a.advert, a.payload); return;
      case 'setTimer': inst.timers.set(a.timer, a.delayMs, a.generation); return;
      case 'cancelTimer': inst.timers.cancel(a.timer); return;
      case 'addVips': this.queueVips(inst, true); return;
      case 'removeVips':
        if (this.keepVips && inst.fsm.state === 'STOP') return;
        this.queueVips(inst, false);
        return;
      case 'changeVips': this.changeVips(inst, a.added, a.removed); return;
      case 'garp': {
        const vips = a.vips, count = a.count;
        this.chain(inst, () => this.sendGarps(inst, vips, count));
        return;
      }
      case 'notify': this.log.later(() => this.deps.onStateChange?.({ kind: 'INSTANCE', name: inst.cfg.name, state: a.state, priority: a.priority })); return;
      case 'stateChange': inst.lastTransitionMs = Date.now(); return;
    }
  }

  private sendAdvert(inst: Inst, advert: Parameters<typeof encodeAdvert>[0], payload: Uint8Array): void {
    const dsts = inst.peers.length > 0 ? inst.peers : [inst.fsm.params.destination];
    dsts.forEach((dst, i) => {
      const body = i === 0 && dst === inst.fsm.params.destination ? payload
        : encodeAdvert(advert, { src: inst.primary, dst, v3Ipv4Checksum: inst.fsm.params.v3Ipv4PseudoHeader ? 'pseudo' : 'plain' });
      const e = (inst.vmac?.tx ?? inst.socket).send(body, dst, inst.primary);
      if (e && !(e.errno === 100 || e.errno === 101 || e.errno === 19)) this.log.error(`(${inst.cfg.name}) send advert to ${dst} failed: ${e.message}`);
    });
  }

  private vipList(inst: Inst): VirtualIp[] { return [...inst.cfg.virtualIpaddress, ...inst.cfg.virtualIpaddressExcluded]; }

  private vipIfindex(inst: Inst, v: VirtualIp): number {
    return v.dev ? (this.links.get(v.dev)?.index ?? inst.link.index) : (inst.vmac?.index ?? inst.link.index);
  }

  private queueVips(inst: Inst, add: boolean): void {
    if (inst.cfg.noVirtualIpaddress) return;
    const vips = this.vipList(inst);
    const report = (e: Awaited<ReturnType<Rtnl['addAddress']>>): void => {
      if (e && e.code !== 'EEXIST' && e.code !== 'EADDRNOTAVAIL' && e.code !== 'ENODEV') this.log.error(`(${inst.cfg.name}) ${e.message}`);
    };
    if (add) {
      // Takeover latency: the add requests are issued here and the queue moves on without waiting
      // for their ACKs, so the GARPs queued next go out in the same tick (as keepalived, which does
      // not wait either). The netlink library writes the first request synchronously (rtnetlink
      // applies it inside sendmsg) and later ones in order on the same socket; GARP frames are raw
      // AF_PACKET frames that do not need the address. Errors are still logged when the ACKs arrive.
      this.chain(inst, () => {
        const acks = vips.map((v) => this.addrOps.addAddress(v, this.vipIfindex(inst, v)).then(report));
        inst.vipAcks = Promise.all([inst.vipAcks, ...acks]).then(() => undefined);
      });
      return;
    }
    this.chain(inst, async () => {
      await inst.vipAcks;
      for (const v of vips) report(await this.addrOps.delAddress(v, this.vipIfindex(inst, v)));
    });
  }

  /**
   * Reload while MASTER: VIPs no longer configured are removed (keepalived 2.2.7 logs "ip address
   * A/P dev IF, no longer exist" for each) and new ones added; the others are not touched.
   */
  private changeVips(inst: Inst, added: readonly string[], removed: readonly string[]): void {
    if (inst.cfg.noVirtualIpaddress) return;
    const pick = (list: readonly VirtualIp[], addrs: readonly string[]) => list.filter((v) => addrs.includes(v.address));
    const gone = pick(inst.prevVips ?? [], removed), fresh = pick(this.vipList(inst), added);
    const report = (e: Awaited<ReturnType<Rtnl['addAddress']>>): void => {
      if (e && e.code !== 'EEXIST' && e.code !== 'EADDRNOTAVAIL' && e.code !== 'ENODEV') this.log.error(`(${inst.cfg.name}) ${e.message}`);
    };
    for (const v of gone) {
      const dev = v.dev ?? inst.vmac?.name ?? inst.link.name;
      this.log.info(`(${inst.cfg.name}) ip address ${v.address}/${v.prefixLen} dev ${dev}, no longer exist`);
    }
    this.chain(inst, async () => {
      for (const v of gone) report(await this.addrOps.delAddress(v, this.vipIfindex(inst, v)));
      const acks = fresh.map((v) => this.addrOps.addAddress(v, this.vipIfindex(inst, v)).then(report));
      inst.vipAcks = Promise.all([inst.vipAcks, ...acks]).then(() => undefined);
    });
  }

  /**
   * Runs a VIP/GARP step after the instance's previous ones: at once (in this call) when none is
   * pending, else queued. A failure is logged and never breaks the queue.
   */
  private chain(inst: Inst, step: () => void | Promise<void>): void {
    const fail = (e: unknown): void => { this.log.error(`(${inst.cfg.name}) ${e instanceof Error ? e.message : String(e)}`); };
    const done = (): void => { inst.queued--; };
    if (inst.queued === 0) {
      let r: void | Promise<void>;
      try { r = step(); } catch (e) { fail(e); return; }
      if (!r) return;
      inst.queued++;
      inst.vipOp = r.catch(fail).finally(done);
      return;
    }
    inst.queued++;
    inst.vipOp = inst.vipOp.then(step).catch(fail).finally(done);
  }

  /**
   * GARPs / unsolicited NAs for `vips`, `count` each. Without vrrp_garp_interval / vrrp_gna_interval
   * they all go out now (synchronously); with one, the spaced rest goes out from timers.
   */
  private sendGarps(inst: Inst, vips: readonly string[], count: number): void | Promise<void> {
    if (!this.frames) return;
    const g = this.config.global;
    const byAddr = new Map(this.vipList(inst).map((v) => [v.address, v]));
    const targets = vips.map((addr) => {
      const v = byAddr.get(addr);
      const idx = v ? this.vipIfindex(inst, v) : inst.link.index;
      const six = addr.includes(':');
      return { addr, idx, six, link: this.linkByIndex(idx) ?? inst.link, gap: (six ? g.vrrpGnaInterval : g.vrrpGarpInterval) * 1000 };
    });
    const one = (t: (typeof targets)[number]): boolean => {
      if (inst.fsm.state !== 'MASTER') return false; // left MASTER while spacing GARPs
      this.log.detail(t.six ? `Sending unsolicited Neighbour Advert on ${t.link.name} for ${t.addr}` : `Sending gratuitous ARP on ${t.link.name} for ${t.addr}`);
      const e = this.frames!.send(this.garpFrame(t.link, t.addr), t.idx);
      if (e) this.log.error(`(${inst.cfg.name}) gratuitous ARP/NA on ${t.link.name} failed: ${e.message}`);
      return true;
    };
    if (count <= 1 || targets.every((t) => t.gap <= 0)) {
      for (const t of targets) for (let n = 0; n < count; n++) if (!one(t)) return;
      return;
    }
    return (async () => {
      for (const t of targets) {
        for (let n = 0; n < count; n++) {
          if (n > 0 && t.gap > 0) await new Promise((r) => setTimeout(r, t.gap));
          if (!one(t)) return;
        }
      }
    })();
  }

  // ------------------------------------------------------------------------------------------------
  // lifecycle

  /** Stops the given instances (all by default): MASTERs send priority 0 and remove their VIPs. */
  private async stopInstances(names: readonly string[]): Promise<void> {
    const list = names.map((n) => this.insts.get(n)).filter((x): x is Inst => !!x);
    for (const inst of list) this.dispatch(inst, { type: 'shutdown' });
    await Promise.all(list.map((i) => i.vipOp));
    await Promise.all(list.map((i) => i.vipAcks));
    for (const inst of list) {
      inst.timers.cancelAll();
      if (inst.vmac) {
        inst.vmac.tx?.close();
        const e = await this.rtnl.deleteLink(inst.vmac.index);
        if (e && e.code !== 'ENODEV') this.log.error(`(${inst.cfg.name}) ${e.message}`);
        this.links.delete(inst.vmac.name);
      }
      this.insts.delete(inst.cfg.name);
      for (const [key, s] of this.sockets) {
        s.users.delete(inst.cfg.name);
        if (s.users.size === 0) { s.sock.close(); this.sockets.delete(key); }
      }
    }
    for (const [name, g] of this.groups) {
      const alive = [...this.insts.values()].some((i) => i.group === g);
      if (!alive) this.groups.delete(name);
    }
  }

  async stop(opts: { keepVips?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.keepVips = !!opts.keepVips;
    if (this.startupTimer) clearTimeout(this.startupTimer);
    await this.stopInstances([...this.insts.keys()]);
    this.stopped = true;
    this.trackers.stop();
    this.frames?.close();
    this.nl?.close();
    this.sysctl.restore();
    this.rtnl.close();
  }

  /**
   * Applies a new config as keepalived 2.2.7 does on SIGHUP (checked in namespaces): an instance that
   * still exists with the same name, VRID, interface and family keeps its running state and takes the
   * new settings through the FSM's 'reconfigure' event (a MASTER changes its VIPs by difference; a new
   * priority acts through the protocol only), unchanged ones included, as keepalived does. Removed
   * instances stop (a MASTER sends priority 0 and drops its VIPs) and new ones start from INIT. An
   * instance whose socket (unicast/multicast, unicast_src_ip), VMAC or sync group changes is stopped
   * and started again, as are all members of a sync group that changes.
   */
  async reload(config: KeepalivedConfig): Promise<void> {
    await this.refreshLinks();
    const keep = new Map<string, { cfg: VrrpInstance; params: VrrpFsmParams; logs: string[] }>();
    const groupOf = (c: KeepalivedConfig, name: string) => c.vrrpSyncGroups.find((g) => g.group.includes(name));
    for (const cfg of config.vrrpInstances) {
      const cur = this.insts.get(cfg.name);
      if (!cur) continue;
      const link = this.links.get(cfg.interface ?? config.global.defaultInterface);
      const primary = link ? this.primaryOf(cfg, link) : undefined;
      if (!link || !primary || link.index !== cur.link.index || !sameSlot(cur.cfg, cfg)) continue;
      const sg = groupOf(config, cfg.name), oldSg = groupOf(this.config, cfg.name);
      if (JSON.stringify(sg?.group ?? null) !== JSON.stringify(oldSg?.group ?? null)) continue;
      const { params, logs } = deriveFsmParams(cfg, { global: config.global, vrrpScripts: config.vrrpScripts, trackFiles: config.trackFiles, trackProcesses: config.trackProcesses, primaryAddress: primary, ...(sg ? { syncGroup: sg } : {}) });
      keep.set(cfg.name, { cfg, params, logs });
    }
    // a sync group restarts as a whole when one of its members does
    for (const g of [...config.vrrpSyncGroups, ...this.config.vrrpSyncGroups]) {
      if (g.group.some((n) => this.insts.has(n) && !keep.has(n))) for (const n of g.group) keep.delete(n);
    }
    await this.stopInstances([...this.insts.keys()].filter((n) => !keep.has(n)));
    this.trackers.stop();
    this.config = config;
    this.trackers.start(config);
    // keepalived 2.2.7 runs the same path for an unchanged instance (a MASTER logs "setting VIPs." and
    // sends its two adverts as well; checked in namespaces), so every kept instance is reconfigured
    for (const [name, k] of keep) {
      const inst = this.insts.get(name)!;
      inst.prevVips = this.vipList(inst);
      inst.cfg = k.cfg;
      inst.peers = k.cfg.unicastPeer.map((p) => p.address);
      inst.paramsKey = JSON.stringify(k.params);
      for (const l of k.logs) this.log.info(l);
      this.prepareTakeover(inst);
      this.dispatch(inst, { type: 'reconfigure', params: k.params });
    }
    await this.startInstances(config.vrrpInstances.filter((c) => !keep.has(c.name)), config);
  }

  snapshot(): VrrpSnapshot {
    const instances = [...this.insts.values()].map((i): InstanceSnapshot => ({
      name: i.cfg.name, config: i.cfg, params: i.fsm.params, interface: i.link.name, vrid: i.fsm.params.vrid, family: i.cfg.family, version: i.fsm.params.version,
      view: i.fsm.view(), stats: { ...i.fsm.stats }, vips: this.vipList(i).map((v) => `${v.address}/${v.prefixLen}`),
      ...(i.fsm.params.syncGroup ? { syncGroup: i.fsm.params.syncGroup } : {}), lastTransitionMs: i.lastTransitionMs,
    }));
    const groups = [...this.groups.values()].map((g) => ({ name: g.name, state: g.state, members: [...this.insts.values()].filter((i) => i.group === g).map((i) => i.cfg.name) }));
    return { instances, groups };
  }

  /** Current state of one instance (tests, control). */
  stateOf(name: string): VrrpState | undefined { return this.insts.get(name)?.fsm.state; }
}
