// keepalived's scheduler checks, each time it wakes, how long ago its earliest timer expired; a
// timer more than min_auto_priority_delay late is logged and raises the realtime priority
// (max_auto_priority). Node's timers are libuv's, so a probe timer of our own stands for "the
// earliest timer": it is re-armed every PERIOD_MS and reports how late it fired, in usecs.
// unref()'d: it never keeps a stopping child alive.
import { monotonicClock } from '../../common/clock.js';

export const PERIOD_MS = 100;

export interface LateTimerWatch { stop(): void }

export function watchLateTimers(onFire: (lateUs: number) => void, now: () => number = () => monotonicClock.now(),
    periodMs = PERIOD_MS): LateTimerWatch {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const arm = () => {
    const due = now() + periodMs;
    timer = setTimeout(() => {
      if (stopped) return;
      onFire(Math.max(0, Math.round((now() - due) * 1000)));
      arm();
    }, periodMs);
    timer.unref();
  };
  arm();
  return { stop: () => { stopped = true; if (timer) clearTimeout(timer); } };
}
