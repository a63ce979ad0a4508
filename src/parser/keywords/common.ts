// Shared pieces of the keyword tables: the build context handed to top-level handlers, keyword
// constructors for the common shapes (flag, number with range, string, P2 keep-verbatim), and
// parsers for the line syntaxes several blocks share (script strings, track_* entries).
import type { KeywordDef, KwArgs, Priority, ArgType } from '../schema.js';
import type { KeepalivedConfig, ScriptSpec, TrackRef } from '../../config/model.js';
import { readDecimal, readInt, readUnsigned, readOptBool } from '../values.js';
import { rest } from '../reader.js';
import { splitScript, isDiagnostic } from '../script-split.js';

export interface BuildCtx {
  cfg: KeepalivedConfig;
  hostname: string;
  /** Names declared so far, for duplicate checks. */
  seen: Map<string, Set<string>>;
  /** script_user given in global_defs. */
  scriptUserSet: boolean;
}

type Setter<C, V> = (ctx: C, v: V, a: KwArgs) => void;

/** A keyword without value that sets a flag. */
export function flag<C>(name: string, set: (ctx: C, a: KwArgs) => void, priority: Priority = 'P1', aliases?: string[]): KeywordDef<C> {
  return { name, aliases, priority, args: ['none'], handle: (c, a) => set(c, a) };
}

/** A keyword with an optional BOOL (true|on|yes / false|off|no; omitted = true). */
export function bool<C>(name: string, set: Setter<C, boolean>, priority: Priority = 'P1', aliases?: string[], msg?: (t: string) => string): KeywordDef<C> {
  return { name, aliases, priority, args: ['bool'], handle: (c, a) => set(c, readOptBool(a, name, msg), a) };
}

export interface NumOpts {
  kind: 'int' | 'uint' | 'dec';
  min: number;
  max: number;
  /** The handler's own complaint after the reader's message; `%s` = the text. */
  msg?: (text: string, a: KwArgs) => string;
  default?: number;
  /** keepalived's handler parses without the generic "invalid number"/range line. */
  quiet?: boolean;
}

/** Reads word 1 as a number; on failure prints the reader message, then the handler's. */
export function readNum(a: KwArgs, o: NumOpts, idx = 1): number | undefined {
  const t = a.need(idx);
  const rep = !o.quiet;
  const v = o.kind === 'int' ? readInt(a, t, o.min, o.max, rep) : o.kind === 'uint' ? readUnsigned(a, t, o.min, o.max, rep) : readDecimal(a, t, o.min, o.max, rep);
  if (v === undefined && o.msg) a.error(o.msg(t, a));
  return v;
}

export function num<C>(name: string, o: NumOpts, set: Setter<C, number>, priority: Priority = 'P1', aliases?: string[]): KeywordDef<C> {
  return {
    name, aliases, priority, default: o.default, args: [o.kind === 'dec' ? 'timer' : o.kind],
    handle: (c, a) => { const v = readNum(a, o); if (v !== undefined) set(c, v, a); },
  };
}

/** A keyword taking one string argument (word 1). */
export function str<C>(name: string, set: Setter<C, string>, priority: Priority = 'P1', aliases?: string[]): KeywordDef<C> {
  return { name, aliases, priority, args: ['string'], handle: (c, a) => set(c, a.need(1), a) };
}

export interface HasExtra { extra: Record<string, string[]> }

/** A P2 keyword: parsed and kept verbatim in `extra` (the reader adds the 'info' note). */
export function p2<C extends HasExtra>(name: string, aliases?: string[], args: ArgType[] = ['rest']): KeywordDef<C> {
  return { name, aliases, priority: 'P2', args, handle: (c, a) => { c.extra[a.words[0]!.text] = rest(a.words, 1); } };
}

/** Script string (install_keyword_quoted): raw rest of line after the keyword -> argv + user/group. */
export function scriptSpec(a: KwArgs, from = 1): ScriptSpec {
  a.need(from);
  const raw = rawRest(a.line.text, from);
  const s = splitScript(raw, a.pos(from));
  if (isDiagnostic(s)) { a.error(s.message, 'error', s.code); return { argv: [], raw, pos: a.pos(from) }; }
  const spec: ScriptSpec = { argv: s.argv, raw, pos: a.pos(from) };
  if (s.user !== undefined) spec.user = s.user;
  if (s.group !== undefined) spec.group = s.group;
  return spec;
}

/** The processed line text after its first `n` words (keepalived re-splits that raw text). */
export function rawRest(text: string, n: number): string {
  let i = 0;
  for (let k = 0; k < n; k++) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text[i] === '"') { const e = text.indexOf('"', i + 1); i = e < 0 ? text.length : e + 1; }
    else while (i < text.length && !/\s/.test(text[i]!) && text[i] !== '"') i++;
  }
  return text.slice(i).trim();
}

/** track_script/track_interface/track_file/track_process entry: NAME [weight N [reverse|noreverse]]. */
export function trackRef(a: KwArgs, min: number, max: number, what: string, owner: string): TrackRef | undefined {
  const name = a.need(0);
  let weight = 0; let reverse = false; let set = false;
  for (let i = 1; i < a.size; i++) {
    const w = a.opt(i)!;
    if (w === 'weight') {
      const t = a.opt(i + 1);
      if (t === undefined) { a.error(`(${owner}) track ${what} ${name} option weight missing value - ignoring`); return undefined; }
      const v = readInt(a, t, -254, 254);
      if (v === undefined || v < min || v > max) {
        a.error(`(${owner}) track ${what} ${name}: weight must be between [${min}..${max}] inclusive, ignoring...`);
        return undefined;
      }
      weight = v; set = true; i++;
    } else if (w === 'reverse') reverse = true;
    else if (w === 'noreverse') reverse = false;
    else if (what === 'interface') a.error(`(${owner}) unknown track_interface ${name} option ${w} - ignoring`);
    else a.error(`(${owner}) unknown track ${what} option ${w} - ignoring`);
  }
  const ref: TrackRef = { name, weight, reverse, pos: a.pos(0) };
  if (set) explicitWeight.add(ref);
  return ref;
}

/** Track references that gave `weight` themselves (others take the tracked object's weight). */
export const explicitWeight = new WeakSet<TrackRef>();

export function addSeen(ctx: BuildCtx, kind: string, name: string): boolean {
  let s = ctx.seen.get(kind);
  if (!s) { s = new Set(); ctx.seen.set(kind, s); }
  if (s.has(name)) return false;
  s.add(name);
  return true;
}
