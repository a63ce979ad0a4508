// A small glob(3) with keepalived's flags GLOB_MARK | GLOB_BRACE (| GLOB_ALTDIRFUNC accounting):
// `*`, `?`, `[...]` (with `!`/`^` negation and ranges), `\x` escapes, csh `{a,b}` braces (nested),
// leading-dot names only matched by a literal dot, directories marked with a trailing '/',
// results sorted (strcmp) per brace alternative, in the same relative/absolute form as the pattern.
// It also counts what keepalived's gl_opendir/gl_lstat hooks count: missing files, missing
// directories and whether a wildcard was expanded (used for the include_check messages).
// The directory listings and stat() calls go through the host's files (HostFiles): no I/O here.
import * as path from 'node:path';
import { isHostError, type HostFiles } from '../../host/facts.js';

export interface GlobResult {
  matches: string[];
  missingFiles: number;
  missingDirs: number;
  haveWildcards: boolean;
  hasBrace: boolean;
}

/** Expand csh braces; an unbalanced brace is left as it is. */
export function expandBraces(pat: string): string[] {
  let depth = 0;
  let open = -1;
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i];
    if (c === '\\') { i++; continue; }
    if (c === '{') { if (depth++ === 0) open = i; }
    else if (c === '}' && depth > 0) {
      if (--depth === 0) {
        const inner = pat.slice(open + 1, i);
        const alts: string[] = [];
        let d = 0;
        let last = 0;
        for (let j = 0; j < inner.length; j++) {
          const cj = inner[j];
          if (cj === '\\') { j++; continue; }
          if (cj === '{') d++;
          else if (cj === '}') d--;
          else if (cj === ',' && d === 0) { alts.push(inner.slice(last, j)); last = j + 1; }
        }
        alts.push(inner.slice(last));
        const pre = pat.slice(0, open);
        const post = pat.slice(i + 1);
        const out: string[] = [];
        for (const a of alts) for (const e of expandBraces(pre + a + post)) out.push(e);
        return out;
      }
    }
  }
  return [pat];
}

export function hasBrace(pat: string): boolean {
  for (let i = 0; i < pat.length; i++) {
    if (pat[i] === '\\') i++;
    else if (pat[i] === '{') return true;
  }
  return false;
}

function isMagic(seg: string): boolean {
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '\\') { i++; continue; }
    if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

function unescape(seg: string): string {
  return seg.includes('\\') ? seg.replace(/\\(.)/g, '$1') : seg;
}

/** fnmatch() of one path segment (no '/'), FNM_PERIOD semantics for a leading dot. */
export function segMatch(pat: string, name: string): boolean {
  if (name.startsWith('.') && !pat.startsWith('.') && !pat.startsWith('\\.')) return false;
  return matchAt(pat, 0, name, 0, 0);
}

function matchAt(p: string, pi: number, s: string, si: number, depth: number): boolean {
  if (depth > 64) return false;
  while (pi < p.length) {
    const c = p[pi]!;
    if (c === '*') {
      while (p[pi] === '*') pi++;
      if (pi === p.length) return true;
      for (let k = si; k <= s.length; k++) if (matchAt(p, pi, s, k, depth + 1)) return true;
      return false;
    }
    if (si >= s.length) return false;
    if (c === '?') { pi++; si++; continue; }
    if (c === '[') {
      const r = matchClass(p, pi, s[si]!);
      if (r === null) { if (s[si] !== '[') return false; pi++; si++; continue; }
      if (!r.ok) return false;
      pi = r.next; si++;
      continue;
    }
    if (c === '\\' && pi + 1 < p.length) { if (p[pi + 1] !== s[si]) return false; pi += 2; si++; continue; }
    if (c !== s[si]) return false;
    pi++; si++;
  }
  return si === s.length;
}

