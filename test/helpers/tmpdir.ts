// Per-run temporary directories for tests: each is made fresh under os.tmpdir() with a unique
// name (mkdtemp), so two runs of one test file at once (two developers on one machine) never
// share or delete each other's files; the owner removes it in an after/finally hook.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A new directory `${os.tmpdir()}/${prefix}-XXXXXX`. mkdtemp makes it 0700; pass `mode` (e.g.
 * 0o755) when a process of another user must read it (nginx workers run as nobody).
 */
export function makeTempDir(prefix: string, opts: { mode?: number } = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  if (opts.mode !== undefined) chmodSync(dir, opts.mode);
  return dir;
}

/** Deletes a directory made by makeTempDir (nothing when undefined or already gone). */
export function removeTempDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** Runs fn with a fresh temporary directory and removes it afterwards, also when fn fails. */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => T | Promise<T>): Promise<T> {
  const dir = makeTempDir(prefix);
  try { return await fn(dir); } finally { removeTempDir(dir); }
}

/**
 * For an after() hook: removes `dir` when every test of the suite passed; when one failed, keeps it
 * (its logs are the evidence) and says where it is. Call as `removeUnlessFailed(this, dir)`.
 */
export function removeUnlessFailed(ctx: Mocha.Context, dir: string | undefined): void {
  if (!dir) return;
  const failed = (ctx.test?.parent?.tests ?? []).some((t) => t.state === 'failed');
  if (failed) console.log(`      kept ${dir}`);
  else removeTempDir(dir);
}
