// Sits between the kernel's link events and the runtime's LinkEvents, and decides which up/down
// state of an interface the runtime acts on, as keepalived 2.2.7 does:
//  - interface_up_down_delays: a change of up-ness is held for the interface's delay
//    (LinkDebounce); meanwhile the link is passed on with the state last applied;
//  - linkbeat_interfaces / linkbeat_use_polling: polled interfaces take their state from the poll
//    (linkbeat.ts, every second through the kernel port's probe); netlink's flags for them are
//    ignored, and a polled change is passed on marked `via: 'linkbeat'` ("Linkbeat reports ...").
// Everything else passes unchanged.
import type { Clock, Timers } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { KeepalivedConfig } from '../../config/model.js';
import type { KernelEvent, LinkInfo } from '../kernel/port.js';
import { effectiveDelays, LinkDebounce, type Delays } from './link-debounce.js';
import { firstProbe, POLL_MS, pollProbe, polledInterfaces, type LbType, type Probe } from './linkbeat.js';

const IFF_UP = 0x1, IFF_RUNNING = 0x40, IFF_LOWER_UP = 0x10000;

/** The link's raw flags (synthesised from up/running when the source gave none). */
export function linkFlags(l: LinkInfo): number {
  return l.flags ?? ((l.up ? IFF_UP | 0x1002 : 0x1002) | (l.up && l.running ? IFF_RUNNING | IFF_LOWER_UP : 0));
}

/** The link as the runtime must see it with these flags applied. */
function withFlags(l: LinkInfo, flags: number): LinkInfo {
  const up = (flags & IFF_UP) !== 0;
  return { ...l, up, running: up && (flags & IFF_RUNNING) !== 0, flags };
}

/** The link with a polled state (up and running, or neither). */
function withPolled(l: LinkInfo, up: boolean): LinkInfo {
  return { ...l, up, running: up, flags: up ? linkFlags(l) | IFF_UP | IFF_RUNNING
    : linkFlags(l) & ~(IFF_UP | IFF_RUNNING) };
}

interface Polled { name: string; configured?: LbType; type?: LbType; up: boolean; timer?: unknown }

export interface LinkGateDeps {
  forward(ev: KernelEvent): void;
  log: Logger;
  clock: Clock;
  timers: Timers;
  probe: Probe;
}

export class LinkGate {
  private delays = new Map<string, Delays>();
  private readonly debounce = new LinkDebounce((n) => this.delays.get(n));
  private readonly delayTimers = new Map<number, unknown>();
  /** The last link info seen per ifindex (name, MAC...), whatever its flags. */
  private readonly raw = new Map<number, LinkInfo>();
  private readonly polled = new Map<string, Polled>();

  constructor(private readonly d: LinkGateDeps) {}

  /** The delays of a configuration, cut per instance; logs keepalived's "resetting" lines. */
  configure(config: KeepalivedConfig): void {
    const { delays, logs } = effectiveDelays(config.interfaceUpDownDelays ?? [], config.vrrpInstances,
      config.global.defaultInterface);
    this.delays = delays;
    for (const l of logs) this.d.log.info(l);
  }

  /** The links of a dump (start, reload): applied as they are; returned with polled state where polled. */
  seed(links: readonly LinkInfo[]): LinkInfo[] {
    return links.map((l) => {
      this.raw.set(l.index, l);
      if (!this.debounce.known(l.index)) this.debounce.seed(l.index, linkFlags(l));
      const p = this.polled.get(l.name);
      return p ? withPolled(l, p.up) : withFlags(l, this.debounce.applied(l.index)!);
    });
  }

