// The table-driven reader on hand-built ConfigLine streams (no preprocessor): brace rules, value
// blocks, unknown keywords, the missing-parameter abort, and handler dispatch through aliases.
import { strict as assert } from 'node:assert';
import type { ConfigLine } from '../../../../src/parser/lines.js';
import { readConfig, type ParseDiagnostic } from '../../../../src/parser/reader.js';
import { table } from '../../../../src/parser/schema.js';
import { fakeHost } from '../../../helpers/fake-host.js';
import { NOT_IMPLEMENTED_CODE, no } from '../../../../src/parser/ledger-types.js';

/** One ConfigLine per string; '{' and '}' alone become brace lines (as the preprocessor splits them). */
function lines(...src: string[]): ConfigLine[] {
  return src.map((text, i) => {
    const t = text.trim();
    const pos = { file: 't.conf', line: i + 1, col: 1 };
    const words = t ? t.split(/\s+/).map((w, k) => ({ text: w, quoted: false, pos: { file: 't.conf', line: i + 1, col: 1 + k } })) : [];
    const l: ConfigLine = { text: t, words, pos };
    if (t === '{' || t === '}') l.brace = t;
    return l;
  });
}

interface Ctx { seen: string[]; items: string[] }
const inner = table('inner', [
  { name: 'k', priority: 'P0', handle: (c: Ctx, a) => { c.seen.push(`k=${a.need(1)}`); } },
  { name: 'p2kw', priority: 'P2', handle: (c: Ctx) => { c.seen.push('p2kw'); } },
]);
const top = table('top', [
  { name: 'blk', priority: 'P0', block: 'keywords', table: inner, handle: (c: Ctx, a) => { c.seen.push(`blk ${a.opt(1) ?? ''}`.trim()); return c; }, close: (c: Ctx) => { c.seen.push('close'); } },
  { name: 'list', aliases: ['lst'], priority: 'P0', block: 'lines', item: (c: Ctx, a) => { c.items.push(a.words.map((w) => w.text).join(' ')); } },
  { name: 'words', priority: 'P0', block: 'words', item: (c: Ctx, a) => { c.items.push(a.need(0)); } },
  { name: 'flag', priority: 'P0', handle: (c: Ctx) => { c.seen.push('flag'); } },
]);

function run(...src: string[]): { ctx: Ctx; diags: ParseDiagnostic[]; aborted: boolean; msgs: string[] } {
  const ctx: Ctx = { seen: [], items: [] };
  const r = readConfig(lines(...src), top, ctx, { host: fakeHost(), ledger: (b, k) => (b === 'inner' && k === 'p2kw' ? no('for this test') : undefined) });
  return { ctx, diags: r.diagnostics, aborted: r.aborted, msgs: r.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.pos?.line ?? '-'}: ${d.message}`) };
}

const CASES: { name: string; src: string[]; seen?: string[]; items?: string[]; msgs: string[]; aborted?: boolean }[] = [
  { name: "'{' on the next line", src: ['blk A', '{', 'k 1', '}'], seen: ['blk A', 'k=1', 'close'], msgs: [] },
  // keepalived's other processes skip the block and read its body at top level (unknown keywords);
  // the '}' then takes the brace depth below 0.
  { name: "missing '{': reported, lines still read as block content", src: ['blk A', 'k 1', '}'], seen: ['blk A', 'k=1', 'close'],
    msgs: ["2: Unknown keyword 'k'", "3: Unknown keyword '}'", "2: Missing '{' at beginning of configuration block", "3: Extra '}' found", "3: Unknown keyword '}'"] },
  { name: "unknown keyword's block is not skipped: its '}' closes the parent", src: ['blk', '{', 'bogus', '{', 'k 1', '}', 'flag', '}'],
    seen: ['blk', 'k=1', 'close', 'flag'], msgs: ["3: Unknown keyword 'bogus'", "4: Unexpected '{' - ignoring", "8: Unknown keyword '}'"] },
  { name: "extra '}' at top level", src: ['flag', '}'], seen: ['flag'], msgs: ["2: Extra '}' found", "2: Unknown keyword '}'"] },
  { name: "missing '}' at EOF: block closed, counted", src: ['blk', '{', 'k 1', 'blk', '{'], seen: ['blk', 'k=1', 'close'],
    msgs: ["4: Unknown keyword 'blk'", "5: Unexpected '{' - ignoring", "5: There are 2 missing '}'s or extra '{'s"] },
  { name: 'value block: one item per line, alias', src: ['lst', '{', 'a x y', 'b', '}'], items: ['a x y', 'b'], msgs: [] },
  { name: 'word block: every word is an item', src: ['words', '{', 'a b', 'c', '}'], items: ['a', 'b', 'c'], msgs: [] },
  { name: "value block without '{': silent, first line is an item", src: ['list', 'a', '}'], items: ['a'], msgs: ["3: Extra '}' found"] },
  { name: 'value block with extra parameters', src: ['list x', '{', 'a', '}'], items: ['a'], msgs: ['1: Block list has extra parameters x ...'] },
  { name: 'missing parameter aborts (exit 2 class) and stops reading', src: ['blk', '{', 'k', 'k 2', '}', 'flag'], seen: ['blk'], aborted: true,
    msgs: ['3: *** Configuration line starting `k` is missing a parameter after keyword `k` at word position 2'] },
  { name: 'not-implemented keyword: handled, info warning only', src: ['blk', '{', 'p2kw', '}'], seen: ['blk', 'p2kw', 'close'], msgs: [] },
];

describe('parser: reader (hand-built line streams)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const r = run(...c.src);
      if (c.seen) assert.deepEqual(r.ctx.seen, c.seen);
      if (c.items) assert.deepEqual(r.ctx.items, c.items);
      assert.deepEqual(r.msgs, c.msgs);
      assert.equal(r.aborted, c.aborted ?? false);
    });
  }
  it('abort diagnostic has severity abort; a not-implemented keyword (from the ledger) has severity info, its own code and place', () => {
    assert.equal(run('blk', '{', 'k', '}').diags.at(-1)!.severity, 'abort');
    const n = run('blk', '{', 'p2kw', '}').diags;
    assert.equal(n.length, 1);
    assert.equal(n[0]!.severity, 'info');
    assert.equal(n[0]!.code, NOT_IMPLEMENTED_CODE);
    assert.equal(n[0]!.message, "WARNING - keyword 'p2kw' is not implemented by keepalived-ts: for this test");
    assert.deepEqual(n[0]!.pos, { file: 't.conf', line: 3, col: 1 });
  });
  it('diagnostics carry the word position', () => {
    const d = run('flag', 'nope').diags[0]!;
    assert.deepEqual(d.pos, { file: 't.conf', line: 2, col: 1 });
  });
});
