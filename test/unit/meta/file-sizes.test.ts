// Small files with one concern each: a module under src/ has at most MAX_LINES lines unless the table
// below lists it with the reason it is longer. The test fails for an unlisted long file, and for a
// listed file that is no longer long (so the table stays the list of today's exceptions).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MAX_LINES = 400;

/** The src/ files allowed over MAX_LINES, each with why it is one file. */
export const LONG_FILES: Record<string, string> = {
  'src/vrrp/fsm.ts':
    'one state machine: the transitions of a VRRP instance share its timers, counters and held state',
  'src/config/model.ts': 'data: the typed configuration model (interfaces and unions only)',
  'src/daemon/parent.ts':
    'one process: the parent\'s start, reload, respawn and stop sequences in keepalived\'s measured order',
  'src/parser/ledger.ts': 'data: one entry per keyword of keepalived 2.2.7',
  'src/vrrp/runtime/vrrp-runtime.ts':
    'the VRRP lifecycle (start, reload, stop) read top to bottom; its parts live in src/vrrp/runtime/',
  'src/parser/keywords/vrrp-instance.ts': 'data: the vrrp_instance keyword table, one entry per keyword',
  'src/parser/printer.ts': 'one printer: every block of the model written back as config text, in the model\'s order',
  'src/check/core/checker-fsm.ts':
    'one state machine: retry / delay_before_retry / has_run per checker family with their log lines',
  'src/vrrp/routes/core.ts':
    'one core: the `set` flag of each static and virtual route / rule through start, reload, events and stop',
};

/** Every .ts file under dir, as a path relative to ROOT. */
function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    return e.isDirectory() ? sources(rel) : e.name.endsWith('.ts') ? [rel] : [];
  });
}

/** Lines of a text as an editor numbers them (a last line without a newline counts). */
const linesOf = (text: string): number => (text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0));
const lineCount = (file: string): number => linesOf(fs.readFileSync(path.join(ROOT, file), 'utf8'));

describe(`meta: src/ files are at most ${MAX_LINES} lines unless listed with a reason`, () => {
  const sizes = new Map(sources('src').map((f) => [f, lineCount(f)]));

  it('no unlisted file is over the limit', () => {
    const over = [...sizes].filter(([f, n]) => n > MAX_LINES && !(f in LONG_FILES)).map(([f, n]) => `${f}: ${n}`);
    assert.deepEqual(over, [], `split these, or list them in LONG_FILES with the reason they are one file`);
  });

  it('every listed file exists, is still over the limit and has a reason', () => {
    const stale = Object.entries(LONG_FILES)
      .filter(([f, why]) => !sizes.has(f) || sizes.get(f)! <= MAX_LINES || why.trim() === '')
      .map(([f]) => `${f}: ${sizes.get(f) ?? 'missing'}`);
    assert.deepEqual(stale, [], 'remove these from LONG_FILES');
  });

  it('counts lines as an editor numbers them', () => {
    assert.deepEqual(['', 'x', 'x\n', 'x\ny', 'x\ny\n'].map(linesOf), [0, 1, 1, 2, 2]);
  });
});
