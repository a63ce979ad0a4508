// interface_up_down_delays as keepalived 2.2.7 applies them (keepalived_netlink.c
// update_interface_flags): per interface the flags last applied, whether it has been seen up, and
// at most one pending change. A change of up-ness (IFF_UP and IFF_RUNNING both set, or not) on an
// interface seen up and with a delay for that direction is held for the delay ("IF: Adding flags
// change from 0xOLD to 0xNEW delay by US"); flags back to the applied ones cancel it silently, a
// change the other way cancels it with "Delay timer for IF cancelled". A change that keeps the
// up-ness changes nothing (not even the flags kept). Recorded: test/integration/vrrp/data/
// links-2.2.7/up-down-delays.*. Pure: the caller logs, arms the timer and applies.
import type { InterfaceDelay, VrrpInstance } from '../../config/model.js';

const IFF_UP = 0x1, IFF_RUNNING = 0x40;

/** keepalived's FLAGS_UP: administratively up and running (carrier). */
export const flagsUp = (flags: number): boolean => (flags & (IFF_UP | IFF_RUNNING)) === (IFF_UP | IFF_RUNNING);

export interface Delays { downUs: number; upUs: number }

/** What one flags change does. */
export interface DebounceOutcome {
  /** Apply these flags now (the up-ness changed, with no delay). */
  apply?: number;
  /** Hold the change: (re)arm the timer for delayUs and log "Adding flags change from .. to .. delay by ..". */
  delay?: { from: number; to: number; delayUs: number };
  /** Drop the timer armed for an earlier change. */
  clearTimer: boolean;
  /** Log "Delay timer for IF cancelled" (a pending change the other way was dropped). */
  cancelledLine: boolean;
}

const NOTHING: DebounceOutcome = { clearTimer: false, cancelledLine: false };

interface IfState { flags: number; seenUp: boolean; pending?: number }

export class LinkDebounce {
  private readonly state = new Map<number, IfState>();

  constructor(private readonly delaysOf: (ifname: string) => Delays | undefined) {}

  /** The flags at start (or of a link just created): applied as they are, no delay. */
  seed(index: number, flags: number): void { this.state.set(index, { flags, seenUp: flagsUp(flags) }); }

  /** RTM_DELLINK: forgotten (a link of that index later starts unseen). */
  forget(index: number): void { this.state.delete(index); }

  known(index: number): boolean { return this.state.has(index); }

  /** Flags applied now for this interface (what the runtime acts on). */
  applied(index: number): number | undefined { return this.state.get(index)?.flags; }

  /** A pending change, if any. */
  pending(index: number): number | undefined { return this.state.get(index)?.pending; }

  /** RTM_NEWLINK with these flags. */
  update(index: number, ifname: string, flags: number): DebounceOutcome {
    const s = this.state.get(index);
    if (!s) { this.seed(index, flags); return { ...NOTHING, apply: flags }; }
    if (flags === s.flags) {
      const had = s.pending !== undefined;
      s.pending = undefined;
      return { ...NOTHING, clearTimer: had };
    }
    const wasUp = flagsUp(s.flags), nowUp = flagsUp(flags);
    let cancelled = false;
    if (s.pending !== undefined) {
      if (flags === s.pending) return NOTHING;
      if (flagsUp(s.pending) === nowUp) { s.pending = flags; return NOTHING; }
      s.pending = undefined;
      cancelled = true;
    }
    const base = { clearTimer: cancelled, cancelledLine: cancelled };
    if (wasUp === nowUp) return base;
    const d = this.delaysOf(ifname);
    const delayUs = d ? (nowUp ? d.upUs : d.downUs) : 0;
    if (s.seenUp && delayUs > 0) {
      s.pending = flags;
      return { ...base, delay: { from: s.flags, to: flags, delayUs } };
    }
    this.applyNow(s, flags);
    return { ...base, apply: flags };
  }

  /** The delay ran out: the pending flags apply. */
  fire(index: number): number | undefined {
    const s = this.state.get(index);
    if (!s || s.pending === undefined) return undefined;
    const f = s.pending;
    s.pending = undefined;
    this.applyNow(s, f);
    return f;
  }

  private applyNow(s: IfState, flags: number): void {
    s.flags = flags;
    if (flagsUp(flags)) s.seenUp = true;
  }
}

/**
 * The delays in force: interface_up_down_delays, each cut to below (down_timer_adverts - 1) x
 * advert_int of every instance on that interface (2.2.7: "VI: interface IF debounce timer(s) not
 * less that 2 * advert_int - resetting"; 3 s at advert_int 1 becomes 1996094 us), or dropped for
 * an instance whose down_timer_adverts is 1.
 */
export function effectiveDelays(entries: readonly InterfaceDelay[], instances: readonly VrrpInstance[],
    defaultIf: string): { delays: Map<string, Delays>; logs: string[] } {
  const delays = new Map(entries.map((e) => [e.name, { downUs: e.downUs, upUs: e.upUs }]));
  const logs: string[] = [];
  for (const vi of instances) {
    const ifname = vi.interface ?? defaultIf;
    const d = delays.get(ifname);
    if (!d) continue;
    const downTimerAdverts = vi.downTimerAdverts ?? 3;
    if (downTimerAdverts === 1) {
      if (d.upUs || d.downUs) { logs.push(`${vi.name}: cannot use debounce timers with down_timer_adverts = 1 - resetting`); d.upUs = d.downUs = 0; }
      continue;
    }
    const adv = Math.round(vi.advertInt * 1_000_000);
    const limit = (downTimerAdverts - 1) * adv;
    if (d.upUs < limit && d.downUs < limit) continue;
    const cut = limit - Math.floor(adv / 256);
    if (d.upUs >= limit) d.upUs = cut;
    if (d.downUs >= limit) d.downUs = cut;
    logs.push(`${vi.name}: interface ${ifname} debounce timer(s) not less that ${downTimerAdverts - 1} * advert_int - resetting`);
  }
  return { delays, logs };
}
