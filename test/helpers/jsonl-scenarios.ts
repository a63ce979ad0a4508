// Scenarios as data, the generic part: a scenario is a folder <root>/<name>/ holding events.jsonl (line 1 a
// header with at least a title, then one step a line) and expected-actions.jsonl (one JSON object a line:
// what the core under test produced). A runner per core (test/unit/vrrp/scenario-runner.ts,
// test/unit/check/scenario-runner.ts) turns the steps into lines; this module reads and writes the files
// and compares the produced lines with the expected ones, line by line, naming the file and line.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const EVENTS = 'events.jsonl';
export const EXPECTED = 'expected-actions.jsonl';

export type Line = Record<string, unknown>;

export interface Scenario<H extends { title: string }, S> { name: string; dir: string; header: H; steps: S[] }

/** One JSON value a line (blank lines skipped); a bad line is an error naming file:line. */
export function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l, i) => {
    try { return JSON.parse(l) as T; } catch (e) { throw new Error(`${file}:${i + 1}: ${(e as Error).message}`); }
  });
}

export function writeJsonl(file: string, lines: readonly unknown[]): void {
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

/** The scenario folders under `root`, sorted. */
export function scenarioNames(root: string): string[] {
  return readdirSync(root).filter((n) => statSync(join(root, n)).isDirectory()).sort();
}

/** Reads <dir>/events.jsonl: the header line, then the steps (their shape is the runner's to check). */
export function loadScenario<H extends { title: string }, S>(dir: string, name: string): Scenario<H, S> {
  const [header, ...steps] = readJsonl<unknown>(join(dir, EVENTS));
  if (!header || typeof (header as { title?: unknown }).title !== 'string') {
    throw new Error(`${join(dir, EVENTS)}:1: the header has no title`);
  }
  return { name, dir, header: header as H, steps: steps as S[] };
}

/**
 * The produced lines must be the expected ones (`want`, else <dir>/expected-actions.jsonl): each line
 * deep-equal, none missing, none extra; the first difference fails naming <name>/expected-actions.jsonl
 * and its line number.
 */
export function assertExpected(s: { name: string; dir: string }, lines: readonly Line[], want?: readonly Line[]): void {
  const expected = want ?? readJsonl<Line>(join(s.dir, EXPECTED));
  for (let i = 0; i < Math.max(lines.length, expected.length); i++) {
    assert.deepEqual(lines[i], expected[i], `${s.name}/${EXPECTED} line ${i + 1}`);
  }
}

/** A record.ts main: writes expected-actions.jsonl of the named folders of `root` from what `run` produces. */
export async function recordScenarios(root: string, names: string[],
    run: (dir: string, name: string) => readonly Line[] | Promise<readonly Line[]>): Promise<void> {
  for (const name of names) {
    const lines = await run(join(root, name), name);
    writeJsonl(join(root, name, EXPECTED), lines);
    console.log(`${name}: ${lines.length} lines`);
  }
}
