// track_file reader: the file holds an integer (missing/unreadable/garbage reads as 0, as
// keepalived); changes are noticed with fs.watch on the directory plus a slow poll as a fallback.
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

export function readTrackValue(file: string): number {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch { return 0; }
  const m = /^\s*(-?\d+)/.exec(text);
  return m ? parseInt(m[1]!, 10) : 0;
}

export class TrackFileWatcher {
  private watcher?: FSWatcher;
  private poll?: NodeJS.Timeout;
  private last: number;

  constructor(readonly file: string, private readonly onChange: (value: number) => void, pollMs = 1000) {
    this.last = readTrackValue(file);
    try {
      this.watcher = watch(path.dirname(file), (_ev, name) => { if (!name || name === path.basename(file)) this.check(); });
    } catch { /* directory missing: poll only */ }
    this.poll = setInterval(() => this.check(), pollMs);
    this.poll.unref();
  }

  get value(): number { return this.last; }

  private check(): void {
    const v = readTrackValue(this.file);
    if (v !== this.last) { this.last = v; this.onChange(v); }
  }

  close(): void { this.watcher?.close(); if (this.poll) clearInterval(this.poll); }
}
