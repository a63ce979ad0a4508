// Shared helpers for the VRRP unit tests: frames from the captured vectors, default FSM params,
// and a tiny runtime stand-in (fake clock + timer wheel) that executes setTimer/cancelTimer.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeClock } from '../../../src/common/clock.js';
import { formatIpv6 } from '../../../src/vrrp/addr.js';
import type { VrrpAction, VrrpEvent, VrrpFsmParams, VrrpTimerName } from '../../../src/vrrp/fsm-types.js';
import { VrrpFsm } from '../../../src/vrrp/fsm.js';
import { encodeAdvert, makeAdvert, splitIpv4 } from '../../../src/vrrp/packet.js';
import { TimerWheel } from '../../helpers/timer-wheel.js';

const here = dirname(fileURLToPath(import.meta.url));

export interface Vector { file: string; packet: number; kind: string; frame: string }
export const vectors: Vector[] = JSON.parse(readFileSync(join(here, 'data', 'vectors.json'), 'utf8'));

export interface RxFrame { family: 'inet' | 'inet6'; ttl: number; src: string; dst: string; payload: Uint8Array }

export function hex(s: string): Uint8Array { return Uint8Array.from(Buffer.from(s, 'hex')); }
export function toHex(b: Uint8Array): string { return Buffer.from(b).toString('hex'); }

/** Ethernet frame -> IP facts + VRRP payload. */
export function parseFrame(frameHex: string): RxFrame {
  const f = hex(frameHex);
  const etype = (f[12]! << 8) | f[13]!;
  if (etype === 0x0800) {
    const s = splitIpv4(f.subarray(14))!;
    return { family: 'inet', ttl: s.ttl, src: s.src, dst: s.dst, payload: s.payload.slice() };
  }
  const ip6 = f.subarray(14);
  const plen = (ip6[4]! << 8) | ip6[5]!;
  return { family: 'inet6', ttl: ip6[7]!, src: formatIpv6(ip6, 8), dst: formatIpv6(ip6, 24), payload: ip6.slice(40, 40 + plen) };
}

export function baseParams(over: Partial<VrrpFsmParams> = {}): VrrpFsmParams {
  return {
    name: 'VI_1', vrid: 51, version: 2, family: 'inet', interface: 'pe0', priority: 100, initialState: 'BACKUP',
    advertIntCs: 100, preempt: true, preemptDelayMs: 0, primaryAddress: '10.198.0.2', destination: '224.0.0.18',
    vips: ['10.198.0.100'], otherVips: [], auth: { type: 0 },
    garp: { masterDelayMs: 5000, masterRepeat: 5, masterRefreshMs: 0, masterRefreshRepeat: 1,
      lowerPrioDelayMs: 5000, lowerPrioRepeat: 5 },
    downTimerAdverts: 3, lowerPrioNoAdvert: false, higherPrioSendAdvert: false, skipCheckAdvAddr: false,
    v3Ipv4PseudoHeader: true, dontTrackPrimary: false, trackers: [], rejectLogPolicy: 'every',
    ...over,
  };
}

/** An advert as a peer would send it to this instance. */
export function peerAdvert(p: VrrpFsmParams, src: string, priority: number,
    over: { adverInt?: number; version?: 2 | 3; vips?: string[]; pass?: string; authType?: number } = {}): VrrpEvent {
  const version = over.version ?? p.version;
  const advert = makeAdvert({
    version, vrid: p.vrid, priority, family: p.family, addresses: over.vips ?? p.vips,
    adverInt: over.adverInt ?? (version === 2 ? p.advertIntCs / 100 : p.advertIntCs),
    authType: over.authType ?? p.auth.type, ...(over.pass ?? p.auth.pass ? { pass: over.pass ?? p.auth.pass } : {}),
  });
  const payload = encodeAdvert(advert, { src, dst: p.destination });
  return { type: 'packet', payload, ttl: 255, src, dst: p.destination, family: p.family };
}

/** Runs one FSM like the runtime would: executes timer actions against a fake clock. */
export class Harness {
  readonly clock = new FakeClock(0);
  readonly fsm: VrrpFsm;
  readonly actions: { at: number; action: VrrpAction }[] = [];
  private readonly timers = new TimerWheel<{ timer: VrrpTimerName; generation: number }>(this.clock,
    ({ timer, generation }) => this.feed({ type: 'timer', timer, generation }));

  constructor(readonly params: VrrpFsmParams) { this.fsm = new VrrpFsm(params, this.clock); }

  feed(ev: VrrpEvent): VrrpAction[] {
    const acts = this.fsm.handle(ev);
    for (const a of acts) {
      this.actions.push({ at: this.clock.now(), action: a });
      if (a.kind === 'setTimer') this.timers.set(a.timer, a.delayMs, { timer: a.timer, generation: a.generation });
      if (a.kind === 'cancelTimer') this.timers.cancel(a.timer);
    }
    return acts;
  }

  /** Advance time, firing due timers in order. */
  advance(ms: number): void { this.timers.advance(ms); }

  due(t: VrrpTimerName): number | undefined { return this.timers.due(t); }

  logs(all = true): string[] {
    return this.actions.filter((x) => x.action.kind === 'log' && (all || !(x.action as { detail?: number }).detail))
      .map((x) => (x.action as { msg: string }).msg);
  }

  kinds(): string[] { return this.actions.map((x) => x.action.kind); }

  sent(): { at: number; priority: number }[] {
    return this.actions.filter((x) => x.action.kind === 'sendAdvert')
      .map((x) => ({ at: x.at, priority: (x.action as Extract<VrrpAction, { kind: 'sendAdvert' }>).advert.priority }));
  }

  stateAt(): string { return this.fsm.state; }
  clear(): void { this.actions.length = 0; }
}
