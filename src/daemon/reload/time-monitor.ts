// The parent's reload_time_file monitor (keepalived 2.2.7's start_reload_monitor): inotify on the
// file's directory (the file appearing, going, or the directory itself going) and on the file
// (IN_CLOSE_WRITE: a writer finished), the file's first line read into the ReloadSchedule core,
// and its actions carried out with a timer, unlink and a reload callback. Started after start-up
// and after each reload, stopped before a reload and at stop, as 2.2.7 does.
import { openSync, readSync, closeSync, unlinkSync } from 'node:fs';
import type { Logger } from '../../common/log.js';
import { IN, Inotify, type InotifyEvent } from './inotify.js';
import { ReloadSchedule, type ScheduleAction } from './time-schedule.js';

const MAX_TIMEOUT_MS = 2 ** 31 - 1;
const DIR_MASK = IN.CREATE | IN.DELETE | IN.MOVED_TO | IN.MOVED_FROM | IN.DELETE_SELF | IN.MOVE_SELF;

/** fgets(buf, 21): the first line, at most 20 bytes, newline removed; undefined for a missing or empty file. */
export function readFirstLine(path: string): string | undefined {
  let fd: number;
  try { fd = openSync(path, 'r'); } catch { return undefined; }
  try {
    const b = Buffer.alloc(20);
    const n = readSync(fd, b, 0, 20, null);
    if (n === 0) return undefined;
    let s = b.subarray(0, n).toString('latin1');
    const nl = s.indexOf('\n');
    if (nl >= 0) s = s.slice(0, nl);
    return s;
  } catch { return undefined; } finally { closeSync(fd); }
}

/** 2.2.7's split of the path: the directory watched and the name looked for in its events. */
export function splitReloadTimePath(path: string): { dir: string; name: string } {
  const i = path.lastIndexOf('/');
  // no '/' at all: 2.2.7 watches "/" (sic)
  return i < 0 ? { dir: '/', name: path } : { dir: path.slice(0, i), name: path.slice(i + 1) };
}

export class ReloadTimeMonitor {
  private ino?: Inotify;
  private dirWd = -1;
  private fileWd = -1;
  private timer?: NodeJS.Timeout;
  readonly schedule: ReloadSchedule;

  constructor(private readonly path: string, repeat: boolean, private readonly log: Logger,
    private readonly reload: () => void,
    private readonly now: () => number = () => Date.now() / 1000) {
    this.schedule = new ReloadSchedule(repeat);
  }

  start(): void {
    const ino = Inotify.open((evs) => this.events(evs));
    if ('errno' in ino) { this.log.info(`Unable to monitor reload timer file directory ${splitReloadTimePath(this.path).dir}- ignoring`); return; }
    this.ino = ino;
    const { dir } = splitReloadTimePath(this.path);
    this.dirWd = ino.add(dir, DIR_MASK);
    if (this.dirWd < 0) {
      this.log.info(`Unable to monitor reload timer file directory ${dir}- ignoring`);
      this.stop();
      return;
    }
    this.watchFile();
  }

  /** stop_reload_monitor(): no more events; a scheduled reload is dropped without a line. */
  stop(): void {
    this.ino?.close();
    this.ino = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private watchFile(): void {
    this.fileWd = this.ino ? this.ino.add(this.path, IN.CLOSE_WRITE) : -1;
    if (this.fileWd >= 0) this.run(this.schedule.read(readFirstLine(this.path), this.now()));
  }

  private events(evs: InotifyEvent[]): void {
    const { name } = splitReloadTimePath(this.path);
    for (const ev of evs) {
      if (!this.ino) return;
      if (this.fileWd !== -1 && ev.wd === this.fileWd
        && ev.mask & IN.CLOSE_WRITE) this.run(this.schedule.read(readFirstLine(this.path), this.now()));
      if (ev.wd !== this.dirWd) continue;
      if (ev.mask & (IN.DELETE_SELF | IN.MOVE_SELF)) {
        this.run(this.schedule.cancel());
        this.ino.close();
        this.ino = undefined;
        this.log.info('Directory of reload timer file has disappeared. Monitoring stopped.');
        return;
      }
      if (ev.name !== name) continue;
      if (ev.mask & (IN.CREATE | IN.MOVED_TO)) this.watchFile();
      else if (ev.mask & (IN.DELETE | IN.MOVED_FROM)) {
        this.ino.remove(this.fileWd);
        this.fileWd = -1;
        this.run(this.schedule.cancel());
      }
    }
  }

  private run(actions: ScheduleAction[]): void {
    for (const a of actions) {
      switch (a.kind) {
        case 'log': this.log.info(a.line); break;
        case 'arm': this.armAt(a.at); break;
        case 'disarm': if (this.timer) clearTimeout(this.timer); this.timer = undefined; break;
        case 'unlink': try { unlinkSync(this.path); } catch { /* gone already */ } break;
        case 'reload': this.reload(); break;
      }
    }
  }

  /** A timer for epoch second `at`; setTimeout's limit (2^31-1 ms, 24.8 days) is waited out in steps. */
  private armAt(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    const ms = Math.max(0, at * 1000 - this.now() * 1000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (ms > MAX_TIMEOUT_MS) this.armAt(at); else this.fire();
    }, Math.min(ms, MAX_TIMEOUT_MS));
  }

  private fire(): void {
    // no events about the file being removed
    this.ino?.close();
    this.ino = undefined;
    this.run(this.schedule.fire());
  }
}
