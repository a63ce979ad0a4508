// VRRP timer arithmetic (RFC 3768 §6.1, RFC 5798/9568 §6.1) the way keepalived computes it: in
// microseconds from a centisecond advert interval, so v2 (whole seconds) and v3 (centiseconds,
// fractional advert_int) share one formula. Results are in milliseconds (fractions kept).

/** Skew_Time = ((256 - priority) * Master_Adver_Interval) / 256. v2 is the same with interval 1 s. */
export function skewTimeMs(priority: number, masterAdverIntCs: number): number {
  // keepalived: ((256 - prio) * adver_int_usecs) / 256, integer microseconds
  const us = Math.floor(((256 - priority) * masterAdverIntCs * 10_000) / 256);
  return us / 1000;
}

/** Adverts a backup misses before it takes over (RFC: 3; down_timer_adverts / vrrp_down_timer_adverts 1..100). */
export const DEFAULT_DOWN_TIMER_ADVERTS = 3;

/** Master_Down_Interval = down_timer_adverts (3) * Master_Adver_Interval + Skew_Time. */
export function masterDownIntervalMs(priority: number, masterAdverIntCs: number,
    downTimerAdverts = DEFAULT_DOWN_TIMER_ADVERTS): number {
  return downTimerAdverts * masterAdverIntCs * 10 + skewTimeMs(priority, masterAdverIntCs);
}

/** keepalived's startup timer for `state MASTER` below 255: one advert interval plus the skew. */
export function initialMasterTimerMs(priority: number, advertIntCs: number): number {
  return advertIntCs * 10 + skewTimeMs(priority, advertIntCs);
}

/** Priority used in Skew_Time: keepalived uses the base priority for an owner (255), else effective. */
export function skewPriority(basePriority: number, effectivePriority: number): number {
  return basePriority === 255 ? 255 : effectivePriority;
}

export const V3_MAX_ADVER_INT_CS = 4095;
