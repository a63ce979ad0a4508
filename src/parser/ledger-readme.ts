// The README's list of what is not implemented, generated from the keyword ledger (ledger.ts) and
// written between two markers in README.md by `npm run ledger:readme` (scripts/ledger-readme.ts does
// the file I/O; this module is pure). The ledger test fails when README.md and the ledger disagree.
import { LEDGER } from './ledger.js';

export const START = '<!-- ledger:not-implemented:start (generated from src/parser/ledger.ts by `npm run ledger:readme`) -->';
export const END = '<!-- ledger:not-implemented:end -->';

/** The generated lines (without the markers): one bullet, one sub-bullet per reason. */
export function readmeSection(): string {
  const byReason = new Map<string, Map<string, string[]>>();
  let total = 0; let missing = 0;
  for (const [key, e] of Object.entries(LEDGER)) {
    total++;
    if (e.status !== 'not-implemented') continue;
    missing++;
    const [block, kw] = key.split('/') as [string, string];
    const blocks = byReason.get(e.reason) ?? new Map<string, string[]>();
    byReason.set(e.reason, blocks);
    blocks.set(block, [...(blocks.get(block) ?? []), kw]);
  }
  const out = [
    `- Not implemented: ${missing} of the ${total} keywords of keepalived 2.2.7 (the keyword ledger, src/parser/ledger.ts). They are`,
    '  accepted, and both `-t` and start-up warn at each use, naming the keyword and its file and line:',
  ];
  for (const [reason, blocks] of byReason) {
    const parts = [...blocks].map(([b, kws]) => `${b === 'top' ? 'top level' : b} ${kws.map((k) => `\`${k}\``).join(', ')}`);
    out.push(...wrap(`  - ${reason}: ${parts.join('; ')}.`, '    '));
  }
  return out.join('\n');
}

/** Words of `line` in lines of at most WIDTH characters, the later ones indented. */
function wrap(line: string, indent: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const w of line.split(/(?<=\S) (?=\S)/)) {
    if (cur && cur.length + 1 + w.length > WIDTH) { out.push(cur); cur = indent + w; } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) out.push(cur);
  return out;
}

const WIDTH = 118;

/** `readme` with the text between the markers replaced by `section` (the markers must be there). */
export function replaceSection(readme: string, section: string): string {
  const a = readme.indexOf(START); const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${START} ... ${END} markers`);
  return `${readme.slice(0, a + START.length)}\n${section}\n${readme.slice(b)}`;
}
