// The kernel's link and address events on their way to the link gate: held while a VMAC is being
// made (2.2.7 makes one before it reads the next message) and while a resync runs. A monitor read
// error logs 2.2.7's lines; after an overrun (ENOBUFS: the kernel dropped events) links and
// addresses are dumped again and the difference is applied as the events that were missed
// (link-resync.ts), in slices so adverts keep their timers; events arriving meanwhile follow it.
import type { Logger } from '../../common/log.js';
import type { Timers } from '../../common/clock.js';
import type { AddrInfo, KernelError, KernelEvent, LinkInfo, NetState } from '../kernel/port.js';
import { monitorRecvErrorLines } from '../io/nl-channel.js';
import { resyncEvents } from './link-resync.js';

/** Dumps tried for one resync after a monitor overrun. */
const RESYNC_TRIES = 8;
/** Events applied at once by a resync (thousands may have been missed: one flood must not hold adverts up). */
const RESYNC_SLICE = 256;

export interface NetFeedDeps {
  /** The kernel's dumps. */
  net: Pick<NetState, 'links' | 'addresses'>;
  /** Where events go: the link gate (interface_up_down_delays, linkbeat), with the links as it last saw them. */
  gate: { feed(ev: KernelEvent): void; rawLinks(): LinkInfo[] };
  /** The addresses the runtime knows now. */
  addresses(): readonly AddrInfo[];
  log: Logger;
  timers: Timers;
  /** Events are not read any more (stopping, stopped). */
  off(): boolean;
}

export class NetFeed {
  /** Monitor overruns seen (ENOBUFS). */
  overruns = 0;
  /** Events held while VMACs are being made (`count` pending). */
  private vmacHold?: { count: number; events: KernelEvent[] };
  /** Events that arrive while a resync is under way. */
  private resyncHold?: KernelEvent[];
  private resyncAgain = false;

  constructor(private readonly d: NetFeedDeps) {}

  /** One monitor event. */
  feed(ev: KernelEvent): void {
    if (this.d.off()) return;
    if (this.vmacHold) this.vmacHold.events.push(ev);
    else if (this.resyncHold) this.resyncHold.push(ev);
    else this.d.gate.feed(ev);
  }

  /** A VMAC is being made: events wait until it is (release()). */
  hold(): void {
    this.vmacHold ??= { count: 0, events: [] };
    this.vmacHold.count++;
  }

  /** One VMAC made: once none is pending, the events held meanwhile are read in order. */
  release(): void {
    const h = this.vmacHold;
    if (!h || --h.count > 0) return;
    this.vmacHold = undefined;
    for (const ev of h.events) this.feed(ev);
  }

  /** The monitor socket failed a read: 2.2.7's lines; after an overrun, a resync. */
  error(e: KernelError): void {
    if (this.d.off()) return;
    for (const l of monitorRecvErrorLines(e.errno, e.text)) this.d.log.info(l);
    if (e.code !== 'ENOBUFS') return;
    this.overruns++;
    if (this.resyncHold) { this.resyncAgain = true; return; }
    void this.resync();
  }

  private async resync(): Promise<void> {
    this.resyncHold = [];
    try {
      do {
        this.resyncAgain = false;
        const { links, addrs } = await this.dump();
        if (this.d.off()) return;
        const missed = resyncEvents({ links: this.d.gate.rawLinks(), addrs: this.d.addresses() }, { links, addrs });
        this.d.log.detail(`Netlink: resynchronised links and addresses after the overrun (${missed.length} change${missed.length === 1 ? '' : 's'})`);
        await this.feedSliced(missed);
        while (this.resyncHold.length && !this.d.off()) {
          const held = this.resyncHold;
          this.resyncHold = [];
          await this.feedSliced(held);
        }
      } while (this.resyncAgain && !this.d.off());
    } catch (err) {
      this.d.log.error(`Netlink: cannot resynchronise links and addresses: ${(err as Error).message}`);
    } finally {
      const held = this.resyncHold ?? [];
      this.resyncHold = undefined;
      if (!this.d.off()) for (const ev of held) this.d.gate.feed(ev);
    }
  }

  /** Feeds events to the gate RESYNC_SLICE at a time, letting timers (adverts) run in between. */
  private async feedSliced(evs: readonly KernelEvent[]): Promise<void> {
    for (let i = 0; i < evs.length; i += RESYNC_SLICE) {
      if (i > 0) await new Promise<void>((r) => { this.d.timers.set(r, 0); });
      if (this.d.off()) return;
      for (const ev of evs.slice(i, i + RESYNC_SLICE)) this.d.gate.feed(ev);
    }
  }

  /**
   * Links and addresses dumped for a resync. A dump taken while the kernel's tables keep changing
   * can come back broken (a multipart reply cut short): tried again after 50, 100, 200 ... ms, up
   * to RESYNC_TRIES times; the last failure is thrown.
   */
  private async dump(): Promise<{ links: LinkInfo[]; addrs: AddrInfo[] }> {
    for (let i = 0; ; i++) {
      try {
        // one dump after the other: a socket carries one multipart reply at a time
        const links = await this.d.net.links();
        return { links, addrs: await this.d.net.addresses() };
      } catch (e) {
        if (i + 1 >= RESYNC_TRIES || this.d.off()) throw e;
        await new Promise<void>((r) => { this.d.timers.set(r, 50 * 2 ** i); });
      }
    }
  }
}
