// FILE_CHECK probe: the value of a track_file's file, as keepalived 2.2.7 reads it
// (trackers/track_file.c process_track_file): the first 127 bytes through strtol(..., 0) (leading
// blanks, a sign, 0x hex or 0 octal, up to the first other character; no digits = 0); a missing or
// empty file reads 0; a number outside [INT32_MIN, INT32_MAX + 1] is logged and ignored. 2.2.7 is
// told of changes by inotify; here each run waits for the file to change (fs.watch on its
// directory, with a 1 s re-read in case an event is missed) and returns the new value, so the
// checker reacts within milliseconds instead of at a delay_loop.
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Outcome } from '../core/checker-fsm.js';
import type { Probe, ProbeSpec } from './types.js';

export { judgeTrackText, readTrackValueNow, strtol0 } from '../../common/track-value.js';
import { judgeTrackText, readTrackText as readText } from '../../common/track-value.js';

class FileProbe implements Probe {
  private lastText: string | null;
  constructor(private readonly file: string) { this.lastText = readText(file); }
  key(): string { return `FILE|${this.file}`; }

  run(): Promise<Outcome> {
    return new Promise((resolve) => {
      let watcher: FSWatcher | null = null;
      const check = (): boolean => {
        const text = readText(this.file);
        if (text === this.lastText) return false;
        this.lastText = text;
        const j = judgeTrackText(text, this.file);
        done('value' in j ? { ok: true, value: j.value } : { ok: false, why: 'invalid', errLine: j.line });
        return true;
      };
      const poll = setInterval(check, 1000);
      poll.unref();
      const done = (o: Outcome): void => {
        clearInterval(poll);
        if (watcher) watcher.close();
        resolve(o);
      };
      if (check()) return;
      try {
        watcher = watch(path.dirname(this.file), { persistent: false }, (_e, name) => {
          if (!name || name === path.basename(this.file)) check();
        });
        watcher.on('error', () => { watcher?.close(); watcher = null; });
      } catch { watcher = null; } // no directory: the 1 s re-read finds the file when it comes
    });
  }
}

/** The file of a FILE_CHECK: its track_file block's `file`. */
export function trackFilePath(spec: Pick<ProbeSpec, 'checker' | 'config'>): string {
  const c = spec.checker;
  const name = c.type === 'FILE_CHECK' ? c.trackFile : '';
  return spec.config?.trackFiles.find((t) => t.name === name)?.file ?? name;
}

export function fileProbe(spec: ProbeSpec): Probe {
  if (spec.checker.type !== 'FILE_CHECK') throw new Error('fileProbe: wrong checker');
  return new FileProbe(trackFilePath(spec));
}
