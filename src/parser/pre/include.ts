// include / includer / includem / includew / includeb / includea (keepalived 2.2.7 is_include(),
// check_include(), include_check_set()). The rest of the line is the glob pattern.
export const INCLUDE_R = 1;
export const INCLUDE_M = 2;
export const INCLUDE_W = 4;
export const INCLUDE_B = 8;
export const INCLUDE_ALL = INCLUDE_R | INCLUDE_M | INCLUDE_W | INCLUDE_B;

function isspace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
}

/** Returns the include type bits and the pattern, or null if the line is not an include. */
export function parseInclude(buf: string): { type: number; pattern: string } | null {
  if (!buf.startsWith('include') || buf.length <= 7) return null;
  const c7 = buf[7];
  let p: number;
  let type: number;
  if (isspace(c7)) { p = 8; type = 0; }
  else if (isspace(buf[8]) && 'rmwba'.includes(c7!)) {
    p = 9;
    switch (c7) {
      case 'r': type = INCLUDE_R; break;
      case 'a': type = INCLUDE_ALL; break;
      case 'w': type = INCLUDE_R | INCLUDE_M | INCLUDE_W; break;
      case 'm': type = INCLUDE_R | INCLUDE_M; break;
      default: type = INCLUDE_R | INCLUDE_B; break;
    }
  } else return null;
  while (p < buf.length && (buf[p] === ' ' || buf[p] === '\t')) p++;
  return { type, pattern: buf.slice(p) };
}

export function includeCheckFromOpts(o?: { read: boolean; match: boolean; wildcardMatch: boolean;
    braceMatch: boolean }): number {
  if (!o) return 0;
  return (o.read ? INCLUDE_R : 0) | (o.match ? INCLUDE_M : 0) | (o.wildcardMatch ? INCLUDE_W : 0)
    | (o.braceMatch ? INCLUDE_B : 0);
}

/** include_check_set(): words after the keyword; returns the new include_check bits. */
export function includeCheckSet(cur: number, args: string[]): number {
  if (args.length === 0) return INCLUDE_ALL;
  let v = cur;
  args.forEach((word, idx) => {
    let mode = 0;
    let off = 1;
    if (word[0] === '-') mode = -1;
    else if (word[0] === '+') mode = 1;
    else {
      off = 0;
      if (idx === 0) v = 0;
      else return;
    }
    const w = word.slice(off);
    const flag = w === 'read' ? INCLUDE_R : w === 'match' ? INCLUDE_M : w === 'wildcard_match' ? INCLUDE_W : w === 'brace_match' ? INCLUDE_B : 0;
    if (!flag) return;
    if (mode === 0) v = INCLUDE_R | flag;
    else if (mode === 1) v |= flag;
    else v &= ~flag;
  });
  return v;
}
