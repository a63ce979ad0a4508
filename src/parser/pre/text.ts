// Small byte-string helpers shared by the preprocessor modules. Preprocessor text is a latin1
// "byte string" (one char per file byte, like keepalived's char buffers); toDisplay turns it back
// into a JS (UTF-8 decoded) string for messages and words.

const NON_ASCII = /[\x80-\xff]/;

export function toDisplay(s: string): string {
  return NON_ASCII.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s;
}

export function fromJs(s: string): string {
  return /[^\x00-\x7f]/.test(s) ? Buffer.from(s, 'utf8').toString('latin1') : s;
}

/** C isspace() in the C locale. */
export function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** strspn(s + i, " \t") */
export function spanBlank(s: string, i: number): number {
  let j = i;
  while (j < s.length && (s.charCodeAt(j) === 32 || s.charCodeAt(j) === 9)) j++;
  return j - i;
}

/** Character at i, or '' past the end (C's '\0'). */
export function ch(s: string, i: number): string {
  return i < s.length ? s[i]! : '';
}

export function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export function isAlnum(c: number): boolean {
  return isAlpha(c) || (c >= 48 && c <= 57);
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** C strtol/strtoul(s + i, &end, base) for base 0 or 10; returns value and end index. */
export function strtol(s: string, i: number, base: 0 | 10, unsigned = false): { value: number; end: number } {
  let p = i;
  while (p < s.length && isSpace(s.charCodeAt(p))) p++;
  let neg = false;
  if (s[p] === '+' || s[p] === '-') { neg = s[p] === '-'; p++; }
  let b: number = base;
  if (b === 0) {
    if (s[p] === '0' && (s[p + 1] === 'x' || s[p + 1] === 'X') && /[0-9a-fA-F]/.test(ch(s, p + 2))) { b = 16; p += 2; }
    else if (s[p] === '0') b = 8;
    else b = 10;
  }
  const start = p;
  let v = 0n;
  const B = BigInt(b);
  while (p < s.length) {
    const d = parseInt(s[p]!, 36);
    if (Number.isNaN(d) || d >= b) break;
    v = v * B + BigInt(d);
    p++;
  }
  if (p === start) return { value: 0, end: i };
  const LMAX = 9223372036854775807n;
  if (unsigned) {
    const UMAX = 18446744073709551615n;
    if (v > UMAX) v = UMAX;
    if (neg) v = (UMAX + 1n - v) & UMAX;
    return { value: Number(v), end: p };
  }
  if (neg) v = v > LMAX + 1n ? -(LMAX + 1n) : -v;
  else if (v > LMAX) v = LMAX;
  return { value: Number(v), end: p };
}