  /**
   * Starts polling the configured interfaces (stops any earlier polling): first probes, their
   * lines, "Using MII-BMSR/ETHTOOL NIC polling thread(s)...". Returns the polled links' state now.
   */
  startPolling(config: KeepalivedConfig, isVmac: (ifname: string) => boolean): LinkInfo[] {
    this.stopPolling();
    const { poll, logs } = polledInterfaces(config, isVmac);
    for (const l of logs) this.d.log.info(l);
    const out: LinkInfo[] = [];
    for (const { name, type } of poll) {
      const p: Polled = { name, ...(type ? { configured: type } : {}), up: false };
      const link = this.byName(name);
      if (link) {
        const first = firstProbe(name, type, this.d.probe);
        p.type = first.type;
        p.up = first.up;
        if (first.log) this.d.log.info(first.log);
        out.push(withPolled(link, p.up));
      }
      this.polled.set(name, p);
      this.armPoll(p);
    }
    if (poll.length) this.d.log.info('Using MII-BMSR/ETHTOOL NIC polling thread(s)...');
    return out;
  }

  private byName(name: string): LinkInfo | undefined {
    for (const l of this.raw.values()) if (l.name === name) return l;
    return undefined;
  }

  private armPoll(p: Polled): void {
    p.timer = this.d.timers.set(() => this.poll(p), POLL_MS);
  }

  private poll(p: Polled): void {
    if (this.polled.get(p.name) !== p) return;
    const link = this.byName(p.name);
    let up: boolean;
    if (!link) { up = false; p.type = undefined; } else if (!p.type) {
      const first = firstProbe(p.name, p.configured, this.d.probe);
      p.type = first.type;
      up = first.up;
    } else up = pollProbe(p.name, p.type, true, this.d.probe);
    if (up !== p.up) {
      p.up = up;
      if (link) this.d.forward({ kind: 'link', link: withPolled(link, up), via: 'linkbeat' });
    }
    this.armPoll(p);
  }

  private stopPolling(): void {
    for (const p of this.polled.values()) if (p.timer !== undefined) this.d.timers.clear(p.timer);
    this.polled.clear();
  }

  /** Every link as the kernel last reported it (flags before delays and polling). */
  rawLinks(): LinkInfo[] { return [...this.raw.values()]; }

  /** One kernel event: passed on now, changed, or held. */
  feed(ev: KernelEvent): void {
    if (ev.kind === 'linkDeleted') {
      this.clearDelay(ev.index);
      this.debounce.forget(ev.index);
      this.raw.delete(ev.index);
      this.d.forward(ev);
      return;
    }
    if (ev.kind !== 'link' || ev.via === 'linkbeat') { this.d.forward(ev); return; }
    const link = ev.link;
    this.raw.set(link.index, link);
    const p = this.polled.get(link.name);
    if (p) {
      // netlink does not decide a polled interface's state (2.2.7 ignores the message's flags)
      this.d.forward({ kind: 'link', link: withPolled(link, p.up) });
      return;
    }
    const o = this.debounce.update(link.index, link.name, linkFlags(link));
    if (o.clearTimer) this.clearDelay(link.index);
    if (o.cancelledLine) this.d.log.info(`Delay timer for ${link.name} cancelled`);
    if (o.delay) {
      this.clearDelay(link.index);
      this.d.log.info(`${link.name}: Adding flags change from 0x${o.delay.from.toString(16)} to 0x${o.delay.to.toString(16)} delay by ${o.delay.delayUs}`);
      const index = link.index;
      this.delayTimers.set(index, this.d.timers.set(() => this.delayDone(index), o.delay.delayUs / 1000));
    }
    this.d.forward({ kind: 'link', link: withFlags(link, this.debounce.applied(link.index)!) });
  }

  private delayDone(index: number): void {
    this.delayTimers.delete(index);
    const flags = this.debounce.fire(index);
    const link = this.raw.get(index);
    if (flags !== undefined && link) this.d.forward({ kind: 'link', link: withFlags(link, flags) });
  }

  private clearDelay(index: number): void {
    const t = this.delayTimers.get(index);
    if (t !== undefined) this.d.timers.clear(t);
    this.delayTimers.delete(index);
  }

  stop(): void {
    this.stopPolling();
    for (const i of [...this.delayTimers.keys()]) this.clearDelay(i);
  }
}
