// A track_file's value as keepalived 2.2.7 reads it (trackers/track_file.c, one module for VRRP's
// track_file and the checkers' FILE_CHECK): the first 127 bytes through strtol(..., 0) (leading
// blanks, a sign, 0x hex or 0 octal, up to the first other character; no digits = 0); a missing or
// empty file reads 0; a number outside [INT32_MIN, INT32_MAX + 1] is logged and ignored (measured
// for VRRP: test/unit/vrrp/io/runtime-helpers.test.ts).
import { readFileSync } from 'node:fs';

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

/** The file's text (latin1), or null when it cannot be read. */
export function readTrackText(file: string): string | null {
  try { return readFileSync(file, 'latin1'); } catch { return null; }
}

/** The value now (start-up): an invalid number counts as 0, as 2.2.7's initial read leaves 0. */
export function readTrackValueNow(file: string): number {
  const j = judgeTrackText(readTrackText(file), file);
  return 'value' in j ? j.value : 0;
}
