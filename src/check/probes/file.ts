// FILE_CHECK probe: the value of a track_file's file, as keepalived 2.2.7 reads it
// (trackers/track_file.c process_track_file): the first 127 bytes through strtol(..., 0) (leading
// blanks, a sign, 0x hex or 0 octal, up to the first other character; no digits = 0); a missing or
// empty file reads 0; a number outside [INT32_MIN, INT32_MAX + 1] is logged and ignored. 2.2.7 is
// told of changes by inotify; here each run waits for the file to change (fs.watch on its
// directory, with a 1 s re-read in case an event is missed) and returns the new value, so the
// checker reacts within milliseconds instead of at a delay_loop.
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Outcome } from '../core/checker-fsm.js';
import type { Probe, ProbeSpec } from './types.js';

const INT32_MIN = -(2n ** 31n), INT32_MAX = 2n ** 31n - 1n;
const LONG_MAX = 2n ** 63n - 1n, LONG_MIN = -(2n ** 63n);

/** glibc strtol(s, NULL, 0) on a 64-bit long; `range` when it overflowed (the value is then clamped). */
export function strtol0(s: string): { value: bigint; range: boolean } {
  let i = 0;
  while (i < s.length && ' \t\n\v\f\r'.includes(s[i]!)) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') { neg = s[i] === '-'; i++; }
  let base = 10;
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && /[0-9a-fA-F]/.test(s[i + 2] ?? '')) { base = 16; i += 2; }
  else if (s[i] === '0') base = 8;
  const digits = base === 16 ? /^[0-9a-fA-F]+/ : base === 8 ? /^[0-7]+/ : /^[0-9]+/;
  const m = digits.exec(s.slice(i));
  if (!m) return { value: 0n, range: false };
  let v = 0n;
  for (const ch of m[0]) v = v * BigInt(base) + BigInt(parseInt(ch, 16));
  if (neg) v = -v;
  if (v > LONG_MAX) return { value: LONG_MAX, range: true };
  if (v < LONG_MIN) return { value: LONG_MIN, range: true };
  return { value: v, range: false };
}

/** A track file's contents as 2.2.7 judges them: its value, or the line it logs when ignoring it. */
export function judgeTrackText(text: string | null, file: string): { value: number } | { line: string } {
  if (text === null || text.length === 0) return { value: 0 };
  const r = strtol0(text.slice(0, 127));
  if (r.range || r.value < INT32_MIN || r.value > INT32_MAX + 1n) return { line: `Invalid number ${r.value} read from ${file} - ignoring` };
  return { value: Number(r.value) };
}

function readText(file: string): string | null {
  try { return readFileSync(file, 'latin1'); } catch { return null; }
}

/** The value now (start-up): an invalid number counts as 0, as 2.2.7's initial read leaves 0. */
export function readTrackValueNow(file: string): number {
  const j = judgeTrackText(readText(file), file);
  return 'value' in j ? j.value : 0;
}

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
        done('value' in j ? { ok: true, value: j.value } : { ok: false, msg: 'invalid', errLine: j.line });
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
