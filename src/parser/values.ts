// Value readers with keepalived's wording (lib/parser.c read_*_strvec): integers, unsigned,
// decimals (TIMER, up to 6 places), booleans, IP addresses and prefixes. Each returns a value or
// undefined after reporting through the KwArgs of the line; handlers then add their own message,
// exactly as keepalived prints two lines ("invalid number 'abc'" + the handler's complaint).
import { isIPv4, isIPv6 } from 'node:net';
import type { KwArgs } from './schema.js';
import type { IpFamily } from '../config/model.js';

const INT_RE = /^\s*[+-]?\d+$/;
const DEC_RE = /^\s*[+-]?(\d+\.?\d*|\.\d+)$/;

/** strtol-style integer in [min, max]; messages as read_int_strvec. */
export function readInt(a: KwArgs, text: string, min: number, max: number, report = true): number | undefined {
  if (!INT_RE.test(text)) { if (report) a.error(`invalid number '${text}'`); return undefined; }
  const v = Number.parseInt(text, 10);
  if (v < min || v > max) { if (report) a.error(`number '${text}' outside range [${min}, ${max}]`); return undefined; }
  return v;
}

/** strtoul-style unsigned in [min, max]; a leading '-' is "negative number". */
export function readUnsigned(a: KwArgs, text: string, min: number, max: number, report = true): number | undefined {
  const t = text.trimStart();
  // read_unsigned_func: any text whose first non-blank character is '-' is a "negative number"
  if (t.startsWith('-')) { if (report) a.error(`negative number '${text}'`); return undefined; }
  if (INT_RE.test(t) && Number(t) > 4294967295 && max <= 4294967295) { if (report) a.error(`number '${text}' outside unsigned integer range`); return undefined; }
  return readInt(a, text, min, max, report);
}

function fmtF(n: number): string { return n.toFixed(6); }

/** Decimal with up to 6 places (read_decimal_unsigned_strvec); range printed with %f. */
export function readDecimal(a: KwArgs, text: string, min: number, max: number, report = true,
    maxText?: string): number | undefined {
  const t = text.trimStart();
  if (!DEC_RE.test(t)) { if (report) a.error(`invalid number '${text}'`); return undefined; }
  if (t.startsWith('-')) { if (report) a.error(`negative number '${text}'`); return undefined; }
  const frac = t.split('.')[1];
  if (frac !== undefined && frac.length > 6) { if (report) a.error(`number '${text}' has too many decimal places`); return undefined; }
  const v = Number.parseFloat(t);
  if (v < min || v > max) { if (report) a.error(`number '${text}' outside range [${fmtF(min)}, ${maxText ?? fmtF(max)}]`); return undefined; }
  return v;
}

/** keepalived's TIMER maximum for delay_loop & co (UINT64 microseconds), as it prints it. */
export const TIMER_MAX = 18446744073709.551614;
export const TIMER_MAX_TEXT = '18446744073709.551614';

/** Integer seconds as keepalived 2.2.7 reads most timers (read_unsigned_strvec on whole seconds). */
export function readSeconds(a: KwArgs, text: string, min: number, max: number): number | undefined {
  return readUnsigned(a, text, min, max);
}

/** check_true_false: true|on|yes / false|off|no; anything else is an error. */
export function parseBool(text: string): boolean | undefined {
  if (text === 'true' || text === 'on' || text === 'yes') return true;
  if (text === 'false' || text === 'off' || text === 'no') return false;
  return undefined;
}

/** BOOL keyword whose value may be omitted (means true). */
export function readOptBool(a: KwArgs, kw: string, msg?: (t: string) => string): boolean {
  const t = a.opt(1);
  if (t === undefined) return true;
  const b = parseBool(t);
  if (b === undefined) { a.error(msg ? msg(t) : `Invalid ${kw} parameter ${t}`); return true; }
  return b;
}

export function ipFamily(addr: string): IpFamily | undefined {
  if (isIPv4(addr)) return 'inet';
  if (isIPv6(addr)) return 'inet6';
  return undefined;
}

export interface Prefix { address: string; prefixLen: number; family: IpFamily; hasLen: boolean; badLen?: string }

/** "IP[/len]" as inet_stosockaddr/parse_ipaddress: the length must fit the family. */
export function parsePrefix(text: string): Prefix | undefined {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const family = ipFamily(addr);
  if (!family) return undefined;
  const max = family === 'inet' ? 32 : 128;
  if (slash < 0) return { address: addr, prefixLen: max, family, hasLen: false };
  const ls = text.slice(slash + 1);
  if (!/^\d+$/.test(ls)) return undefined;
  const len = Number(ls);
  // keepalived: "number '33' outside range [0, 32]" + "Invalid address prefix len ... - using 32"
  if (len > max) return { address: addr, prefixLen: max, family, hasLen: true, badLen: ls };
  return { address: addr, prefixLen: len, family, hasLen: true };
}

export function isHexString(s: string): boolean { return /^[0-9a-fA-F]*$/.test(s) && s.length % 2 === 0; }
