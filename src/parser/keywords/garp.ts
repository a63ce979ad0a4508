// The six GARP timing keywords, once for both places keepalived 2.2.7 reads them: global_defs'
// vrrp_garp_* (global_parser.c) and vrrp_instance's garp_* (vrrp_parser.c) take the same words, limits
// and messages (the instance's with "(NAME): " before them). Measured with keepalived -t
// (test/unit/parser/garp-keywords.test.ts): delays are whole seconds up to UINT_MAX / TIMER_HZ
// (4294), repeats up to UINT_MAX (lower_prio_repeat: INT_MAX, and 0 allowed); a repeat of 0 is
// "set to 1"; an invalid refresh turns refresh off instead of being ignored.
import type { GlobalDefs, VrrpInstance } from '../../config/model.js';
import type { KeywordDef, KwArgs } from '../schema.js';
import { readUnsigned } from '../values.js';

/** The setting a keyword sets: GlobalDefs' vrrpGarp<P>, VrrpInstance's garp<P>. */
export type GarpParam = 'MasterDelay' | 'MasterRepeat' | 'MasterRefresh' | 'MasterRefreshRepeat' | 'LowerPrioDelay' | 'LowerPrioRepeat';

export interface GarpKeyword {
  /** The instance keyword; the global one is vrrp_ + name. */
  name: string;
  param: GarpParam;
  max: number;
  /** 0 is refused: "<kw> must be greater than 0, setting to 1". */
  zeroIsOne: boolean;
  /** keepalived's wording for a value it cannot read. */
  invalid: (kw: string, text: string) => string;
  /** An unreadable value sets 0 (refresh off) instead of leaving the setting as it was. */
  invalidSetsZero?: boolean;
}

const DELAY_MAX = Math.floor(4294967295 / 1000000);
const ignoring = (kw: string, t: string): string => `${kw} '${t}' invalid - ignoring`;

/** In keepalived's order of declaration (and the printer's). */
export const GARP_KEYWORDS: readonly GarpKeyword[] = [
  { name: 'garp_master_delay', param: 'MasterDelay', max: DELAY_MAX, zeroIsOne: false, invalid: ignoring },
  { name: 'garp_master_repeat', param: 'MasterRepeat', max: 4294967295, zeroIsOne: true, invalid: ignoring },
  { name: 'garp_master_refresh', param: 'MasterRefresh', max: 4294967295, zeroIsOne: false, invalid: (kw, t) => `Invalid ${kw} '${t}' - ignoring`, invalidSetsZero: true },
  { name: 'garp_master_refresh_repeat', param: 'MasterRefreshRepeat', max: 4294967295, zeroIsOne: true, invalid: ignoring },
  { name: 'garp_lower_prio_delay', param: 'LowerPrioDelay', max: DELAY_MAX, zeroIsOne: false, invalid: ignoring },
  { name: 'garp_lower_prio_repeat', param: 'LowerPrioRepeat', max: 2147483647, zeroIsOne: false, invalid: (kw, t) => `Invalid ${kw} '${t}'` },
];

/** The keyword definitions for one place: `kw` names the keyword, `who` prefixes messages, `set` stores. */
function garpKeywords<C>(
  kw: (k: GarpKeyword) => string, who: (c: C) => string, set: (c: C, p: GarpParam, v: number) => void,
): KeywordDef<C>[] {
  return GARP_KEYWORDS.map((k) => ({
    name: kw(k), priority: 'P1', args: ['uint'],
    handle: (c: C, a: KwArgs) => {
      const name = kw(k), t = a.need(1);
      const v = readUnsigned(a, t, 0, k.max);
      if (v === undefined) {
        a.error(`${who(c)}${k.invalid(name, t)}`);
        if (k.invalidSetsZero) set(c, k.param, 0);
        return;
      }
      if (v === 0 && k.zeroIsOne) { a.error(`${who(c)}${name} must be greater than 0, setting to 1`); set(c, k.param, 1); return; }
      set(c, k.param, v);
    },
  }));
}

export const globalGarpKeywords = (): KeywordDef<GlobalDefs>[] =>
  garpKeywords<GlobalDefs>((k) => `vrrp_${k.name}`, () => '', (g, p, v) => { g[`vrrpGarp${p}`] = v; });

export const instanceGarpKeywords = <C extends { vi: VrrpInstance }>(): KeywordDef<C>[] =>
  garpKeywords<C>((k) => k.name, (c) => `(${c.vi.name}): `, (c, p, v) => { c.vi[`garp${p}`] = v; });
