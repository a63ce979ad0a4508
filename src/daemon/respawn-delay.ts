// keepalived 2.2.7's respawn rate limit for a dead child (calc_restart_delay() in lib/scheduler.c;
// measured in the chaos lab, test/integration/chaos/data/): a child that ran for a minute or more is
// restarted at once and nothing is logged; otherwise it waits the current delay, logged as "Restart of
// <VRRP|Healthcheck> process delayed N seconds to limit respawn rate", and the next delay becomes
// 1 after 0, then doubles, and 60 once past 30 (0, 1, 2, 4, 8, 16, 32, 60, 60 ... seconds).
// The delay is kept per kind of child across its restarts; a long-lived child resets it.

export interface RestartDecision {
  /** Seconds to wait before the new child is started. */
  delayS: number;
  /** The delay the next death (within a minute of the new start) will get. */
  nextDelayS: number;
  /** Whether 2.2.7 logs the "Restart of ... delayed" line. */
  logged: boolean;
}

export const RESET_AFTER_MS = 60_000;

export function restartDelay(currentDelayS: number, ranMs: number): RestartDecision {
  if (ranMs >= RESET_AFTER_MS) return { delayS: 0, nextDelayS: 0, logged: false };
  const nextDelayS = currentDelayS === 0 ? 1 : currentDelayS > 30 ? 60 : currentDelayS * 2;
  return { delayS: currentDelayS, nextDelayS, logged: true };
}

/** 2.2.7's name of a child in that line. */
export function restartName(role: 'vrrp' | 'checker'): string { return role === 'vrrp' ? 'VRRP' : 'Healthcheck'; }
