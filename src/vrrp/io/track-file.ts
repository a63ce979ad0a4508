// track_file: the reader (src/common/track-value.ts, shared with FILE_CHECK: strtol base 0, so
// hex and octal too; an out-of-range number is logged and ignored, as 2.2.7), the watcher (fs.watch on the directory
// plus a slow poll as a fallback), and init_file, which writes the file at start-up as keepalived 2.2.7 does (measured:
// see test/unit/vrrp/data/track-process-2.2.7.md): "VALUE\n" (default 0), mode 0600, through a
// temporary file renamed over the path; an existing file is kept unless `overwrite` is given, and
// never rewritten on a reload; a path that exists but is not a regular file is refused.
import { chmodSync, closeSync, openSync, realpathSync, renameSync, rmSync, statSync, watch, writeSync, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../common/log.js';
import type { SourcePos } from '../../common/diagnostic.js';
import type { TrackFile } from '../../config/model.js';
import { judgeTrackText, readTrackText, readTrackValueNow } from '../../common/track-value.js';

/** The value at start-up (an invalid number counts as 0). */
export const readTrackValue = readTrackValueNow;

/** keepalived's file mode for what it writes: 0666 under its default umask 0177. */
const INIT_FILE_MODE = 0o600;

/** "(FILE: Line N) " as keepalived prefixes a config error it reports at run time. */
function at(pos: SourcePos | undefined): string { return pos ? `(${pos.file}: Line ${pos.line}) ` : ''; }

/**
 * init_file for one track_file block (nothing without init_file). `reload`: keepalived re-reads the
 * configuration then, and only creates a file that does not exist.
 */
export function initTrackFile(t: TrackFile, reload: boolean, log: Logger): void {
  const init = t.initFile;
  if (!init || !t.file) return;
  let st;
  try { st = statSync(t.file); } catch { st = undefined; }
  if (st) {
    if (!init.overwrite) return;
    if (!st.isFile()) { log.info(`${at(init.endPos)}Cannot initialise track file ${t.name} - it is not a regular file`); return; }
    if (reload) return;
  }
  const tmp = `${t.file}.${process.pid}.init`;
  let fd: number | undefined;
  try {
    // as keepalived's fopen_safe: a private temporary file, renamed over the path, then written
    fd = openSync(tmp, 'wx', INIT_FILE_MODE);
    chmodSync(tmp, INIT_FILE_MODE);
    renameSync(tmp, t.file);
    writeSync(fd, `${init.value ?? 0}\n`);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    rmSync(tmp, { force: true });
    log.info(`Unable to open '${t.file}' - errno ${Math.abs(err.errno ?? 0)} (${describe(err)})`);
    log.info(`${at(init.endPos)}Unable to initialise track file ${t.name}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Can a tracked file be watched? keepalived 2.2.7 drops a track_file whose directory does not exist
 * ("Track file directory for NAME does not exist - removing") or that cannot be resolved.
 */
export function trackFileUsable(t: TrackFile, log: Logger): boolean {
  try { realpathSync(t.file); return true; } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') { log.info(`track file ${t.name} is not accessible - ignoring`); return false; }
  }
  try { if (statSync(realpathSync(path.dirname(t.file))).isDirectory()) return true; } catch { /* missing */ }
  log.info(`Track file directory for ${t.name} does not exist - removing`);
  return false;
}

/** strerror text of a Node fs error ("No such file or directory"). */
function describe(e: NodeJS.ErrnoException): string {
  const m = /^[A-Z0-9]+: (.*?), /.exec(e.message);
  if (!m) return e.message;
  return m[1]!.charAt(0).toUpperCase() + m[1]!.slice(1);
}

export class TrackFileWatcher {
  private watcher?: FSWatcher;
  private poll?: NodeJS.Timeout;
  private last: number;
  private lastText: string | null;

  /** `log`: where "Invalid number N read from FILE - ignoring" goes (the value is then kept). */
  constructor(readonly file: string, private readonly onChange: (value: number) => void, pollMs = 1000,
      private readonly log?: Logger) {
    this.last = readTrackValue(file);
    this.lastText = readTrackText(file);
    try {
      this.watcher = watch(path.dirname(file), (_ev, name) => {
        if (!name || name === path.basename(file)) this.check();
      });
    } catch { /* directory missing: poll only */ }
    this.poll = setInterval(() => this.check(), pollMs);
    this.poll.unref();
  }

  get value(): number { return this.last; }

  private check(): void {
    const text = readTrackText(this.file);
    if (text === this.lastText) return;
    this.lastText = text;
    const j = judgeTrackText(text, this.file);
    if ('line' in j) { this.log?.info(j.line); return; }
    if (j.value !== this.last) { this.last = j.value; this.onChange(j.value); }
  }

  close(): void { this.watcher?.close(); if (this.poll) clearInterval(this.poll); }
}
