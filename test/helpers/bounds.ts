// Timing bounds for the integration tests: every bound is a formula (RFC 3768 / RFC 5798 timers, a
// configured interval) plus a named margin from MARGIN below, so that a failing bound reads as "the
// protocol says X, this machine may add Y" and no test carries a bare number of milliseconds.
// The margins are what this shared 2-core machine needs (several test runs and daemons at once);
// each says what it covers. A margin is never a retry: a value outside the bound fails the test.
import { strict as assert } from 'node:assert';

/** RFC 3768 §6.1 (VRRPv2) and RFC 5798 §6.1 (VRRPv3): Skew_Time = ((256 - Priority) * Adver_Int) / 256. */
export function skewTimeMs(priority: number, adverIntMs = 1000): number {
  return ((256 - priority) * adverIntMs) / 256;
}

/**
 * Master_Down_Interval = 3 * Adver_Int + Skew_Time (RFC 3768 §6.1, RFC 5798 §6.1); keepalived's
 * `down_timer_adverts N` replaces the 3 with N.
 */
export function masterDownMs(priority: number, adverIntMs = 1000, downTimerAdverts = 3): number {
  return downTimerAdverts * adverIntMs + skewTimeMs(priority, adverIntMs);
}

/** The margins (ms) a bound may add to its formula, each with what it covers. */
export const MARGIN = {
  /** One instant stamped by two observers of a test (tcpdump's frame time, the arrival of a daemon's
   *  log line, `ip monitor` output): they differ by this much at most. */
  stampSkew: 20,
  /** A daemon's timer firing and the test seeing its effect (an advert, an address, a line) on a quiet
   *  moment: this late at most. */
  timerLate: 100,
  /** A line of a child process read through a pipe (tcpdump -l, ip monitor, a daemon's log) reaches
   *  the test up to this late; an interval that starts at such a line looks this much shorter. */
  pipeLag: 150,
  /** A daemon's start-up (node loading dist/, keepalived forking its children): its first timers and
   *  lines may come this much early or late relative to each other. */
  startup: 250,
  /** While a test is busy (several daemons, captures, `ip` commands at once) a process on this shared
   *  2-core machine can be held up this long before a timer's callback runs. */
  busyLate: 400,
} as const;

/** A closed interval [min, max] (ms) with the formula it came from, for the failure message. */
export interface Bound { min: number; max: number; formula: string }

/** `nominal` less `early`, plus `late`. */
export function around(nominal: number, early: number, late: number, formula: string): Bound {
  return { min: nominal - early, max: nominal + late, formula: `${formula} = ${nominal.toFixed(1)} ms (-${early}/+${late})` };
}

/** At most `nominal + late` (anything earlier is fine). */
export function upTo(nominal: number, late: number, formula: string): Bound {
  return { min: -Infinity, max: nominal + late, formula: `${formula} = ${nominal.toFixed(1)} ms (+${late})` };
}

/** At least `nominal - early` (anything later is fine). */
export function atLeast(nominal: number, early: number, formula: string): Bound {
  return { min: nominal - early, max: Infinity, formula: `${formula} = ${nominal.toFixed(1)} ms (-${early})` };
}

/** Asserts min <= actual <= max; the message names what was measured, the value and the formula. */
export function assertWithin(actual: number, b: Bound, what: string, context = ''): void {
  assert.ok(actual >= b.min && actual <= b.max,
    `${what}: ${actual.toFixed(1)} ms, outside [${b.min.toFixed(1)}, ${b.max.toFixed(1)}] from ${b.formula}${context ? `\n${context}` : ''}`);
}
