// The reload_time_file schedule of keepalived 2.2.7's parent (keepalived/core/reload_monitor.c),
// as a pure core: what it reads from the file and what its watches report go in, typed actions
// come out (log lines, arm / move / cancel the reload timer, remove the file, reload). Recorded
// behaviour (test/unit/daemon/data/reload-time-2.2.7.md): a new time is "Scheduling reload for
// ...", a changed one "Reload time updated from ... to ...", a removed file or a bad time cancels
// ("Cancelling reload scheduled for ..."); when the timer fires the file is removed unless
// reload_repeat and a time of day (no date), and the daemon reloads, which restarts the monitor.
import { formatReloadTime, parseReloadTime, systemCalendar, type Calendar } from './time-parse.js';

export type ScheduleAction =
  | { kind: 'log'; line: string }
  /** Arm the timer for epoch second `at` (replacing an armed one). */
  | { kind: 'arm'; at: number }
  | { kind: 'disarm' }
  | { kind: 'unlink' }
  | { kind: 'reload' };

export class ReloadSchedule {
  /** The scheduled time (epoch s, 0 = none): keepalived's global_data->reload_time. */
  reloadTime = 0;
  dateSpecified = false;
  private armed = false;

  constructor(private readonly repeat: boolean, private readonly cal: Calendar = systemCalendar) {}

  /** The file's first line (newline removed), or undefined when it cannot be read or is empty. */
  read(line: string | undefined, now: number): ScheduleAction[] {
    if (line === undefined) return this.cancel();
    const r = parseReloadTime(line, now, this.cal);
    if (!r.ok) return [...r.lines.map((l) => ({ kind: 'log', line: l }) as const), ...this.cancel()];
    this.dateSpecified = r.dateSpecified;
    if (r.at === this.reloadTime) return [];
    const out: ScheduleAction[] = [];
    const to = formatReloadTime(r.at, this.cal);
    if (this.armed) out.push({ kind: 'log', line: `Reload time updated from ${formatReloadTime(this.reloadTime, this.cal)} to ${to}` });
    else out.push({ kind: 'log', line: `Scheduling reload for ${to}` });
    out.push({ kind: 'arm', at: r.at });
    this.armed = true;
    this.reloadTime = r.at;
    return out;
  }

  /** cancel_reload(): only an armed timer is cancelled (and reported). */
  cancel(): ScheduleAction[] {
    if (!this.armed) return [];
    this.armed = false;
    const out: ScheduleAction[] = [{ kind: 'disarm' }];
    if (this.reloadTime) out.push({ kind: 'log', line: `Cancelling reload scheduled for ${formatReloadTime(this.reloadTime, this.cal)}` });
    this.reloadTime = 0;
    return out;
  }

  /** The timer fired: the monitor stops, the file goes unless it repeats, and the daemon reloads. */
  fire(): ScheduleAction[] {
    this.armed = false;
    return [...(!this.repeat || this.dateSpecified ? [{ kind: 'unlink' } as const] : []), { kind: 'reload' }];
  }
}
