// iproute2's names for routing numbers, as keepalived 2.2.7 resolves them (lib/rttables.c): a word
// is a number (strtoul base 0: decimal, 0x hex, 0 octal) within the kind's maximum, or a name from
// /etc/iproute2/<file> ("NUMBER NAME" lines), completed by built-in defaults for tables, protocols
// and scopes. Route types (RTN_*) are a fixed list. Files are read once, through the reader given
// (src/host/system.ts reads the real ones): this module does no I/O of its own.

export type RtNameKind = 'table' | 'dsfield' | 'realms' | 'proto' | 'scope' | 'group';

interface KindDef { file: string; max: number; defaults: readonly [number, string][] }

const KINDS: Record<RtNameKind, KindDef> = {
  table: { file: 'rt_tables', max: 0xffffffff, defaults: [[253, 'default'], [254, 'main'], [255, 'local']] },
  dsfield: { file: 'rt_dsfield', max: 255, defaults: [] },
  realms: { file: 'rt_realms', max: 255, defaults: [] },
  proto: {
    file: 'rt_protos', max: 255, defaults: [[0, 'none'], [1, 'redirect'], [2, 'kernel'], [3, 'boot'], [4, 'static'], [8, 'gated'], [9, 'ra'],
      [10, 'mrt'], [11, 'zebra'], [12, 'bird'], [42, 'babel'], [13, 'dnrouted'], [14, 'xorp'], [15, 'ntk'], [16, 'dhcp']],
  },
  scope: { file: 'rt_scopes', max: 255, defaults: [[0, 'global'], [255, 'nowhere'], [254, 'host'], [253, 'link'], [200, 'site']] },
  group: { file: 'group', max: 0x7fffffff, defaults: [] },
};

/** RTN_* route types by name (keepalived's rtntypes[]; `brd` is an alias of broadcast). */
export const RTN = {
  unspec: 0, unicast: 1, local: 2, broadcast: 3, anycast: 4, multicast: 5, blackhole: 6, unreachable: 7, prohibit: 8,
  throw: 9, nat: 10, xresolve: 11,
} as const;
const RTN_NAMES: readonly [string, number][] = [
  ['local', 2], ['nat', 10], ['broadcast', 3], ['brd', 3], ['anycast', 4], ['multicast', 5], ['prohibit', 8], ['unreachable', 7],
  ['blackhole', 6], ['xresolve', 11], ['unicast', 1], ['throw', 9],
];

const ULONG = 2n ** 64n;
const WS = /^[ \t\n\r\f\v]+/;

/**
 * C's strtoul(s, &end, base) on the longest number at the start of `s` (after white space and a
 * sign): the unsigned long value (a '-' negates modulo 2^64; overflow gives ULONG_MAX) and the text
 * after it (all of `s` when there is no number, as C leaves end = s).
 */
export function strtoulPrefix(s: string, base: 0 | 10 = 0): { value: bigint; rest: string; digits: boolean } {
  const t = s.replace(WS, '');
  const m = /^[+-]?/.exec(t)!;
  const body = t.slice(m[0].length);
  let digits: string, radix: 8 | 10 | 16, skip = 0;
  if (base === 0 && /^0[xX][0-9a-fA-F]/.test(body)) { radix = 16; skip = 2; digits = /^[0-9a-fA-F]+/.exec(body.slice(2))![0]; }
  else if (base === 0 && body.startsWith('0')) { radix = 8; digits = /^[0-7]+/.exec(body)![0]; }
  else { radix = 10; digits = /^[0-9]*/.exec(body)![0]; }
  if (digits === '') return { value: 0n, rest: s, digits: false };
  let v = BigInt(radix === 16 ? `0x${digits}` : radix === 8 ? `0o${digits}` : digits);
  if (v >= ULONG) v = ULONG - 1n;
  if (m[0] === '-' && v !== 0n) v = ULONG - v;
  return { value: v, rest: body.slice(skip + digits.length), digits: true };
}

/** strtoul() that must consume the whole word: its value, or undefined. */
export function strtoulWhole(s: string, base: 0 | 10 = 0): bigint | undefined {
  const r = strtoulPrefix(s, base);
  return r.digits && r.rest === '' ? r.value : undefined;
}

export type FileReader = (path: string) => string | undefined;

/** Name tables of one process (files read on first use, as keepalived). */
export class RtNames {
  private readonly lists = new Map<RtNameKind, [number, string][]>();

  constructor(private readonly read: FileReader, private readonly dir = '/etc/iproute2/') {}

  private list(kind: RtNameKind): [number, string][] {
    let l = this.lists.get(kind);
    if (l) return l;
    const def = KINDS[kind];
    l = [];
    for (const line of (this.read(this.dir + def.file) ?? '').split('\n')) {
      const words = line.split('#')[0]!.trim().split(/\s+/).filter(Boolean);
      if (words.length !== 2) continue;
      const id = strtoulWhole(words[0]!);
      if (id === undefined || words[0]!.trimStart().startsWith('-') || id > BigInt(def.max)) continue;
      l.push([Number(id), words[1]!]);
    }
    for (const [id, name] of def.defaults) if (!l.some(([i]) => i === id)) l.push([id, name]);
    this.lists.set(kind, l);
    return l;
  }

  /** find_rttables_*: the number for a word, or undefined. dsfield / proto / scope keep the low byte. */
  find(kind: RtNameKind, word: string): number | undefined {
    const max = KINDS[kind].max;
    const n = strtoulWhole(word);
    if (n !== undefined) {
      const id = Number(n & 0xffffffffn); // stored in an unsigned int
      return id <= max ? id : undefined;
    }
    return this.list(kind).find(([, name]) => name === word)?.[0];
  }

  /** getprotobyname(): an IP protocol number by name or alias from /etc/protocols. */
  ipProto(name: string): number | undefined {
    if (!this.protos) {
      this.protos = new Map();
      for (const line of (this.read('/etc/protocols') ?? '').split('\n')) {
        const w = line.split('#')[0]!.trim().split(/\s+/).filter(Boolean);
        const n = w[1] !== undefined ? Number(w[1]) : NaN;
        if (Number.isInteger(n)) for (const x of [w[0]!, ...w.slice(2)]) if (!this.protos.has(x)) this.protos.set(x, n);
      }
    }
    return this.protos.get(name);
  }

  private protos?: Map<string, number>;

  /** get_rttables_*: the name of a number, or the number itself. */
  name(kind: RtNameKind, id: number): string {
    return this.list(kind).find(([i]) => i === id)?.[1] ?? String(id);
  }
}

/** find_rttables_rtntype: a type name or a number 0..255. */
export function findRtnType(word: string): number | undefined {
  const hit = RTN_NAMES.find(([n]) => n === word);
  if (hit) return hit[1];
  if (word.startsWith('-')) return undefined;
  const n = strtoulWhole(word);
  return n !== undefined && n <= 255n ? Number(n) : undefined;
}

/** get_rttables_rtntype: the first name of a type, or its number. */
export function rtnTypeName(type: number): string {
  return RTN_NAMES.find(([, v]) => v === type)?.[0] ?? String(type);
}
