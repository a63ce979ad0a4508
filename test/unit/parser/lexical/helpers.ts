// Shared helpers for the preprocessor tests: run preprocessText/preprocessFile on a scratch
// directory and reduce the result to plain data (word lists, messages) for table assertions, and
// run such a table (ppCases).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { preprocessFile, preprocessText } from '../../../../src/parser/preprocess.js';
import type { PreprocessOptions, PreprocessResult } from '../../../../src/parser/lines.js';
import { systemFiles } from '../../../../src/host/system.js';
import { it } from 'mocha';

/** The preprocessor on the real file system (scratch directories). */
export const OPTS: PreprocessOptions = { configId: 'idX', randomSeed: 1, files: systemFiles };

export function words(r: PreprocessResult): string[][] {
  return r.lines.map((l) => l.words.map((w) => w.text));
}

export function messages(r: PreprocessResult): string[] {
  return r.diagnostics.map((d) => d.message);
}

/** Preprocess text named keepalived.conf in `dir` (a fresh scratch dir by default). */
export function pp(text: string, opts: Partial<PreprocessOptions> = {}, dir?: string): PreprocessResult {
  const d = dir ?? scratch();
  return preprocessText(text, path.join(d, 'keepalived.conf'), { ...OPTS, ...opts });
}

const dirs: string[] = [];

export function scratch(files: Record<string, string | Buffer> = {}): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kpa-'));
  dirs.push(d);
  for (const [name, content] of Object.entries(files)) {
    const f = path.join(d, name);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, content);
  }
  return d;
}

export function cleanupScratch(): void {
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
}

export function ppFile(dir: string, name: string, opts: Partial<PreprocessOptions> = {}): PreprocessResult {
  return preprocessFile(path.join(dir, name), { ...OPTS, ...opts });
}

/** A table row: name, config text, the words of each logical line, the messages (none when left out). */
export type PpCase = [name: string, input: string, lines: string[][], msgs?: string[]];

/** One test a row (inside describe()): preprocess the input, compare the words per line and the messages. */
export function ppCases(cases: readonly PpCase[]): void {
  for (const [name, input, lines, msgs] of cases) {
    it(name, () => {
      const r = pp(input);
      assert.deepEqual(words(r), lines);
      assert.deepEqual(messages(r), msgs ?? []);
    });
  }
}
