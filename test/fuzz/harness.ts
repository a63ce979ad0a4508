// The one small fuzzing harness every fuzz target shares (bench/fuzz.ts, test/unit/fuzz/*): a seeded
// PRNG (input i of seed s is rebuilt from (s, i) alone), byte mutators (bit flips, truncation,
// extension, splicing, length-field lies, huge values), and a tally of outcomes by kind with the
// escaped exceptions, the slowest input and the inputs over the time bound. A target turns an
// input into the product's typed outcome; anything it throws is an escaped exception.

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded random source with the few draws fuzzers need. */
export class Rng {
  readonly next: () => number;
  constructor(seed: number) { this.next = mulberry32(seed); }
  /** The generator of input `i` of run `seed`: every input can be rebuilt on its own. */
  static forInput(seed: number, i: number): Rng { return new Rng(Math.imul(seed ^ 0x5bd1e995,
    0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)); }
  /** Integer in [0, n). */
  int(n: number): number { return Math.floor(this.next() * n); }
  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number { return lo + this.int(hi - lo + 1); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]!; }
  /** Picks by weight: [[weight, value], ...]. */
  weighted<T>(xs: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of xs) total += w;
    let r = this.next() * total;
    for (const [w, v] of xs) { if ((r -= w) < 0) return v; }
    return xs[xs.length - 1]![1];
  }
  bytes(n: number): Buffer { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) b[i] = this.int(256); return b; }
}

/** Values that break length and count fields: zero, one, boundaries, all ones. */
export const HUGE_VALUES = [0, 1, 3, 4, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff,
  0x80000000, 0xffffffff] as const;

export type MutationKind = 'bitflip' | 'byte' | 'truncate' | 'extend' | 'splice' | 'length-lie' | 'huge-value' | 'duplicate' | 'delete';

/** Writes v at `at` as a little- or big-endian field of `width` bytes (what it fits). */
function writeField(b: Buffer, at: number, width: 1 | 2 | 4, v: number, le: boolean): void {
  if (at + width > b.length) return;
  if (width === 1) b[at] = v & 0xff;
  else if (width === 2) { if (le) b.writeUInt16LE(v & 0xffff, at); else b.writeUInt16BE(v & 0xffff, at); }
  else if (le) b.writeUInt32LE(v >>> 0, at); else b.writeUInt32BE(v >>> 0, at);
}

/**
 * One mutation of `b` (a new buffer; `b` is not changed). `lengthAt` lists offsets of the sample's
 * real length fields (netlink nlmsg_len / nla_len ...) so that length lies hit them, not only random
 * bytes; `le` is their byte order. `donors` are other samples for splicing.
 */
