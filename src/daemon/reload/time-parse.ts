// The time a reload_time_file holds, read as keepalived 2.2.7's reload monitor reads it
// (keepalived/core/reload_monitor.c parse_datetime): "HH:MM:SS" (today, or tomorrow once passed),
// "YY-MM-DD HH:MM:SS" or "YYYY-MM-DD HH:MM:SS", local time, or UTC with a trailing "Z". A field
// out of range ("25:00:00") is invalid; a date that does not exist ("26-02-30 ...") is "not
// valid"; a date already past is refused. Pure: the clock and the time zone come in.

/** Broken-down time as struct tm holds it (month 0-11, full year). */
export interface Tm { year: number; mon: number; mday: number; hour: number; min: number; sec: number }

/** Local or UTC calendar arithmetic (the process's time zone in production). */
export interface Calendar {
  /** Broken-down time of an epoch second (localtime_r / gmtime_r). */
  split(t: number, utc: boolean): Tm;
  /** mktime (local) / timegm (utc) of fields, normalised like the C functions. */
  join(tm: Tm, utc: boolean): number;
}

export const systemCalendar: Calendar = {
  split(t, utc) {
    const d = new Date(t * 1000);
    return utc
      ? { year: d.getUTCFullYear(), mon: d.getUTCMonth(), mday: d.getUTCDate(), hour: d.getUTCHours(),
        min: d.getUTCMinutes(), sec: d.getUTCSeconds() }
      : { year: d.getFullYear(), mon: d.getMonth(), mday: d.getDate(), hour: d.getHours(),
        min: d.getMinutes(), sec: d.getSeconds() };
  },
  join(tm, utc) {
    const ms = utc ? Date.UTC(tm.year, tm.mon, tm.mday, tm.hour, tm.min, tm.sec)
      : new Date(tm.year, tm.mon, tm.mday, tm.hour, tm.min, tm.sec).getTime();
    return Math.floor(ms / 1000);
  },
};

export type ReloadTime =
  | { ok: true; at: number; dateSpecified: boolean }
  /** The lines 2.2.7 logs for it (its own, then read_file's). */
  | { ok: false; lines: string[] };

// strptime's numeric fields: optional leading blanks, then up to 2 digits (4 for %Y)
const N2 = String.raw` *(\d{1,2})`;
const TIME = `${N2}:${N2}:${N2}`;
const FORMATS: Record<number, RegExp> = {
  8: new RegExp(`^${TIME}$`),
  17: new RegExp(`^${N2}-${N2}-${N2} +${TIME}$`),
  19: new RegExp(`^ *(\\d{1,4})-${N2}-${N2} +${TIME}$`),
};

/** The text of a reload_time_file's first line (newline removed), at epoch second `now`. */
export function parseReloadTime(text: string, now: number, cal: Calendar = systemCalendar): ReloadTime {
  const invalid = (line: string): ReloadTime => ({ ok: false, lines: [line, `Invalid reload time '${text}' specified - ignoring`] });
  let len = text.length;
  const utc = len > 0 && text[len - 1] === 'Z';
  if (utc) len--;
  const body = text.slice(0, len);
  const fmt = FORMATS[len];
  if (!fmt) return invalid(`Reload time ${text} format is incorrect - ignoring`);
  const m = fmt.exec(body);
  const tm = cal.split(now, utc);
  if (m) {
    const n = m.slice(1).map(Number);
    if (len === 8) [tm.hour, tm.min, tm.sec] = n as [number, number, number];
    else {
      const [y, mo, d, h, mi, s] = n as [number, number, number, number, number, number];
      // %y: 69-99 are 19xx, 00-68 20xx
      tm.year = len === 17 ? (y < 69 ? 2000 + y : 1900 + y) : y;
      [tm.mon, tm.mday, tm.hour, tm.min, tm.sec] = [mo - 1, d, h, mi, s];
    }
  }
  // strptime's ranges (%S allows leap seconds up to 61)
  if (!m || tm.hour > 23 || tm.min > 59 || tm.sec > 61 || tm.mon < 0 || tm.mon > 11 || tm.mday < 1 || tm.mday > 31) {
    return invalid(`Reload date/time ${text} invalid - ignoring`);
  }
  // mktime() normalises impossible dates and times: the fields must come back unchanged
  let t = cal.join(tm, false);
  const back = cal.split(t, false);
  if (back.year !== tm.year || back.mon !== tm.mon || back.mday !== tm.mday || back.hour !== tm.hour
      || back.min !== tm.min || back.sec !== tm.sec) {
    return invalid(`Reload time ${text} is not valid - ignoring`);
  }
  if (utc) t = cal.join(tm, true);
  if (t <= now) {
    if (len !== 8) return { ok: false, lines: [`Reload time ${text} is in the past - ignoring`, 'Reload date/time is in the past - ignoring'] };
    t = cal.join({ ...tm, mday: tm.mday + 1 }, utc);
  }
  return { ok: true, at: t, dateSpecified: len >= 17 };
}

/** `YYYY-MM-DD HH:MM:SS` in local time (format_time_t). */
export function formatReloadTime(t: number, cal: Calendar = systemCalendar): string {
  const tm = cal.split(t, false);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${tm.year}-${p(tm.mon + 1)}-${p(tm.mday)} ${p(tm.hour)}:${p(tm.min)}:${p(tm.sec)}`;
}
