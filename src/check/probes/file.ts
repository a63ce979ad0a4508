// FILE_CHECK probe: read the integer in the track_file's file (a missing or unreadable file or a
// non-number reads as 0, as keepalived's track_file does).
import { readFile } from 'node:fs/promises';
import type { Outcome } from '../core/checker-fsm.js';
import type { Probe, ProbeSpec } from './types.js';

export async function readTrackValue(path: string): Promise<number> {
  try {
    const n = parseInt((await readFile(path, 'utf8')).trim(), 10);
    return Number.isFinite(n) ? n : 0;
  } catch { return 0; }
}

export function fileProbe(spec: ProbeSpec): Probe {
  const c = spec.checker;
  if (c.type !== 'FILE_CHECK') throw new Error('fileProbe: wrong checker');
  const tf = spec.config?.trackFiles.find((t) => t.name === c.trackFile);
  const path = tf?.file ?? c.trackFile;
  const key = `FILE|${path}`;
  return { key: () => key, run: async (): Promise<Outcome> => ({ ok: true, value: await readTrackValue(path) }) };
}