export function mutateOnce(rng: Rng, b: Buffer, opts: { donors?: readonly Buffer[];
    lengthAt?: readonly { at: number; width: 2 | 4 }[]; le?: boolean } = {}): [Buffer, MutationKind] {
  const kind = rng.weighted<MutationKind>([[4, 'bitflip'], [2, 'byte'], [1, 'truncate'], [1, 'extend'], [1, 'splice'], [2, 'length-lie'], [1, 'huge-value'], [0.5, 'duplicate'], [0.5, 'delete']]);
  const out = Buffer.from(b);
  const le = opts.le ?? true;
  switch (kind) {
    case 'bitflip': if (out.length) { const i = rng.int(out.length); out[i] = out[i]! ^ (1 << rng.int(8)); } return [out, kind];
    case 'byte': if (out.length) out[rng.int(out.length)] = rng.pick([0, 0xff, 0x7f, 0x80, rng.int(256)]); return [out, kind];
    case 'truncate': return [out.subarray(0, rng.int(out.length + 1)), kind];
    case 'extend': return [Buffer.concat([out, rng.chance(0.5) ? rng.bytes(1 + rng.int(64)) : Buffer.alloc(1 + rng.int(4096), rng.int(256))]), kind];
    case 'splice': {
      const d = opts.donors?.length ? rng.pick(opts.donors) : out;
      const at = rng.int(out.length + 1), from = rng.int(d.length + 1), len = rng.int(d.length - from + 1);
      return [Buffer.concat([out.subarray(0, at), d.subarray(from, from + len),
        out.subarray(rng.chance(0.5) ? at : Math.min(out.length, at + len))]), kind];
    }
    case 'length-lie': {
      const fields = opts.lengthAt ?? [];
      const f = fields.length && rng.chance(0.8) ? rng.pick(fields)
        : { at: rng.int(Math.max(1, out.length)) & ~1, width: rng.pick([2, 4] as const) };
      const cur = f.at + f.width <= out.length ? (f.width === 2 ? (le ? out.readUInt16LE(f.at) : out.readUInt16BE(f.at))
        : (le ? out.readUInt32LE(f.at) : out.readUInt32BE(f.at))) : 0;
      const lie = rng.pick([0, 1, 3, 4, cur - 1, cur + 1, cur + 4, cur * 2, Math.max(0, cur - 4), 0xffff,
        0xffffffff, rng.int(65536)]);
      writeField(out, f.at, f.width, lie, le);
      return [out, kind];
    }
    case 'huge-value': {
      const at = rng.int(Math.max(1, out.length));
      writeField(out, at, rng.pick([1, 2, 4] as const), rng.pick(HUGE_VALUES), rng.chance(0.5) ? le : !le);
      return [out, kind];
    }
    case 'duplicate': {
      const from = rng.int(out.length + 1), len = rng.int(Math.min(256, out.length - from) + 1);
      return [Buffer.concat([out.subarray(0, from + len), out.subarray(from, from + len),
        out.subarray(from + len)]), kind];
    }
    case 'delete': {
      const from = rng.int(out.length + 1), len = rng.int(Math.min(64, out.length - from) + 1);
      return [Buffer.concat([out.subarray(0, from), out.subarray(from + len)]), kind];
    }
  }
}

/** 1..max mutations in a row; returns the result and the kinds applied. */
export function mutate(rng: Rng, b: Buffer,
    opts: Parameters<typeof mutateOnce>[2] & { max?: number } = {}): [Buffer, MutationKind[]] {
  let out = b;
  const kinds: MutationKind[] = [];
  const n = 1 + rng.int(opts.max ?? 4);
  for (let i = 0; i < n; i++) { const [m, k] = mutateOnce(rng, out, opts); out = m; kinds.push(k); }
  return [out, kinds];
}

/** A fuzz target: builds input i and feeds it to the product, which answers with a typed outcome kind. */
export interface FuzzTarget<I> {
  name: string;
  /** Input i of the run (only `rng` may be used for randomness). */
  generate(rng: Rng, i: number): I;
  /** The product's verdict on the input, as a short kind ("accepted", "rejected:too-short"...). Throwing = escaped
   *  exception. */
  run(input: I): string | Promise<string>;
  /** A short printable form of an input, for reports. */
  show?(input: I): string;
  /** Once after the run (temp files). */
  cleanup?(): void;
  /** A second tally the target keeps (e.g. diagnostic codes seen), printed with the report. */
  detail?(): Record<string, number>;
}

export interface FuzzReport {
  target: string;
  seed: number;
  inputs: number;
  ms: number;
  /**
   * Outcome kind -> count; every input is in exactly one. 'EXCEPTION': an exception escaped; kinds
   * starting with '!' are invariant violations the target found (a failure as well).
   */
  byKind: Record<string, number>;
  exceptions: number;
  /** Inputs whose kind starts with '!'. */
  violations: number;
  firstViolation?: { index: number; kind: string; input: string };
  detail?: Record<string, number>;
  firstException?: { index: number; error: string; input: string };
  slowest: { index: number; ms: number; kind: string };
  /** Inputs that took longer than boundMs (CPU + wait time of the input). */
  overBound: number;
  boundMs: number;
}

const show = <I>(t: FuzzTarget<I>, input: I): string => {
  try { return t.show ? t.show(input) : JSON.stringify(input)?.slice(0, 400) ?? String(input); } catch { return '(unprintable)'; }
};

