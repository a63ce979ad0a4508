// ~SEQ / ~SEQx / ~LST generator lines (keepalived 2.2.7 add_seq(), add_lst()). A generator line is
// parsed into a SeqGen; the preprocessor then emits the rest of the line once per value, with the
// variable(s) set as ordinary definitions. Parsing follows 2.2.7 character by character, including
// its messages (a missing ')' gives "~SEQ parameter strings too long", as 2.2.7 does).
import type { DiagnosticOut } from './diagnostics.js';
import { type LineBuf, colAt, sub } from './linebuf.js';
import { type Definitions, type MultilineCtl, MAX_SUBSTITUTIONS_PER_LINE } from './defs.js';
import { ch, spanBlank, strtol, toDisplay } from './text.js';

export type SeqGen =
  | { kind: 'seq'; name: string; next: number; step: number; last: number; hex: boolean; text: LineBuf }
  | { kind: 'lst'; params: string[]; values: string[][]; idx: number; text: LineBuf };

function err(diags: DiagnosticOut, lb: LineBuf, message: string): void {
  diags.push({ severity: 'error', code: 'KA_CFG_SEQ', message, pos: { file: lb.file, line: lb.line, col: colAt(lb, 0) } });
}

/** strcspn(s + i, set) as an end index. */
function cspan(s: string, i: number, set: string): number {
  let j = i;
  while (j < s.length && !set.includes(s[j]!)) j++;
  return j;
}

export function addSeq(lb: LineBuf, defs: Definitions, diags: DiagnosticOut): SeqGen | null {
  const buf = lb.text;
  const shown = toDisplay(buf);
  let p = 4;
  let hex = false;
  if (buf[p] === 'x') { p++; hex = true; }
  p += spanBlank(buf, p);
  if (ch(buf, p++) !== '(') return null;
  p += spanBlank(buf, p);
  const varStart = p;
  p = cspan(buf, p, ' \t,)');
  const varEnd = p;
  p += spanBlank(buf, p);
  if (p >= buf.length || buf[p] === ')' || p === varStart) {
    err(diags, lb, `Invalid ~SEQ definition '${shown}'`);
    return null;
  }
  p++;
  p += spanBlank(buf, p);
  const endSeq = buf.indexOf(')', p);
  if (endSeq < 0 || endSeq + 1 - p + 1 > 64) {
    err(diags, lb, `~SEQ parameter strings too long '${shown}'`);
    return null;
  }
  const paramBuf = sub(lb, p, endSeq + 1);
  const ml: MultilineCtl = { rest: null, beginMultiline: () => {}, budget: MAX_SUBSTITUTIONS_PER_LINE,
    lineBudget: MAX_SUBSTITUTIONS_PER_LINE };
  defs.replace(paramBuf, 64, ml);
  if (ml.rest !== null) {
    err(diags, lb, `~SEQ parameter is multiline definition '${shown}'`);
    return null;
  }
  const s = paramBuf.text;
  let start: number;
  let step: number;
  let end: number;
  {
    const one = strtol(s, 0, 0);
    let q = one.end;
    q += spanBlank(s, q);
    if (s[q] === ')') {
      end = one.value; step = end < 1 ? -1 : 1; start = end < 0 ? -1 : 1;
    } else {
      if (s[q] !== ',') { err(diags, lb, `Invalid ~SEQ definition '${shown}'`); return null; }
      const two = strtol(s, q + 1, 0);
      q = two.end;
      q += spanBlank(s, q);
      if (s[q] === ')') {
        start = one.value; end = two.value; step = start <= end ? 1 : -1;
      } else {
        if (s[q] !== ',') { err(diags, lb, `Invalid ~SEQ definition '${shown}'`); return null; }
        const three = strtol(s, q + 1, 0);
        q = three.end;
        q += spanBlank(s, q);
        if (s[q] !== ')') { err(diags, lb, `Invalid ~SEQ definition '${shown}'`); return null; }
        start = one.value; step = two.value; end = three.value;
        if (!step || (start < end && step < 0) || (start > end && step > 0)) {
          err(diags, lb, `Invalid ~SEQ values '${shown}'`);
          return null;
        }
      }
    }
  }
  if (hex && (start < 0 || end < 0)) {
    err(diags, lb, `~SEQx is only valid for positive numbers '${shown}'`);
    return null;
  }
  const textStart = endSeq + 1 + spanBlank(buf, endSeq + 1);
  return { kind: 'seq', name: buf.slice(varStart, varEnd), next: start, step, last: end, hex, text: sub(lb, textStart) };
}

export function addLst(lb: LineBuf, diags: DiagnosticOut): SeqGen | null {
  const buf = lb.text;
  let p = 4;
  p += spanBlank(buf, p);
  if (ch(buf, p++) !== '(') return null;
  p += spanBlank(buf, p);
  let endChar = ',';
  if (buf[p] === '{') { endChar = '}'; p++; p += spanBlank(buf, p); }
  const params: string[] = [];
  let numVars = 0;
  for (;;) {
    const v = p;
    p = cspan(buf, p, ' \t,}');
    params.push(buf.slice(v, p));
    p += spanBlank(buf, p);
    if (ch(buf, p) === endChar) break;
    if (buf[p] !== ',') return null;
    p += spanBlank(buf, p + 1) + 1;
    numVars++;
  }
  if (buf[p] === '}') p += spanBlank(buf, p + 1) + 1;
  if (ch(buf, p++) !== ',') return null;
  p += spanBlank(buf, p);
  const values: string[][] = [];
  for (;;) {
    const set: string[] = [];
    endChar = ',';
    if (buf[p] === '{') { endChar = '}'; p++; p += spanBlank(buf, p); }
    let numValues = 0;
    for (;;) {
      const v = p;
      p = cspan(buf, p, ' \t,})');
      set.push(buf.slice(v, p));
      p += spanBlank(buf, p);
      const c = ch(buf, p);
      if (c === endChar || (c === ')' && endChar === ',')) break;
      if (c !== ',') return null;
      p += spanBlank(buf, p + 1) + 1;
      if (++numValues > numVars) {
        err(diags, lb, `~LST specification has too many values '${toDisplay(buf)}'`);
        return null;
      }
    }
    for (; numValues < numVars; numValues++) set.push('');
    values.push(set);
    if (buf[p] === '}' && endChar === '}') p += spanBlank(buf, p + 1) + 1;
    if (buf[p] === ')') break;
    if (ch(buf, p) !== ',') return null;
    p += spanBlank(buf, p + 1) + 1;
  }
  p += spanBlank(buf, p + 1) + 1;
  return { kind: 'lst', params, values, idx: 0, text: sub(lb, Math.min(p, buf.length)) };
}