function matchClass(p: string, pi: number, c: string): { ok: boolean; next: number } | null {
  let i = pi + 1;
  let neg = false;
  if (p[i] === '!' || p[i] === '^') { neg = true; i++; }
  let ok = false;
  let first = true;
  while (i < p.length && (p[i] !== ']' || first)) {
    first = false;
    let lo = p[i]!;
    if (lo === '\\' && i + 1 < p.length) { i++; lo = p[i]!; }
    if (p[i + 1] === '-' && i + 2 < p.length && p[i + 2] !== ']') {
      let hi = p[i + 2]!;
      let adv = 3;
      if (hi === '\\' && i + 3 < p.length) { hi = p[i + 3]!; adv = 4; }
      if (c >= lo && c <= hi) ok = true;
      i += adv;
    } else {
      if (c === lo) ok = true;
      i++;
    }
  }
  if (i >= p.length) return null;
  return { ok: ok !== neg, next: i + 1 };
}

function statKind(files: HostFiles, full: string): 'dir' | 'file' | null {
  const st = files.stat(full);
  if (!isHostError(st)) return st.kind === 'dir' ? 'dir' : 'file';
  return isHostError(files.lstat(full)) ? null : 'file';
}

/**
 * glob(pattern) with relative patterns resolved against `cwd`. Returned paths keep the pattern's
 * form (relative stays relative), like glibc.
 */
export function glob(pattern: string, cwd: string, files: HostFiles): GlobResult {
  const res: GlobResult = { matches: [], missingFiles: 0, missingDirs: 0, haveWildcards: false,
    hasBrace: hasBrace(pattern) };
  const alts = res.hasBrace ? expandBraces(pattern) : [pattern];
  for (const alt of alts) {
    if (alt === '') continue;
    const found: string[] = [];
    const abs = alt.startsWith('/');
    const segs = alt.split('/');
    // prefix as written, and the absolute directory it designates
    walk(files, abs ? '/' : '', abs ? '/' : cwd, segs, abs ? 1 : 0, found, res);
    found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const f of found) res.matches.push(f);
  }
  return res;
}

function join(shown: string, name: string): string {
  if (shown === '') return name;
  return shown.endsWith('/') ? shown + name : shown + '/' + name;
}

function walk(
  files: HostFiles, shown: string, real: string, segs: string[], i: number, out: string[], res: GlobResult,
): void {
  if (out.length > 100000) return;
  // skip empty segments (a//b, trailing /)
  while (i < segs.length && segs[i] === '' && i < segs.length - 1) { shown = shown.endsWith('/') ? shown : shown + '/'; i++; }
  if (i >= segs.length || (segs[i] === '' && i === segs.length - 1)) {
    const k = statKind(files, real);
    if (!k) { res.missingFiles++; return; }
    out.push(k === 'dir' && !shown.endsWith('/') ? shown + '/' : shown);
    return;
  }
  const seg = segs[i]!;
  const last = i === segs.length - 1;
  if (!isMagic(seg)) {
    const name = unescape(seg);
    const nextShown = join(shown, name);
    const nextReal = path.join(real, name);
    if (last) {
      const k = statKind(files, nextReal);
      if (!k) { res.missingFiles++; return; }
      out.push(k === 'dir' ? nextShown + '/' : nextShown);
      return;
    }
    walk(files, nextShown, nextReal, segs, i + 1, out, res);
    return;
  }
  res.haveWildcards = true;
  const listed = files.readdir(real);
  if (isHostError(listed)) {
    res.missingDirs++;
    return;
  }
  const names = [...listed].sort();
  for (const n of names) {
    if (!segMatch(seg, n)) continue;
    const nextShown = join(shown, n);
    const nextReal = path.join(real, n);
    if (last) {
      const k = statKind(files, nextReal);
      if (!k) continue;
      out.push(k === 'dir' ? nextShown + '/' : nextShown);
    } else if (statKind(files, nextReal) === 'dir') {
      walk(files, nextShown, nextReal, segs, i + 1, out, res);
    }
  }
}