/** Runs inputs [from, from + n) of `seed` through the target; `progress(i)` before each input (watchdog). */
export async function runFuzz<I>(t: FuzzTarget<I>, n: number, seed = 1,
    opts: { boundMs?: number; from?: number; progress?: (i: number) => void } = {}): Promise<FuzzReport> {
  const boundMs = opts.boundMs ?? 1000;
  const r: FuzzReport = { target: t.name, seed, inputs: 0, ms: 0, byKind: {}, exceptions: 0, violations: 0, slowest: { index: -1, ms: 0, kind: '' }, overBound: 0, boundMs };
  const t0 = performance.now();
  const from = opts.from ?? 0;
  try {
    for (let i = from; i < from + n; i++) {
      opts.progress?.(i);
      const input = t.generate(Rng.forInput(seed, i), i);
      const s = performance.now();
      let kind: string;
      try {
        const k = t.run(input);
        kind = typeof k === 'string' ? k : await k;
      } catch (e) {
        kind = 'EXCEPTION';
        r.exceptions++;
        r.firstException ??= { index: i, error: String((e as Error)?.stack ?? e), input: show(t, input) };
      }
      const ms = performance.now() - s;
      if (kind.startsWith('!')) { r.violations++; r.firstViolation ??= { index: i, kind, input: show(t, input) }; }
      if (ms > r.slowest.ms) r.slowest = { index: i, ms, kind };
      if (ms > boundMs) r.overBound++;
      r.byKind[kind] = (r.byKind[kind] ?? 0) + 1;
      r.inputs++;
    }
  } finally {
    t.cleanup?.();
  }
  r.ms = performance.now() - t0;
  const d = t.detail?.();
  if (d) r.detail = d;
  return r;
}

/** Adds b's counts into a (runs split over workers or seeds). */
export function mergeReports(a: FuzzReport, b: FuzzReport): FuzzReport {
  const add = (x: Record<string, number> = {}, y: Record<string, number> = {}) => {
    const o = { ...x };
    for (const [k, v] of Object.entries(y)) o[k] = (o[k] ?? 0) + v;
    return o;
  };
  return {
    ...a, inputs: a.inputs + b.inputs, ms: a.ms + b.ms, byKind: add(a.byKind, b.byKind),
    exceptions: a.exceptions + b.exceptions,
    violations: a.violations + b.violations, firstViolation: a.firstViolation ?? b.firstViolation,
    ...(a.detail || b.detail ? { detail: add(a.detail, b.detail) } : {}),
    firstException: a.firstException ?? b.firstException, slowest: b.slowest.ms > a.slowest.ms ? b.slowest : a.slowest,
    overBound: a.overBound + b.overBound,
  };
}

/** The report as text lines: totals, then the kinds by count. */
export function formatReport(r: FuzzReport): string {
  const lines = [
    `${r.target}: ${r.inputs} inputs in ${(r.ms / 1000).toFixed(2)} s (${Math.round(r.inputs / (r.ms / 1000 || 1))}/s), seed ${r.seed}; ` +
      `exceptions ${r.exceptions}; violations ${r.violations}; slowest #${r.slowest.index} ${r.slowest.ms.toFixed(1)} ms (${r.slowest.kind}); over ${r.boundMs} ms: ${r.overBound}`,
  ];
  for (const [k, v] of Object.entries(r.byKind).sort((x, y) => y[1] - x[1])) lines.push(`  ${k.padEnd(48)} ${v}`);
  if (r.detail) {
    lines.push('  detail:');
    for (const [k, v] of Object.entries(r.detail).sort((x, y) => y[1] - x[1])) lines.push(`    ${k.padEnd(46)} ${v}`);
  }
  if (r.firstViolation) lines.push(`first violation at input #${r.firstViolation.index}: ${r.firstViolation.kind}\n  input: ${r.firstViolation.input}`);
  if (r.firstException) lines.push(`first exception at input #${r.firstException.index}: ${r.firstException.error}\n  input: ${r.firstException.input}`);
  return lines.join('\n');
}
